"""Regional policy (core.policy): the rule in force for a region on a day, from the county's
own rows up to its province's; and the organisation rules that use it (re-election notice)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.policy import in_force, regions_from
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs import services as org_services
from gonghui.orgs.models import Org, OrgPolicy


def test_the_region_chain_runs_from_county_to_province():
    assert regions_from("530524") == ["530524", "530500", "530000"]
    assert regions_from("530500") == ["530500", "530000"]
    assert regions_from("") == []


def test_the_most_specific_region_and_the_day_decide(tree):
    def rule(region, start, end, days):
        return org_services.org_policy_create(
            actor=tree.admin,
            region_code=region,
            effective_from=start,
            effective_to=end,
            reelection_due_within_days=days,
        )

    rule("530000", datetime.date(2020, 1, 1), None, 90)  # the province
    rule("530524", datetime.date(2026, 7, 1), None, 120)  # the county, from July
    rows = OrgPolicy.objects.all()
    assert in_force(rows, "530524", datetime.date(2026, 6, 30)).reelection_due_within_days == 90
    assert in_force(rows, "530524", datetime.date(2026, 7, 1)).reelection_due_within_days == 120
    assert in_force(rows, "530524", datetime.date(2019, 12, 31)) is None
    # Townships without a code of their own take the county's.
    assert org_selectors.reelection_due_days(tree.a1, datetime.date(2026, 8, 1)) == 120
    assert org_selectors.reelection_due_days(None, datetime.date(2026, 8, 1)) == 180


def test_the_rule_decides_which_committees_are_due(tree):
    a1 = Org.objects.get(pk=tree.a1.pk)  # its term ends on 2023-01-01
    today = a1.term_ends_on - datetime.timedelta(days=150)
    assert a1.reelection_status(today, 180) == Org.ReelectionStatus.DUE
    assert a1.reelection_status(today, 120) == Org.ReelectionStatus.OK
    due = Org.objects.filter(org_selectors.reelection_q(Org.ReelectionStatus.DUE, today, 120))
    assert a1 not in due
    due = Org.objects.filter(org_selectors.reelection_q(Org.ReelectionStatus.DUE, today, 180))
    assert a1 in due


def test_organisation_rules_are_set_by_platform_administrators_only(tree):
    with pytest.raises(PermissionDenied):
        org_services.org_policy_create(
            actor=tree.county_staff, region_code="530524", effective_from=datetime.date(2026, 1, 1)
        )
    policy = org_services.org_policy_create(
        actor=tree.admin, region_code="530524", effective_from=datetime.date(2026, 1, 1)
    )
    with pytest.raises(ValidationError):
        org_services.org_policy_update(
            actor=tree.admin,
            policy=policy,
            changes={"effective_to": datetime.date(2025, 1, 1)},  # ends before it starts
        )
    org_services.org_policy_update(
        actor=tree.admin, policy=policy, changes={"reelection_due_within_days": 90}
    )
    assert OrgPolicy.objects.get().reelection_due_within_days == 90
    assert set(org_selectors.org_policies_visible_to(tree.clerk_a1)) == {policy}
    assert not org_selectors.org_policies_visible_to(None).exists()
