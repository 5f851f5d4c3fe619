"""Writes of the reports app: yearly targets, set from above."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.orgs.models import Org
from gonghui.reports.models import Target
from gonghui.reports.registry import all_indicators


def target_set(*, actor, org: Org, indicator: str, year: int, value) -> Target:
    """Set (or change) an org's target for a year. Only an org above it sets it: a township
    does not set its own target, the county does."""
    require_perm(actor, "reports.add_target")
    if indicator not in all_indicators():
        raise DomainError({"indicator": _("No such indicator.")})
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise DomainError({"value": _("Not a number.")}) from None
    if amount <= 0:
        raise DomainError({"value": _("A target is more than zero.")})
    with transaction.atomic():
        require_in_scope(actor, org)
        own = getattr(actor, "org", None)
        if own is not None and own.pk == org.pk:
            raise DomainError(_("An organisation's targets are set by the organisation above."))
        target, created = Target.objects.update_or_create(
            org=org,
            indicator=indicator,
            year=year,
            defaults={"value": amount, "set_by": actor if getattr(actor, "pk", None) else None},
        )
        record_event(
            actor=actor,
            action="target.set",
            org=org,
            target=target,
            details={"indicator": indicator, "year": year, "value": amount, "created": created},
        )
    return target
