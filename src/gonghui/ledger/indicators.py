"""The work ledger's indicators: for each category, the sum of its main unit, and the funds."""

from django.db.models import F, Q, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gonghui.core.indicators import Indicator
from gonghui.ledger.models import LedgerEntry
from gonghui.ledger.taxonomy import CATEGORIES, PHRASES, UNITS


def _in_category(code):
    return lambda: Q(category__code=code)


# From the categories the platform ships; categories administrators add are listed in the
# ledger and the table by category, and get indicators once added to ``taxonomy.py``.
INDICATORS = [
    ind
    for area, code, name, unit in CATEGORIES
    for ind in (
        Indicator(
            f"ledger.{code}",
            name,
            UNITS[unit],
            area,
            LedgerEntry.objects.all,
            "org",
            date_field="starts_on",
            measure=Sum(unit),
            records=("admin:ledger_ledgerentry_changelist", {"category__code": code}),
            where=_in_category(code),
            estimated=lambda: Q(is_estimate=True),
            phrase=PHRASES.get(code, ""),
        ),
        Indicator(
            f"ledger.{code}.amount",
            format_lazy("{}{}", name, _("(funds)")),
            "元",
            area,
            LedgerEntry.objects.all,
            "org",
            date_field="starts_on",
            measure=Sum(F("cash_amount") + F("goods_value")),
            records=("admin:ledger_ledgerentry_changelist", {"category__code": code}),
            where=_in_category(code),
        ),
    )
]
