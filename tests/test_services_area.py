"""Services to workers (服务职工): recuperation batches from the places given to the people sent,
childcare classes, start-up loans with their schedules and repayments, member offers with the
partner's monthly list, and service points put forward for recognition; the figures, the
report's sentences and the back office, with the wrong input refused and nothing changed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gonghui.core.errors import NotFound
from gonghui.core.imports.engine import Mode, run_import
from gonghui.funds import services as funds
from gonghui.funds.models import Allocation
from gonghui.members.services import member_register
from gonghui.orgs.models import ServicePoint
from gonghui.orgs.services import service_point_create
from gonghui.reports.selectors import figures
from gonghui.reports.summary import work_report
from gonghui.services import selectors, services
from gonghui.services.imports import OfferUseSpec
from gonghui.services.models import (
    ChildcareChild,
    ChildcareClass,
    LoanInstalment,
    MemberOffer,
    OfferUse,
    PointNomination,
    Recuperation,
    RecuperationParticipant,
    RecuperationQuota,
    StartupLoan,
)
from tests.conftest import snapshot
from tests.rosters import id_number, write_xlsx

D = datetime.date
YEAR = (D(2026, 1, 1), D(2026, 12, 31))
ALL = (
    Recuperation,
    RecuperationQuota,
    RecuperationParticipant,
    ChildcareClass,
    ChildcareChild,
    StartupLoan,
    LoanInstalment,
    MemberOffer,
    OfferUse,
    PointNomination,
)


def member(org, n, name=None):
    return member_register(
        actor=None,
        org=org,
        id_number=id_number(D(1985, 1, 1) + datetime.timedelta(days=n), 500 + n),
        name=name or f"职工{n}",
        joined_on=D(2020, 1, 1),
    ).person


def refused(call, *models, match=""):
    """``call`` is refused with a message (saying ``match``) and nothing changes: a domain
    error, or a constraint's validation error (a ``DomainError`` is one)."""
    before = snapshot(*(models or ALL))
    with pytest.raises(ValidationError) as caught:
        call()
    assert snapshot(*(models or ALL)) == before
    if match:
        assert match in "；".join(caught.value.messages), caught.value.messages
    return caught.value


def batch(tree, **more):
    values = {
        "name": "2026年劳模疗休养",
        "group": "model_workers",
        "place": "腾冲和顺",
        "starts_on": D(2026, 9, 1),
        "ends_on": D(2026, 9, 5),
        "places": 3,
        "cost_per_head": Decimal(2800),
        **more,
    }
    return services.recuperation_create(actor=tree.county_staff, org=tree.county, **values)


# -- recuperation ----------------------------------------------------------------------------


def test_a_batch_goes_from_places_to_the_people_sent_and_is_counted(tree):
    people_a = [member(tree.a1, n) for n in range(3)]
    person_b = member(tree.b1, 10)
    b = batch(tree)
    # Nothing to nominate on before the places are given, nor before the batch opens.
    refused(
        lambda: services.recuperation_transition(
            actor=tree.county_staff, recuperation=b, step="open"
        ),
        match="名额",
    )
    services.quota_set(actor=tree.county_staff, recuperation=b, org=tree.a, places=2)
    services.quota_set(actor=tree.county_staff, recuperation=b, org=tree.b, places=1)
    assert [r["places"] for r in selectors.batch_places(b)] == [2, 1]
    refused(
        lambda: services.participant_nominate(
            actor=tree.town_a, recuperation=b, org=tree.a, person=people_a[0]
        ),
        match="不在推荐",
    )
    services.recuperation_transition(actor=tree.county_staff, recuperation=b, step="open")
    assert list(selectors.recuperations_open_to(tree.town_a)) == [b]
    assert list(selectors.recuperations_open_to(tree.clerk_a1)) == []  # no places of its own
    first = services.participant_nominate(
        actor=tree.town_a, recuperation=b, org=tree.a, person=people_a[0]
    )
    second = services.participant_nominate(
        actor=tree.town_a, recuperation=b, org=tree.a, person=people_a[1]
    )
    # The township's two places are full; the other township's member is not its to nominate.
    refused(
        lambda: services.participant_nominate(
            actor=tree.town_a, recuperation=b, org=tree.a, person=people_a[2]
        ),
        match="名额已满",
    )
    refused(
        lambda: services.participant_nominate(
            actor=tree.town_a, recuperation=b, org=tree.a, person=person_b
        ),
        match="不是",
    )
    with pytest.raises(NotFound):  # another township's union: the same answer as unknown
        services.participant_nominate(
            actor=tree.town_a, recuperation=b, org=tree.b, person=person_b
        )
    third = services.participant_nominate(
        actor=tree.town_b, recuperation=b, org=tree.b, person=person_b
    )
    # The nominating township decides nothing: the organiser (the batch's union) does.
    with pytest.raises(NotFound):
        services.participants_take_step(actor=tree.town_a, participants=[first], step="confirm")
    assert RecuperationParticipant.objects.get(pk=first.pk).status == "nominated"
    waiting = selectors.nominations_waiting(tree.county_staff, "recuperation.nominations", None)
    assert set(waiting) == {first, second, third}
    assert not selectors.nominations_waiting(tree.town_a, "x", None).exists()
    # Turning down needs a reason; the place freed is filled again.
    refused(
        lambda: services.participants_take_step(
            actor=tree.county_staff, participants=[second], step="turn_down"
        ),
        match="原因",
    )
    services.participants_take_step(
        actor=tree.county_staff, participants=[second], step="turn_down", reason="因病"
    )
    again = services.participant_nominate(
        actor=tree.town_a, recuperation=b, org=tree.a, person=people_a[2]
    )
    # The list is confirmed only once every nomination is decided.
    refused(
        lambda: services.recuperation_transition(
            actor=tree.county_staff, recuperation=b, step="confirm"
        ),
        match="逐一",
    )
    services.participants_take_step(
        actor=tree.county_staff, participants=[first, again, third], step="confirm"
    )
    services.recuperation_transition(actor=tree.county_staff, recuperation=b, step="confirm")
    services.recuperation_transition(actor=tree.county_staff, recuperation=b, step="hold")
    got = {f.key: f.value for f in figures(None, tree.county, *YEAR, previous=False)}
    assert got["services.recuperations"] == 1
    assert got["services.recuperation_people"] == 3
    assert got["services.recuperation_people.model_workers"] == 3
    assert got["services.recuperation_cost"] == Decimal(8400)
    text = work_report(None, tree.county, *YEAR).markdown()
    assert "组织1批3名劳模和工匠开展疗休养，投入经费8400元" in text
    # A township's own report counts the people it sent, not the county's batch.
    got_a = {f.key: f.value for f in figures(None, tree.a, *YEAR, previous=False)}
    assert got_a["services.recuperation_people"] == 0  # the batch is the county's


def test_one_place_a_year_unless_the_batch_allows_more(tree):
    person = member(tree.a1, 1)
    first, second = (
        batch(tree, name="第一批"),
        batch(tree, name="第二批", starts_on=D(2026, 10, 1), ends_on=D(2026, 10, 5)),
    )
    for b in (first, second):
        services.quota_set(actor=tree.county_staff, recuperation=b, org=tree.a, places=2)
        services.recuperation_transition(actor=tree.county_staff, recuperation=b, step="open")
    services.participant_nominate(actor=tree.town_a, recuperation=first, org=tree.a, person=person)
    refused(
        lambda: services.participant_nominate(
            actor=tree.town_a, recuperation=second, org=tree.a, person=person
        ),
        match="第一批",
    )
    refused(
        lambda: services.participant_nominate(
            actor=tree.town_a, recuperation=first, org=tree.a, person=person
        ),
        match="已被推荐",
    )
    third = batch(tree, name="第三批", starts_on=D(2026, 11, 1), ends_on=D(2026, 11, 5),
                  repeat_allowed=True)  # fmt: skip
    services.quota_set(actor=tree.county_staff, recuperation=third, org=tree.a, places=1)
    services.recuperation_transition(actor=tree.county_staff, recuperation=third, step="open")
    services.participant_nominate(actor=tree.town_a, recuperation=third, org=tree.a, person=person)
    # Withdrawn while undecided; a decided one stays.
    p = RecuperationParticipant.objects.get(recuperation=third, person=person)
    services.participant_withdraw(actor=tree.town_a, participant=p)
    assert not RecuperationParticipant.objects.filter(pk=p.pk).exists()


def test_a_batchs_wrong_input_is_refused(tree):
    base = service_point_create(
        actor=None, org=tree.county, kind=ServicePoint.Kind.RECUPERATION_BASE, name="温泉基地"
    )
    assert list(selectors.recuperation_bases_choosable(tree.county_staff)) == [base]
    assert list(selectors.recuperation_bases_choosable(tree.town_a)) == []
    refused(lambda: batch(tree, place=""), match="选择疗休养基地")
    refused(lambda: batch(tree, base=tree.sp_a, place=""), match="疗休养基地")
    refused(lambda: batch(tree, ends_on=D(2026, 8, 1)), match="早于")
    refused(lambda: batch(tree, cost_per_head=Decimal(-1)))
    refused(lambda: batch(tree, name="  "), match="名称")
    b = batch(tree, base=base, place="")
    services.quota_set(actor=tree.county_staff, recuperation=b, org=tree.a, places=2)
    refused(
        lambda: services.quota_set(actor=tree.county_staff, recuperation=b, org=tree.b, places=2),
        match="3",
    )
    refused(
        lambda: services.quota_set(
            actor=tree.county_staff, recuperation=b, org=tree.county, places=1
        ),
        match="下级",
    )
    refused(
        lambda: services.recuperation_update(
            actor=tree.county_staff, recuperation=b, changes={"places": 1}
        ),
        match="2",
    )
    services.recuperation_update(actor=tree.county_staff, recuperation=b, changes={"places": 5})
    # Taking places back; a planned batch is deleted, a cancelled one needs its reason.
    services.quota_set(actor=tree.county_staff, recuperation=b, org=tree.a, places=0)
    assert not RecuperationQuota.objects.filter(recuperation=b).exists()
    services.recuperation_delete(actor=tree.county_staff, recuperation=b)
    other = batch(tree)
    refused(
        lambda: services.recuperation_transition(
            actor=tree.county_staff, recuperation=other, step="cancel"
        ),
        match="原因",
    )
    services.recuperation_transition(
        actor=tree.county_staff, recuperation=other, step="cancel", reason="天气原因"
    )
    refused(
        lambda: services.recuperation_update(
            actor=tree.county_staff, recuperation=other, changes={"name": "改名"}
        )
    )
    assert selectors.recuperations_visible_to(tree.town_a).count() == 0
    assert selectors.quotas_visible_to(tree.town_a).count() == 0
    assert selectors.participants_visible_to(tree.town_a).count() == 0


# -- childcare classes -----------------------------------------------------------------------


def test_a_class_takes_members_children_up_to_its_places(tree):
    parent, other = member(tree.a1, 1), member(tree.b1, 2)
    c = services.childcare_class_create(
        actor=tree.town_a,
        org=tree.a,
        name="暑期爱心托管班",
        site="甲镇中心小学",
        starts_on=D(2026, 7, 13),
        ends_on=D(2026, 8, 14),
        capacity=1,
        volunteers=4,
        cost=Decimal(6000),
    )
    refused(
        lambda: services.child_enrol(
            actor=tree.town_a, childcare_class=c, parent=parent, name="小明", birth_year=2000
        ),
        match="3",
    )
    refused(
        lambda: services.child_enrol(
            actor=tree.town_a, childcare_class=c, parent=other, name="小红", birth_year=2018
        ),
        match="不是",
    )
    child = services.child_enrol(
        actor=tree.town_a, childcare_class=c, parent=parent, name="小明", birth_year=2017
    )
    refused(
        lambda: services.child_enrol(
            actor=tree.town_a, childcare_class=c, parent=parent, name="小亮", birth_year=2016
        ),
        match="已满",
    )
    refused(
        lambda: services.childcare_class_update(
            actor=tree.town_a, childcare_class=c, changes={"capacity": 0}
        ),
        match="1",
    )
    services.child_update(actor=tree.town_a, child=child, changes={"name": "小明明"})
    refused(lambda: services.child_update(actor=tree.town_a, child=child, changes={"name": " "}))
    refused(lambda: services.childcare_class_delete(actor=tree.town_a, childcare_class=c))
    got = {f.key: f.value for f in figures(None, tree.county, *YEAR, previous=False)}
    assert (got["services.childcare_classes"], got["services.childcare_children"]) == (1, 1)
    assert got["services.childcare_volunteers"] == 4
    text = work_report(None, tree.county, *YEAR).markdown()
    assert "举办爱心托管班1期，托管职工子女1人，志愿者服务4人次，投入经费6000元" in text
    assert selectors.classes_visible_to(tree.town_b).count() == 0
    assert selectors.children_visible_to(tree.town_b).count() == 0
    assert selectors.children_visible_to(tree.town_a).get().name == "小明明"
    services.child_remove(actor=tree.town_a, child=child)
    services.childcare_class_delete(actor=tree.town_a, childcare_class=c)
    assert not ChildcareClass.objects.exists()


# -- start-up loans --------------------------------------------------------------------------


def loan(tree, person, **more):
    values = {
        "business": "茶叶初制所",
        "amount": Decimal(100000),
        "bank": "县农商行",
        "guarantee": "创业担保基金",
        "applied_on": D(2025, 11, 3),
        "term_months": 12,
        **more,
    }
    return services.loan_create(actor=tree.county_staff, org=tree.county, person=person, **values)


def test_instalments_add_up_to_the_loan():
    rows = services.instalments_of(Decimal(100000), 12, D(2026, 1, 31))
    assert len(rows) == 12 and sum(r[2] for r in rows) == Decimal(100000)
    assert rows[0][1] == D(2026, 2, 28) and rows[-1][1] == D(2027, 1, 31)
    assert rows[0][2] == Decimal(8333) and rows[-1][2] == Decimal(8337)


def test_a_loan_is_decided_disbursed_repaid_and_counted(tree):
    person = member(tree.a1, 1)
    ln = loan(tree, person)
    refused(lambda: loan(tree, person, bank=""), match="银行")
    refused(lambda: loan(tree, person, amount=Decimal(0)), match="金额")
    refused(lambda: loan(tree, person, term_months=0), match="60")
    refused(lambda: loan(tree, person, applied_on=D(2099, 1, 1)), match="将来")
    stranger = member(tree.b1, 6)
    refused(
        lambda: services.loan_create(
            actor=tree.county_staff,
            org=tree.a,
            person=stranger,
            business="x",
            amount=1,
            bank="b",
            guarantee="g",
            applied_on=D(2025, 1, 1),
        ),
        match="不是",
    )
    services.loan_update(actor=tree.county_staff, loan=ln, changes={"amount": Decimal(120000)})
    services.loan_transition(actor=tree.county_staff, loan=ln, step="approve", on=D(2025, 11, 20))
    refused(
        lambda: services.loan_update(
            actor=tree.county_staff, loan=ln, changes={"amount": Decimal(1)}
        ),
        match="贴息",
    )
    refused(
        lambda: services.loan_transition(
            actor=tree.county_staff, loan=ln, step="disburse", on=D(2025, 11, 1)
        ),
        match="审批",
    )
    services.loan_transition(actor=tree.county_staff, loan=ln, step="disburse", on=D(2025, 12, 1))
    services.loan_update(
        actor=tree.county_staff, loan=ln, changes={"interest_subsidy": Decimal(4140)}
    )
    assert LoanInstalment.objects.filter(loan=ln).count() == 12  # 10000 a month
    refused(
        lambda: services.loan_repay(
            actor=tree.county_staff, loan=ln, repaid_on=D(2026, 1, 5), amount=Decimal(15000)
        ),
        match="10000",
    )
    refused(
        lambda: services.loan_repay(
            actor=tree.county_staff, loan=ln, repaid_on=D(2025, 11, 5), amount=Decimal(10000)
        ),
        match="放款",
    )
    assert (
        services.loan_repay(
            actor=tree.county_staff, loan=ln, repaid_on=D(2026, 3, 1), amount=Decimal(30000)
        )
        == 3
    )
    on = D(2026, 6, 30)
    ln.refresh_from_db()
    balance = selectors.loan_balance(ln, on)
    # Due by 30 June: January to June (six); three repaid: the other three are overdue.
    assert balance == {"outstanding": 90000, "overdue": 30000, "repaid": 30000}
    assert list(selectors.loans_overdue(tree.county_staff, "loans.overdue", on)) == [ln]
    assert not selectors.loans_overdue(tree.town_b, "loans.overdue", on).exists()
    got = {f.key: f.value for f in figures(None, tree.county, D(2025, 1, 1), on, previous=False)}
    assert got["services.loans_households"] == 1
    assert got["services.loans_lent"] == Decimal(120000)
    assert got["services.loans_outstanding"] == Decimal(90000)
    assert got["services.loans_overdue"] == Decimal(30000)
    text = work_report(None, tree.county, D(2025, 1, 1), on).markdown()
    assert "扶持1户创业，发放贷款12万元，落实财政贴息4140元" in text
    assert "创业担保贷款余额9万元，其中逾期3万元" in text
    # Written off: nothing outstanding after, the unpaid sum said as written off.
    refused(
        lambda: services.loan_transition(
            actor=tree.county_staff, loan=ln, step="write_off", on=D(2026, 7, 1)
        ),
        match="原因",
    )
    services.loan_transition(
        actor=tree.county_staff, loan=ln, step="write_off", reason="失联", on=D(2026, 7, 1)
    )
    ln.refresh_from_db()
    assert ln.written_off == Decimal(90000)
    got = {f.key: f.value for f in figures(None, tree.county, *YEAR, previous=False)}
    assert got["services.loans_outstanding"] == 0 and got["services.loans_written_off"] == 90000
    refused(lambda: services.loan_delete(actor=tree.county_staff, loan=ln))
    assert selectors.loans_visible_to(tree.town_a).count() == 0


def test_a_loan_repaid_in_full_is_repaid_and_a_refused_one_is_deleted(tree):
    ln = loan(tree, member(tree.a1, 1), term_months=2)
    services.loan_transition(actor=tree.county_staff, loan=ln, step="approve", on=D(2025, 11, 20))
    services.loan_transition(actor=tree.county_staff, loan=ln, step="disburse", on=D(2025, 12, 1))
    services.loan_repay(
        actor=tree.county_staff, loan=ln, repaid_on=D(2026, 2, 1), amount=Decimal(100000)
    )
    ln.refresh_from_db()
    assert ln.status == "repaid"
    refused(
        lambda: services.loan_repay(
            actor=tree.county_staff, loan=ln, repaid_on=D(2026, 2, 1), amount=Decimal(1)
        )
    )
    other = loan(tree, member(tree.a1, 2))
    refused(
        lambda: services.loan_transition(
            actor=tree.county_staff, loan=other, step="reject", on=D(2025, 11, 1)
        ),
        match="原因",
    )
    services.loan_delete(actor=tree.county_staff, loan=other)
    assert not StartupLoan.objects.filter(pk=other.pk).exists()


# -- member offers and the partner's monthly list --------------------------------------------


def offer(tree, code="PH-001", **more):
    values = {
        "title": "观影优惠",
        "merchant": "青山影城",
        "offer": "每张立减10元",
        "starts_on": D(2026, 1, 1),
        **more,
    }
    return services.offer_create(actor=tree.town_a, org=tree.a, code=code, **values)


def test_an_offers_use_is_counted_by_month(tree):
    o = offer(tree, code="ph-001")
    assert o.code == "PH-001"
    refused(lambda: offer(tree, code="PH-001"), match="编号")
    refused(lambda: offer(tree, code="PH-9", ends_on=D(2025, 1, 1)), match="早于")
    services.offer_use_record(
        actor=tree.town_a, member_offer=o, month=D(2026, 3, 1), person_times=120, value=1200
    )
    refused(
        lambda: services.offer_use_record(
            actor=tree.town_a, member_offer=o, month=D(2026, 3, 1), person_times=1
        ),
        match="已登记",
    )
    refused(
        lambda: services.offer_use_record(
            actor=tree.town_a, member_offer=o, month=D(2026, 4, 2), person_times=1
        ),
        match="1日",
    )
    refused(
        lambda: services.offer_use_record(
            actor=tree.town_a, member_offer=o, month=D(2025, 12, 1), person_times=1
        ),
        match="2025-12",
    )
    assert services.use_problem(o, D(2026, 5, 1), 0, Decimal(0))
    use = OfferUse.objects.get()
    services.offer_use_update(actor=tree.town_a, use=use, changes={"person_times": 150})
    refused(
        lambda: services.offer_update(
            actor=tree.town_a, member_offer=o, changes={"starts_on": D(2026, 6, 1)}
        ),
        match="之外",
    )
    refused(lambda: services.offer_delete(actor=tree.town_a, member_offer=o))
    got = {f.key: f.value for f in figures(None, tree.county, *YEAR, previous=False)}
    assert (got["services.offers"], got["services.offer_uses"]) == (1, 150)
    assert "普惠服务项目累计实施1个，职工享受优惠150人次，为职工节省开支1200元" in (
        work_report(None, tree.county, *YEAR).markdown()
    )
    assert selectors.offers_visible_to(tree.town_b).count() == 0
    assert selectors.offer_uses_visible_to(tree.town_b).count() == 0
    assert selectors.offers_visible_to(tree.town_a).get().uses_total == 150
    services.offer_use_delete(actor=tree.town_a, use=use)
    services.offer_delete(actor=tree.town_a, member_offer=o)


def test_the_partners_list_is_imported_with_bad_rows_said_and_twice_adds_nothing(tree, tmp_path):
    offer(tree, code="PH-001")
    offer(tree, code="PH-002", title="体检", starts_on=D(2026, 5, 1))
    services.offer_create(
        actor=tree.town_b,
        org=tree.b,
        code="PH-B",
        title="b",
        merchant="m",
        offer="o",
        starts_on=D(2026, 1, 1),
    )
    header = ["项目编号", "项目名称", "月份", "使用人次", "优惠金额（元）"]
    rows = [
        ["PH-001", "观影", "2026年3月", "120", "1,200"],  # row 2
        ["ph-002", "体检", "202606", "30", ""],  # row 3
        ["PH-404", "无", "2026-03", "1", "1"],  # row 4: unknown code
        ["PH-B", "乙镇", "2026-03", "1", "1"],  # row 5: another township's offer
        ["PH-001", "观影", "三月", "1", "1"],  # row 6: not a month
        ["PH-001", "观影", "2026-04", "1.5", "1"],  # row 7: not a whole count
        ["PH-002", "体检", "2026-04", "1", "1"],  # row 8: before the offer began
        ["PH-001", "观影", "2026-03", "5", "5"],  # row 9: same offer and month as row 2
    ]
    path = write_xlsx(tmp_path / "普惠.xlsx", rows, header=header, title=False)
    outcome = run_import(OfferUseSpec(), path, actor=tree.town_a, org=tree.a, mode=Mode.PARTIAL)
    said = {(p.row, p.column) for p in outcome.problems}
    assert {(4, "项目编号"), (5, "项目编号"), (6, "月份"), (7, "使用人次"), (8, "月份")} <= said
    assert any(p.row == 9 for p in outcome.problems)
    assert outcome.imported == 2
    assert OfferUse.objects.get(offer__code="PH-001").value == Decimal(1200)
    assert OfferUse.objects.get(offer__code="PH-002").value == 0
    again = run_import(OfferUseSpec(), path, actor=tree.town_a, org=tree.a, mode=Mode.PARTIAL)
    assert again.imported == 0 and OfferUse.objects.count() == 2


# -- service points: opened, put forward, recognised, invested in ----------------------------


def test_points_are_put_forward_recognised_and_their_investment_read_from_the_books(tree):
    station = service_point_create(
        actor=None,
        org=tree.a1,
        kind=ServicePoint.Kind.OUTDOOR_STATION,
        name="甲站",
        opened_on=D(2026, 3, 1),
    )
    shelf = service_point_create(
        actor=None,
        org=tree.a1,
        kind=ServicePoint.Kind.MODEL_WORKER_SHELF,
        name="甲书架",
        opened_on=D(2026, 4, 1),
    )
    assert set(selectors.points_nominable(tree.town_a)) == {station, shelf, tree.sp_a}
    n = services.nomination_create(
        actor=tree.town_a,
        org=tree.a,
        point=station,
        level="national",
        title="全国最美工会户外劳动者服务站点",
        nominated_on=D(2026, 3, 10),
    )
    refused(
        lambda: services.nomination_create(
            actor=tree.town_a,
            org=tree.a,
            point=station,
            level="national",
            title="全国最美工会户外劳动者服务站点",
            nominated_on=D(2026, 3, 10),
        ),
        match="已",
    )
    refused(
        lambda: services.nomination_create(
            actor=tree.county_staff,
            org=tree.a,
            point=tree.sp_b,
            level="city",
            title="t",
            nominated_on=D(2026, 3, 10),
        ),
        match="不属于",
    )
    with pytest.raises(NotFound):  # another township's union
        services.nomination_create(
            actor=tree.town_a,
            org=tree.b,
            point=tree.sp_b,
            level="city",
            title="t",
            nominated_on=D(2026, 3, 10),
        )
    refused(
        lambda: services.nomination_create(
            actor=tree.town_a,
            org=tree.a,
            point=shelf,
            level="none",
            title="t",
            nominated_on=D(2026, 3, 10),
        ),
        match="级别",
    )
    services.nomination_create(
        actor=tree.town_a,
        org=tree.a,
        point=shelf,
        level="national",
        title="全国劳模书架",
        nominated_on=D(2026, 4, 10),
    )
    refused(
        lambda: services.nomination_transition(
            actor=tree.town_a, nomination=n, step="confer", on=D(2026, 3, 1)
        ),
        match="推荐之后",
    )
    services.nomination_transition(
        actor=tree.town_a, nomination=n, step="confer", on=D(2026, 5, 28)
    )
    station.refresh_from_db()
    assert (station.recognition, station.recognized_on) == ("national", D(2026, 5, 28))
    refused(lambda: services.nomination_delete(actor=tree.town_a, nomination=n))
    # Money for building it, from the county's books.
    alloc = funds.allocation_create(
        actor=tree.county_staff,
        org=tree.county,
        recipient=tree.a,
        purpose="service_point",
        amount=Decimal(40000),
        service_point=station,
    )
    refused(
        lambda: funds.allocation_create(
            actor=tree.county_staff,
            org=tree.county,
            recipient=tree.b,
            purpose="service_point",
            amount=Decimal(1),
            service_point=station,
        ),
        Allocation,
        match="受款",
    )
    refused(
        lambda: funds.allocation_update(
            actor=tree.county_staff, allocation=alloc, changes={"purpose": "activities"}
        ),
        Allocation,
        match="服务阵地",
    )
    funds.allocation_transition(actor=tree.county_staff, allocation=alloc, step="approve")
    funds.allocation_transition(
        actor=tree.county_staff,
        allocation=alloc,
        step="pay",
        paid_on=D(2026, 4, 1),
        reference="QS001",
    )
    assert selectors.point_investment(station) == {"total": Decimal(40000), "times": 1}
    got = {f.key: f.value for f in figures(None, tree.county, *YEAR, previous=False)}
    assert got["services.points_opened"] == 2
    assert got["services.points_opened.outdoor_station"] == 1
    assert got["services.points_recognised.national"] == 1
    assert got["services.points_investment"] == Decimal(40000)
    assert selectors.recognitions_conferred(tree.county, *YEAR) == [
        ("全国最美工会户外劳动者服务站点", 1)
    ]
    assert selectors.nominated_kinds(tree.county, *YEAR) == (
        "全国",
        ["户外劳动者服务站点", "劳模书架"],
    )
    text = work_report(None, tree.county, *YEAR).markdown()
    assert "新建服务阵地2个，其中户外劳动者服务站点1家、劳模书架1个" in text
    assert "推荐全国户外劳动者服务站点和劳模书架共2个" in text
    assert "获评全国最美工会户外劳动者服务站点1个" in text
    assert "投入阵地建设资金4万元" in text
    assert selectors.point_nominations_visible_to(tree.town_b).count() == 0


# -- the back office, as each role ------------------------------------------------------------

PAGES = (
    "recuperation",
    "recuperationquota",
    "recuperationparticipant",
    "childcareclass",
    "childcarechild",
    "startuploan",
    "memberoffer",
    "offeruse",
    "pointnomination",
)


@pytest.mark.parametrize("who", ["admin", "county_staff", "town_a", "clerk_a1"])
def test_every_page_opens_for_every_role(client, tree, who):
    b = batch(tree)
    services.quota_set(actor=tree.county_staff, recuperation=b, org=tree.a, places=2)
    services.recuperation_transition(actor=tree.county_staff, recuperation=b, step="open")
    services.participant_nominate(
        actor=tree.town_a, recuperation=b, org=tree.a, person=member(tree.a1, 1)
    )
    ln = loan(tree, member(tree.a1, 2))
    client.force_login(getattr(tree, who))
    for name in PAGES:
        page = client.get(reverse(f"admin:services_{name}_changelist"))
        assert page.status_code == 200, name
        added = client.get(reverse(f"admin:services_{name}_add"))
        assert added.status_code in (200, 403), name
    page = client.get(reverse("admin:services_recuperation_change", args=[b.pk]))
    if who in ("admin", "county_staff"):
        assert page.status_code == 200
        body = page.content.decode()
        assert 'data-testid="places"' in body and "甲镇总工会" in body
        loan_page = client.get(reverse("admin:services_startuploan_change", args=[ln.pk]))
        assert loan_page.status_code == 200 and 'data-testid="step-approve"' in (
            loan_page.content.decode()
        )
    else:
        assert page.status_code == 302  # the county's batch is not theirs to open
    assert client.get(
        reverse("admin:orgs_servicepoint_change", args=[tree.sp_a.pk])
    ).status_code in (200, 302)


def test_the_batch_page_takes_the_decisions_on_the_ticked_people(client, tree):
    b = batch(tree)
    services.quota_set(actor=tree.county_staff, recuperation=b, org=tree.a, places=2)
    services.recuperation_transition(actor=tree.county_staff, recuperation=b, step="open")
    p = services.participant_nominate(
        actor=tree.town_a, recuperation=b, org=tree.a, person=member(tree.a1, 1)
    )
    client.force_login(tree.county_staff)
    url = reverse("admin:services_recuperation_step", args=[b.pk])
    page = client.post(url, {"step": "confirm_people"}, follow=True)
    assert "先勾选" in page.content.decode()
    client.post(url, {"step": "confirm_people", "participant": [p.pk, "x"]})
    assert RecuperationParticipant.objects.get(pk=p.pk).status == "confirmed"
    client.post(url, {"step": "confirm"})
    assert Recuperation.objects.get(pk=b.pk).status == "confirmed"
    # The township cannot take the organiser's steps through the address either.
    client.force_login(tree.town_a)
    client.post(url, {"step": "hold"})
    assert Recuperation.objects.get(pk=b.pk).status == "confirmed"


# -- what a second reading found ----------------------------------------------------------------


def test_the_places_form_refuses_none_and_a_township_only_reads_its_places(client, tree):
    b = batch(tree)
    client.force_login(tree.county_staff)
    url = reverse("admin:services_recuperationquota_add")
    page = client.post(url, {"recuperation": b.pk, "org": tree.a.pk, "places": "0"})
    assert page.status_code == 200 and "至少分配1个名额" in page.content.decode()
    assert not RecuperationQuota.objects.exists()
    client.post(url, {"recuperation": b.pk, "org": tree.a.pk, "places": "2"})
    quota = RecuperationQuota.objects.get()
    change = reverse("admin:services_recuperationquota_change", args=[quota.pk])
    page = client.post(change, {"places": "0"})
    assert page.status_code == 200 and "至少分配1个名额" in page.content.decode()
    client.force_login(tree.town_a)
    page = client.get(change)
    assert page.status_code == 200 and 'name="places"' not in page.content.decode()
    client.post(
        reverse("admin:services_recuperationquota_delete", args=[quota.pk]), {"post": "yes"}
    )
    assert RecuperationQuota.objects.get().places == 2


def test_a_batchs_dates_and_group_stay_once_it_takes_nominations(tree):
    b = batch(tree)
    services.quota_set(actor=tree.county_staff, recuperation=b, org=tree.a, places=2)
    services.recuperation_transition(actor=tree.county_staff, recuperation=b, step="open")
    for changes in ({"starts_on": D(2027, 1, 1)}, {"group": "medical"}, {"repeat_allowed": True}):
        refused(
            lambda changes=changes: services.recuperation_update(
                actor=tree.county_staff, recuperation=b, changes=changes
            ),
            match="不能再改",
        )
    services.recuperation_update(
        actor=tree.county_staff, recuperation=b, changes={"cost_per_head": Decimal(3000)}
    )


def test_a_loan_too_small_and_repayments_out_of_order_are_refused(tree):
    person = member(tree.a1, 1)
    refused(lambda: loan(tree, person, amount=Decimal(10)), match="1000")
    ln = loan(tree, person, term_months=24)
    services.loan_transition(actor=tree.county_staff, loan=ln, step="approve", on=D(2025, 11, 20))
    services.loan_transition(actor=tree.county_staff, loan=ln, step="disburse", on=D(2025, 12, 1))
    services.loan_repay(
        actor=tree.county_staff, loan=ln, repaid_on=D(2026, 3, 1), amount=Decimal(4166)
    )
    refused(
        lambda: services.loan_repay(
            actor=tree.county_staff, loan=ln, repaid_on=D(2026, 2, 1), amount=Decimal(4166)
        ),
        match="上一次",
    )
    refused(
        lambda: services.loan_transition(
            actor=tree.county_staff, loan=ln, step="write_off", reason="失联", on=D(2026, 2, 1)
        ),
        match="最后一次还款",
    )
    # What is overdue at the end of a year not yet over is what is overdue today.
    today = timezone.localdate()
    got = {f.key: f.value for f in figures(None, tree.county, D(2025, 1, 1), D(2099, 12, 31))}
    owed = selectors.loan_balance(StartupLoan.objects.get(pk=ln.pk), today)
    assert got["services.loans_overdue"] == owed["overdue"] < got["services.loans_outstanding"]


def test_a_point_turned_down_is_put_forward_again_and_offer_codes_are_per_union(tree):
    n = services.nomination_create(
        actor=tree.town_a, org=tree.a, point=tree.sp_a, level="city", title="市级模范职工之家",
        nominated_on=D(2025, 3, 1),
    )  # fmt: skip
    services.nomination_transition(
        actor=tree.town_a, nomination=n, step="not_confer", reason="名额有限", on=D(2025, 6, 1)
    )
    again = services.nomination_create(
        actor=tree.town_a, org=tree.a, point=tree.sp_a, level="city", title="市级模范职工之家",
        nominated_on=D(2026, 3, 1),
    )  # fmt: skip
    assert again.pk != n.pk
    offer(tree, code="PH-001")
    other = services.offer_create(
        actor=tree.town_b, org=tree.b, code="PH-001", title="乙镇观影", merchant="乙镇影院",
        offer="八折", starts_on=D(2026, 1, 1),
    )  # fmt: skip
    assert other.code == "PH-001"
    refused(lambda: offer(tree, code="PH-001"), match="本工会")


def test_a_month_is_read_as_people_write_it_and_a_number_cell_is_refused():
    from gonghui.core.imports.spec import CellError, Column, Row, read_month

    column = Column("month", "月份")
    for raw in ("2026-10", "2026年10月", "202610", 202610.0, "2026/10/15", D(2026, 10, 15)):
        assert read_month(Row(2, {"month": raw}), column) == D(2026, 10, 1), raw
    for raw in (2026.1, "2026-13", "十月"):
        with pytest.raises(CellError):
            read_month(Row(2, {"month": raw}), column)


def test_the_partners_list_takes_the_unions_own_offer_before_a_same_code_below(tree, tmp_path):
    own = offer(tree, code="PH-001")
    services.offer_create(
        actor=tree.town_a, org=tree.a1, code="PH-001", title="甲公司观影", merchant="甲影院",
        offer="八折", starts_on=D(2026, 1, 1),
    )  # fmt: skip
    path = write_xlsx(
        tmp_path / "普惠.xlsx",
        [["PH-001", "观影", "2026-03", "12", "120"]],
        header=["项目编号", "项目名称", "月份", "使用人次", "优惠金额"],
        title=False,
    )
    outcome = run_import(OfferUseSpec(), path, actor=tree.town_a, org=tree.a, mode=Mode.PARTIAL)
    assert outcome.imported == 1 and OfferUse.objects.get().offer == own
    # From the county, two unions beneath have the code: named, not guessed.
    outcome = run_import(
        OfferUseSpec(), path, actor=tree.county_staff, org=tree.county, mode=Mode.PARTIAL
    )
    assert outcome.imported == 0 and "多个工会" in outcome.problems[0].message


def _at_once(*calls) -> list[str]:
    """Run the calls in threads started together, each its own transaction and connection:
    "done" or the refusal's class name for each."""
    import threading

    from django.db import connection

    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def test_the_last_place_and_a_person_in_two_batches_hold_at_once(transactional_db):
    from tests.conftest import build_tree

    tree = build_tree()
    one, two, three = (member(tree.a1, n) for n in range(3))
    first = batch(tree, name="第一批", places=1)
    second = batch(tree, name="第二批", starts_on=D(2026, 10, 1), ends_on=D(2026, 10, 5))
    third = batch(tree, name="第三批", starts_on=D(2026, 11, 1), ends_on=D(2026, 11, 5))
    for b, places in ((first, 1), (second, 2), (third, 2)):
        services.quota_set(actor=tree.county_staff, recuperation=b, org=tree.a, places=places)
        services.recuperation_transition(actor=tree.county_staff, recuperation=b, step="open")

    def nominate(b, person):
        return lambda: services.participant_nominate(
            actor=tree.town_a, recuperation=b, org=tree.a, person=person
        )

    # One place left, two nominations at once: one is taken, the other told the places are full.
    assert _at_once(nominate(first, one), nominate(first, two)) == ["done", "refused"]
    assert RecuperationParticipant.objects.filter(recuperation=first).count() == 1
    # One person, two batches of the same year with places at once: one place, never two.
    assert _at_once(nominate(second, three), nominate(third, three)) == ["done", "refused"]
    assert RecuperationParticipant.objects.filter(person=three).count() == 1
