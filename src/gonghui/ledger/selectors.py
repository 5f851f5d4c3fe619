from django.db.models import QuerySet

from gonghui.core.scoping import scope
from gonghui.ledger.models import LedgerAttachment, LedgerEntry


def entries_visible_to(actor) -> QuerySet[LedgerEntry]:
    return scope(LedgerEntry.objects.all(), actor).select_related("org", "category")


def attachments_visible_to(actor) -> QuerySet[LedgerAttachment]:
    return scope(LedgerAttachment.objects.select_related("entry__org"), actor, "entry__org")
