"""Assistance: hardship files, the grant workflow table and its guards, payment, notice,
dashboard, scope, and the grant list import."""

from __future__ import annotations

import datetime
import io
import threading
from decimal import Decimal

import pytest
import python_calamine
from django.db import connection

from gonghui.assistance import selectors, services
from gonghui.assistance.models import Grant, GroupRelief, HardshipFile, PaymentBatch
from gonghui.core.crypto import cipher
from gonghui.core.errors import NotFound
from gonghui.core.models import AccessLog, Event
from gonghui.members.crypto import ID_PURPOSE
from tests.aid import TODAY, build_aid, file_for, student
from tests.conftest import snapshot

G = Grant.Status
TABLES = (Grant, HardshipFile, PaymentBatch, Event)


@pytest.fixture
def aid(tree):
    return build_aid(tree)


def grant(aid, tree, who=None, step_until=None, n=0, amount=5000, campaign=None, **extra):
    p = aid.a_people[n]
    campaign = campaign or aid.school
    fields = student(n) if campaign.kind == "school_aid" else {}
    fields.update(extra)
    g = services.grant_create(
        actor=who or tree.clerk_a1,
        campaign=campaign,
        person=p,
        org=tree.a1,
        cash_amount=Decimal(amount),
        bank_name="农业银行",
        bank_account="6228480000000000001",
        **fields,
    ).grant
    steps = ["submit", "review", "notice", "approve"]
    actors = {
        "submit": tree.clerk_a1,
        "review": tree.town_a,
        "notice": tree.county_staff,
        "approve": tree.county_staff,
    }
    for step in steps[: steps.index(step_until) + 1 if step_until else 0]:
        g = services.grant_transition(
            actor=actors[step],
            grant=g,
            step=step,
            today=TODAY if step != "approve" else TODAY + datetime.timedelta(days=6),
        )
    return g


# -- hardship files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("per_head", "accident", "category"),
    [
        (500, "", "deep"),
        (719.99, "", "deep"),
        (720, "", "relative"),
        (1439, "", "relative"),
        (900, "房屋失火", "accident"),
    ],
)
def test_category_follows_the_formula(tree, aid, per_head, accident, category):
    p = aid.a_people[3]
    f = file_for(tree, p, tree.a1, per_head=per_head, accident=accident)
    assert f.category == category
    assert f.per_capita_monthly == Decimal(str(per_head)).quantize(Decimal("0.01"))
    assert f.subsistence_line == Decimal("720")


def test_income_above_twice_the_line_does_not_qualify(tree, aid):
    before = snapshot(HardshipFile)
    with pytest.raises(Exception, match="1440"):
        file_for(tree, aid.a_people[3], tree.a1, per_head=1440)
    assert snapshot(HardshipFile) == before


def test_rigid_expenses_are_taken_off_the_income(tree, aid):
    f = services.hardship_file_create(
        actor=None,
        applicant=aid.a_people[3],
        org=tree.a1,
        household_size=2,
        annual_income=Decimal("40000"),
        expense_illness=Decimal("28000"),
        filed_on=datetime.date(2026, 3, 1),
    )
    assert f.per_capita_monthly == Decimal("500.00") and f.category == "deep"


def test_one_open_file_per_household_across_the_platform(tree, aid):
    p = aid.a_people[0]  # has an open file at A1
    before = snapshot(HardshipFile)
    with pytest.raises(Exception, match="其他工会"):
        services.hardship_file_create(
            actor=tree.town_b, applicant=p, org=tree.b1, household_size=2, annual_income=1000
        )
    with pytest.raises(Exception, match="甲公司工会委员会"):
        services.hardship_file_create(
            actor=tree.county_staff, applicant=p, org=tree.b1, household_size=2, annual_income=1000
        )
    assert snapshot(HardshipFile) == before


@pytest.mark.parametrize("frm", HardshipFile.Status.values)
@pytest.mark.parametrize("to", HardshipFile.Status.values)
def test_file_transition_table(tree, aid, frm, to):
    f = HardshipFile.objects.filter(applicant=aid.a_people[0]).get()
    HardshipFile.objects.filter(pk=f.pk).update(status=frm)
    f.refresh_from_db()
    if (frm, to) in services.FILE_TRANSITIONS:
        assert (
            services.hardship_file_transition(actor=tree.town_a, file=f, to_status=to).status == to
        )
    else:
        with pytest.raises(Exception, match="不能变更为"):
            services.hardship_file_transition(actor=tree.town_a, file=f, to_status=to)
        f.refresh_from_db()
        assert f.status == frm


def test_review_due_and_overdue_lists(tree, aid):
    f = HardshipFile.objects.filter(applicant=aid.a_people[0]).get()
    HardshipFile.objects.filter(pk=f.pk).update(reviewed_on=datetime.date(2025, 1, 1))
    today = datetime.date(2026, 3, 1)
    overdue = HardshipFile.objects.filter(selectors.review_q("overdue", today))
    assert list(overdue) == [f]
    HardshipFile.objects.filter(pk=f.pk).update(reviewed_on=datetime.date(2025, 3, 20))
    assert list(HardshipFile.objects.filter(selectors.review_q("due", today))) == [f]


# -- the grant workflow -------------------------------------------------------------------

ACTOR_OF = {
    "submit": "clerk_a1",
    "review": "town_a",
    "notice": "county_staff",
    "approve": "county_staff",
    "reject": "town_a",
    "withdraw": "clerk_a1",
}


@pytest.mark.parametrize("status", [s for s in G.values if s != "paid"])
@pytest.mark.parametrize("step", list(ACTOR_OF))
def test_grant_workflow_table(tree, aid, status, step):
    g = grant(aid, tree)
    Grant.objects.filter(pk=g.pk).update(status=status, notice_ends_on=datetime.date(2026, 1, 1))
    g.refresh_from_db()
    actor = getattr(tree, ACTOR_OF[step])
    allowed = status in services.GRANT_STEPS[step][0]
    before = snapshot(Grant)
    if allowed:
        result = services.grant_transition(actor=actor, grant=g, step=step, reason="原因")
        assert result.status == services.GRANT_STEPS[step][1]
        assert Event.objects.filter(action=f"grant.{step}", target_id=str(g.pk)).exists()
    else:
        with pytest.raises(Exception, match="不能"):
            services.grant_transition(actor=actor, grant=g, step=step, reason="原因")
        assert snapshot(Grant) == before


@pytest.mark.parametrize(
    ("step", "who", "status"),
    [
        ("review", "clerk_a1", "submitted"),  # the applicant cannot review itself
        ("notice", "town_a", "reviewed"),  # a township is not the organiser
        ("approve", "town_a", "noticed"),
        ("approve", "clerk_a1", "noticed"),
    ],
)
def test_a_step_at_the_wrong_level_is_refused(tree, aid, step, who, status):
    g = grant(aid, tree)
    Grant.objects.filter(pk=g.pk).update(status=status)
    g.refresh_from_db()
    before = snapshot(Grant)
    with pytest.raises(Exception):  # noqa: B017 (a permission or a level message)
        services.grant_transition(actor=getattr(tree, who), grant=g, step=step)
    assert snapshot(Grant) == before


def test_another_township_cannot_see_or_act(tree, aid, client):
    g = grant(aid, tree, step_until="submit")
    with pytest.raises(NotFound):
        services.grant_transition(actor=tree.town_b, grant=g, step="review")
    assert not selectors.grants_visible_to(tree.town_b).exists()
    client.force_login(tree.town_b)
    listing = client.get("/admin/assistance/grant/")
    assert listing.context["cl"].result_count == 0
    got = client.post(f"/admin/assistance/grant/{g.pk}/step/", {"step": "review"})
    assert got.status_code == 302
    g.refresh_from_db()
    assert g.status == G.SUBMITTED


def test_approval_waits_for_the_end_of_the_notice(tree, aid):
    g = grant(aid, tree, step_until="notice")
    with pytest.raises(Exception, match="公示期满（10月25日）后可批准"):
        services.grant_transition(
            actor=tree.county_staff,
            grant=g,
            step="approve",
            today=TODAY + datetime.timedelta(days=2),
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": 0}, "必须大于零"),
        ({"amount": -10}, "不能为负数"),
        ({"amount": 5001}, "超过了本项目的标准"),
        ({"school_level": "doctorate"}, "只资助以下学历层次"),
        ({"n": 3}, "没有在档的困难档案"),
    ],
)
def test_bad_grants_are_refused(tree, aid, changes, message):
    before = snapshot(*TABLES)
    n = changes.pop("n", 0)
    fields = student(n)
    fields.update({k: v for k, v in changes.items() if k != "amount"})
    with pytest.raises(Exception, match=message):
        services.grant_create(
            actor=tree.clerk_a1,
            campaign=aid.school,
            person=aid.a_people[n],
            org=tree.a1,
            cash_amount=changes.get("amount", 1000),
            **fields,
        )
    assert snapshot(*TABLES) == before


def test_the_same_child_cannot_be_aided_twice(tree, aid):
    grant(aid, tree, n=0)
    before = snapshot(*TABLES)
    with pytest.raises(Exception, match="该学生在本项目中已有资助记录"):
        services.grant_create(
            actor=tree.clerk_a1,
            campaign=aid.school,
            person=aid.a_people[1],
            org=tree.a1,
            cash_amount=1000,
            **student(0),
        )
    assert snapshot(*TABLES) == before


def test_winter_warmth_takes_listed_groups_without_a_file(tree, aid):
    p = aid.a_people[3]  # no file
    with pytest.raises(Exception, match="请选择所属群体"):
        services.grant_create(
            actor=tree.clerk_a1, campaign=aid.winter, person=p, org=tree.a1, cash_amount=500
        )
    g = services.grant_create(
        actor=tree.clerk_a1,
        campaign=aid.winter,
        person=p,
        org=tree.a1,
        cash_amount=500,
        eligibility_group="holiday_duty",
    ).grant
    assert g.eligibility_group == "holiday_duty"


def test_budget_is_never_exceeded(tree, aid):
    first = grant(aid, tree, n=0, amount=5000, step_until="approve")
    second = grant(aid, tree, n=1, amount=5000, step_until="approve")
    third = grant(aid, tree, n=2, amount=2000, step_until="notice", **student(2, "high_school"))
    assert first.status == second.status == G.APPROVED
    before = snapshot(*TABLES)
    with pytest.raises(Exception, match="超出项目预算"):
        services.grant_transition(
            actor=tree.county_staff,
            grant=third,
            step="approve",
            today=TODAY + datetime.timedelta(days=6),
        )
    assert snapshot(*TABLES) == before


def test_yearly_cap_per_person(tree, aid):
    grant(aid, tree, n=0, amount=5000, step_until="approve")
    g = grant(
        aid, tree, n=0, amount=1500, campaign=aid.winter, step_until="notice", eligibility_group=""
    )
    with pytest.raises(Exception, match="上限"):
        services.grant_transition(
            actor=tree.county_staff,
            grant=g,
            step="approve",
            today=TODAY + datetime.timedelta(days=6),
        )


def test_second_campaign_in_a_year_is_a_warning_not_a_refusal(tree, aid):
    grant(aid, tree, n=0, amount=1000, step_until="approve")
    draft = services.grant_create(
        actor=tree.clerk_a1,
        campaign=aid.winter,
        person=aid.a_people[0],
        org=tree.a1,
        cash_amount=500,
    )
    assert draft.grant.pk and "金秋助学" in draft.warnings[0]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_never_pass_the_budget():
    from tests.conftest import build_tree

    tree = build_tree()
    aid = build_aid(tree)
    a = grant(aid, tree, n=0, amount=5000, step_until="notice")
    b = grant(aid, tree, n=1, amount=5000, step_until="notice")
    c = grant(aid, tree, n=2, amount=2000, step_until="notice", **student(2, "high_school"))
    services.grant_transition(
        actor=tree.county_staff, grant=a, step="approve", today=TODAY + datetime.timedelta(days=6)
    )
    # 10,000 budget, 5,000 committed: only one of the two may pass.
    results = {}
    barrier = threading.Barrier(2)

    def approve(name, g):
        try:
            barrier.wait()
            services.grant_transition(
                actor=tree.county_staff,
                grant=g,
                step="approve",
                today=TODAY + datetime.timedelta(days=6),
            )
            results[name] = "approved"
        except Exception as exc:
            results[name] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(n, g)) for n, g in (("b", b), ("c", c))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(v == "approved" for v in results.values()) == [False, True]
    assert services.committed_amount(aid.school) <= aid.school.budget


# -- payment, notice, dashboard -----------------------------------------------------------


def test_payment_batch_bank_file_and_paid(tree, aid, client):
    g = grant(aid, tree, n=0, amount=5000, step_until="approve")
    with pytest.raises(Exception):  # noqa: B017
        services.payment_batch_create(actor=tree.town_a, campaign=aid.school, grants=[g])
    batch = services.payment_batch_create(actor=tree.county_staff, campaign=aid.school, grants=[g])
    content = services.payment_batch_bank_file(actor=tree.county_staff, batch=batch)
    rows = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        .get_sheet_by_index(0)
        .to_python()
    )
    # The header: who pays, the batch, how many and how much; then the columns and the rows.
    assert rows[0][0] == "代发明细"
    assert rows[1][0].startswith(f"付款单位：青山县总工会　批次号：{batch.pk}　笔数：1　合计：5000")
    assert rows[3][:7] == ["序号", "姓名", "身份证号", "开户银行", "银行账号", "金额(元)", "摘要"]
    person_id = cipher().decrypt(g.person.id_number, ID_PURPOSE)
    assert rows[4][1:6] == ["职工1", person_id, "农业银行", "6228480000000000001", 5000.0]
    assert rows[5][4:6] == ["合计", 5000.0]
    assert AccessLog.objects.filter(action="export_unmasked", target_id=str(batch.pk)).exists()
    services.payment_batch_mark_paid(
        actor=tree.county_staff, batch=batch, paid_on=datetime.date(2026, 10, 30), reference="DF001"
    )
    g.refresh_from_db()
    assert (g.status, g.paid_on, g.payment_reference) == (
        G.PAID,
        datetime.date(2026, 10, 30),
        "DF001",
    )
    # The paid batch is in the payer's books (the funds area's journal): 帮扶支出 from the bank.
    from gonghui.funds.models import Posting

    posted = {(p.org_id, p.account, p.amount) for p in Posting.objects.all()}
    assert posted == {
        (tree.county.pk, "assistance", Decimal(5000)),
        (tree.county.pk, "bank", Decimal(-5000)),
    }


def test_notice_list_and_export_are_masked(tree, aid, client):
    g = grant(aid, tree, n=0, amount=5000, step_until="notice")
    rows = selectors.notice_rows(tree.county_staff, aid.school)
    assert rows[0]["name"] == "职**" and "**********" in rows[0]["id_number"]
    client.force_login(tree.county_staff)
    page = client.get(f"/admin/assistance/campaign/{aid.school.pk}/notice/").content.decode()
    full = g.person.name
    assert "职**" in page and full not in page
    data = client.get(f"/admin/assistance/campaign/{aid.school.pk}/notice.xlsx").content
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    cells = sheet.to_python()
    row = cells[3]
    assert row[2] == "职**" and row[3].count("*") == 10 and row[4] == "学**"


def test_the_notice_says_what_a_posted_notice_must(tree, aid, client):
    """Title, the period it runs, the list, 合计, where objections go and the 落款, on the page
    and in the workbook alike."""
    services.campaign_update(
        actor=tree.county_staff,
        campaign=aid.school,
        changes={"objection_contact": "县总工会权益保障部 0875-1234567"},
    )
    aid.school.refresh_from_db()
    grant(aid, tree, n=0, amount=5000, step_until="notice")
    grant(aid, tree, n=1, amount=2000, step_until="notice")
    notice = selectors.notice_of(tree.county_staff, aid.school, today=TODAY)
    assert notice.title == "青山县总工会金秋助学拟资助人员名单公示"
    assert notice.total == Decimal(7000) and len(notice.rows) == 2
    assert notice.period == "2026年10月20日至2026年10月25日"
    assert notice.objections == "县总工会权益保障部 0875-1234567"
    client.force_login(tree.county_staff)
    page = client.get(f"/admin/assistance/campaign/{aid.school.pk}/notice/").content.decode()
    assert "公示时间：2026年10月20日至2026年10月25日" in page
    assert "请向县总工会权益保障部 0875-1234567反映" in page
    assert "共2人" in page and "7000" in page
    data = client.get(f"/admin/assistance/campaign/{aid.school.pk}/notice.xlsx").content
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    cells = [[c for c in row if c != ""] for row in sheet.to_python()]
    assert cells[0] == ["青山县总工会金秋助学拟资助人员名单公示"]
    assert cells[1] == ["公示时间：2026年10月20日至2026年10月25日"]
    assert cells[5] == ["合计", "2人", 7000.0]
    text = [c for row in cells for c in row]
    assert "公示期间如有异议，请向县总工会权益保障部 0875-1234567反映。" in text
    assert text[-2] == "青山县总工会" and text[-1].endswith("日")
    # Without a contact, objections go to the organiser.
    services.campaign_update(
        actor=tree.county_staff, campaign=aid.school, changes={"objection_contact": ""}
    )
    aid.school.refresh_from_db()
    assert selectors.notice_of(tree.county_staff, aid.school).objections == "青山县总工会"


def test_dashboard_figures_equal_the_grants_behind_them(tree, aid):
    grant(aid, tree, n=0, amount=5000, step_until="approve")
    grant(aid, tree, n=1, amount=3000, step_until="notice")
    b = services.grant_create(
        actor=tree.town_b,
        campaign=aid.school,
        person=aid.b_people[0],
        org=tree.b1,
        cash_amount=2000,
        **student(9, "high_school"),
    ).grant
    services.grant_transition(actor=tree.town_b, grant=b, step="submit")
    services.group_relief_create(
        actor=None,
        campaign=aid.school,
        org=tree.b,
        headcount=30,
        date=datetime.date(2026, 9, 1),
        cash_amount=600,
    )
    board = selectors.campaign_dashboard(tree.county_staff, aid.school)
    committed = sum(x.amount for x in Grant.objects.filter(status__in=Grant.COMMITTED))
    pending = sum(
        x.amount for x in Grant.objects.filter(status__in=("submitted", "reviewed", "noticed"))
    )
    assert (board.total.committed, board.total.pending) == (committed, pending)
    assert board.total.people == 1 and board.total.relief_people == 30
    by = {f.label: f for f in board.by_org}
    assert by["甲镇总工会"].committed == Decimal("5000") and by["乙镇总工会"].pending == 2000
    assert sum(f.committed for f in board.by_org) == board.total.committed
    town = selectors.campaign_dashboard(tree.town_b, aid.school)
    assert town.total.committed == 0 and town.total.pending == 2000
    assert GroupRelief.objects.count() == 1


def test_dashboard_page_and_export(tree, aid, client):
    grant(aid, tree, n=0, amount=5000, step_until="approve")
    client.force_login(tree.county_staff)
    page = client.get(f"/admin/assistance/campaign/{aid.school.pk}/dashboard/")
    assert page.status_code == 200 and "5000元" in page.content.decode()
    data = client.get(f"/admin/assistance/campaign/{aid.school.pk}/dashboard.xlsx").content
    rows = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[1][:2] == ["青山县总工会", 5000.0]


def test_pay_is_only_a_payment_batch(tree, aid):
    g = grant(aid, tree, n=0, amount=5000, step_until="approve")
    with pytest.raises(Exception, match="未知的操作"):
        services.grant_transition(actor=tree.county_staff, grant=g, step="pay")


# -- the grant list import ----------------------------------------------------------------

GRANT_HEADER = [
    "姓名*",
    "身份证号*",
    "所在工会*",
    "帮扶项目*",
    "困难类别",
    "发放金额(元)*",
    "物资折价(元)",
    "发放日期",
    "开户银行",
    "银行账号",
    "备注",
    "学生姓名*",
    "学生身份证号*",
    "就读学校*",
    "学历层次*",
    "入学年份",
]


def grant_rows(aid, people, union="QS-A-1", start=0):
    from gonghui.core.crypto import cipher
    from gonghui.members.crypto import ID_PURPOSE

    rows = []
    for i, p in enumerate(people):
        s = student(start + i)
        rows.append(
            [
                p.name,
                cipher().decrypt(p.id_number, ID_PURPOSE),
                union,
                "金秋助学",
                "",
                "5000",
                "",
                "",
                "农业银行",
                "6228 4800 0000 0000 01",
                "",
                s["student_name"],
                s["student_id_number"],
                "云南大学",
                "本科",
                "2026",
            ]
        )
    return rows


def write_grants(path, rows):
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(GRANT_HEADER)
        writer.writerows(rows)
    return path


def test_grant_list_import_checks_like_the_form(tree, aid, tmp_path):
    from gonghui.assistance.imports import GrantListSpec
    from gonghui.core.imports.engine import Mode, run_import

    rows = grant_rows(aid, aid.a_people[:3])
    rows.append(grant_rows(aid, aid.a_people[3:4], start=7)[0])  # no hardship file
    rows.append(list(rows[0]))  # the same child twice
    bad_level = grant_rows(aid, aid.a_people[1:2], start=8)[0]
    bad_level[14] = "博士"
    rows.append(bad_level)
    rows[2][7] = "2026-09-01"  # a payment date: noted, not imported
    path = write_grants(tmp_path / "名单.csv", rows)
    outcome = run_import(
        GrantListSpec(),
        path,
        actor=tree.town_a,
        org=tree.a,
        mode=Mode.PARTIAL,
        options={"campaign": aid.school.code},
    )
    assert outcome.counts()["rows"] == 6
    assert (outcome.imported, outcome.rejected) == (3, 3), [p.message for p in outcome.problems]
    assert Grant.objects.filter(status=G.SUBMITTED).count() == 3
    assert {r for r, _c, _w in outcome.repairs} >= {4}
    again = run_import(
        GrantListSpec(),
        path,
        actor=tree.town_a,
        org=tree.a,
        mode=Mode.VALIDATE,
        options={"campaign": aid.school.code},
    )
    assert again.rejected == 6  # now every child already has a grant, or the row is wrong


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_do_not_duplicate_a_grant(tmp_path):
    from pathlib import Path

    from gonghui.assistance.imports import GrantListSpec
    from gonghui.core.imports.engine import Mode, run_import
    from tests.conftest import build_tree

    tree = build_tree()
    aid = build_aid(tree)
    path = write_grants(tmp_path / "名单.csv", grant_rows(aid, aid.a_people[:2]))
    results = {}
    barrier = threading.Barrier(2)

    def run(name):
        try:
            barrier.wait()
            results[name] = run_import(
                GrantListSpec(),
                Path(path),
                actor=None,
                org=tree.county,
                mode=Mode.PARTIAL,
                options={"campaign": aid.school.code},
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in ("x", "y")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(r.imported for r in results.values()) == [0, 2]
    assert Grant.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_grant_import_command_prints_counts(tmp_path):
    import json
    import subprocess
    import sys

    from tests.conftest import build_tree
    from tests.test_member_import import _cli_env

    tree = build_tree()
    aid = build_aid(tree)
    rows = grant_rows(aid, aid.a_people[:2])
    rows.append(["某人", "123", "QS-A-1", "金秋助学", "", "5000"] + [""] * 10)
    path = write_grants(tmp_path / "名单.csv", rows)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "gonghui.cli",
            "import",
            "grants",
            str(path),
            "--campaign",
            aid.school.code,
            "--json",
            "--partial",
        ],
        capture_output=True,
        text=True,
        env=_cli_env(),
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert run.stdout.strip(), run.stderr
    assert {k: v for k, v in json.loads(run.stdout).items() if k != "written"} == {
        "rows": 3,
        "valid": 2,
        "imported": 2,
        "updated": 0,
        "repaired": 2,
        "rejected": 1,
        "conflicts": 0,
    }
    assert Grant.objects.filter(status="submitted").count() == 2
    assert tree.county.code == "QS"


def test_household_members_and_relief_photos_stay_in_scope(tree, aid, client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    f = HardshipFile.objects.get(applicant=aid.a_people[0])
    client.force_login(tree.town_b)
    client.post(
        f"/admin/assistance/hardshipfile/{f.pk}/member/", {"name": "王某", "relation": "配偶"}
    )
    assert not f.members.exists()
    client.force_login(tree.town_a)
    client.post(
        f"/admin/assistance/hardshipfile/{f.pk}/member/",
        {"name": "王某", "relation": "配偶", "birth_year": "1982"},
    )
    assert list(f.members.values_list("relation", "birth_year")) == [("配偶", 1982)]
    relief = services.group_relief_create(
        actor=tree.town_a,
        campaign=aid.winter,
        org=tree.a,
        headcount=40,
        date=datetime.date(2026, 1, 20),
        cash_amount=4000,
        photo=SimpleUploadedFile("慰问.jpg", b"\xff\xd8\xff fake jpeg"),
    )
    url = f"/admin/assistance/grouprelief/{relief.pk}/photo/"
    assert client.get(url).status_code == 200
    client.force_login(tree.town_b)
    assert client.get(url).status_code == 404
    assert client.get("/admin/assistance/grouprelief/").context["cl"].result_count == 0


def test_grant_list_upload_page_asks_for_the_campaign(tree, aid, client, tmp_path):
    from gonghui.core.imports.jobs import import_job_run
    from gonghui.core.models import ImportJob

    client.force_login(tree.town_a)
    page = client.get("/admin/core/importjob/new/grants/")
    assert page.status_code == 200 and "2026 金秋助学" in page.content.decode()
    path = write_grants(tmp_path / "名单.csv", grant_rows(aid, aid.a_people[:1]))
    with path.open("rb") as fh:
        response = client.post(
            "/admin/core/importjob/new/grants/",
            {"org": tree.a.pk, "mode": "all", "campaign": aid.school.code, "file": fh},
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.options == {"campaign": aid.school.code}
    import_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.counts["imported"] == 1


def test_grant_import_answers_a_person_outside_the_subtree_as_unknown(tree, aid, tmp_path):
    from gonghui.assistance.imports import GrantListSpec
    from gonghui.core.imports.engine import Mode, run_import

    outsider = grant_rows(aid, aid.b_people[:1], union="QS-A-1")
    unknown = grant_rows(aid, aid.a_people[:1], union="QS-A-1", start=5)
    unknown[0][1] = "530524199001010028"  # a valid number nobody holds
    path = write_grants(tmp_path / "名单.csv", outsider + unknown)
    outcome = run_import(
        GrantListSpec(),
        path,
        actor=tree.town_a,
        org=tree.a,
        mode=Mode.VALIDATE,
        options={"campaign": aid.school.code},
    )
    messages = [p.message for p in outcome.problems]
    assert len(messages) == 2 and messages[0] == messages[1]
