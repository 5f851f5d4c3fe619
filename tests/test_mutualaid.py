"""Mutual medical aid (职工医疗互助): plans and editions, enrolment batches with their rules
(eligibility, one per person and period, choose-one plans, the participation rule), the
payout computed from the edition, claims through their workflow with the yearly cap held under
two approvals at once, payout batches, the roster import, the figures and the back office."""

from __future__ import annotations

import datetime
import io
import threading
from decimal import Decimal

import pytest
import python_calamine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from gonghui.core.errors import DomainError
from gonghui.core.imports.engine import Mode, run_import
from gonghui.core.models import AccessLog, Event
from gonghui.members.services import member_register
from gonghui.mutualaid import selectors, services
from gonghui.mutualaid.imports import EnrollmentRosterSpec
from gonghui.mutualaid.models import (
    AidClaim,
    AidClaimAttachment,
    AidEnrollment,
    AidEnrollmentBatch,
    AidPlan,
    AidPlanEdition,
    PlanKind,
    UnitType,
)
from tests.conftest import snapshot
from tests.rosters import id_number, write_xlsx

D = datetime.date
Y = 2026
START = D(Y, 1, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ACCOUNT = "6228480012345678901"
JAN_10, JUNE_1 = D(Y, 1, 10), D(Y, 6, 1)
TABLES = (AidPlan, AidPlanEdition, AidEnrollmentBatch, AidEnrollment, AidClaim)


def member(org, n, born=None, female=True):
    born = born or D(1985, 1, 1)
    seq = 200 + 2 * n + (0 if female else 1)
    return member_register(
        actor=None,
        org=org,
        id_number=id_number(born + datetime.timedelta(days=n), seq),
        name=f"职工{n}",
        joined_on=D(2020, 1, 1),
    ).person


def plans(tree):
    hospital = services.plan_create(
        actor=tree.county_staff,
        org=tree.county,
        name="职工住院医疗互助保障",
        kind=PlanKind.HOSPITAL,
        cover_years=1,
        exclusive_group="住院",
    )
    allowance = services.plan_create(
        actor=tree.county_staff,
        org=tree.county,
        name="职工住院津贴互助保障",
        kind=PlanKind.HOSPITAL,
        cover_years=1,
        exclusive_group="住院",
    )
    women = services.plan_create(
        actor=tree.county_staff,
        org=tree.county,
        name="女职工特殊疾病互助保障",
        kind=PlanKind.WOMEN,
        cover_years=2,
        women_only=True,
    )
    for plan in (hospital, allowance, women):
        services.edition_create(
            actor=tree.county_staff,
            plan=plan,
            effective_from=D(2024, 1, 1),
            price_public=Decimal(60),
            price_private=Decimal(40),
            waiting_days=90,
            deductible=Decimal(500),
            band1_upto=Decimal(5000),
            ratio1=Decimal("0.5"),
            band2_upto=Decimal(20000),
            ratio2=Decimal("0.6"),
            ratio3=Decimal("0.7"),
            per_event_cap=Decimal(8000),
            yearly_cap=Decimal(10000),
        )
    return hospital, allowance, women


@pytest.fixture
def aid(tree):
    hospital, allowance, women = plans(tree)
    people = [member(tree.a1, n) for n in range(6)]
    return {"hospital": hospital, "allowance": allowance, "women": women, "people": people}


def enrol(tree, aid, people=None, plan=None, start=START, staff=6, paid_on=JAN_10):
    plan = plan or aid["hospital"]
    batch = services.enrollment_batch_create(
        actor=tree.clerk_a1,
        org=tree.a1,
        period_start=start,
        unit_type=UnitType.PRIVATE,
        staff_count=staff,
        choices=[(p.pk, plan) for p in (people or aid["people"])],
    )
    if paid_on:
        batch = services.enrollment_batch_pay(actor=tree.county_staff, batch=batch, paid_on=paid_on)
    return batch


def claim(tree, enrollment, admitted=JUNE_1, cost=20000, insurance=10000, **more):
    return services.claim_create(
        actor=more.pop("actor", tree.clerk_a1),
        enrollment=enrollment,
        admitted_on=admitted,
        discharged_on=admitted + datetime.timedelta(days=7),
        hospital="青山县人民医院",
        diagnosis="急性阑尾炎",
        total_cost=Decimal(cost),
        insurance_paid=Decimal(insurance),
        bank_name="农业银行青山支行",
        bank_account=ACCOUNT,
        **more,
    )


# -- plans and editions ------------------------------------------------------------------------


def test_plans_are_run_by_a_federation_and_their_editions_say_the_money_rules(tree, aid):
    assert services.period_end(aid["women"], START) == D(Y + 1, 12, 31)
    assert services.period_end(aid["hospital"], D(2024, 2, 29)) == D(2025, 2, 27)
    before = snapshot(*TABLES)
    with pytest.raises(DomainError, match="县级及以上"):
        services.plan_create(actor=None, org=tree.a1, name="x", kind=PlanKind.HOSPITAL)
    with pytest.raises(DomainError, match="已有"):
        services.plan_create(
            actor=None, org=tree.county, name="职工住院医疗互助保障", kind=PlanKind.HOSPITAL
        )
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=tree.clerk_a1, org=tree.county, name="y", kind="hospital")
    edition = {
        "plan": aid["hospital"],
        "effective_from": D(Y, 7, 1),
        "price_public": Decimal(60),
        "price_private": Decimal(40),
        "ratio1": Decimal("0.5"),
        "per_event_cap": Decimal(8000),
        "yearly_cap": Decimal(10000),
    }
    for wrong, message in (
        ({"ratio1": Decimal("1.5")}, "比例"),
        ({"price_private": Decimal(0)}, "大于零"),
        ({"yearly_cap": Decimal(100)}, "年度"),
        ({"band1_upto": Decimal(5000)}, "第一段以上"),
        (
            {"band1_upto": Decimal(5000), "ratio2": Decimal("0.6"), "band2_upto": Decimal(10)},
            "第二段",
        ),
        ({"deductible": Decimal(-1)}, "负数"),
        ({"effective_from": D(2024, 1, 1)}, "已有"),
    ):
        with pytest.raises(DomainError, match=message):
            services.edition_create(actor=tree.county_staff, **{**edition, **wrong})
    assert snapshot(*TABLES) == before
    second = services.edition_create(actor=tree.county_staff, **edition)
    assert services.edition_in_force(aid["hospital"], D(Y, 6, 30)).effective_from == D(2024, 1, 1)
    assert services.edition_in_force(aid["hospital"], D(Y, 7, 1)) == second
    assert services.edition_in_force(aid["hospital"], D(2020, 1, 1)) is None
    services.edition_update(actor=tree.county_staff, edition=second, changes={"waiting_days": 30})
    services.edition_delete(actor=tree.county_staff, edition=second)
    plan = services.plan_update(
        actor=tree.county_staff, plan=aid["allowance"], changes={"note": "与住院医疗二选一"}
    )
    assert plan.note == "与住院医疗二选一"
    spare = services.plan_create(
        actor=tree.county_staff, org=tree.county, name="意外伤害互助保障", kind=PlanKind.ACCIDENT
    )
    services.plan_delete(actor=tree.county_staff, plan=spare)
    # Everyone reads the terms; a union enrols in the plans of its federations only.
    assert set(selectors.plans_visible_to(tree.clerk_a1)) == {
        aid["hospital"],
        aid["allowance"],
        aid["women"],
    }
    assert aid["hospital"] in selectors.plans_open_to(tree.clerk_a1)
    assert selectors.editions_visible_to(tree.town_b).count() == 3
    assert not selectors.plans_visible_to(None).exists()
    assert not selectors.editions_visible_to(None).exists()


def test_a_plan_with_members_keeps_its_terms(tree, aid):
    enrol(tree, aid)
    with pytest.raises(DomainError, match="保障期"):
        services.plan_update(
            actor=tree.county_staff, plan=aid["hospital"], changes={"cover_years": 2}
        )
    with pytest.raises(DomainError, match="停止参保"):
        services.plan_delete(actor=tree.county_staff, plan=aid["hospital"])
    edition = services.edition_in_force(aid["hospital"], START)
    with pytest.raises(DomainError, match="新增一个"):
        services.edition_update(actor=tree.county_staff, edition=edition, changes={"ratio1": 1})
    with pytest.raises(DomainError, match="保留"):
        services.edition_delete(actor=tree.county_staff, edition=edition)


# -- enrolment ---------------------------------------------------------------------------------


def test_a_roster_is_enrolled_with_the_premium_of_its_edition_and_cover_starts_when_paid(tree, aid):
    batch = enrol(tree, aid, paid_on=None)
    assert (batch.people, batch.premium, batch.status) == (6, Decimal(240), "draft")
    assert selectors.batches_waiting(tree.county_staff, "enrolment.premium", START).count() == 1
    assert not selectors.batches_waiting(tree.county_staff, "other", START).exists()
    row = AidEnrollment.objects.filter(batch=batch).first()
    assert (row.period_end, row.cover_from) == (D(Y, 12, 31), None)
    with pytest.raises(DomainError, match="晚于今天"):
        services.enrollment_batch_pay(actor=tree.county_staff, batch=batch, paid_on=D(2999, 1, 1))
    with pytest.raises(PermissionDenied):
        services.enrollment_batch_pay(actor=tree.clerk_a1, batch=batch, paid_on=D(Y, 1, 10))
    paid = services.enrollment_batch_pay(actor=tree.county_staff, batch=batch, paid_on=D(Y, 2, 1))
    row.refresh_from_db()
    # Cover from the payment; a first enrolment waits 90 days.
    assert (row.cover_from, row.waiting_until) == (D(Y, 2, 1), D(Y, 5, 1))
    with pytest.raises(DomainError, match="已登记"):
        services.enrollment_batch_pay(actor=tree.county_staff, batch=paid, paid_on=D(Y, 2, 1))
    with pytest.raises(DomainError, match="已缴"):
        services.enrollment_batch_delete(actor=tree.clerk_a1, batch=paid)
    assert selectors.batches_visible_to(tree.clerk_a1).count() == 1
    assert not selectors.batches_visible_to(tree.town_b).exists()
    assert selectors.enrollments_visible_to(tree.town_a).count() == 6
    assert not selectors.enrollments_visible_to(tree.town_b).exists()


def test_a_roster_is_refused_whole_with_the_reason_for_each_person(tree, aid):
    young = member(tree.a1, 50, born=D(2012, 1, 1))
    old = member(tree.a1, 51, born=D(1960, 1, 1))
    man = member(tree.a1, 52, female=False)
    other = member(tree.b1, 53)
    people = aid["people"]
    h, a, w = aid["hospital"], aid["allowance"], aid["women"]
    choices = [
        (young.pk, h),
        (old.pk, h),
        (man.pk, w),
        (other.pk, h),
        (people[0].pk, h),
        (people[0].pk, h),
        (people[1].pk, a),
        *[(p.pk, h) for p in people[1:]],
    ]
    found = dict(
        services.enrollment_refusals(
            org=tree.a1, period_start=START, staff_count=9, choices=choices
        )
    )
    assert "年龄13" in found[0] and "16" in found[0]
    assert "年龄65" in found[1]
    assert "女职工" in found[2]
    assert "不是本工会" in found[3]
    assert "重复" in found[5]
    assert "二选一" in found[7]  # people[1] chose the allowance plan, then the hospital plan
    before = snapshot(*TABLES)
    with pytest.raises(DomainError, match="职工50"):
        services.enrollment_batch_create(
            actor=tree.clerk_a1,
            org=tree.a1,
            period_start=START,
            unit_type=UnitType.PRIVATE,
            staff_count=9,
            choices=choices,
        )
    for wrong, message in (
        ({"org": tree.a}, "所在单位工会"),
        ({"unit_type": "x"}, "单位类型"),
        ({"staff_count": 0}, "职工总数"),
        ({"period_start": D(2999, 1, 1)}, "一年内"),
        ({"choices": []}, "没有"),
    ):
        args = {
            "actor": tree.clerk_a1,
            "org": tree.a1,
            "period_start": START,
            "unit_type": UnitType.PRIVATE,
            "staff_count": 6,
            "choices": [(p.pk, h) for p in people],
        }
        with pytest.raises(DomainError, match=message):
            services.enrollment_batch_create(**{**args, **wrong})
    with pytest.raises(DomainError, match="60%"):
        services.enrollment_batch_create(
            **{**args, "staff_count": 20, "choices": [(p.pk, h) for p in people[:5]]}
        )
    with pytest.raises(DomainError, match="全员"):
        services.enrollment_batch_create(
            **{**args, "staff_count": 8, "choices": [(p.pk, h) for p in people[:5]]}
        )
    with pytest.raises(DomainError, match="超过"):
        services.enrollment_batch_create(**{**args, "staff_count": 3})
    assert snapshot(*TABLES) == before


def test_one_enrolment_per_person_plan_and_period_and_a_renewal_has_no_waiting(tree, aid):
    first = enrol(tree, aid, start=D(2025, 1, 1), paid_on=D(2025, 1, 5))
    enrol_again = {
        "actor": tree.clerk_a1,
        "org": tree.a1,
        "period_start": D(2025, 6, 1),
        "unit_type": UnitType.PRIVATE,
        "staff_count": 6,
        "choices": [(p.pk, aid["hospital"]) for p in aid["people"]],
    }
    with pytest.raises(DomainError, match="已参加"):
        services.enrollment_batch_create(**enrol_again)
    # The women's plan is an add-on: no participation rule, women only.
    services.enrollment_batch_create(
        **{**enrol_again, "choices": [(aid["people"][0].pk, aid["women"])]}
    )
    gone = aid["people"][5].latest_membership
    gone.status = "left"
    gone.save()
    renewal = services.enrollment_batch_renew(actor=tree.clerk_a1, batch=first, staff_count=5)
    assert renewal.batch.period_start == D(Y, 1, 1)
    assert renewal.batch.people == 5 and len(renewal.left_out) == 1
    assert "职工5" in renewal.left_out[0] and "不是本工会" in renewal.left_out[0]
    services.enrollment_batch_pay(
        actor=tree.county_staff, batch=renewal.batch, paid_on=D(Y - 1, 12, 28)
    )
    row = AidEnrollment.objects.get(batch=renewal.batch, person=aid["people"][0])
    assert (row.cover_from, row.waiting_until) == (D(Y, 1, 1), None)
    with pytest.raises(DomainError, match="已有"):
        services.enrollment_batch_renew(actor=tree.clerk_a1, batch=first)


# -- payouts and claims ------------------------------------------------------------------------


def test_the_payout_is_computed_from_the_edition_with_its_computation(tree, aid):
    batch = enrol(tree, aid)
    e = batch.enrollments.select_related("plan").first()
    # Admitted in the waiting period: nothing.
    early = services.payout_for(
        enrollment=e, admitted_on=D(Y, 3, 1), total_cost=Decimal(9000), insurance_paid=Decimal(0)
    )
    assert early.amount == 0 and "等待期" in early.refusal
    # 20000 − 10000 − 500 = 9500: 5000×50% + 4500×60% = 5200.
    p = services.payout_for(
        enrollment=e,
        admitted_on=D(Y, 6, 1),
        total_cost=Decimal(20000),
        insurance_paid=Decimal(10000),
    )
    assert p.amount == Decimal(5200) and not p.refusal
    assert "5000元×50% + 4500元×60% = 5200元" in p.basis
    # 60000 − 10000 − 500: 2500 + 9000 + 29500×70% = 32150, capped at 8000 a stay.
    big = services.payout_for(
        enrollment=e,
        admitted_on=D(Y, 6, 1),
        total_cost=Decimal(60000),
        insurance_paid=Decimal(10000),
    )
    assert big.amount == Decimal(8000) and "单次" in big.basis
    small = services.payout_for(
        enrollment=e, admitted_on=D(Y, 6, 1), total_cost=Decimal(800), insurance_paid=Decimal(400)
    )
    assert small.amount == 0 and "起付线" in small.refusal
    outside = services.payout_for(
        enrollment=e, admitted_on=D(Y + 1, 1, 2), total_cost=Decimal(800), insurance_paid=0
    )
    assert "保障期" in outside.refusal


def test_a_claim_is_filed_reviewed_approved_under_the_yearly_cap_and_paid(tree, aid):
    batch = enrol(tree, aid)
    e = batch.enrollments.first()
    pdf = SimpleUploadedFile("出院小结.pdf", PDF, content_type="application/pdf")
    first = claim(tree, e, attachments=[pdf])
    assert first.payout == Decimal(5200) and first.status == "draft"
    assert first.bank_account_last4 == "8901" and ACCOUNT.encode() not in bytes(first.bank_account)
    assert "阑尾炎".encode() not in bytes(first.diagnosis)
    before = snapshot(*TABLES)
    with pytest.raises(DomainError, match="等待期"):
        claim(tree, e, admitted=D(Y, 3, 1))
    with pytest.raises(DomainError, match="大于零"):
        claim(tree, e, admitted=D(Y, 8, 1), cost=0, insurance=0)
    with pytest.raises(DomainError, match="超过"):
        claim(tree, e, admitted=D(Y, 8, 1), cost=100, insurance=200)
    with pytest.raises(DomainError, match="出院"):
        claim(tree, e, admitted=D(2999, 1, 1))
    with pytest.raises(DomainError, match="已经申请"):
        claim(tree, e, admitted=D(Y, 6, 1))
    with pytest.raises(PermissionDenied):
        claim(tree, e, admitted=D(Y, 8, 1), actor=tree.town_b)
    with pytest.raises(DomainError, match="12"):
        services.claim_create(
            actor=tree.clerk_a1,
            enrollment=e,
            admitted_on=D(Y, 8, 1),
            discharged_on=D(Y, 8, 3),
            hospital="医院",
            total_cost=Decimal(100),
            insurance_paid=Decimal(0),
            bank_name="银行",
            bank_account="123",
        )
    with pytest.raises(DomainError, match="pdf"):
        claim(
            tree,
            e,
            admitted=D(Y, 9, 1),
            attachments=[SimpleUploadedFile("a.pdf", b"<script>alert(1)</script>")],
        )
    assert snapshot(*TABLES) == before
    assert AidClaimAttachment.objects.filter(claim=first).count() == 1
    # The union adds and removes documents while the claim is not decided.
    extra = services.claim_attachment_add(
        actor=tree.clerk_a1, claim=first, upload=SimpleUploadedFile("发票.pdf", PDF)
    )
    assert selectors.attachments_visible_to(tree.clerk_a1).count() == 2
    assert not selectors.attachments_visible_to(tree.town_b).exists()
    services.claim_attachment_delete(actor=tree.clerk_a1, attachment=extra)
    # The reviewer reads the diagnosis (logged); the clerk does not.
    assert services.claim_diagnosis(actor=tree.clerk_a1, claim=first) == ""
    assert services.claim_diagnosis(actor=tree.county_staff, claim=first) == "急性阑尾炎"
    assert AccessLog.objects.filter(action="view_health_data", target_id=str(first.pk)).exists()
    second = claim(tree, e, admitted=D(Y, 8, 1))
    assert selectors.claims_waiting(tree.clerk_a1, "claims.submit", START).count() == 2
    with pytest.raises(DomainError, match="不能批准"):
        services.claim_transition(actor=tree.county_staff, claim=first, step="approve")
    services.claims_take_step(actor=tree.clerk_a1, claims=[first, second], step="submit")
    assert selectors.claims_waiting(tree.county_staff, "claims.review", START).count() == 2
    with pytest.raises(PermissionDenied):
        services.claim_transition(actor=tree.clerk_a1, claim=first, step="approve")
    first.refresh_from_db()
    progress = selectors.claim_progress(tree.county_staff, first)
    assert [s.name for s in progress["steps"]] == ["approve", "return", "reject"]
    services.claim_transition(actor=tree.county_staff, claim=first, step="approve")
    # The second stay computes 5200 alone; the yearly cap of 10000 leaves 4800.
    done = services.claim_transition(actor=tree.county_staff, claim=second, step="approve")
    assert done.payout == Decimal(4800) and "尚余4800元" in done.basis
    with pytest.raises(DomainError, match="年度给付上限"):
        claim(tree, e, admitted=D(Y, 9, 10))
    # Paid through a batch; the bank file carries the full account.
    assert selectors.claims_waiting(tree.county_staff, "claims.pay", START).count() == 2
    assert not selectors.claims_waiting(tree.county_staff, "other", START).exists()
    batch_ = services.claim_batch_create(
        actor=tree.county_staff, org=tree.county, claims=[first, second]
    )
    assert batch_.total == Decimal(10000)
    content = services.claim_batch_bank_file(actor=tree.county_staff, batch=batch_)
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert ACCOUNT in str(sheet.get_sheet_by_index(0).to_python())
    services.claim_batch_mark_paid(
        actor=tree.county_staff, batch=batch_, paid_on=D(Y, 9, 20), reference="HZ001"
    )
    first.refresh_from_db()
    assert (first.status, first.paid_on) == ("paid", D(Y, 9, 20))
    assert selectors.claim_batches_visible_to(tree.clerk_a1).count() == 0  # paid by the county
    assert selectors.claim_batches_visible_to(tree.county_staff).count() == 1
    assert selectors.claims_visible_to(tree.town_a).count() == 2
    assert not selectors.claims_visible_to(tree.town_b).exists()
    covering = selectors.enrollment_covering(
        tree.clerk_a1,
        digest=e.person.id_number_digest,
        plan=aid["hospital"],
        day=D(Y, 5, 5),
    )
    assert covering == e
    assert (
        selectors.enrollment_covering(
            tree.town_b, digest=e.person.id_number_digest, plan=aid["hospital"], day=D(Y, 5, 5)
        )
        is None
    )


def test_returned_and_refused_claims_say_why(tree, aid):
    e = enrol(tree, aid).enrollments.first()
    c = claim(tree, e)
    services.claim_transition(actor=tree.clerk_a1, claim=c, step="submit")
    with pytest.raises(DomainError, match="原因"):
        services.claim_transition(actor=tree.county_staff, claim=c, step="return")
    c = services.claim_transition(
        actor=tree.county_staff, claim=c, step="return", reason="请补充费用清单"
    )
    assert (c.status, c.reason) == ("draft", "请补充费用清单")
    services.claim_transition(actor=tree.clerk_a1, claim=c, step="submit")
    c = services.claim_transition(
        actor=tree.county_staff, claim=c, step="reject", reason="除外责任"
    )
    assert c.status == "rejected" and c.decided_on is not None
    # A refused stay may be claimed again (with what was missing).
    assert claim(tree, e).status == "draft"
    with pytest.raises(DomainError, match="已核准"):
        services.claim_batch_create(actor=tree.county_staff, org=tree.county, claims=[c])


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_cannot_pass_the_yearly_cap():
    from tests.conftest import build_tree

    tree = build_tree()
    aid = {"hospital": plans(tree)[0], "people": [member(tree.a1, n) for n in range(6)]}
    e = enrol(tree, aid).enrollments.first()
    claims = [claim(tree, e, admitted=D(Y, m, 1), cost=40000, insurance=10000) for m in (6, 8)]
    for c in claims:
        services.claim_transition(actor=tree.clerk_a1, claim=c, step="submit")
    barrier = threading.Barrier(2)
    results = []

    def approve(c):
        try:
            barrier.wait()
            services.claim_transition(actor=tree.county_staff, claim=c, step="approve")
            results.append("ok")
        except DomainError as exc:
            results.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(c,)) for c in claims]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "ok"]
    paid = sorted(AidClaim.objects.filter(enrollment=e).values_list("payout", flat=True))
    # 8000 for the first approved, 2000 left of the yearly cap for the second, whichever won.
    assert paid == [Decimal(2000), Decimal(8000)]


# -- the roster import -------------------------------------------------------------------------


def roster(rows, path):
    return write_xlsx(path, rows, header=["姓名", "身份证号码", "参保险种", "备注"], title=False)


def number_of(person) -> str:
    from gonghui.core.crypto import cipher
    from gonghui.members.crypto import ID_PURPOSE

    return cipher().decrypt(bytes(person.id_number), ID_PURPOSE)


def test_the_roster_import_says_each_refusal_by_row_and_column_and_enrols_the_rest(
    tree, aid, tmp_path
):
    people = aid["people"]
    rows = [[p.name, number_of(p), "职工住院医疗互助保障"] for p in people[:5]]
    rows.append([people[5].name, number_of(people[5]), "职工住院医疗互助保障、女职工特殊疾病"])
    rows.append(["无名", "530524198501010011", "职工住院医疗互助保障"])
    rows.append([people[0].name, number_of(people[0]), "疗休养"])
    rows.append([people[1].name, number_of(people[1]), "住院医疗"])
    options = {"year": str(Y), "staff": "6", "unit_type": "其他企业"}
    before = snapshot(*TABLES)
    outcome = run_import(
        EnrollmentRosterSpec(),
        roster(rows, tmp_path / "all.xlsx"),
        actor=tree.clerk_a1,
        org=tree.a1,
        file_name="参保名单.xlsx",
        options=options,
    )
    assert not outcome.written
    said = {(p.row, p.column): p.message for p in outcome.problems}
    assert "登记" in said[(8, "身份证号")]
    assert "疗休养" in said[(9, "参保项目")]
    assert "全称" in said[(10, "参保项目")]  # two open plans are of the kind 住院医疗
    assert snapshot(*TABLES) == before
    outcome = run_import(
        EnrollmentRosterSpec(),
        roster(rows[:6], tmp_path / "six.xlsx"),
        actor=tree.clerk_a1,
        org=tree.a1,
        file_name="参保名单.xlsx",
        options=options,
    )
    assert outcome.written and outcome.imported == 6, [p.as_dict() for p in outcome.problems]
    batch = AidEnrollmentBatch.objects.get(org=tree.a1)
    assert batch.people == 6 and batch.enrollments.count() == 7
    assert batch.premium == Decimal(7 * 40)
    # The same union and year again: refused before reading.
    six = roster(rows[:6], tmp_path / "six.xlsx")
    again = run_import(
        EnrollmentRosterSpec(), six, actor=tree.clerk_a1, org=tree.a1,
        file_name="参保名单.xlsx", options=options,
    )  # fmt: skip
    assert "已有" in again.fatal
    bad = run_import(
        EnrollmentRosterSpec(), six, actor=tree.clerk_a1, org=tree.a1,
        file_name="参保名单.xlsx", options={**options, "staff": "二十"},
    )  # fmt: skip
    assert "--staff" in bad.fatal
    three = roster(rows[:3], tmp_path / "three.xlsx")
    short = run_import(
        EnrollmentRosterSpec(), three, actor=tree.clerk_a1, org=tree.b1,
        file_name="参保名单.xlsx", options={**options, "year": str(Y + 1)},
        mode=Mode.PARTIAL,
    )  # fmt: skip
    assert not short.imported and "会员名册中没有" in short.problems[0].message


@pytest.mark.django_db(transaction=True)
def test_the_roster_import_runs_from_the_command_line(tmp_path):
    import json
    import subprocess
    import sys

    from tests.conftest import build_tree
    from tests.test_member_import import _cli_env

    tree = build_tree()
    aid = {"hospital": plans(tree)[0], "people": [member(tree.a1, n) for n in range(6)]}
    rows = [[p.name, number_of(p), "职工住院医疗互助保障"] for p in aid["people"]]
    path = roster(rows, tmp_path / "参保名单.xlsx")

    def run(staff):
        return subprocess.run(
            [
                sys.executable, "-m", "gonghui.cli", "import", "mutualaid", str(path),
                "--org", "QS-A-1", "--json", "--year", str(Y), "--staff", staff,
                "--unit-type", "其他企业",
            ],
            capture_output=True, text=True, env=_cli_env(), timeout=120, check=False,
        )  # fmt: skip

    # Refused (6 of 20 staff): a non-zero exit and the counts; the import itself is tested
    # through run_import above, one process is enough here.
    refused = run("20")
    assert refused.returncode == 1 and json.loads(refused.stdout)["rejected"] == 6
    assert not AidEnrollmentBatch.objects.exists()


# -- the back office, as each role -------------------------------------------------------------


def claim_form(tree, person, plan, **over):
    data = {
        "id_number_text": number_of(person),
        "plan": plan.pk,
        "admitted_on": "2026-06-01",
        "discharged_on": "2026-06-08",
        "hospital": "青山县人民医院",
        "diagnosis_text": "肺炎",
        "total_cost": "20000",
        "insurance_paid": "10000",
        "bank_name": "农业银行青山支行",
        "bank_account_text": "6228 4800 1234 5678 901",
    }
    data.update(over)
    return data


def test_a_clerk_files_a_claim_and_the_county_decides_it_in_the_back_office(client, tree, aid):
    enrol(tree, aid)
    person = aid["people"][0]
    add = reverse("admin:mutualaid_aidclaim_add")
    client.force_login(tree.clerk_a1)
    page = client.get(add)
    assert page.status_code == 200 and "会员身份证号" in page.content.decode()
    before = snapshot(*TABLES)
    wrong = client.post(add, claim_form(tree, person, aid["hospital"], id_number_text="123"))
    assert wrong.status_code == 200 and "身份证号" in wrong.content.decode()
    waiting = client.post(add, claim_form(tree, person, aid["hospital"], admitted_on="2026-03-01"))
    assert "等待期" in waiting.content.decode()
    other_plan = client.post(add, claim_form(tree, person, aid["allowance"]))
    assert "没有找到此人参加该项目" in other_plan.content.decode()
    assert snapshot(*TABLES) == before
    done = client.post(add, claim_form(tree, person, aid["hospital"]))
    assert done.status_code == 302, done.content.decode()[:2000]
    filed = AidClaim.objects.get()
    assert filed.payout == Decimal(5200) and filed.bank_account_last4 == "8901"
    page = client.get(reverse("admin:mutualaid_aidclaim_change", args=[filed.pk])).content.decode()
    assert "5000元×50% + 4500元×60% = 5200元" in page and "肺炎" not in page
    client.post(reverse("admin:mutualaid_aidclaim_step", args=[filed.pk]), {"step": "submit"})
    assert AidClaim.objects.get().status == "submitted"
    # Another township's staff: the claim answers like a missing one; its own sees it.
    client.force_login(tree.town_b)
    assert (
        client.get(reverse("admin:mutualaid_aidclaim_change", args=[filed.pk])).status_code == 302
    )
    client.force_login(tree.town_a)
    assert (
        client.get(reverse("admin:mutualaid_aidclaim_change", args=[filed.pk])).status_code == 200
    )
    # The county: the 审批 page, the diagnosis (logged), approval, a batch, the bank file.
    client.force_login(tree.county_staff)
    url = reverse("admin:mutualaid_aidclaim_approvals")
    board = client.get(url, {"tab": "claims.review"}).content.decode()
    assert "职工0" in board and "5200" in board
    page = client.get(reverse("admin:mutualaid_aidclaim_change", args=[filed.pk])).content.decode()
    assert "肺炎" in page
    answer = client.post(
        url, {"tab": "claims.review", "step": "approve", "ids": [filed.pk]}, follow=True
    )
    assert any("1 件理赔申请已批准" in str(m) for m in answer.context["messages"])
    answer = client.post(
        reverse("admin:mutualaid_aidclaim_changelist"),
        {"action": "batch_selected", "_selected_action": [filed.pk]},
    )
    batch = AidClaim.objects.get().batch
    assert answer.status_code == 302 and batch is not None
    bank = client.get(reverse("admin:mutualaid_aidclaimbatch_bank", args=[batch.pk]))
    assert bank.status_code == 200 and "no-store" in bank["Cache-Control"]
    client.post(
        reverse("admin:mutualaid_aidclaimbatch_paid", args=[batch.pk]),
        {"paid_on": "2026-09-20", "reference": "HZ001"},
    )
    assert AidClaim.objects.get().status == "paid"
    page = client.get(reverse("admin:mutualaid_aidclaimbatch_change", args=[batch.pk]))
    assert page.status_code == 200 and "****8901" in page.content.decode()


def test_a_claims_documents_are_checked_and_served_within_its_scope(client, tree, aid):
    e = enrol(tree, aid).enrollments.first()
    c = claim(tree, e)
    client.force_login(tree.clerk_a1)
    attach = reverse("admin:mutualaid_aidclaim_attach", args=[c.pk])
    client.post(attach, {"file": SimpleUploadedFile("x.pdf", b"<html><script>1</script>")})
    assert not AidClaimAttachment.objects.exists()
    client.post(attach, {"file": SimpleUploadedFile("发票.pdf", PDF)})
    att = AidClaimAttachment.objects.get()
    got = client.get(reverse("admin:mutualaid_aidclaimattachment_download", args=[att.pk]))
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment")
    client.force_login(tree.town_b)
    hidden = client.get(reverse("admin:mutualaid_aidclaimattachment_download", args=[att.pk]))
    assert hidden.status_code == 302
    client.force_login(tree.clerk_a1)
    client.post(reverse("admin:mutualaid_aidclaimattachment_delete", args=[att.pk]))
    assert not AidClaimAttachment.objects.exists()


def test_the_county_records_premiums_renews_rosters_and_follows_targets(client, tree, aid):
    from gonghui.reports.services import target_set

    batch = enrol(tree, aid, paid_on=None)
    client.force_login(tree.clerk_a1)
    page = client.get(reverse("admin:mutualaid_aidenrollmentbatch_change", args=[batch.pk]))
    assert page.status_code == 200 and "登记缴费" not in page.content.decode()
    client.force_login(tree.county_staff)
    page = client.get(reverse("admin:mutualaid_aidenrollmentbatch_change", args=[batch.pk]))
    assert "登记缴费" in page.content.decode() and "职工0" in page.content.decode()
    client.post(reverse("admin:mutualaid_aidenrollmentbatch_pay", args=[batch.pk]), {})
    assert AidEnrollmentBatch.objects.get().status == "draft"
    client.post(
        reverse("admin:mutualaid_aidenrollmentbatch_pay", args=[batch.pk]),
        {"paid_on": "2026-01-05"},
    )
    assert AidEnrollmentBatch.objects.get().status == "paid"
    target_set(actor=tree.county_staff, org=tree.a, indicator="mutualaid.enrolled", year=Y, value=5)
    progress = client.get(reverse("admin:mutualaid_aidenrollmentbatch_progress"), {"year": Y})
    rows = {r["org"].name: r for r in progress.context["rows"]}
    assert (rows["甲镇总工会"]["enrolled"], rows["甲镇总工会"]["rate"]) == (6, 120)
    assert "乙镇总工会" not in rows  # nothing enrolled, no target: no line
    assert selectors.enrolment_progress(tree.town_b, Y)[0]["enrolled"] == 0
    answer = client.post(
        reverse("admin:mutualaid_aidenrollmentbatch_changelist"),
        {"action": "renew_selected", "_selected_action": [batch.pk]},
        follow=True,
    )
    said = [str(m) for m in answer.context["messages"]]
    assert any("续保6人" in m for m in said), said
    assert AidEnrollmentBatch.objects.filter(period_start=D(Y + 1, 1, 1)).exists()
    # Plans and editions: the county keeps its own; a clerk reads them.
    page = client.get(reverse("admin:mutualaid_aidplan_add"))
    assert page.status_code == 200
    client.force_login(tree.clerk_a1)
    assert client.get(reverse("admin:mutualaid_aidplan_changelist")).status_code == 200
    plan_page = client.get(reverse("admin:mutualaid_aidplan_change", args=[aid["hospital"].pk]))
    assert plan_page.status_code == 200 and 'name="name"' not in plan_page.content.decode()


# -- what the review found -------------------------------------------------------------------


def test_a_choose_one_group_counts_as_one_cover_for_the_participation_rule(tree, aid):
    people, h, a = aid["people"], aid["hospital"], aid["allowance"]
    choices = [(p.pk, h) for p in people[:4]] + [(p.pk, a) for p in people[4:]]
    assert not services.enrollment_refusals(
        org=tree.a1, period_start=START, staff_count=6, choices=choices
    )
    short = services.enrollment_refusals(
        org=tree.a1, period_start=START, staff_count=6, choices=choices[:5]
    )
    assert len(short) == 5 and "”或“" in short[0][1]
    draft = services.enrollment_batch_create(
        actor=tree.clerk_a1,
        org=tree.a1,
        period_start=START,
        unit_type=UnitType.PUBLIC,
        staff_count=6,
        choices=choices,
    )
    assert draft.premium == Decimal(6 * 60)
    services.enrollment_batch_delete(actor=tree.clerk_a1, batch=draft)
    assert not AidEnrollment.objects.exists()


def test_the_yearly_cap_is_per_cover_year_and_one_stay_is_claimed_once(tree, aid):
    e = enrol(tree, aid, start=D(2025, 6, 1), paid_on=D(2025, 6, 1)).enrollments.first()
    first = claim(tree, e, admitted=D(2025, 12, 1), cost=40000, insurance=10000)
    with pytest.raises(DomainError, match="已经申请"):
        claim(tree, e, admitted=D(2025, 12, 3))  # within the same stay
    services.claims_take_step(actor=tree.clerk_a1, claims=[first], step="submit")
    services.claims_take_step(actor=tree.county_staff, claims=[first], step="approve")
    # Another calendar year, the same cover year (June to May): 2000 left of the cap.
    second = claim(tree, e, admitted=D(2026, 2, 1), cost=40000, insurance=10000)
    assert second.payout == Decimal(2000) and "尚余2000元" in second.basis


def test_a_partial_roster_import_judges_the_share_on_the_rows_it_writes(tree, aid, tmp_path):
    people = aid["people"]
    rows = [[p.name, number_of(p), "职工住院医疗互助保障"] for p in people[:5]]
    rows.append([people[5].name, "530524198501010011", "职工住院医疗互助保障"])
    outcome = run_import(
        EnrollmentRosterSpec(),
        roster(rows, tmp_path / "partial.xlsx"),
        actor=tree.clerk_a1,
        org=tree.a1,
        file_name="参保名单.xlsx",
        options={"year": str(Y), "staff": "6", "unit_type": "其他企业"},
        mode=Mode.PARTIAL,
    )
    assert outcome.written and outcome.imported == 0 and not outcome.fatal
    assert any("全员参保" in p.message for p in outcome.problems)
    assert not AidEnrollmentBatch.objects.exists()


def test_a_closed_plan_still_takes_claims_and_documents_opened_are_logged(client, tree, aid):
    enrol(tree, aid)
    services.plan_update(actor=tree.county_staff, plan=aid["hospital"], changes={"is_open": False})
    assert aid["hospital"] not in selectors.plans_open_to(tree.clerk_a1)
    client.force_login(tree.clerk_a1)
    pdf = SimpleUploadedFile("出院小结.pdf", PDF, content_type="application/pdf")
    form = claim_form(tree, aid["people"][0], aid["hospital"], first_attachments=pdf)
    assert client.post(reverse("admin:mutualaid_aidclaim_add"), form).status_code == 302
    att = AidClaimAttachment.objects.get()
    got = client.get(reverse("admin:mutualaid_aidclaimattachment_download", args=[att.pk]))
    assert got.status_code == 200
    assert AccessLog.objects.filter(action="view_health_data", actor=tree.clerk_a1).count() == 1
    claim_ = AidClaim.objects.get()
    assert "出院小结" not in str(
        list(Event.objects.filter(target_id=str(claim_.pk)).values_list("details", "target_repr"))
    )
    assert "医院" not in str(claim_)


def test_the_ledgers_mutual_aid_counters_take_no_new_entries(tree):
    from gonghui.ledger import services as ledger
    from gonghui.ledger.models import LedgerCategory

    for code in ("mutual.enrolment", "mutual.payout"):
        with pytest.raises(DomainError, match="职工医疗互助"):
            ledger.entry_create(
                actor=tree.county_staff,
                org=tree.county,
                category=LedgerCategory.objects.get(code=code),
                title="参保",
                starts_on=D(Y, 3, 1),
                people=10,
            )
