"""Campaigns (帮扶项目) and their amount standards (金额标准)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from gonghui.assistance.models import (
    AmountStandard,
    Campaign,
    Grant,
)
from gonghui.assistance.services.common import (
    _money,
)
from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.services import (
    record_create,
    record_update,
)
from gonghui.orgs.models import Org

# -- campaigns ------------------------------------------------------------------------------


def campaign_create(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    year: int,
    org: Org,
    budget: Decimal | int | str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    eligibility: str = Campaign.Eligibility.ANYONE,
    school_levels: list[str] | tuple = (),
    lower_units_may_apply: bool = True,
    notice_days: int = 5,
    objection_contact: str = "",
    is_open: bool = True,
    note: str = "",
) -> Campaign:
    return record_create(
        actor=actor,
        instance=Campaign(
            code=code,
            name=name,
            kind=kind,
            year=year,
            org=org,
            budget=budget,
            starts_on=starts_on,
            ends_on=ends_on,
            eligibility=eligibility,
            school_levels=list(school_levels),
            lower_units_may_apply=lower_units_may_apply,
            notice_days=notice_days,
            objection_contact=objection_contact,
            is_open=is_open,
            note=note,
        ),
    )


def campaign_update(*, actor, campaign: Campaign, changes: dict) -> Campaign:
    with transaction.atomic():
        if "budget" in changes:
            # Approvals lock this row too: no approval slips in between the check and the write.
            Campaign.objects.select_for_update().get(pk=campaign.pk)
            _check_budget_change(campaign, Decimal(changes["budget"]))
        return record_update(actor=actor, instance=campaign, changes=changes)


def _check_budget_change(campaign: Campaign, budget: Decimal) -> None:
    committed = committed_amount(campaign)
    if budget < committed:
        raise DomainError(
            {
                "budget": _(
                    "The budget cannot go below what is already approved or paid (%(c)s yuan)."
                )
                % {"c": committed}
            }
        )


def standard_set(
    *, actor, campaign: Campaign, max_amount, category: str = "", school_level: str = ""
) -> AmountStandard:
    require_perm(actor, "assistance.change_campaign")
    amount = _money(max_amount, "max_amount")
    if amount <= 0:
        raise DomainError({"max_amount": _("A standard is more than zero.")})
    with transaction.atomic():
        require_in_scope(actor, campaign.org)
        standard, _created = AmountStandard.objects.update_or_create(
            campaign=campaign,
            category=category,
            school_level=school_level,
            defaults={"max_amount": amount},
        )
        record_event(
            actor=actor,
            action="campaign.standard",
            org=campaign.org,
            target=campaign,
            details={"category": category, "school_level": school_level, "max": amount},
        )
    return standard


def standard_delete(*, actor, standard: AmountStandard) -> None:
    require_perm(actor, "assistance.change_campaign")
    with transaction.atomic():
        require_in_scope(actor, standard.campaign.org)
        record_event(
            actor=actor,
            action="campaign.standard_delete",
            org=standard.campaign.org,
            target=standard.campaign,
            details={"category": standard.category, "school_level": standard.school_level},
        )
        standard.delete()


def committed_amount(campaign: Campaign) -> Decimal:
    total = Grant.objects.filter(campaign=campaign, status__in=Grant.COMMITTED).aggregate(
        cash=Sum("cash_amount"), goods=Sum("goods_value")
    )
    return (total["cash"] or Decimal(0)) + (total["goods"] or Decimal(0))


def standard_for(campaign: Campaign, category: str, school_level: str) -> Decimal | None:
    """The most a grant may give: the most specific standard that applies, if any."""
    best = None
    for s in campaign.standards.all():
        if s.category not in ("", category) or s.school_level not in ("", school_level):
            continue
        rank = (s.category != "") + (s.school_level != "")
        if best is None or rank > best[0]:
            best = (rank, s.max_amount)
    return best[1] if best else None
