from django.db.models import QuerySet

from gonghui.core.scoping import scope
from gonghui.ledger.models import LedgerEntry


def entries_visible_to(actor) -> QuerySet[LedgerEntry]:
    return scope(LedgerEntry.objects.all(), actor).select_related("org", "category")
