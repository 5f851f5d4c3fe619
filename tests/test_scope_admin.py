"""Scope in the back office: for every admin model, a user of township A cannot list, open,
change or delete township B's records. The answer is the one for a missing record, and the
database is unchanged. A county user sees both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.accounts.models import Role, User
from gonghui.accounts.services import user_create
from gonghui.core.models import Event
from gonghui.orgs.models import Employer, Org, ServicePoint
from tests.conftest import PASSWORD, make_org, snapshot

ALL = (Org, Employer, ServicePoint, Event, User)
MISSING_PK = 987654321


def _urls(model, pk):
    info = (model._meta.app_label, model._meta.model_name)
    return {
        "change": reverse("admin:{}_{}_change".format(*info), args=[pk]),
        "delete": reverse("admin:{}_{}_delete".format(*info), args=[pk]),
        "list": reverse("admin:{}_{}_changelist".format(*info)),
    }


def _answer(response):
    """What a user learns from a response: status, where it sends them, and the page's words
    with the requested id taken out."""
    return response.status_code, response.headers.get("Location")


def _records(tree):
    """(model, record of B, a field whose value identifies it on a list page, a POST body)."""
    return [
        (
            Org,
            tree.b1,
            tree.b1.name,
            {
                "name": "被篡改",
                "code": tree.b1.code,
                "level": tree.b1.level,
                "kind": tree.b1.kind,
                "parent": tree.b.pk,
            },
        ),
        (
            Employer,
            tree.emp_b,
            tree.emp_b.name,
            {
                "name": "被篡改",
                "unit_type": "170",
                "org": tree.b.pk,
                "headcount": 1,
                "monthly_payroll": "0",
            },
        ),
        (
            ServicePoint,
            tree.sp_b,
            tree.sp_b.name,
            {"name": "被篡改", "kind": "workers_home", "org": tree.b1.pk, "recognition": "none"},
        ),
    ]


@pytest.mark.parametrize("index", [0, 1, 2], ids=["org", "employer", "servicepoint"])
def test_township_cannot_reach_another_townships_records(client, tree, index):
    model, record, label, body = _records(tree)[index]
    client.force_login(tree.town_a)
    forbidden, missing = _urls(model, record.pk), _urls(model, MISSING_PK)
    before = snapshot(*ALL)

    listing = client.get(forbidden["list"])
    assert listing.status_code == 200
    assert label not in listing.content.decode()
    searched = client.get(forbidden["list"], {"q": label})
    assert searched.context["cl"].result_count == 0

    for action in ("change", "delete"):
        got = client.get(forbidden[action])
        expected = client.get(missing[action])
        assert _answer(got) == _answer(expected)
        assert got.status_code in (302, 403)  # "does not exist", or no right to delete at all
        got = client.post(forbidden[action], {**body, "post": "yes"})
        expected = client.post(missing[action], {**body, "post": "yes"})
        assert _answer(got) == _answer(expected)

    assert snapshot(*ALL) == before


@pytest.mark.parametrize("index", [0, 1, 2], ids=["org", "employer", "servicepoint"])
def test_county_sees_both_townships_records(client, tree, index):
    model, record, label, _body = _records(tree)[index]
    client.force_login(tree.county_staff)
    urls = _urls(model, record.pk)
    assert label in client.get(urls["list"]).content.decode()
    assert client.get(urls["change"]).status_code == 200
    other = {Org: tree.a1, Employer: tree.emp_a, ServicePoint: tree.sp_a}[model]
    assert str(other) in client.get(urls["list"]).content.decode()


def test_township_sees_own_records_and_can_change_them(client, tree):
    client.force_login(tree.town_a)
    url = _urls(Employer, tree.emp_a.pk)["change"]
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "甲公司（新名）",
            "unit_type": "170",
            "org": tree.a.pk,
            "union": tree.a1.pk,
            "headcount": 130,
            "monthly_payroll": "650000.00",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    tree.emp_a.refresh_from_db()
    assert tree.emp_a.name == "甲公司（新名）"
    assert Event.objects.filter(action="employer.update", target_id=str(tree.emp_a.pk)).exists()


def test_org_choices_offer_only_the_own_subtree(client, tree):
    client.force_login(tree.town_a)
    page = client.get(reverse("admin:orgs_employer_add")).content.decode()
    assert tree.a1.name in page
    assert tree.b1.name not in page
    # Posting an org from outside is refused as an invalid choice, and nothing is written.
    before = snapshot(*ALL)
    response = client.post(
        reverse("admin:orgs_employer_add"),
        {
            "name": "越界单位",
            "unit_type": "170",
            "org": tree.b.pk,
            "headcount": 1,
            "monthly_payroll": "0",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert snapshot(*ALL) == before


def test_event_log_is_scoped(client, tree):
    client.force_login(tree.town_a)
    b_event = Event.objects.filter(org=tree.b).first()
    a_event = Event.objects.filter(org=tree.a).first()
    page = client.get(reverse("admin:core_event_changelist")).content.decode()
    assert b_event.target_repr not in page or b_event.target_repr in a_event.target_repr
    assert a_event.target_repr in page
    got = client.get(reverse("admin:core_event_change", args=[b_event.pk]))
    expected = client.get(reverse("admin:core_event_change", args=[MISSING_PK]))
    assert _answer(got) == _answer(expected)
    assert client.get(reverse("admin:core_event_change", args=[a_event.pk])).status_code == 200


def test_accounts_are_managed_by_platform_admins_within_their_subtree(client, tree):
    other_county = make_org(None, "LS", "临山县总工会", Org.Level.COUNTY, Org.Kind.FEDERATION)
    stranger = user_create(
        actor=None,
        username="ls_admin",
        password=PASSWORD,
        org=other_county,
        role=Role.PLATFORM_ADMIN,
    )
    # A township user may not open account management at all.
    client.force_login(tree.town_a)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    # A county administrator sees the county's accounts, not the other county's.
    client.force_login(tree.admin)
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "town_b" in page and "ls_admin" not in page
    before = snapshot(*ALL)
    got = client.post(_urls(User, stranger.pk)["change"], {"name": "x", "role": "platform_admin"})
    expected = client.post(_urls(User, MISSING_PK)["change"], {"name": "x"})
    assert _answer(got) == _answer(expected)
    assert snapshot(*ALL) == before


def test_tree_page_shows_only_the_own_subtree(client, tree):
    client.force_login(tree.town_a)
    page = client.get(reverse("admin:orgs_org_tree")).content.decode()
    assert tree.a1.name in page and tree.a.name in page
    assert tree.b.name not in page and tree.b1.name not in page and tree.county.name not in page


def test_dashboard_counts_only_the_own_subtree(client, tree):
    client.force_login(tree.town_a)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'data-figure="employers_total">1<' in page
    assert 'data-figure="unions_total">1<' in page
    client.force_login(tree.admin)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'data-figure="employers_total">2<' in page
    assert 'data-figure="unions_total">4<' in page


def test_org_list_page_runs_a_fixed_number_of_queries(client, tree, django_assert_max_num_queries):
    for i in range(20):
        make_org(tree.a, f"QS-A-X{i:02d}", f"新工会{i}", Org.Level.GRASSROOTS)
    client.force_login(tree.town_a)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:orgs_org_changelist")).status_code == 200
