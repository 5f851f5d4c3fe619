"""Honours in the demo county, written through the services like a user's input.

A register of about 150 model workers honoured since 2000 at every level (most of them members
of the county's unions, some recorded by name and ID number only); the honours of the demo year
in the seeds' proportions ("省市级劳模、五一劳动奖章、工人先锋号、五一劳动奖状、保山工匠", a
national 模范职工小家); and the year's round for the city's May Day medal, with quotas for the
townships and nominations in every state of the workflow.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from stdnum.cn.ric import calc_check_digit

from gonghui.demo.generator import DEMO_YEAR, REFERENCE_DATE, DemoCounty, Generator
from gonghui.honors import services
from gonghui.honors.models import (
    CareKind,
    CarePayment,
    Honor,
    HonorKind,
    HonorLevel,
    HonorNomination,
    ModelWorker,
)
from gonghui.members.models import Membership
from gonghui.orgs.models import Org, ServicePoint

K, L = HonorKind, HonorLevel
BODIES = {
    L.NATIONAL: "中共中央、国务院",
    L.PROVINCIAL: "云南省人民政府",
    L.CITY: "保山市人民政府",
    L.COUNTY: "青山县人民政府",
}
UNION_BODIES = {
    L.NATIONAL: "中华全国总工会",
    L.PROVINCIAL: "云南省总工会",
    L.CITY: "保山市总工会",
    L.COUNTY: "青山县总工会",
}
POSTS = ("班组长", "技术员", "一线操作工", "车间主任", "护士长", "教师", "驾驶员", "农技员")
DEEDS = (
    "扎根生产一线二十余年，带领班组攻克技术难题，累计提出合理化建议三十余条，为企业节约成本"
    "一百余万元，所在班组连续五年实现安全生产零事故。"
)


def _honor(cache: dict, county: Org, kind, level, year: int, title: str = "", **round_):
    body = UNION_BODIES[level] if kind not in (K.MODEL_WORKER, K.ADVANCED_WORKER) else BODIES[level]
    if kind == K.CRAFTSMAN:
        body = BODIES[level]
    key = (kind, level, year, title)
    if key not in cache:
        cache[key] = services.honor_create(
            actor=None,
            kind=kind,
            level=level,
            title=title,
            conferring_body=body,
            year=year,
            conferred_on=datetime.date(year, 4, 28) if not round_ else None,
            org=county,
            **round_,
        )
    return cache[key]


def _short(org: Org) -> str:
    """The employer's name from its union's: 青山县人民医院工会委员会 → 青山县人民医院."""
    return org.name.replace("工会委员会", "").replace("工会", "")


def _outsider_id(gen: Generator, region: str) -> str:
    born = datetime.date(
        gen.rng.randint(1950, 1985), gen.rng.randint(1, 12), gen.rng.randint(1, 28)
    )
    body = f"{region}{born:%Y%m%d}{gen.rng.randrange(1000):03d}"
    return body + calc_check_digit(body + "0")


def build(gen: Generator, demo: DemoCounty) -> None:
    rng = gen.rng
    county = demo.county
    cache: dict = {}
    members = list(
        Membership.objects.filter(status=Membership.Status.ACTIVE, org__level=Org.Level.GRASSROOTS)
        .order_by("id")
        .values_list("id", flat=True)
    )
    picked = rng.sample(members, k=260)
    chosen = Membership.objects.select_related("person", "org").in_bulk(picked)
    pool = [chosen[pk] for pk in picked]

    # The register: model workers and advanced workers of 2000–2025, most of them members.
    levels = [L.NATIONAL] * 3 + [L.PROVINCIAL] * 25 + [L.CITY] * 70 + [L.COUNTY] * 52
    rng.shuffle(levels)
    outsiders = 0
    for i, level in enumerate(levels):
        year = rng.choice(range(2000, DEMO_YEAR))
        kind = K.ADVANCED_WORKER if rng.random() < 0.2 else K.MODEL_WORKER
        honor = _honor(cache, county, kind, level, year)
        if i % 6 == 5:  # retired or moved away: recorded by name and ID number
            outsiders += 1
            services.award_record(
                actor=None,
                honor=honor,
                org=rng.choice(demo.townships),
                id_number=_outsider_id(gen, county.region_code or "530524"),
                name=gen.person_name(),
                workplace="退休",
            )
            continue
        m = pool.pop()
        services.award_record(
            actor=None,
            honor=honor,
            org=m.org,
            person=m.person,
            workplace=f"{_short(m.org)} {rng.choice(POSTS)}",
        )
    gen.progress(f"    劳模名册 {len(levels)} 人（其中非会员 {outsiders} 人）")

    # The demo year's honours, in the seeds' proportions.
    year = DEMO_YEAR
    plan = [
        (K.MODEL_WORKER, L.PROVINCIAL, 1),
        (K.MODEL_WORKER, L.CITY, 5),
        (K.MAY_DAY_MEDAL, L.PROVINCIAL, 1),
    ]  # the city's medals come from the round below
    for kind, level, n in plan:
        honor = _honor(cache, county, kind, level, year)
        for _i in range(n):
            m = pool.pop()
            services.award_record(
                actor=None, honor=honor, org=m.org, person=m.person, workplace=rng.choice(POSTS)
            )
    craftsman = _honor(cache, county, K.CRAFTSMAN, L.CITY, year, title="保山工匠")
    for _i in range(2):
        m = pool.pop()
        services.award_record(
            actor=None, honor=craftsman, org=m.org, person=m.person, workplace="制茶师"
        )
    units = [u for u in demo.grassroots if u.kind in (Org.Kind.ENTERPRISE, Org.Kind.HOSPITAL)]
    for kind, level, n in (
        (K.PIONEER, L.PROVINCIAL, 1),
        (K.PIONEER, L.CITY, 2),
        (K.MAY_DAY_AWARD, L.CITY, 1),
    ):
        honor = _honor(cache, county, kind, level, year)
        for unit in rng.sample(units, k=n):
            suffix = "" if kind == K.MAY_DAY_AWARD else rng.choice(("检修班", "生产车间", "外科"))
            name = _short(unit) + suffix
            services.award_record(actor=None, honor=honor, org=unit, name=name)
    hospital = next((u for u in units if u.kind == Org.Kind.HOSPITAL), units[0])
    small_home = _honor(cache, county, K.MODEL_SMALL_HOME, L.NATIONAL, year)
    services.award_record(
        actor=None,
        honor=small_home,
        org=hospital,
        name=_short(hospital) + "外科工会小组",
    )
    studio = ServicePoint.objects.filter(
        kind=ServicePoint.Kind.INNOVATION_STUDIO, org__path__startswith=county.path
    ).first()
    if studio is not None:
        honor = _honor(cache, county, K.INNOVATION_STUDIO, L.CITY, year)
        services.award_record(
            actor=None, honor=honor, org=studio.org, service_point=studio, name=studio.name
        )

    # The year's round: the city's May Day medal, eight places for the county, two a township.
    medal = services.honor_create(
        actor=None,
        kind=K.MAY_DAY_MEDAL,
        level=L.CITY,
        title="",
        conferring_body="保山市总工会",
        year=year + 0,
        org=county,
        nominations_open=True,
        places=8,
        notice_days=5,
        objection_contact="青山县总工会经济技术部 0875-1234567",
        min_front_line_pct=40,
        min_non_public_pct=30,
        max_cadre_pct=20,
        note="推荐2026年保山市五一劳动奖章人选",
    )

    # The four townships with the most members left in the pool take part in the round.
    def left_in(township):
        return sum(m.org.path.startswith(township.path) for m in pool)

    townships = sorted(demo.townships, key=left_in, reverse=True)[:4]
    for township in townships:
        services.quota_set(actor=None, honor=medal, org=township, places=2)
    states = [
        "conferred",
        "conferred",
        "not_conferred",
        "forwarded",
        "noticed",
        "noticed",
        "recommended",
        "reviewed",
        "reviewed",
        "submitted",
        "submitted",
        "submitted",
        "draft",
        "draft",
        "rejected",
        "withdrawn",
    ]
    path = {
        "draft": [],
        "submitted": ["submit"],
        "reviewed": ["submit", "review"],
        "recommended": ["submit", "review", "recommend"],
        "noticed": ["submit", "review", "recommend", "notice"],
        "forwarded": ["submit", "review", "recommend", "notice", "forward"],
        "conferred": ["submit", "review", "recommend", "notice", "forward", "confer"],
        "not_conferred": ["submit", "review", "recommend", "notice", "forward", "not_confer"],
        "rejected": ["submit", "reject"],
        "withdrawn": ["withdraw"],
    }
    for i, state in enumerate(states):
        township = townships[i % len(townships)]
        m = next(m for m in pool if m.org.path.startswith(township.path))
        pool.remove(m)
        nomination = services.nomination_create(
            actor=None,
            honor=medal,
            org=m.org,
            person=m.person,
            deeds=DEEDS,
            workplace=rng.choice(POSTS),
            is_front_line=rng.random() < 0.6,
            is_non_public=rng.random() < 0.4,
            is_cadre=rng.random() < 0.15,
        )
        # Noticed ones still on notice at the reference date; older ones long over.
        day = REFERENCE_DATE - datetime.timedelta(days=2 if state == "noticed" else 30)
        for step in path[state]:
            reason = {
                "reject": "事迹材料不全",
                "withdraw": "本人调离",
                "not_confer": "市总工会未评选",
            }
            services.nomination_transition(
                actor=None,
                nomination=nomination,
                step=step,
                reason=reason.get(step, ""),
                today=day if step != "forward" else day + datetime.timedelta(days=6),
            )
    _care(gen, demo)
    placed = HonorNomination.objects.filter(honor=medal, status__in=HonorNomination.PLACED).count()
    honors = Honor.objects.filter(org=county).count()
    gen.progress(f"    {honors} 项荣誉；本年推荐 {len(states)} 人，占用名额 {placed} 个")


BANKS = ("农业银行青山支行", "建设银行青山支行", "农村信用社青山联社", "邮储银行青山支行")


def _care(gen: Generator, demo: DemoCounty) -> None:
    """The register kept up (deaths, retirements, hardship, bank accounts) and a year of care:
    the honour allowance of national model workers month by month, the Spring
    Festival and May Day visits, and hardship top-ups, paid in batches; October's allowance
    approved and waiting for its batch, the top-ups still to approve."""
    rng = gen.rng
    county = demo.county
    workers = list(ModelWorker.objects.select_related("org").order_by("pk"))
    for worker in workers:
        roll = rng.random()
        if roll < 0.04:
            services.model_worker_update(
                actor=None,
                worker=worker,
                changes={
                    "living": "deceased",
                    "died_on": datetime.date(rng.randint(2015, 2025), 3, 1),
                },
            )
            continue
        if roll < 0.35:
            services.model_worker_update(
                actor=None, worker=worker, changes={"employment": "retired"}
            )
        hardship = roll > 0.93
        if hardship:
            services.model_worker_update(actor=None, worker=worker, changes={"in_hardship": True})
        if rng.random() < 0.95:
            services.model_worker_set_payment_details(
                actor=None,
                worker=worker,
                bank_name=rng.choice(BANKS),
                bank_account="6228" + "".join(str(rng.randrange(10)) for _i in range(15)),
                monthly_income=Decimal(rng.choice((2800, 3500, 4200, 5600))) if hardship else None,
            )
    start = datetime.date(DEMO_YEAR, 1, 1)
    for level, allowance, visit in (
        (L.NATIONAL, 150, 3000),  # the honour allowance: national model workers (§8)
        (L.PROVINCIAL, None, 1000),
        (L.CITY, None, 600),
        (L.COUNTY, None, None),  # the schedule visits model workers of city level and above
    ):
        if allowance:
            services.care_standard_create(
                actor=None,
                org=county,
                level=level,
                kind=CareKind.ALLOWANCE,
                amount=Decimal(allowance),
                effective_from=start,
            )
        if visit:
            services.care_standard_create(
                actor=None,
                org=county,
                level=level,
                kind=CareKind.FESTIVAL,
                amount=Decimal(visit),
                effective_from=start,
            )
        services.care_standard_create(
            actor=None,
            org=county,
            level=level,
            kind=CareKind.HARDSHIP,
            multiple=Decimal("1.2"),
            average_wage=Decimal("6500"),
            effective_from=start,
            note="青山县2025年城镇非私营单位在岗职工月平均工资",
        )

    def pay(plan, day: datetime.date) -> None:
        if not plan.created:
            return
        services.care_take_step(actor=None, payments=plan.created, step="approve")
        batch = services.care_batch_create(actor=None, org=county, payments_=plan.created)
        services.care_batch_mark_paid(
            actor=None, batch=batch, paid_on=day, reference=f"LM{day:%Y%m%d}"
        )

    for month in range(1, 10):
        plan = services.care_plan(
            actor=None, org=county, kind=CareKind.ALLOWANCE, year=DEMO_YEAR, month=month
        )
        pay(plan, datetime.date(DEMO_YEAR, month, 25))
    october = services.care_plan(
        actor=None, org=county, kind=CareKind.ALLOWANCE, year=DEMO_YEAR, month=10
    )
    services.care_take_step(actor=None, payments=october.created, step="approve")
    for occasion, day in (
        ("春节", datetime.date(DEMO_YEAR, 2, 10)),
        ("五一", datetime.date(DEMO_YEAR, 4, 28)),
    ):
        plan = services.care_plan(
            actor=None,
            org=county,
            kind=CareKind.FESTIVAL,
            year=DEMO_YEAR,
            occasion=occasion,
            today=day,
        )
        pay(plan, day)
    hardship = services.care_plan(
        actor=None,
        org=county,
        kind=CareKind.HARDSHIP,
        year=DEMO_YEAR,
        today=datetime.date(DEMO_YEAR, 6, 1),
    )
    paid_now = hardship.created[: len(hardship.created) // 2]
    pay(type(hardship)(paid_now, []), datetime.date(DEMO_YEAR, 6, 20))
    paid = CarePayment.objects.filter(status="paid").aggregate(n=Count("id"), total=Sum("amount"))
    left_out = len(hardship.skipped) + len(october.skipped)
    gen.progress(f"    劳模关爱发放 {paid['n']} 笔，{paid['total']} 元；{left_out} 人次未列入")
