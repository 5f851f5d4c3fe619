"""Mutual medical aid in the demo county, written through the services like a user's input.

The county runs two plans (住院医疗, one year; 重大疾病, three years), with a new edition of the
hospital plan from July. Last year about half the unions enrolled; this year most unionised
employers enrol (renewing last year's roster where there was one), a few have not yet paid;
the county gives each township its target. A few hundred claims are filed over the year and
stand in every state: drafts, submitted, returned, refused, approved and paid in batches.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

from django.db import connection
from django.db.models import F

from gonghui.core.errors import DomainError
from gonghui.demo.generator import DEMO_YEAR, REFERENCE_DATE, DemoCounty, Generator
from gonghui.members.models import Membership
from gonghui.mutualaid import services
from gonghui.mutualaid.models import AidClaim, AidEnrollment, PlanKind, UnitType
from gonghui.orgs.models import Org
from gonghui.reports.services import target_set

D = datetime.date
HOSPITALS = (
    "青山县人民医院",
    "青山县中医医院",
    "保山市人民医院",
    "保山市第二人民医院",
    "昆明医科大学第一附属医院",
)
BANKS = ("农业银行青山支行", "农村信用社青山联社", "建设银行青山支行", "工商银行青山支行")
DIAGNOSES = ("腰椎间盘突出", "急性阑尾炎", "冠心病", "肺炎", "骨折", "胆结石", "脑梗死", "乳腺肿瘤")


def _plans(demo: DemoCounty):
    hospital = services.plan_create(
        actor=None,
        org=demo.county,
        name="职工住院医疗互助保障",
        kind=PlanKind.HOSPITAL,
        cover_years=1,
        exclusive_group="住院",
    )
    critical = services.plan_create(
        actor=None,
        org=demo.county,
        name="职工重大疾病互助保障",
        kind=PlanKind.CRITICAL,
        cover_years=3,
    )
    money = Decimal
    services.edition_create(
        actor=None,
        plan=hospital,
        effective_from=D(DEMO_YEAR - 2, 1, 1),
        price_public=money(60),
        price_private=money(40),
        waiting_days=90,
        deductible=money(500),
        band1_upto=money(5000),
        ratio1=money("0.5"),
        band2_upto=money(20000),
        ratio2=money("0.6"),
        ratio3=money("0.7"),
        per_event_cap=money(8000),
        yearly_cap=money(15000),
    )
    # The second half of the year pays more for long stays: a new edition, never backwards.
    services.edition_create(
        actor=None,
        plan=hospital,
        effective_from=D(DEMO_YEAR, 7, 1),
        price_public=money(60),
        price_private=money(40),
        waiting_days=90,
        deductible=money(500),
        band1_upto=money(5000),
        ratio1=money("0.5"),
        band2_upto=money(20000),
        ratio2=money("0.6"),
        ratio3=money("0.75"),
        per_event_cap=money(10000),
        yearly_cap=money(20000),
    )
    services.edition_create(
        actor=None,
        plan=critical,
        effective_from=D(DEMO_YEAR - 2, 1, 1),
        price_public=money(45),
        price_private=money(45),
        waiting_days=180,
        deductible=money(0),
        ratio1=money("0.3"),
        per_event_cap=money(20000),
        yearly_cap=money(20000),
    )
    return hospital, critical


def _rosters(gen: Generator, demo: DemoCounty) -> dict:
    """Per grassroots union: its current members of age to enrol, and its staff."""
    rng = gen.rng
    eligible: dict[int, list[int]] = {}
    staff: dict[int, int] = {}
    start = D(DEMO_YEAR, 1, 1)
    rows = Membership.objects.filter(
        status__in=Membership.CURRENT,
        org__level=Org.Level.GRASSROOTS,
        person__latest_membership_id=F("pk"),
    ).values_list("org_id", "person_id", "person__birth_date")
    for org_id, person_id, birth in rows:
        staff[org_id] = staff.get(org_id, 0) + 1
        # Of age to enrol last year and this year (16 to 60 both times).
        age = start.year - birth.year - ((start.month, start.day) < (birth.month, birth.day))
        if 17 <= age <= 59:
            eligible.setdefault(org_id, []).append(person_id)
    for org_id in eligible:
        eligible[org_id].sort()
        rng.shuffle(eligible[org_id])
    return {"eligible": eligible, "staff": staff}


def _choices(rng, people: list[int], staff: int, plan, share: tuple[float, float]) -> list:
    need = staff if staff <= services.SMALL_UNIT else math.ceil(staff * services.SHARE_REQUIRED)
    n = min(len(people), max(need, round(staff * rng.uniform(*share))))
    if n < need:
        return []
    return [(p, plan) for p in people[:n]]


def build(gen: Generator, demo: DemoCounty) -> None:
    rng = gen.rng
    hospital, critical = _plans(demo)
    found = _rosters(gen, demo)
    unions = sorted((o for o in demo.grassroots if o.pk in found["eligible"]), key=lambda o: o.pk)
    last_year, this_year = D(DEMO_YEAR - 1, 1, 1), D(DEMO_YEAR, 1, 1)
    batches = 0
    for union in unions:
        people, staff = found["eligible"][union.pk], found["staff"][union.pk]
        unit_type = UnitType.PUBLIC if rng.random() < 0.3 else UnitType.PRIVATE
        roll = rng.random()
        if roll < 0.7:
            continue  # not enrolled yet: the townships' targets show the gap
        with_critical = rng.random() < 0.4
        choices = _choices(rng, people, staff, hospital, (0.7, 1.0))
        if not choices:
            continue
        if with_critical:
            choices += _choices(rng, people, staff, critical, (0.6, 0.8))
        if roll < 0.78:
            # Enrolled last year too: this year's roster is last year's renewed.
            old = services.enrollment_batch_create(
                actor=None,
                org=union,
                period_start=last_year,
                unit_type=unit_type,
                staff_count=staff,
                choices=choices,
            )
            services.enrollment_batch_pay(
                actor=None, batch=old, paid_on=D(DEMO_YEAR - 1, 1, rng.randint(5, 28))
            )
            batch = services.enrollment_batch_renew(actor=None, batch=old).batch
        else:
            batch = services.enrollment_batch_create(
                actor=None,
                org=union,
                period_start=this_year,
                unit_type=unit_type,
                staff_count=staff,
                choices=choices,
            )
        batches += 1
        if batches % 40 == 0:
            analyze_rosters()
        if rng.random() < 0.93:
            paid = D(DEMO_YEAR, rng.randint(1, 3), rng.randint(1, 28))
            services.enrollment_batch_pay(actor=None, batch=batch, paid_on=paid)
    analyze_rosters()
    _targets(rng, demo)
    claims = _claims(gen, demo)
    gen.progress(f"    互助保障参保批次 {batches} 个，理赔 {claims} 件")


def analyze_rosters() -> None:
    """The demo is one transaction: autovacuum never sees the rosters grow by thousands, and
    a planner that thinks them empty reads every enrolment for every lookup. ANALYZE samples
    the transaction's own rows (only these two tables: the whole schema takes seconds)."""
    with connection.cursor() as cur:
        cur.execute("ANALYZE mutualaid_aidenrollment, mutualaid_aidenrollmentbatch")


def _targets(rng, demo: DemoCounty) -> None:
    from gonghui.reports.registry import all_indicators

    figure = all_indicators()["mutualaid.enrolled"]
    end = D(DEMO_YEAR, 12, 31)
    start = D(DEMO_YEAR, 1, 1)
    for org in [demo.county, *demo.townships]:
        value = figure.value(org, start, end)
        if value:
            goal = max(1, round(value * rng.uniform(0.75, 1.1)))
            target_set(
                actor=None, org=org, indicator="mutualaid.enrolled", year=DEMO_YEAR, value=goal
            )


def _claims(gen: Generator, demo: DemoCounty) -> int:
    rng = gen.rng
    covered = list(
        AidEnrollment.objects.filter(
            cover_from__isnull=False, period_start__year__gte=DEMO_YEAR - 1
        )
        .select_related("plan", "person")
        .order_by("pk")
    )
    rng.shuffle(covered)
    made: list[AidClaim] = []
    last_day = REFERENCE_DATE - datetime.timedelta(days=10)
    for enrollment in covered[:140]:
        first = max(
            enrollment.cover_from,
            (enrollment.waiting_until or enrollment.cover_from) + datetime.timedelta(days=1),
            D(DEMO_YEAR, 1, 1),
        )
        end = min(enrollment.period_end, last_day)
        if first >= end:
            continue
        admitted = first + datetime.timedelta(days=rng.randint(0, (end - first).days))
        stay = rng.randint(2, 21)
        discharged = min(admitted + datetime.timedelta(days=stay), last_day)
        cost = Decimal(rng.randint(2000, 30000))
        insurance = (cost * Decimal(rng.uniform(0.45, 0.7))).quantize(Decimal("1"))
        try:
            claim = services.claim_create(
                actor=None,
                enrollment=enrollment,
                admitted_on=admitted,
                discharged_on=discharged,
                hospital=rng.choice(HOSPITALS),
                diagnosis=rng.choice(DIAGNOSES),
                total_cost=cost,
                insurance_paid=insurance,
                bank_name=rng.choice(BANKS),
                bank_account="6228" + "".join(str(rng.randint(0, 9)) for _ in range(15)),
            )
        except DomainError:
            continue  # the same stay twice, or nothing left to pay: a clerk would not file it
        made.append(claim)
        if len(made) >= 80:
            break
    made.sort(key=lambda c: c.pk)
    # Every state: most paid, some approved and waiting for the bank, some under review,
    # some returned, refused or not yet submitted.
    to_pay: list[AidClaim] = []
    for claim in made:
        roll = rng.random()
        if roll < 0.05:
            continue  # not submitted yet
        services.claim_transition(actor=None, claim=claim, step="submit")
        if roll < 0.15:
            continue  # to review
        if roll < 0.19:
            services.claim_transition(
                actor=None, claim=claim, step="return", reason="请补充出院小结和费用清单"
            )
            continue
        if roll < 0.24:
            services.claim_transition(
                actor=None, claim=claim, step="reject", reason="住院原因属于互助保障除外责任"
            )
            continue
        try:
            services.claim_transition(actor=None, claim=claim, step="approve")
        except DomainError:
            continue  # the yearly cap was used by an earlier stay: stays for review
        if roll < 0.32:
            continue  # approved, waiting for a payment batch
        to_pay.append(claim)
    # Paid in batches each quarter, each stay after its discharge; the last quarter's
    # approved claims wait for the next batch.
    for i, day in enumerate((D(DEMO_YEAR, 4, 20), D(DEMO_YEAR, 7, 20), D(DEMO_YEAR, 10, 20))):
        part = [c for c in to_pay if c.discharged_on < day]
        to_pay = [c for c in to_pay if c.discharged_on >= day]
        if not part:
            continue
        batch = services.claim_batch_create(actor=None, org=demo.county, claims=part)
        services.claim_batch_mark_paid(
            actor=None, batch=batch, paid_on=day, reference=f"HZ{DEMO_YEAR}{i + 1:03d}"
        )
    return len(made)
