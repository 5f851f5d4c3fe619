"""Rights (维权): collective contracts from the negotiation to the contract in force, by the
rules of 集体合同规定 (the vote, the order of the steps, the objection window, the term), who
may sign for which employers, the figures and rates, the report's sentence and the back
office."""

from __future__ import annotations

import datetime
import io

import pytest
import python_calamine
from django.urls import reverse

from gonghui.core.errors import DomainError, NotFound
from gonghui.core.models import Event
from gonghui.orgs.services import employer_create
from gonghui.reports.selectors import figures
from gonghui.reports.summary import work_report
from gonghui.rights import selectors, services
from gonghui.rights.models import CollectiveContract
from tests.conftest import snapshot

D = datetime.date
TODAY = D(2026, 10, 31)
VOTE = {"assembly": "congress", "eligible": 60, "present": 45, "in_favour": 40}


def contract(tree, org=None, employers=None, **more):
    values = {
        "org": org or tree.a1,
        "title": "甲公司集体合同",
        "reach": "single",
        "subject": "comprehensive",
        "workers_covered": 120,
        "union_negotiator": "张工会",
        "employer_negotiator": "李经理",
        "rounds": 2,
        "term_years": 3,
        **more,
    }
    return services.contract_create(
        actor=tree.county_staff, employers=employers or [tree.emp_a], **values
    )


def step(tree, c, name, actor=None, today=TODAY, reason="", **values):
    return services.contract_transition(
        actor=actor or tree.county_staff,
        contract=c,
        step=name,
        values=values,
        reason=reason,
        today=today,
    )


MARCH_10 = D(2026, 3, 10)


def in_force(tree, c, signed=MARCH_10):
    step(tree, c, "approve", approved_on=signed - datetime.timedelta(days=5), **VOTE)
    step(tree, c, "sign", signed_on=signed)
    step(tree, c, "file", filed_on=signed + datetime.timedelta(days=5))
    return step(tree, c, "effect")


def test_a_contract_goes_from_negotiation_to_in_force_step_by_step(tree):
    c = contract(tree)
    assert c.status == "negotiating" and list(c.employers.all()) == [tree.emp_a]
    c = step(tree, c, "approve", approved_on=D(2026, 3, 1), **VOTE)
    assert (c.status, c.in_favour, c.assembly) == ("approved", 40, "congress")
    c = step(tree, c, "sign", signed_on=D(2026, 3, 5))
    c = step(tree, c, "file", filed_on=D(2026, 3, 12))
    assert c.status == "filed" and not c.filed_late
    # Before the 15-day objection window ends it cannot take effect; the page says when.
    with pytest.raises(DomainError, match="3月27日"):
        step(tree, c, "effect", today=D(2026, 3, 20))
    progress = selectors.contract_progress(tree.county_staff, c, D(2026, 3, 20))
    assert progress["waiting"] and "3月27日" in progress["waiting"][0]
    assert [s.name for s in progress["steps"]] == ["object"]
    with pytest.raises(DomainError, match="15"):
        step(tree, c, "effect", effective_from=D(2026, 3, 26))
    c = step(tree, c, "effect")
    assert (c.status, c.effective_from, c.expires_on) == (
        "in_force",
        D(2026, 3, 27),
        D(2029, 3, 26),
    )
    steps = Event.objects.filter(action__startswith="collectivecontract.").values_list(
        "action", flat=True
    )
    assert list(steps.order_by("pk")) == [
        "collectivecontract.create",
        "collectivecontract.approve",
        "collectivecontract.sign",
        "collectivecontract.file",
        "collectivecontract.effect",
    ]
    progress = selectors.contract_progress(tree.county_staff, c, TODAY)
    assert progress["steps"] == [] and progress["next"] == ""
    assert [s["state"] for s in progress["bar"]] == ["done"] * 4 + ["current"]


@pytest.mark.parametrize(
    ("vote", "message"),
    [
        ({"present": 39, "in_favour": 35}, "不足三分之二"),  # 39 of 60 present
        ({"in_favour": 30}, "未超过全体"),  # exactly half of all is not more than half
        ({"present": 61}, "赞成"),  # more present than there are
        ({"in_favour": 46}, "赞成"),  # more in favour than present
        ({"eligible": None}, "表决"),
    ],
)
def test_the_vote_needs_two_thirds_present_and_more_than_half_of_all_in_favour(tree, vote, message):
    c = contract(tree)
    before = snapshot(CollectiveContract)
    with pytest.raises(DomainError, match=message):
        step(tree, c, "approve", approved_on=D(2026, 3, 1), **{**VOTE, **vote})
    assert snapshot(CollectiveContract) == before
    assert not Event.objects.filter(action="collectivecontract.approve").exists()
    # Exactly two thirds present and one vote over half: approved.
    done = step(
        tree, c, "approve", approved_on=D(2026, 3, 1), **{**VOTE, "present": 40, "in_favour": 31}
    )
    assert done.status == "approved"


def test_steps_out_of_order_and_dates_out_of_order_or_ahead_are_refused(tree):
    c = contract(tree)
    with pytest.raises(DomainError, match="协商中"):
        step(tree, c, "sign", signed_on=D(2026, 3, 5))
    with pytest.raises(DomainError, match="晚于今天"):
        step(tree, c, "approve", approved_on=D(2026, 11, 5), **VOTE)
    c = step(tree, c, "approve", approved_on=D(2026, 3, 1), **VOTE)
    with pytest.raises(DomainError, match="审议通过之前"):
        step(tree, c, "sign", signed_on=D(2026, 2, 27))
    with pytest.raises(DomainError, match="日期"):
        step(tree, c, "sign")
    c = step(tree, c, "sign", signed_on=D(2026, 3, 5))
    with pytest.raises(DomainError, match="签订之前"):
        step(tree, c, "file", filed_on=D(2026, 3, 4))
    # Filed late: recorded as it happened, and shown as more than 10 days after signing.
    c = step(tree, c, "file", filed_on=D(2026, 3, 20))
    assert c.filed_late
    with pytest.raises(DomainError, match=r"原因|理由"):
        step(tree, c, "object")
    c = step(tree, c, "object", reason="试用期条款违法")
    assert (c.status, c.objection, c.approved_on, c.signed_on, c.filed_on) == (
        "negotiating",
        "试用期条款违法",
        None,
        None,
        None,
    )
    assert c.employers.count() == 1


def test_who_may_sign_for_which_employers(tree):
    tables = snapshot(CollectiveContract)
    cases = [
        ({"org": tree.a}, "本单位工会"),  # a township does not sign one employer's contract
        ({"employers": [tree.emp_a, tree.emp_b]}, "一家单位"),
        ({"employers": [tree.emp_b]}, "不是"),  # another union's employer
        ({"reach": "regional"}, "区域性|行业性"),  # a grassroots enterprise union
        ({"org": tree.a, "reach": "regional", "employers": [tree.emp_a]}, "两家"),
        ({"org": tree.a, "reach": "regional", "employers": [tree.emp_a, tree.emp_b]}, "乙公司"),
        ({"subject": "wage"}, "一年"),
        ({"term_years": 4}, "一至三年|1至3年"),
        ({"women_covered": 121}, "女职工"),
        ({"workers_covered": 0}, "职工人数"),
    ]
    for change, message in cases:
        with pytest.raises(DomainError, match=message):
            contract(tree, **change)
    assert snapshot(CollectiveContract) == tables
    # A township's regional contract for the firms under it, one of them without a union.
    small = employer_create(actor=None, org=tree.a, name="甲镇小饭店", unit_type="170", headcount=8)
    regional = contract(
        tree,
        org=tree.a,
        reach="regional",
        employers=[tree.emp_a, small],
        title="甲镇区域性集体合同",
        workers_covered=128,
    )
    assert regional.employers.count() == 2
    wage = contract(tree, subject="wage", term_years=1, title="甲公司工资专项集体合同")
    assert wage.term_years == 1


def test_only_a_contract_under_negotiation_is_changed_or_deleted(tree):
    c = contract(tree)
    c = services.contract_update(
        actor=tree.clerk_a1, contract=c, changes={"rounds": 3, "workers_covered": 118}
    )
    assert (c.rounds, c.workers_covered) == (3, 118)
    with pytest.raises(DomainError, match="一家单位"):
        services.contract_update(
            actor=tree.clerk_a1, contract=c, changes={}, employers=[tree.emp_a, tree.emp_b]
        )
    with pytest.raises(DomainError):
        services.contract_update(actor=tree.clerk_a1, contract=c, changes={"status": "in_force"})
    c = step(tree, c, "approve", approved_on=D(2026, 3, 1), **VOTE)
    with pytest.raises(DomainError, match="协商中"):
        services.contract_update(actor=tree.clerk_a1, contract=c, changes={"rounds": 4})
    with pytest.raises(DomainError, match="协商中"):
        services.contract_delete(actor=tree.clerk_a1, contract=c)
    draft = contract(tree, title="甲公司集体合同（草案二）")
    services.contract_delete(actor=tree.clerk_a1, contract=draft)
    assert not CollectiveContract.objects.filter(pk=draft.pk).exists()


def test_a_contract_is_reached_only_within_the_subtree(tree):
    c = contract(tree)
    assert list(selectors.contracts_visible_to(tree.town_a)) == [c]
    assert list(selectors.contracts_visible_to(tree.town_b)) == []
    with pytest.raises(NotFound):
        step(tree, c, "approve", actor=tree.town_b, approved_on=D(2026, 3, 1), **VOTE)
    with pytest.raises(NotFound):
        services.contract_update(actor=tree.town_b, contract=c, changes={"rounds": 5})
    with pytest.raises(NotFound):
        services.contract_create(
            actor=tree.town_b,
            employers=[tree.emp_a],
            org=tree.a1,
            title="越权",
            reach="single",
            subject="comprehensive",
            workers_covered=10,
            union_negotiator="甲",
            employer_negotiator="乙",
        )
    # Who may be covered: what the actor's subtree registers or unionises.
    assert set(selectors.contract_employers_choosable(tree.clerk_a1)) == {tree.emp_a}
    assert set(selectors.contract_employers_choosable(tree.town_b)) == {tree.emp_b}
    assert set(selectors.contract_employers_choosable(tree.county_staff)) == {
        tree.emp_a,
        tree.emp_b,
    }


def test_renewal_and_the_to_dos(tree):
    wage = contract(tree, subject="wage", term_years=1, title="甲公司集体合同（2025年）")
    c = in_force(tree, wage, signed=D(2025, 11, 20))
    assert c.expires_on == D(2026, 12, 9)  # in force from 12月10日, for a year
    assert list(selectors.contracts_waiting(tree.town_a, "contracts.renewal", TODAY)) == [c]
    assert list(selectors.contracts_expiring(tree.town_b, TODAY)) == []
    filed = contract(tree, title="甲公司集体合同（2026）")
    step(tree, filed, "approve", approved_on=D(2026, 9, 1), **VOTE)
    step(tree, filed, "sign", signed_on=D(2026, 9, 5))
    step(tree, filed, "file", filed_on=D(2026, 9, 10))
    assert list(selectors.contracts_waiting(tree.clerk_a1, "contracts.effect", TODAY)) == [filed]
    assert not selectors.contracts_waiting(tree.clerk_a1, "contracts.effect", D(2026, 9, 20))
    assert not selectors.contracts_waiting(tree.clerk_a1, "other", TODAY)
    with pytest.raises(DomainError, match="生效"):
        services.contract_renew(actor=tree.clerk_a1, contract=filed, today=TODAY)
    renewal = services.contract_renew(actor=tree.clerk_a1, contract=c, today=TODAY)
    assert (renewal.status, renewal.renewal_of, renewal.subject) == ("negotiating", c, "wage")
    assert list(renewal.employers.all()) == [tree.emp_a]
    assert renewal.title == "甲公司集体合同（2027年续签）"
    assert list(selectors.contracts_waiting(tree.town_a, "contracts.renewal", TODAY)) == []
    with pytest.raises(DomainError, match="续签"):
        services.contract_renew(actor=tree.clerk_a1, contract=c, today=TODAY)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_renewing_at_once_open_one_renewal():
    import threading

    from django.db import connection

    from tests.conftest import build_tree

    tree = build_tree()
    c = in_force(tree, contract(tree), signed=D(2023, 3, 10))
    barrier = threading.Barrier(2)
    results = []

    def renew(actor):
        try:
            barrier.wait()
            services.contract_renew(actor=actor, contract=c, today=TODAY)
            results.append("ok")
        except DomainError as exc:
            results.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=renew, args=(a,)) for a in (tree.clerk_a1, tree.town_a)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1 and any("续签" in r for r in results), results
    assert CollectiveContract.objects.filter(renewal_of=c).count() == 1


def test_the_figures_rates_and_report_say_the_contracts(tree, client):
    in_force(tree, contract(tree), signed=D(2026, 3, 10))
    in_force(
        tree,
        contract(tree, subject="women", women_covered=50, title="甲公司女职工专项集体合同"),
        signed=D(2026, 4, 10),
    )
    small = employer_create(actor=None, org=tree.b, name="乙镇小超市", unit_type="170")
    regional = contract(
        tree,
        org=tree.b,
        reach="regional",
        employers=[tree.emp_b, small],
        title="乙镇区域性集体合同",
        workers_covered=90,
    )
    step(tree, regional, "approve", approved_on=D(2026, 5, 1), **VOTE)
    step(tree, regional, "sign", signed_on=D(2026, 5, 3))  # signed, not yet in force
    contract(tree, title="甲公司集体合同（草案）")  # a draft counts nowhere
    start, end = D(2026, 1, 1), D(2026, 10, 31)
    got = {f.key: f.value for f in figures(tree.county_staff, tree.county, start, end)}
    assert got["rights.contracts"] == 3
    assert got["rights.contracts.employers"] == 3  # 甲公司 (twice), 乙公司, 乙镇小超市
    assert got["rights.contracts.workers"] == 330
    assert (got["rights.contracts.women"], got["rights.contracts.women.workers"]) == (1, 50)
    assert got["rights.contracts.in_force"] == 2
    # Of the two employers with a union, 甲公司 is covered in force (乙's is only signed).
    assert (got["rights.employers.covered"], got["rights.employers.covered.women"]) == (1, 1)
    town_b = {f.key: f.value for f in figures(tree.town_b, tree.b, start, end)}
    assert (town_b["rights.contracts"], town_b["rights.contracts.in_force"]) == (1, 0)
    text = work_report(tree.county_staff, tree.county, start, end).markdown()
    assert "签订集体合同3份，覆盖企业3户、职工330人" in text
    assert "签订女职工专项集体合同1份，覆盖企业1家、女职工50人" in text
    assert "有效集体合同覆盖已建会企业1家，集体合同签订率达50%" in text
    assert "女职工专项集体合同签订率达50%" in text
    # Before any took effect, and after the contracts expired: nothing in force.
    early = {f.key: f.value for f in figures(tree.county_staff, tree.county, start, D(2026, 3, 31))}
    assert (early["rights.contracts"], early["rights.contracts.in_force"]) == (1, 1)
    late = {
        f.key: f.value
        for f in figures(tree.county_staff, tree.county, D(2030, 1, 1), D(2030, 12, 31))
    }
    assert late["rights.contracts.in_force"] == 0
    # Every figure opens the records behind it: a contract, or a contract and an employer.
    client.force_login(tree.county_staff)
    params = {"org": tree.county.pk, "date_from": "2026-01-01", "date_to": "2026-10-31"}
    for key in [k for k in got if k.startswith("rights.")]:
        page = client.get("/admin/reports/records/", {**params, "key": key})
        assert page.status_code == 200, key
        rows = page.context["rows"]
        if got[key] and "employers" in key:
            labels = {row[0] for row in rows}
            assert labels & {"甲公司女职工专项集体合同：甲公司", "乙镇区域性集体合同：乙公司"}, key
            assert all(r[1].startswith("/admin/rights/collectivecontract/") for r in rows)
            assert all(isinstance(r[3], datetime.date) for r in rows)


def test_the_ledgers_contract_counter_takes_no_new_entries(tree):
    from gonghui.ledger import services as ledger
    from gonghui.ledger.models import LedgerCategory

    with pytest.raises(DomainError, match="维权"):
        ledger.entry_create(
            actor=tree.county_staff,
            org=tree.county,
            category=LedgerCategory.objects.get(code="rights.contract"),
            title="集体合同",
            starts_on=D(2026, 3, 1),
            households=10,
        )


def test_a_clerk_records_a_contract_and_takes_its_steps_in_the_back_office(client, tree):
    add = reverse("admin:rights_collectivecontract_add")
    client.force_login(tree.clerk_a1)
    page = client.get(add)
    assert page.status_code == 200 and "甲公司" in page.content.decode()
    assert "乙公司" not in page.content.decode()  # another township's employer is not offered
    form = {
        "org": tree.a1.pk,
        "title": "甲公司2026年集体合同",
        "reach": "single",
        "subject": "comprehensive",
        "employers": [tree.emp_a.pk],
        "workers_covered": "120",
        "women_covered": "0",
        "union_negotiator": "张工会",
        "employer_negotiator": "李经理",
        "rounds": "2",
        "term_years": "3",
    }
    wrong = client.post(add, {**form, "subject": "wage"})
    assert wrong.status_code == 200 and "一年" in wrong.content.decode()
    assert not CollectiveContract.objects.exists()
    done = client.post(add, form)
    assert done.status_code == 302, done.content.decode()[:3000]
    c = CollectiveContract.objects.get()
    url = reverse("admin:rights_collectivecontract_change", args=[c.pk])
    page = client.get(url).content.decode()
    assert "记录职代会审议通过" in page or 'data-step="approve"' in page
    steps = reverse("admin:rights_collectivecontract_step", args=[c.pk])
    few = {"step": "approve", "assembly": "congress", "eligible": "60", "present": "30",
           "in_favour": "30", "approved_on": "2026-03-01"}  # fmt: skip
    answer = client.post(steps, few, follow=True)
    assert any("三分之二" in str(m) for m in answer.context["messages"])
    assert CollectiveContract.objects.get().status == "negotiating"
    bad = client.post(steps, {**few, "eligible": "abc"}, follow=True)
    assert any("整数" in str(m) for m in bad.context["messages"])
    client.post(steps, {**few, "present": "45", "in_favour": "40"})
    client.post(steps, {"step": "sign", "signed_on": "2026-03-05"})
    client.post(steps, {"step": "file", "filed_on": "2026-03-10"})
    client.post(steps, {"step": "effect", "effective_from": "2026-03-25"})
    c = CollectiveContract.objects.get()
    assert (c.status, c.expires_on) == ("in_force", D(2029, 3, 24))
    page = client.get(url).content.decode()
    assert "2026-03-25—2029-03-24" in page and 'name="title"' not in page
    # The step's and renewal's addresses opened by hand lead back to the contract's page.
    for address in (steps, reverse("admin:rights_collectivecontract_renew", args=[c.pk])):
        assert client.get(address)["Location"] == url
    # Another township's staff: the contract answers like a missing one, its step too.
    client.force_login(tree.town_b)
    assert client.get(url).status_code == 302
    assert client.get(steps)["Location"] != url
    client.post(steps, {"step": "object", "reason": "x"})
    assert CollectiveContract.objects.get().status == "in_force"
    # The county sees it in the register behind its figures and opens the renewal.
    client.force_login(tree.county_staff)
    listing = client.get(reverse("admin:rights_collectivecontract_changelist"), {"in_force": "yes"})
    assert "甲公司2026年集体合同" in listing.content.decode()
    renewed = client.post(reverse("admin:rights_collectivecontract_renew", args=[c.pk]))
    assert renewed.status_code == 302 and CollectiveContract.objects.count() == 2
    assert client.get(renewed["Location"]).status_code == 200
    # The register as the office files it: both contracts, their steps' dates, a total.
    changelist = reverse("admin:rights_collectivecontract_changelist")
    ids = list(CollectiveContract.objects.values_list("pk", flat=True))
    export = client.post(changelist, {"action": "export_register", "_selected_action": ids})
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(export.content))
    rows = sheet.get_sheet_by_index(0).to_python()
    assert rows[0][0].startswith("集体合同台账") and rows[1][:3] == ["序号", "合同名称", "签约工会"]
    body = {r[1]: r for r in rows[2:4]}
    first = body["甲公司2026年集体合同"]
    assert (
        first[5] == "甲公司"
        and first[6] == 120
        and first[9:13]
        == [
            "2026-03-05",
            "2026-03-10",
            "2026-03-25",
            "2029-03-24",
        ]
    )
    assert "到会45人，赞成40票" in first[8] and first[13] == "已生效"
    renewal = next(r for t, r in body.items() if t.endswith("年续签）"))
    assert renewal[13] == "协商中", body.keys()
    assert rows[4][0] == "合计" and rows[4][1] == "2份" and rows[4][6] == 240
    # Another township's staff selecting them gets a register without them.
    client.force_login(tree.town_b)
    nothing = client.post(changelist, {"action": "export_register", "_selected_action": ids})
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(nothing.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert len(rows) == 3 and rows[2][:2] == ["合计", "0份"]
    assert "甲公司" not in repr(rows)


REGISTER_HEADER = [
    "签约工会", "合同名称", "签订范围", "合同类型", "覆盖单位", "覆盖职工人数", "其中女职工人数",
    "工会首席代表", "企业首席代表", "协商轮次", "审议方式", "应到人数", "实到人数", "赞成票数",
    "审议通过日期", "签订日期", "报送审查日期", "生效日期", "期限（年）",
]  # fmt: skip


def write_register(path, rows):
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["甲镇集体合同台账（2026年）"])
        writer.writerow(REGISTER_HEADER)
        writer.writerows(rows)
    return path


def test_the_contract_register_comes_in_checked_by_the_same_rules(tree, tmp_path):
    from django.utils import timezone

    from gonghui.core.imports.engine import Mode, run_import
    from gonghui.rights.imports import ContractRegisterSpec

    small = employer_create(actor=None, org=tree.a, name="甲镇小饭店", unit_type="170")
    vote = ["职代会", "60", "45", "40"]
    today = timezone.localdate()
    approved, signed, filed = (str(today - datetime.timedelta(days=n)) for n in (12, 10, 5))
    rows = [
        # In force (the objection window long over), a regional one of two firms, a wage
        # agreement filed and waiting for the window, one signed and not yet filed.
        ["QS-A-1", "甲公司集体合同（2025年）", "", "综合", "甲公司", "120", "40", "张", "李",
         "2", *vote, "2025-03-01", "2025-03-05", "2025-03-12", "", "3"],
        ["QS-A", "甲镇区域性集体合同", "区域性", "综合", "甲公司、甲镇小饭店", "140", "", "王",
         "赵", "", "职工大会", "140", "120", "100", "2026-01-10", "2026-01-12", "2026-01-20",
         "2026-02-05", "3"],
        ["QS-A-1", "甲公司工资专项集体合同", "单一企业", "工资专项", "甲公司", "120", "", "张",
         "李", "1", *vote, approved, signed, filed, "", "1"],
        ["QS-A-1", "甲公司女职工专项集体合同", "", "女职工", "甲公司", "120", "40", "张", "李",
         "1", *vote, approved, signed, "", "", "3"],
        # Refused: too few present, a firm of another township, a wage agreement for 3 years,
        # signed before approved, an unknown employer, in force before the window ends, the
        # first contract again.
        ["QS-A-1", "少人", "", "综合", "甲公司", "120", "", "张", "李", "1", "职代会", "60",
         "30", "30", "2026-03-01", "2026-03-05", "", "", "3"],
        ["QS-A", "跨镇", "区域性", "综合", "甲公司、乙公司", "200", "", "王", "赵", "1", *vote,
         "2026-03-01", "2026-03-05", "", "", "3"],
        ["QS-A-1", "三年工资", "", "工资专项", "甲公司", "120", "", "张", "李", "1", *vote,
         "2026-03-01", "2026-03-05", "", "", "3"],
        ["QS-A-1", "先签后审", "", "综合", "甲公司", "120", "", "张", "李", "1", *vote,
         "2026-03-09", "2026-03-05", "", "", "3"],
        ["QS-A-1", "无此单位", "", "综合", "甲公司、不存在公司", "120", "", "张", "李", "1",
         *vote, "2026-03-01", "2026-03-05", "", "", "3"],
        ["QS-A-1", "提前生效", "", "综合", "甲公司", "120", "", "张", "李", "1", *vote,
         "2026-03-01", "2026-03-05", "2026-03-10", "2026-03-12", "3"],
        ["QS-A-1", "甲公司集体合同（2025年）", "", "综合", "甲公司", "120", "40", "张", "李",
         "2", *vote, "2025-03-01", "2025-03-05", "2025-03-12", "", "3"],
        # Numbers the cell cannot hold: a superscript digit, more workers than a count holds.
        ["QS-A-1", "上标", "", "综合", "甲公司", "120", "", "张", "李", "²", *vote,
         "2026-03-01", "2026-03-05", "", "", "3"],
        ["QS-A-1", "超大", "", "综合", "甲公司", "99999999999", "", "张", "李", "1", *vote,
         "2026-03-01", "2026-03-05", "", "", "3"],
    ]  # fmt: skip
    path = write_register(tmp_path / "集体合同台账.csv", rows)
    before = snapshot(CollectiveContract)
    whole = run_import(ContractRegisterSpec(), path, actor=tree.town_a, org=tree.a)
    assert whole.rejected == 9 and snapshot(CollectiveContract) == before
    found = {(p.row, p.column) for p in whole.problems}
    expected = {(7, "实到人数"), (8, "覆盖单位"), (9, "期限（年）"), (10, "签订日期"),
                (11, "覆盖单位"), (12, "生效日期"), (13, "合同名称"), (14, "协商轮次"),
                (15, "覆盖职工人数")}  # fmt: skip
    assert expected <= found, whole.problems
    messages = " ".join(p.message for p in whole.problems)
    assert "三分之二" in messages and "乙公司" in messages and "不存在公司" in messages
    outcome = run_import(
        ContractRegisterSpec(), path, actor=tree.town_a, org=tree.a, mode=Mode.PARTIAL
    )
    assert outcome.imported == 4, [p.message for p in outcome.problems]
    got = {c.title: c for c in CollectiveContract.objects.all()}
    first = got["甲公司集体合同（2025年）"]
    assert (first.status, first.effective_from, first.expires_on) == (
        "in_force",
        D(2025, 3, 27),
        D(2028, 3, 26),
    )
    regional = got["甲镇区域性集体合同"]
    assert (regional.reach, regional.org, regional.status) == ("regional", tree.a, "in_force")
    assert set(regional.employers.all()) == {tree.emp_a, small}
    assert got["甲公司工资专项集体合同"].status == "filed"
    assert got["甲公司女职工专项集体合同"].status == "signed"
    # Each carries its steps in its history, like one recorded by hand.
    steps = Event.objects.filter(action__startswith="collectivecontract.").values_list(
        "action", flat=True
    )
    assert list(steps).count("collectivecontract.effect") == 2
    assert "collectivecontract.import" in steps
    again = run_import(ContractRegisterSpec(), path, actor=tree.town_a, org=tree.a)
    assert again.conflicts >= 4
    # Another township cannot import into 甲镇's unions or name its firms.
    other = run_import(ContractRegisterSpec(), path, actor=tree.town_b, org=tree.b)
    assert other.imported == 0 and other.rejected >= 4
