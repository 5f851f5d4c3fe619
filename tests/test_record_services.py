"""The record services that only the back office's forms called: each as a specification of
what it writes, what it logs and what it refuses (a clerk could not save a member once, through
a service no test called)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.accounts.services import user_set_password
from gonghui.assistance import services as aid_services
from gonghui.assistance.models import AmountStandard, Campaign, Grant, HardshipFile, LocalPolicy
from gonghui.core.errors import NotFound
from gonghui.core.models import Event
from gonghui.orgs import services as org_services
from gonghui.orgs.models import Employer, Org, ServicePoint
from gonghui.reports import services as report_services
from gonghui.reports.models import WorkReport
from tests.aid import build_aid
from tests.conftest import PASSWORD, snapshot


@pytest.fixture
def aid(tree):
    return build_aid(tree)


def test_a_password_is_reset_by_an_administrator_and_changed_by_its_owner(tree):
    user_set_password(actor=tree.admin, user=tree.town_a, password="Neu-Passwort-2026")
    tree.town_a.refresh_from_db()
    assert tree.town_a.check_password("Neu-Passwort-2026")
    user_set_password(actor=tree.clerk_a1, user=tree.clerk_a1, password="Eigenes-2026-pw")
    tree.clerk_a1.refresh_from_db()
    assert tree.clerk_a1.check_password("Eigenes-2026-pw")
    with pytest.raises(PermissionDenied):
        user_set_password(actor=tree.clerk_a1, user=tree.town_a, password="Fremdes-2026-pw")
    with pytest.raises(ValidationError):
        user_set_password(actor=tree.admin, user=tree.town_b, password="12345678")
    tree.town_b.refresh_from_db()
    assert tree.town_b.check_password(PASSWORD)
    assert Event.objects.filter(action="user.set_password").count() == 2


def test_a_local_standard_is_corrected_by_an_administrator_only(tree, aid):
    policy = LocalPolicy.objects.get()
    aid_services.policy_update(
        actor=tree.admin, policy=policy, changes={"subsistence_line": Decimal("760")}
    )
    policy.refresh_from_db()
    assert policy.subsistence_line == Decimal("760")
    assert Event.objects.filter(action="localpolicy.update").exists()
    with pytest.raises(PermissionDenied):
        aid_services.policy_update(
            actor=tree.county_staff, policy=policy, changes={"subsistence_line": Decimal("1")}
        )
    assert LocalPolicy.objects.get().subsistence_line == Decimal("760")


def test_the_yearly_review_recomputes_the_category_and_refuses_a_closed_file(tree, aid):
    file = HardshipFile.objects.get(applicant=aid.a_people[0])
    assert file.category == "deep"
    # 1,000 yuan a head a month is above the line of 720 but below twice it: relative.
    reviewed = aid_services.hardship_file_review(
        actor=tree.town_a,
        file=file,
        reviewed_on=datetime.date(2026, 9, 1),
        annual_income=Decimal(1000 * 12 * 3),
        household_size=3,
    )
    assert reviewed.category == "relative" and reviewed.reviewed_on == datetime.date(2026, 9, 1)
    with pytest.raises(NotFound):
        aid_services.hardship_file_review(actor=tree.town_b, file=file, annual_income=1)
    aid_services.hardship_file_transition(actor=tree.town_a, file=file, to_status="lifted")
    with pytest.raises(ValidationError):
        aid_services.hardship_file_review(actor=tree.town_a, file=file, annual_income=1)


def test_a_campaign_budget_cannot_fall_below_what_is_committed(tree, aid):
    from tests.test_assistance import grant

    grant(aid, tree, step_until="approve", amount=5000)
    with pytest.raises(ValidationError):
        aid_services.campaign_update(
            actor=tree.county_staff, campaign=aid.school, changes={"budget": Decimal("4000")}
        )
    assert Campaign.objects.get(pk=aid.school.pk).budget == Decimal("10000")
    aid_services.campaign_update(
        actor=tree.county_staff, campaign=aid.school, changes={"budget": Decimal("12000")}
    )
    assert Campaign.objects.get(pk=aid.school.pk).budget == Decimal("12000")


def test_an_amount_standard_is_removed_by_the_organiser_and_logged(tree, aid):
    standard = AmountStandard.objects.get(campaign=aid.school, school_level="high_school")
    with pytest.raises(NotFound):
        aid_services.standard_delete(actor=tree.town_b, standard=standard)
    aid_services.standard_delete(actor=tree.county_staff, standard=standard)
    assert not AmountStandard.objects.filter(pk=standard.pk).exists()
    assert Event.objects.filter(action="campaign.standard_delete").exists()


def test_several_grants_take_a_step_together_or_not_at_all(tree, aid):
    from tests.test_assistance import grant

    first = grant(aid, tree, n=0, amount=1000, step_until="submit")
    second = grant(aid, tree, n=1, amount=1000, step_until="submit")
    assert (
        aid_services.grants_take_step(actor=tree.town_a, grants=[first, second], step="review") == 2
    )
    assert set(Grant.objects.values_list("status", flat=True)) == {"reviewed"}
    third = grant(aid, tree, n=2, amount=1000, step_until="submit")
    before = snapshot(Grant)
    # The third may be reviewed, the first not a second time: neither moves.
    with pytest.raises(ValidationError):
        aid_services.grants_take_step(actor=tree.town_a, grants=[third, first], step="review")
    assert snapshot(Grant) == before


def test_an_org_comes_back_only_under_an_active_parent(tree):
    org_services.org_deactivate(actor=tree.county_staff, org=tree.b1)
    org_services.org_deactivate(actor=tree.county_staff, org=tree.b)
    with pytest.raises(ValidationError):
        org_services.org_reactivate(actor=tree.county_staff, org=tree.b1)
    org_services.org_reactivate(actor=tree.county_staff, org=tree.b)
    org_services.org_reactivate(actor=tree.county_staff, org=tree.b1)
    assert Org.objects.get(pk=tree.b1.pk).is_active
    with pytest.raises(NotFound):
        org_services.org_reactivate(actor=tree.town_a, org=tree.b)


def test_employers_and_service_points_are_changed_and_removed_in_scope(tree):
    with pytest.raises(NotFound):
        org_services.service_point_update(
            actor=tree.town_a, service_point=tree.sp_b, changes={"name": "改名"}
        )
    point = org_services.service_point_update(
        actor=tree.town_a, service_point=tree.sp_a, changes={"name": "甲之家（新）"}
    )
    assert ServicePoint.objects.get(pk=point.pk).name == "甲之家（新）"
    with pytest.raises(NotFound):
        org_services.service_point_delete(actor=tree.town_a, service_point=tree.sp_b)
    org_services.service_point_delete(actor=tree.town_a, service_point=tree.sp_a)
    assert not ServicePoint.objects.filter(pk=tree.sp_a.pk).exists()
    with pytest.raises(NotFound):
        org_services.employer_delete(actor=tree.town_b, employer=tree.emp_a)
    org_services.employer_delete(actor=tree.town_a, employer=tree.emp_a)
    assert not Employer.objects.filter(pk=tree.emp_a.pk).exists()
    assert Event.objects.filter(action="employer.delete").exists()


def test_a_work_report_is_deleted_in_scope_only(tree):
    report = report_services.work_report_draft(
        actor=tree.town_a,
        org=tree.a,
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
    )
    with pytest.raises(NotFound):
        report_services.work_report_delete(actor=tree.town_b, report=report)
    report_services.work_report_delete(actor=tree.town_a, report=report)
    assert not WorkReport.objects.exists()


def test_a_hardship_files_page_offers_the_status_changes_its_reader_may_make(tree, aid, client):
    from gonghui.assistance import selectors as aid_selectors

    file = HardshipFile.objects.get(applicant=aid.a_people[0])
    steps = {s.target for s in aid_selectors.file_next_steps(tree.town_a, file)}
    assert steps == {"relieved", "lifted", "closed"}
    assert aid_selectors.file_next_steps(tree.town_b, file) == []  # not in its subtree
    client.force_login(tree.town_a)
    page = client.get(f"/admin/assistance/hardshipfile/{file.pk}/change/")
    assert page.status_code == 200
    assert [t for t, _label in page.context["transitions"]] == ["relieved", "lifted", "closed"]
