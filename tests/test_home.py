"""The home page's to-dos (工作台·待办): each role sees what waits on it, counted by the same
selector its list filters by, and reaches the list in one click."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from gonghui.assistance import services
from gonghui.assistance.selectors import batches_waiting, files_waiting, grants_waiting
from gonghui.core.models import ImportJob
from gonghui.core.selectors import home_todos, imports_waiting, waiting_for
from gonghui.ledger.selectors import entries_waiting
from gonghui.members.models import Membership
from gonghui.members.selectors import members_waiting
from gonghui.members.services import member_register, transfer_start
from gonghui.orgs.selectors import orgs_waiting
from tests.aid import TODAY, build_aid
from tests.rosters import id_number
from tests.test_assistance import grant


@pytest.fixture
def aid(tree):
    return build_aid(tree)


def counts(user, today=TODAY) -> dict:
    return {t["key"]: t["count"] for t in home_todos(user, today)}


def test_each_step_of_the_grant_chain_waits_on_the_one_who_takes_it(tree, aid):
    grant(aid, tree, n=0)  # a draft of 甲公司
    grant(aid, tree, n=1, step_until="submit")
    grant(aid, tree, n=2, step_until="review")
    # In the winter campaign (notice from TODAY, five days), people who have a file.
    grant(aid, tree, n=0, amount=1000, campaign=aid.winter, step_until="notice")
    grant(aid, tree, n=1, amount=1000, campaign=aid.winter, step_until="approve")
    clerk, town_a, town_b, county = tree.clerk_a1, tree.town_a, tree.town_b, tree.county_staff

    assert counts(clerk).get("grants.draft") == 1
    assert "grants.review" not in counts(clerk)  # the applicant never reviews its own
    assert counts(town_a)["grants.review"] == 1
    assert "grants.review" not in counts(town_b)  # another township's
    assert "grants.notice" not in counts(town_a)  # the county organises the campaign
    assert counts(county)["grants.notice"] == 1
    assert "grants.approve" not in counts(county)  # the notice still runs
    later = TODAY + datetime.timedelta(days=6)
    assert counts(county, later)["grants.approve"] == 1
    assert counts(county)["grants.batch"] == 1
    assert "grants.draft" not in counts(county)  # the union's drafts are the union's

    approved = grants_waiting(county, "grants.batch", TODAY).get()
    batch = services.payment_batch_create(
        actor=county, campaign=approved.campaign, grants=[approved]
    )
    assert "grants.batch" not in counts(county)
    assert list(batches_waiting(county, "batches.unpaid", TODAY)) == [batch]
    services.payment_batch_mark_paid(actor=county, batch=batch, paid_on=TODAY, reference="DF-1")
    assert "batches.unpaid" not in counts(county)


def test_a_rejected_application_comes_back_to_its_union(tree, aid):
    g = grant(aid, tree, n=0, step_until="submit")
    services.grant_transition(actor=tree.town_a, grant=g, step="reject", reason="材料不全")
    assert list(grants_waiting(tree.clerk_a1, "grants.returned", TODAY)) == [g]
    assert "grants.returned" not in counts(tree.town_a)


def test_the_list_a_to_do_opens_shows_exactly_what_was_counted(tree, aid, client):
    grant(aid, tree, n=1, step_until="submit")
    grant(aid, tree, n=2, step_until="review")
    client.force_login(tree.town_a)
    home = client.get(reverse("admin:index"))
    assert home.status_code == 200
    # The home page sends the reviewer to the 审批 page's tab (tests/test_approvals.py);
    # the grant list filters by the same to-do.
    assert reverse("admin:assistance_grant_approvals") + "?todo=grants.review" in (
        home.content.decode()
    )
    link = reverse("admin:assistance_grant_changelist") + "?todo=grants.review"
    page = client.get(link)
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    assert page.context["cl"].result_list[0].status == "submitted"
    # Another township's clerk following the same link sees nothing of 甲镇.
    client.force_login(tree.town_b)
    assert client.get(link).context["cl"].result_count == 0
    # A key nobody declared is an empty list, not an error page.
    assert client.get(link.replace("grants.review", "no.such")).status_code == 200
    assert waiting_for(tree.town_b, "no.such").count() == 0


def test_registry_to_dos_provisional_members_and_incoming_transfers(tree):
    p = member_register(
        actor=None,
        org=tree.a1,
        id_number=id_number(datetime.date(1990, 3, 3), 7),
        name="预备会员",
        joined_on=datetime.date(2026, 1, 1),
        status=Membership.Status.PROVISIONAL,
    ).person
    assert list(members_waiting(tree.clerk_a1, "members.provisional", TODAY)) == [p]
    q = member_register(
        actor=None,
        org=tree.a1,
        id_number=id_number(datetime.date(1991, 4, 4), 8),
        name="调出会员",
        joined_on=datetime.date(2026, 1, 1),
    ).person
    transfer = transfer_start(actor=tree.clerk_a1, membership=q.latest_membership, to_org=tree.b1)
    assert list(members_waiting(tree.town_b, "transfers.incoming", TODAY)) == [transfer]
    assert members_waiting(tree.town_a, "transfers.incoming", TODAY).count() == 0
    assert members_waiting(tree.town_a, "no.such", TODAY).count() == 0


def test_a_refused_import_waits_until_a_later_one_succeeds(tree):
    def job(status, minutes):
        return ImportJob.objects.create(
            kind="members",
            org=tree.a1,
            created_by=tree.clerk_a1,
            file_name="花名册.xlsx",
            status=status,
            created_at=datetime.datetime(2026, 10, 19, 9, minutes, tzinfo=datetime.UTC),
        )

    refused = job(ImportJob.Status.REFUSED, 0)
    assert list(imports_waiting(tree.clerk_a1, "imports.unfinished", TODAY)) == [refused]
    assert imports_waiting(tree.town_a, "imports.unfinished", TODAY).count() == 0  # not theirs
    job(ImportJob.Status.SUCCEEDED, 30)
    assert imports_waiting(tree.clerk_a1, "imports.unfinished", TODAY).count() == 0
    # Two weeks on, a refused upload is no longer a to-do.
    job(ImportJob.Status.FAILED, 40)
    assert imports_waiting(tree.clerk_a1, "imports.unfinished", TODAY).count() == 1
    late = TODAY + datetime.timedelta(days=15)
    assert imports_waiting(tree.clerk_a1, "imports.unfinished", late).count() == 0


def test_routine_ledger_reminder_reelection_and_file_review(tree, aid):
    from gonghui.ledger.models import LedgerCategory
    from gonghui.ledger.services import entry_create

    # The month's ledger is shown at zero: a reminder, not a backlog.
    assert counts(tree.clerk_a1)["ledger.month"] == 0
    entry_create(
        actor=tree.clerk_a1,
        org=tree.a1,
        category=LedgerCategory.objects.get(code="culture.sports"),
        title="职工篮球赛",
        starts_on=TODAY,
        sessions=1,
    )
    assert entries_waiting(tree.clerk_a1, "ledger.month", TODAY).count() == 1
    assert entries_waiting(tree.clerk_a1, "ledger.month", TODAY.replace(month=11)).count() == 0
    # 甲公司's committee was elected in 2020 for three years.
    assert list(orgs_waiting(tree.town_a, "orgs.reelection", TODAY)) == [tree.a1]
    assert orgs_waiting(tree.town_b, "orgs.reelection", TODAY).count() == 0
    assert orgs_waiting(tree.town_a, "no.such", TODAY).count() == 0
    # The files opened on 1 March come due for their yearly review 60 days before 1 March.
    assert files_waiting(tree.town_a, "files.review", TODAY).count() == 0
    due = datetime.date(2027, 1, 15)
    assert files_waiting(tree.town_a, "files.review", due).count() == 3  # 甲公司's three
    assert files_waiting(tree.county_staff, "files.review", due).count() == 5


@pytest.mark.parametrize("username", ["admin", "county", "town_a", "clerk_a1"])
def test_every_role_home_page_has_its_to_dos_actions_and_figures(tree, aid, client, username):
    grant(aid, tree, n=1, step_until="submit")
    from gonghui.accounts.models import User

    client.force_login(User.objects.get(username=username))
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-home="todos"' in text
    assert len(page.context["year_figures"]) == 4
    todos = {t["key"] for t in page.context["todos"]}
    actions = [str(a["title"]) for a in page.context["actions"]]
    if username == "clerk_a1":
        assert "ledger.month" in todos
        assert "登记台账" in actions and "新建帮扶申请" in actions
        assert not page.context["has_unions_beneath"]  # no page of zeros about unions beneath
    if username == "town_a":
        assert "grants.review" in todos
        assert page.context["has_unions_beneath"]
    for todo in page.context["todos"]:
        assert client.get(todo["link"]).status_code == 200


def test_the_menu_is_trimmed_by_role_and_the_trimmed_pages_still_open(tree, client):
    from gonghui.core.workareas import menu_for

    clerk, town, county = (
        menu_for(tree.clerk_a1),
        menu_for(tree.town_a),
        menu_for(tree.county_staff),
    )
    for reference in ("金额标准", "地方标准", "帮扶项目", "年度任务", "操作日志", "单位"):
        assert reference not in clerk and reference in county
    assert "地方标准" not in town and "金额标准" in town
    assert {"工作台", "会员名册", "帮扶审批", "工作台账"} <= set(clerk)
    assert len(clerk) < len(town) < len(county)
    client.force_login(tree.clerk_a1)
    page = client.get(reverse("admin:index")).content.decode()
    assert "帮扶审批" in page and "金额标准" not in page
    # Left out of the menu, not out of reach: the permission still opens the page.
    assert client.get(reverse("admin:assistance_amountstandard_changelist")).status_code == 200
