from django.db.models import QuerySet

from gonghui.core.scoping import scope
from gonghui.ledger.models import LedgerAttachment, LedgerEntry
from gonghui.ledger.services import COUNTS


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


# The entry form's fields that only some categories use, and the field of the wording (or of
# the category) that says a category uses them.
AMOUNTS = ("cash_amount", "goods_value")
OPTIONAL_FIELDS = (*COUNTS, *AMOUNTS, "further_figures", "unit_words", "subtype", "campaign")


def fields_used(category) -> set[str]:
    """The entry form's optional fields ``category`` uses: its main count and the counts its
    wording says ("签订集体合同{items}，覆盖企业{households}"), the amounts where it says
    {amount}, further figures, unit words and sub-types where it declares them, the campaign
    for assistance. A category whose wording is empty says all its figures: every count and
    the amounts."""
    from gonghui.core.workareas import WorkArea

    wording = category.wording or {}
    said = " ".join(t for alternatives in wording.get("say", []) for t in alternatives)
    if not said:
        used = {*COUNTS, *AMOUNTS}
    else:
        used = {category.unit} | {c for c in COUNTS if "{" + c + "}" in said}
        if "{amount}" in said:
            used |= set(AMOUNTS)
    if wording.get("extra"):
        used.add("further_figures")
    if wording.get("unit_choices"):
        used.add("unit_words")
    if category.subtypes:
        used.add("subtype")
    if category.work_area == WorkArea.ASSISTANCE:
        used.add("campaign")
    return used


def categories_using() -> dict[str, list[int]]:
    """For each optional field of the entry form, the offered categories that use it: the
    form shows the field for those (and wherever it already holds a value)."""
    using: dict[str, list[int]] = {name: [] for name in OPTIONAL_FIELDS}
    for category in categories_offered().order_by("pk"):
        for name in fields_used(category):
            using[name].append(category.pk)
    return using
