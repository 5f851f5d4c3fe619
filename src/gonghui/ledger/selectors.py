from django.db.models import QuerySet

from gonghui.core.scoping import scope
from gonghui.ledger.models import LedgerAttachment, LedgerEntry


def entries_visible_to(actor) -> QuerySet[LedgerEntry]:
    return scope(LedgerEntry.objects.all(), actor).select_related("org", "category")


def attachments_visible_to(actor) -> QuerySet[LedgerAttachment]:
    return scope(LedgerAttachment.objects.select_related("entry__org"), actor, "entry__org")


def categories_offered():
    """The categories a new entry may take: in use, and not taken over by an installed area's
    own records (``WorkAreaApp.supersedes``)."""
    from gonghui.core.workareas import superseded_ledger_categories
    from gonghui.ledger.models import LedgerCategory

    return LedgerCategory.objects.filter(is_active=True).exclude(
        code__in=list(superseded_ledger_categories())
    )


def entries_waiting(actor, key: str, today) -> QuerySet[LedgerEntry]:
    """To-do ``ledger.month`` (a routine one, shown at zero too): the entries the actor's own
    union has recorded for this month so far, so a month without any is noticed in time."""
    own = getattr(actor, "org", None)
    if own is None or key != "ledger.month":
        return LedgerEntry.objects.none()
    return scope(LedgerEntry.objects.all(), actor).filter(
        org=own, starts_on__year=today.year, starts_on__month=today.month
    )
