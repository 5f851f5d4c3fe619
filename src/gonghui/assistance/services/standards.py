"""Local standards (地方标准): the subsistence line and yearly cap of a region."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from gonghui.assistance.models import (
    LocalPolicy,
)
from gonghui.core.access import require_perm
from gonghui.core.constraints import full_clean
from gonghui.core.events import record_event
from gonghui.core.policy import in_force
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import region_of

# -- local standards ------------------------------------------------------------------------


def policy_for(org: Org, on: datetime.date) -> LocalPolicy | None:
    """The local standard in force for the org's region on the day (``core.policy``)."""
    return in_force(LocalPolicy.objects.all(), region_of(org), on)


def policy_create(
    *,
    actor,
    region_code: str,
    year: int,
    effective_from: datetime.date,
    subsistence_line: Decimal | int | str,
    effective_to: datetime.date | None = None,
    yearly_cap_per_person: Decimal | int | str | None = None,
    note: str = "",
) -> LocalPolicy:
    """A region's local standard from a date (platform administrators)."""
    require_perm(actor, "assistance.add_localpolicy")
    policy = LocalPolicy(
        region_code=region_code,
        year=year,
        effective_from=effective_from,
        effective_to=effective_to,
        subsistence_line=subsistence_line,
        yearly_cap_per_person=yearly_cap_per_person,
        note=note,
    )
    with transaction.atomic():
        full_clean(policy)
        policy.save()
        org = getattr(actor, "org", None) or Org.objects.filter(parent=None).first()
        record_event(actor=actor, action="localpolicy.create", org=org, target=policy)
    return policy


def policy_update(*, actor, policy: LocalPolicy, changes: dict) -> LocalPolicy:
    require_perm(actor, "assistance.change_localpolicy")
    with transaction.atomic():
        locked = LocalPolicy.objects.select_for_update().get(pk=policy.pk)
        diff = {}
        for key, value in changes.items():
            if getattr(locked, key) != value:
                diff[key] = [getattr(locked, key), value]
                setattr(locked, key, value)
        full_clean(locked)
        locked.save()
        org = getattr(actor, "org", None) or Org.objects.filter(parent=None).first()
        record_event(
            actor=actor,
            action="localpolicy.update",
            org=org,
            target=locked,
            details={"changes": diff},
        )
    return locked
