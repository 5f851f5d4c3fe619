"""What the assistance services share: purposes of encrypted fields, money, the actor."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from gonghui.assistance.models import (
    Grant,
    HardshipFile,
)
from gonghui.core.errors import DomainError

STUDENT_PURPOSE = "grant.student_id_number"
BANK_PURPOSE = "grant.bank_account"
CENT = Decimal("0.01")
G = Grant.Status
H = HardshipFile.Status


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(value if value not in (None, "") else 0).quantize(CENT)
    except Exception:
        raise DomainError({field: _("Not an amount of money.")}) from None
    if amount < 0:
        raise DomainError({field: _("An amount cannot be negative.")})
    return amount


def _user(actor):
    return actor if getattr(actor, "pk", None) else None
