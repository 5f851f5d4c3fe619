"""Rights (维权): labour-dispute mediation (劳动争议调解, 法院+工会 诉调对接). A mediation room's
mediators and its cases from intake to an agreement, its judicial confirmation, a withdrawal
or a referral; the worker's data encrypted, masked and logged; who may see and act; the
figures, the report's sentence and the back office."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
import python_calamine
from django.db import connection
from django.urls import reverse

from gonghui.core.errors import DomainError, NotFound
from gonghui.core.models import AccessLog, Event
from gonghui.orgs.models import ServicePoint
from gonghui.orgs.services import service_point_create
from gonghui.reports.selectors import figures
from gonghui.reports.summary import work_report
from gonghui.rights import selectors, services
from gonghui.rights.models import DisputeCase

D = datetime.date
TODAY = D(2026, 10, 31)
PHONE = "13912345678"
CLAIM = "拖欠三个月工资共计24000元，要求支付"


def room(tree, org=None, name="青山县劳动争议诉调对接工作室"):
    return service_point_create(
        actor=None,
        org=org or tree.county,
        kind=ServicePoint.Kind.MEDIATION_ROOM,
        name=name,
        partner="青山县人民法院",
    )


def intake(tree, r, actor=None, **more):
    values = {
        "room": r,
        "channel": "court",
        "dispute_type": "wages",
        "worker_name": "王小明",
        "worker_phone": PHONE,
        "claim": CLAIM,
        "employer": tree.emp_a,
        "amount_claimed": Decimal("24000"),
        "received_on": D(2026, 3, 2),
        "today": TODAY,
        **more,
    }
    return services.case_create(actor=actor or tree.county_staff, **values)


def take(tree, case, name, actor=None, reason="", **values):
    return services.case_transition(
        actor=actor or tree.county_staff,
        case=case,
        step=name,
        values=values,
        reason=reason,
        today=TODAY,
    )


@pytest.fixture
def mediation(tree):
    r = room(tree)
    m = services.mediator_create(actor=tree.county_staff, room=r, name="赵调解", kind="lawyer")
    return r, m


def test_a_case_goes_from_intake_to_an_agreement_confirmed_by_the_court(tree, mediation):
    r, m = mediation
    case = intake(tree, r)
    assert (case.status, case.number, case.org) == ("received", "（2026）诉调字第1号", tree.county)
    assert intake(tree, r, received_on=D(2026, 4, 1)).number == "（2026）诉调字第2号"
    case = take(tree, case, "start", mediator=m, mediation_started_on=D(2026, 3, 3))
    assert (case.status, case.mediator) == ("mediating", m)
    case = take(tree, case, "agree", closed_on=D(2026, 3, 20), amount_recovered=Decimal("20000"))
    assert (case.status, case.amount_recovered) == ("agreed", Decimal("20000"))
    case = take(tree, case, "confirm", confirmed_on=D(2026, 3, 25))
    assert case.status == "confirmed"
    progress = selectors.case_progress(tree.county_staff, case, TODAY)
    assert [s["state"] for s in progress["bar"]] == ["done"] * 3 + ["current"]
    assert len(progress["history"]) == 4 and progress["steps"] == []
    # Closed: nothing changes any more, and it is not deleted.
    with pytest.raises(DomainError, match="结案"):
        services.case_update(actor=tree.county_staff, case=case, changes={"workers_involved": 2})
    with pytest.raises(DomainError):
        services.case_delete(actor=tree.county_staff, case=case)


def test_the_steps_check_their_order_dates_mediator_and_reasons(tree, mediation):
    r, m = mediation
    other_room = room(tree, tree.a, "甲镇劳动争议调解工作室")
    stranger = services.mediator_create(
        actor=tree.county_staff, room=other_room, name="钱调解", kind="union_staff"
    )
    case = intake(tree, r)
    with pytest.raises(DomainError, match="不能"):  # an agreement before any mediation
        take(tree, case, "agree", closed_on=D(2026, 3, 20), amount_recovered=Decimal(1))
    with pytest.raises(DomainError, match="所选调解员"):
        take(tree, case, "start", mediator=stranger, mediation_started_on=D(2026, 3, 3))
    with pytest.raises(DomainError, match="调解员"):
        take(tree, case, "start", mediation_started_on=D(2026, 3, 3))
    with pytest.raises(DomainError, match="受理"):
        take(tree, case, "start", mediator=m, mediation_started_on=D(2026, 3, 1))
    with pytest.raises(DomainError, match="晚于今天"):
        take(tree, case, "start", mediator=m, mediation_started_on=D(2026, 11, 3))
    take(tree, case, "start", mediator=m, mediation_started_on=D(2026, 3, 3))
    with pytest.raises(DomainError, match="负"):
        take(tree, case, "agree", closed_on=D(2026, 3, 20), amount_recovered=Decimal(-1))
    with pytest.raises(DomainError, match="原因"):
        take(tree, case, "refer", closed_on=D(2026, 3, 20), referred_to="arbitration")
    with pytest.raises(DomainError, match="仲裁"):
        take(tree, case, "refer", reason="分歧大", closed_on=D(2026, 3, 20))
    case = take(
        tree, case, "refer", reason="分歧大", closed_on=D(2026, 3, 20), referred_to="arbitration"
    )
    assert (case.status, case.close_note, case.amount_recovered) == ("referred", "分歧大", 0)
    got = {f.key: f.value for f in figures(tree.county_staff, tree.county, D(2026, 1, 1), TODAY)}
    assert got["rights.cases.referred"] == 1
    # A case received and withdrawn before mediation; one recorded by mistake is deleted.
    gone = intake(tree, r)
    gone = take(tree, gone, "withdraw", reason="已自行和解", closed_on=D(2026, 3, 4))
    assert gone.status == "withdrawn" and gone.mediator is None
    wrong = intake(tree, r)
    services.case_delete(actor=tree.county_staff, case=wrong)
    assert not DisputeCase.objects.filter(pk=wrong.pk).exists()
    # The database holds the rules too: no agreement's money on a referred case.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        DisputeCase.objects.filter(pk=case.pk).update(amount_recovered=5)


def test_the_intake_is_checked_and_says_what_is_wrong(tree, mediation):
    r, _m = mediation
    home = tree.sp_a  # a workers' home is not a mediation room
    with pytest.raises(DomainError, match="不是在用的诉调对接工作室"):
        intake(tree, home)
    with pytest.raises(DomainError, match="诉求"):
        intake(tree, r, claim="  ")
    with pytest.raises(DomainError, match="姓名"):
        intake(tree, r, worker_name="")
    with pytest.raises(DomainError, match="电话"):
        intake(tree, r, worker_phone="12345")
    with pytest.raises(DomainError, match="用人单位"):
        intake(tree, r, employer=None, employer_name="")
    with pytest.raises(DomainError, match="晚于今天"):
        intake(tree, r, received_on=D(2026, 11, 5))
    # An employer outside the actor's unions is written by name, not chosen.
    a_room = room(tree, tree.a, "甲镇劳动争议调解工作室")
    with pytest.raises(DomainError, match="不在本单位管辖范围内") as refused:
        intake(tree, a_room, actor=tree.town_a, employer=tree.emp_b)
    assert "乙公司" not in str(refused.value)  # not named: it is outside the township
    outside = intake(tree, a_room, actor=tree.town_a, employer=None, employer_name="外县某劳务公司")
    assert outside.employer_text == "外县某劳务公司"
    assert DisputeCase.objects.count() == 1


def test_the_workers_data_is_encrypted_masked_and_each_reading_logged(tree, mediation):
    r, _m = mediation
    case = intake(tree, r)
    with connection.cursor() as cur:
        cur.execute("SELECT claim, worker_phone FROM rights_disputecase WHERE id = %s", [case.pk])
        claim_raw, phone_raw = cur.fetchone()
    assert CLAIM.encode() not in bytes(claim_raw) and PHONE.encode() not in bytes(phone_raw)
    assert case.worker_phone_last4 == "5678"
    assert services.case_private(actor=tree.county_staff, case=case) == (CLAIM, PHONE)
    log = AccessLog.objects.get(action=AccessLog.Action.VIEW_DISPUTE_DATA)
    assert (log.actor, log.target_id) == (tree.county_staff, str(case.pk))
    # Without the right to mediate, nothing in clear and nothing logged.
    assert services.case_private(actor=tree.clerk_a1, case=case) == ("", "")
    # Outside the subtree: refused like a missing record.
    with pytest.raises(NotFound):
        services.case_private(actor=tree.town_b, case=case)
    assert AccessLog.objects.count() == 1
    # A correction is logged without the data itself.
    case = services.case_update(
        actor=tree.county_staff,
        case=case,
        changes={"worker_name": "王晓明", "claim": "新的诉求", "worker_phone": "13800001111"},
        today=TODAY,
    )
    event = Event.objects.filter(action="disputecase.update").get()
    said = str(event.details)
    assert "王晓明" not in said and "新的诉求" not in said and "13800001111" not in said
    assert services.case_private(actor=tree.county_staff, case=case) == ("新的诉求", "13800001111")


def test_who_sees_and_mediates_which_cases(tree, mediation):
    r, m = mediation
    a_room = room(tree, tree.a, "甲镇劳动争议调解工作室")
    a_mediator = services.mediator_create(
        actor=tree.town_a, room=a_room, name="孙调解", kind="invited"
    )
    county_case = intake(tree, r)
    a_case = intake(tree, a_room, actor=tree.town_a)
    assert set(selectors.cases_visible_to(tree.county_staff)) == {county_case, a_case}
    assert list(selectors.cases_visible_to(tree.town_a)) == [a_case]
    assert not selectors.cases_visible_to(tree.town_b).exists()
    assert list(selectors.mediation_rooms_choosable(tree.town_a)) == [a_room]
    assert set(selectors.mediators_visible_to(tree.county_staff)) == {m, a_mediator}
    assert list(selectors.case_mediators_choosable(tree.county_staff, a_case)) == [a_mediator]
    with pytest.raises(NotFound):
        take(tree, county_case, "start", actor=tree.town_a, mediator=m,
             mediation_started_on=D(2026, 3, 3))  # fmt: skip
    with pytest.raises(NotFound):
        intake(tree, r, actor=tree.town_b)
    # Another township's service point answers like a missing one, not by its name.
    with pytest.raises(NotFound):
        intake(tree, tree.sp_b, actor=tree.town_a)
    with pytest.raises(NotFound):
        services.mediator_create(actor=tree.town_a, room=tree.sp_b, name="李", kind="invited")
    with pytest.raises(NotFound):
        apply_aid(tree, actor=tree.town_a, org=tree.b)
    with pytest.raises(NotFound):
        call(tree, actor=tree.town_a, org=tree.b)
    # A grassroots union is not given the cases: its employer is often the other party.
    from django.core.exceptions import PermissionDenied

    assert not tree.clerk_a1.has_perm("rights.view_disputecase")
    with pytest.raises(PermissionDenied):
        intake(tree, a_room, actor=tree.clerk_a1)
    # A mediator moves to another room with its union; one with cases is not deleted.
    moved = services.mediator_update(actor=tree.county_staff, mediator=m, changes={"room": a_room})
    assert moved.org == tree.a
    take(tree, a_case, "start", actor=tree.town_a, mediator=a_mediator,
         mediation_started_on=D(2026, 3, 3))  # fmt: skip
    with pytest.raises(DomainError, match="孙调解"):
        services.mediator_delete(actor=tree.town_a, mediator=a_mediator)
    services.mediator_delete(actor=tree.town_a, mediator=moved)
    with pytest.raises(DomainError, match="甲之家不是在用的诉调对接工作室"):
        services.mediator_create(actor=tree.town_a, room=tree.sp_a, name="李", kind="invited")


def test_the_to_dos_figures_and_report_say_the_mediation(tree, mediation, client):
    r, m = mediation
    waiting = intake(tree, r, received_on=D(2026, 10, 20))
    long = intake(tree, r, received_on=D(2026, 8, 1), channel="hotline")
    take(tree, long, "start", mediator=m, mediation_started_on=D(2026, 8, 3))
    for n, amount in enumerate((Decimal("30000"), Decimal("20000.50"))):
        c = intake(tree, r, received_on=D(2026, 4, 1 + n))
        take(tree, c, "start", mediator=m, mediation_started_on=D(2026, 4, 5))
        take(tree, c, "agree", closed_on=D(2026, 4, 20), amount_recovered=amount)
    assert list(selectors.cases_waiting(tree.county_staff, "disputes.intake", TODAY)) == [waiting]
    assert list(selectors.cases_waiting(tree.county_staff, "disputes.overdue", TODAY)) == [long]
    assert not selectors.cases_waiting(tree.county_staff, "other", TODAY).exists()
    start, end = D(2026, 1, 1), D(2026, 10, 31)
    got = {f.key: f.value for f in figures(tree.county_staff, tree.county, start, end)}
    counts = [got[f"rights.cases{k}"] for k in ("", ".settled", ".court")]
    assert counts == [4, 2, 3]
    assert got["rights.cases.recovered"] == Decimal("50000.50")
    # The breakdown by channel, type and outcome.
    assert (got["rights.cases.channel.hotline"], got["rights.cases.channel.walk_in"]) == (1, 0)
    assert (got["rights.cases.type.wages"], got["rights.cases.type.work_injury"]) == (4, 0)
    assert (got["rights.cases.referred"], got["rights.cases.withdrawn"]) == (0, 0)
    assert got["orgs.service_points.mediation_room"] == 1
    text = work_report(tree.county_staff, tree.county, start, end).markdown()
    assert "调解劳动争议4件，其中法院委派3件；调解成功2件，为职工挽回经济损失5万元" in text, text
    assert "劳动争议诉调对接工作室1家" in text
    # A township sees none of the county room's cases in its figures.
    town = {f.key: f.value for f in figures(tree.town_a, tree.a, start, end)}
    assert town["rights.cases"] == 0
    # Each figure opens its cases, masked names only.
    client.force_login(tree.county_staff)
    params = {"org": tree.county.pk, "date_from": "2026-01-01", "date_to": "2026-10-31"}
    page = client.get("/admin/reports/records/", {**params, "key": "rights.cases.settled"})
    assert page.status_code == 200 and len(page.context["rows"]) == 2


def test_the_ledgers_mediation_counter_takes_no_new_entries(tree):
    from gonghui.ledger import services as ledger
    from gonghui.ledger.models import LedgerCategory

    with pytest.raises(DomainError, match="维权"):
        ledger.entry_create(
            actor=tree.county_staff,
            org=tree.county,
            category=LedgerCategory.objects.get(code="rights.mediation"),
            title="调解",
            starts_on=D(2026, 3, 1),
            items=3,
        )


def test_a_county_clerk_takes_on_and_mediates_a_case_in_the_back_office(client, tree, mediation):
    r, m = mediation
    add = reverse("admin:rights_disputecase_add")
    client.force_login(tree.county_staff)
    form = {
        "room": r.pk,
        "received_on": "2026-03-02",
        "channel": "walk_in",
        "dispute_type": "contract",
        "worker_name": "李四",
        "worker_phone_text": "139 1234 5678",
        "workers_involved": "1",
        "employer": tree.emp_a.pk,
        "employer_name": "",
        "claim_text": "被违法解除劳动合同，要求支付赔偿金",
        "amount_claimed": "36000",
    }
    missing = client.post(add, {**form, "claim_text": ""})
    assert missing.status_code == 200 and "这个字段是必填项" in missing.content.decode()
    bad = client.post(add, {**form, "worker_phone_text": "12"})
    assert bad.status_code == 200 and "电话" in bad.content.decode()
    assert not DisputeCase.objects.exists()
    done = client.post(add, form)
    assert done.status_code == 302, done.content.decode()[:2000]
    case = DisputeCase.objects.get()
    assert case.worker_phone_last4 == "5678"
    listing = client.get(reverse("admin:rights_disputecase_changelist")).content.decode()
    assert "李*" in listing and "李四" not in listing
    url = reverse("admin:rights_disputecase_change", args=[case.pk])
    page = client.get(url).content.decode()
    assert "被违法解除劳动合同" in page and 'data-step="start"' in page
    assert AccessLog.objects.filter(action="view_dispute_data").count() == 1
    steps = reverse("admin:rights_disputecase_step", args=[case.pk])
    first = {"step": "start", "mediation_started_on": "2026-03-03"}
    answer = client.post(steps, first, follow=True)
    assert any("调解员" in str(msg) for msg in answer.context["messages"])
    client.post(steps, {"step": "start", "mediator": m.pk, "mediation_started_on": "2026-03-03"})
    wrong = client.post(
        steps, {"step": "agree", "closed_on": "2026-03-20", "amount_recovered": "abc"}, follow=True
    )
    assert any("数" in str(msg) for msg in wrong.context["messages"])
    client.post(steps, {"step": "agree", "closed_on": "2026-03-20", "amount_recovered": "30000"})
    case.refresh_from_db()
    assert (case.status, case.amount_recovered) == ("agreed", Decimal("30000"))
    assert client.get(steps)["Location"] == url
    # Another township's staff: the case answers like a missing one, its step too.
    client.force_login(tree.town_b)
    assert client.get(url).status_code == 302
    client.post(steps, {"step": "confirm", "confirmed_on": "2026-03-25"})
    case.refresh_from_db()
    assert case.status == "agreed"
    # A grassroots clerk does not reach the list at all.
    client.force_login(tree.clerk_a1)
    assert client.get(reverse("admin:rights_disputecase_changelist")).status_code == 403


def test_the_register_lists_the_cases_masked_with_totals_and_only_in_scope(client, tree, mediation):
    r, m = mediation
    settled = intake(tree, r, worker_name="王小明")
    take(tree, settled, "start", mediator=m, mediation_started_on=D(2026, 3, 3))
    take(tree, settled, "agree", closed_on=D(2026, 3, 9), amount_recovered=Decimal("18000"))
    referred = intake(tree, r, worker_name="欧阳娜娜", employer=None, employer_name="外县某公司")
    take(tree, referred, "start", mediator=m, mediation_started_on=D(2026, 3, 3))
    take(tree, referred, "refer", reason="分歧大", closed_on=D(2026, 3, 9), referred_to="court")
    changelist = reverse("admin:rights_disputecase_changelist")
    ids = [settled.pk, referred.pk]
    client.force_login(tree.county_staff)
    export = client.post(changelist, {"action": "export_register", "_selected_action": ids})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(export.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][0].startswith("劳动争议调解台账") and rows[1][:2] == ["序号", "案号"]
    body = {row[6]: row for row in rows[2:4]}
    assert set(body) == {"王**", "欧***"}
    assert body["王**"][8] == "甲公司" and body["王**"][12] == "达成调解协议"
    assert body["王**"][13] == 18000
    assert body["欧***"][12] == "调解不成，已引导仲裁或诉讼（人民法院）"
    assert rows[4][:2] == ["合计", "2件，调解成功1件"] and rows[4][13] == 18000
    text = repr(rows)
    assert "王小明" not in text and CLAIM not in text and PHONE not in text
    # A township selecting them gets a register without them.
    client.force_login(tree.town_a)
    nothing = client.post(changelist, {"action": "export_register", "_selected_action": ids})
    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(nothing.content))
    rows = rows.get_sheet_by_index(0).to_python()
    assert len(rows) == 3 and rows[2][1] == "0件，调解成功0件"


@pytest.mark.django_db(transaction=True)
def test_two_intakes_at_once_take_two_numbers():
    import threading

    from tests.conftest import build_tree

    tree = build_tree()
    r = room(tree)
    barrier = threading.Barrier(2)
    numbers = []

    def take_on(actor):
        try:
            barrier.wait()
            numbers.append(intake(tree, r, actor=actor).number)
        finally:
            connection.close()

    threads = [threading.Thread(target=take_on, args=(a,)) for a in (tree.county_staff, tree.admin)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(numbers) == ["（2026）诉调字第1号", "（2026）诉调字第2号"]


def test_a_closed_cases_page_shows_the_intake_read_only(client, tree, mediation):
    r, m = mediation
    case = intake(tree, r)
    take(tree, case, "withdraw", reason="已和解", closed_on=D(2026, 3, 4))
    client.force_login(tree.county_staff)
    page = client.get(reverse("admin:rights_disputecase_change", args=[case.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "已撤回" in text and "已和解" in text
    assert 'name="worker_name"' not in text and 'name="claim_text"' not in text
    assert m.name not in text  # withdrawn before any mediator took it


# -- Legal aid ------------------------------------------------------------------------------


def apply_aid(tree, actor=None, org=None, **more):
    values = {
        "org": org or tree.county,
        "applied_on": D(2026, 3, 2),
        "dispute_type": "work_injury",
        "worker_name": "赵大勇",
        "worker_phone": PHONE,
        "claim": "工伤认定后单位拒付伤残补助，要求支付",
        "employer": tree.emp_a,
        "amount_claimed": Decimal("60000"),
        "workers_involved": 2,
        "today": TODAY,
        **more,
    }
    return services.aid_create(actor=actor or tree.county_staff, **values)


def aid_step(tree, aid, name, actor=None, reason="", **values):
    return services.aid_transition(
        actor=actor or tree.county_staff,
        aid=aid,
        step=name,
        values=values,
        reason=reason,
        today=TODAY,
    )


GRANT = {"lawyer": "王律师", "law_firm": "明德律师事务所", "stage": "arbitration"}


def test_legal_aid_is_granted_with_a_lawyer_closed_with_its_outcome_and_said(tree, client):
    aid = apply_aid(tree)
    assert (aid.number, aid.status) == ("（2026）工援字第1号", "applied")
    assert list(selectors.aids_waiting(tree.county_staff, "aid.decide", TODAY)) == [aid]
    assert not selectors.aids_waiting(tree.county_staff, "other", TODAY).exists()
    with pytest.raises(DomainError, match="不能"):
        aid_step(tree, aid, "conclude", closed_on=D(2026, 5, 1), outcome="won")
    with pytest.raises(DomainError, match="律师"):
        aid_step(tree, aid, "grant", granted_on=D(2026, 3, 5))
    with pytest.raises(DomainError, match="申请之前"):
        aid_step(tree, aid, "grant", granted_on=D(2026, 3, 1), **GRANT)
    aid = aid_step(tree, aid, "grant", granted_on=D(2026, 3, 5), **GRANT)
    assert (aid.status, aid.lawyer) == ("granted", "王律师")
    with pytest.raises(DomainError, match="结果"):
        aid_step(tree, aid, "conclude", closed_on=D(2026, 5, 1))
    with pytest.raises(DomainError, match="负"):
        aid_step(tree, aid, "conclude", closed_on=D(2026, 5, 1), outcome="won", cost=-1)
    with pytest.raises(DomainError, match="过大"):  # more than the field holds: no error page
        aid_step(tree, aid, "conclude", closed_on=D(2026, 5, 1), outcome="won",
                 cost=Decimal("100000000"))  # fmt: skip
    aid = aid_step(tree, aid, "conclude", closed_on=D(2026, 5, 1), outcome="won",
                   amount_recovered=Decimal("60000"), cost=Decimal("3000"))  # fmt: skip
    assert aid.status == "closed" and aid.cost == 3000
    progress = selectors.aid_progress(tree.county_staff, aid, TODAY)
    assert [s["state"] for s in progress["bar"]] == ["done", "done", "current"]
    with pytest.raises(DomainError, match="结案"):
        services.aid_update(actor=tree.county_staff, aid=aid, changes={"workers_involved": 3})
    # One refused, with the reason; one recorded by mistake is deleted.
    other = apply_aid(tree, applied_on=D(2026, 4, 1))
    with pytest.raises(DomainError, match="原因"):
        aid_step(tree, other, "refuse")
    other = aid_step(tree, other, "refuse", reason="不属于劳动争议")
    assert (other.status, other.close_note) == ("refused", "不属于劳动争议")
    mistake = apply_aid(tree, applied_on=D(2026, 4, 2))
    services.aid_update(
        actor=tree.county_staff, aid=mistake, changes={"workers_involved": 4}, today=TODAY
    )
    services.aid_delete(actor=tree.county_staff, aid=mistake)
    with pytest.raises(DomainError):
        services.aid_delete(actor=tree.county_staff, aid=other)
    start, end = D(2026, 1, 1), D(2026, 10, 31)
    got = {f.key: f.value for f in figures(tree.county_staff, tree.county, start, end)}
    assert (got["rights.legal_aid"], got["rights.legal_aid.workers"]) == (1, 2)
    assert got["rights.legal_aid.recovered"] == Decimal("60000")
    text = work_report(tree.county_staff, tree.county, start, end).markdown()
    assert "为职工提供法律援助1件，受益职工2人，挽回经济损失6万元" in text, text
    client.force_login(tree.county_staff)
    params = {"org": tree.county.pk, "date_from": "2026-01-01", "date_to": "2026-10-31"}
    page = client.get("/admin/reports/records/", {**params, "key": "rights.legal_aid"})
    assert page.status_code == 200 and len(page.context["rows"]) == 1


def test_legal_aid_is_given_by_a_federation_or_township_and_kept_private(tree):
    with pytest.raises(DomainError, match="甲公司工会委员会"):
        apply_aid(tree, org=tree.a1)
    aid = apply_aid(tree, actor=tree.town_a, org=tree.a)
    assert list(selectors.aids_visible_to(tree.town_a)) == [aid]
    assert not selectors.aids_visible_to(tree.town_b).exists()
    with pytest.raises(NotFound):
        aid_step(tree, aid, "grant", actor=tree.town_b, granted_on=D(2026, 3, 5), **GRANT)
    assert services.aid_private(actor=tree.town_a, aid=aid)[0].startswith("工伤认定后")
    assert AccessLog.objects.filter(action="view_dispute_data", target_id=str(aid.pk)).count() == 1
    assert services.aid_private(actor=tree.clerk_a1, aid=aid) == ("", "")


def test_a_county_clerk_grants_legal_aid_in_the_back_office(client, tree):
    client.force_login(tree.county_staff)
    add = reverse("admin:rights_legalaidcase_add")
    form = {
        "org": tree.county.pk,
        "applied_on": "2026-03-02",
        "dispute_type": "wages",
        "worker_name": "钱五",
        "worker_phone_text": "",
        "workers_involved": "1",
        "employer": "",
        "employer_name": "外县某建筑公司",
        "claim_text": "拖欠工资",
        "amount_claimed": "",
    }
    grassroots = client.post(add, {**form, "org": tree.a1.pk})
    assert grassroots.status_code == 200 and "不是" in grassroots.content.decode()
    assert client.post(add, form).status_code == 302
    aid = services.LegalAidCase.objects.get()
    url = reverse("admin:rights_legalaidcase_change", args=[aid.pk])
    page = client.get(url).content.decode()
    assert "拖欠工资" in page and 'data-step="grant"' in page and 'data-step="refuse"' in page
    steps = reverse("admin:rights_legalaidcase_step", args=[aid.pk])
    client.post(steps, {"step": "grant", "granted_on": "2026-03-04", **GRANT})
    aid.refresh_from_db()
    assert (aid.status, aid.stage) == ("granted", "arbitration")
    listing = client.get(reverse("admin:rights_legalaidcase_changelist")).content.decode()
    assert "钱*" in listing and "钱五" not in listing
    client.force_login(tree.town_b)
    assert client.get(url).status_code == 302


# -- The 12351 hotline ----------------------------------------------------------------------


def call(tree, actor=None, **more):
    from django.utils import timezone

    values = {
        "org": tree.county,
        "received_at": datetime.datetime(2026, 3, 2, 9, 30, tzinfo=timezone.get_current_timezone()),
        "topic": "wages",
        "summary": "反映单位拖欠工资两个月",
        "handling": "answered",
        "caller_name": "孙小红",
        "caller_phone": PHONE,
        "today": TODAY,
        **more,
    }
    return services.call_create(actor=actor or tree.county_staff, **values)


def test_hotline_calls_are_logged_followed_up_counted_and_kept_private(tree, mediation, client):
    r, _m = mediation
    plain = call(tree)
    with connection.cursor() as cur:
        cur.execute("SELECT summary FROM rights_hotlinecall WHERE id = %s", [plain.pk])
        assert "拖欠工资".encode() not in bytes(cur.fetchone()[0])
    with pytest.raises(DomainError, match="调解案件"):
        call(tree, handling="mediation")
    with pytest.raises(DomainError, match="部门"):
        call(tree, handling="forwarded")
    with pytest.raises(DomainError, match="情况"):
        call(tree, summary=" ")
    with pytest.raises(DomainError, match="总工会或乡镇"):
        call(tree, org=tree.a1)
    with pytest.raises(DomainError, match="回访结果"):
        call(tree, followed_up_on=D(2026, 3, 9))
    linked = intake(tree, r)
    taken = call(tree, handling="mediation", dispute_case=linked,
                 follow_up_due=D(2026, 3, 9))  # fmt: skip
    # A case linked by a call is not deleted behind its back.
    with pytest.raises(DomainError, match="解除关联"):
        services.case_delete(actor=tree.county_staff, case=linked)
    # A link goes with its handling only.
    answered = call(tree, dispute_case=linked)
    assert answered.dispute_case is None
    services.call_delete(actor=tree.county_staff, call=answered)
    call(tree, handling="forwarded", forwarded_to="县人社局劳动保障监察大队")
    # A township's operator cannot link the county's case, nor the county a township's call
    # to a case above it.
    a_case = intake(tree, r)
    with pytest.raises(NotFound):
        call(tree, actor=tree.town_a, org=tree.a, handling="mediation", dispute_case=a_case)
    with pytest.raises(DomainError, match="不属于本工会"):
        call(tree, org=tree.a, handling="mediation", dispute_case=a_case)
    assert list(selectors.calls_waiting(tree.county_staff, "calls.follow_up", TODAY)) == [taken]
    assert not selectors.calls_waiting(tree.county_staff, "other", TODAY).exists()
    taken = services.call_update(
        actor=tree.county_staff,
        call=taken,
        changes={
            "followed_up_on": D(2026, 3, 10),
            "follow_up_note": "已调解成功，职工满意",
            "caller_phone": "13800001111",
        },
        today=TODAY,
    )
    event = Event.objects.filter(action="hotlinecall.update").get()
    assert "职工满意" not in str(event.details) and "13800001111" not in str(event.details)
    assert services.call_private(actor=tree.county_staff, call=taken)[1] == "13800001111"
    assert AccessLog.objects.filter(action="view_hotline_call").count() == 1
    assert not selectors.calls_waiting(tree.county_staff, "calls.follow_up", TODAY).exists()
    assert services.call_private(actor=tree.county_staff, call=plain) == (
        "反映单位拖欠工资两个月",
        PHONE,
    )
    assert services.call_private(actor=tree.clerk_a1, call=plain) == ("", "")
    assert not selectors.calls_visible_to(tree.town_a).exists()
    start, end = D(2026, 1, 1), D(2026, 10, 31)
    got = {f.key: f.value for f in figures(tree.county_staff, tree.county, start, end)}
    assert (got["rights.calls"], got["rights.calls.taken_on"]) == (3, 1)
    text = work_report(tree.county_staff, tree.county, start, end).markdown()
    assert "受理12351职工服务热线来电3件，其中转入调解或法律援助1件" in text
    # The back office: the list masks the caller, the page shows what was said (logged).
    client.force_login(tree.county_staff)
    listing = client.get(reverse("admin:rights_hotlinecall_changelist")).content.decode()
    assert "孙**" in listing and "孙小红" not in listing
    page = client.get(reverse("admin:rights_hotlinecall_change", args=[plain.pk]))
    assert "反映单位拖欠工资两个月" in page.content.decode()
    add = reverse("admin:rights_hotlinecall_add")
    form = {
        "org": tree.county.pk,
        "received_at_0": "2026-04-01",
        "received_at_1": "10:00:00",
        "caller_name": "",
        "caller_phone_text": "",
        "topic": "policy",
        "summary_text": "咨询年休假",
        "handling": "answered",
    }
    assert client.post(add, {**form, "handling": "forwarded"}).status_code == 200
    done = client.post(add, form)
    assert done.status_code == 302, done.content.decode()[:2000]
    services.call_delete(actor=tree.county_staff, call=plain)
    assert got["rights.calls"] == 3 and services.HotlineCall.objects.count() == 3
