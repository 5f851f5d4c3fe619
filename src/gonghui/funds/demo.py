"""A year of union funds in the demo county, written through the services like a user's input.

The province's split (grassroots 60%, from July the townships taking 5% of the county's share:
a new policy from its date, never backwards); every registered employer with a payroll assessed
month by month from January to October; the tax bureau's collections (the organs' and public
institutions' funds by fiscal transfer, some unions paying directly), most on time in the month
after, some late, some in part, a few employers never paying (the arrears); October's funds are
not yet due on the demo's reference date, so they are unpaid but not in arrears.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from gonghui.core.dates import month_added
from gonghui.demo.generator import DEMO_YEAR, REFERENCE_DATE, DemoCounty, Generator
from gonghui.funds import services
from gonghui.funds.models import Channel, FundContribution
from gonghui.orgs.models import Employer, ServicePoint

D = datetime.date
PROVINCE = "530000"


def build(gen: Generator, demo: DemoCounty) -> None:
    county = demo.county
    services.split_policy_create(
        actor=None,
        region_code=PROVINCE,
        effective_from=D(2020, 1, 1),
        effective_to=D(DEMO_YEAR, 6, 30),
        grassroots=Decimal(60),
        county=Decimal(18),
        city=Decimal(10),
        province=Decimal(7),
        national=Decimal(5),
        note="云南省总工会经费分成办法（演示）",
    )
    services.split_policy_create(
        actor=None,
        region_code=PROVINCE,
        effective_from=D(DEMO_YEAR, 7, 1),
        grassroots=Decimal(60),
        township=Decimal(5),
        county=Decimal(13),
        city=Decimal(10),
        province=Decimal(7),
        national=Decimal(5),
        note="乡镇（街道）工会经费分成调整（演示）",
    )
    employers = list(
        Employer.objects.filter(org__path__startswith=county.path, monthly_payroll__gt=0)
        .select_related("org", "union")
        .order_by("pk")
    )
    # Each employer's habit: most pay on time, some late or in part, a few not at all.
    habit, channel_of = {}, {}
    for e in employers:
        channel_of[e.pk] = (
            Channel.FISCAL
            if e.unit_type in ("400", "500")
            else Channel.DIRECT
            if e.union_id and gen.rng.random() < 0.08
            else Channel.TAX
        )
        roll = gen.rng.random()
        habit[e.pk] = (
            "never" if roll < 0.05 else "late" if roll < 0.13 else "part" if roll < 0.17 else "due"
        )
    for m in range(1, 11):
        period = D(DEMO_YEAR, m, 1)
        services.contributions_assess(actor=None, org=county, period=period)
        rows = {
            c.employer_id: c
            for c in FundContribution.objects.filter(
                org__path__startswith=county.path, period=period
            )
        }
        collections = []
        for e in employers:
            c = rows.get(e.pk)
            kind = habit[e.pk]
            if c is None or kind == "never":
                continue
            # Paid in the month after (by the 15th, a few days later now and then), late ones
            # up to three months after.
            lag = gen.rng.randint(2, 4) if kind == "late" else 1
            day = month_added(period, lag) + datetime.timedelta(days=gen.rng.randint(2, 17))
            if day > REFERENCE_DATE:
                continue
            amount = c.due
            if kind == "part" or (kind == "late" and gen.rng.random() < 0.2):
                amount = (c.due * Decimal(gen.rng.choice((40, 50, 60, 75))) / 100).quantize(
                    Decimal("0.01")
                )
            if amount <= 0:
                continue
            collections.append(services.Collection(c, amount, day, channel_of[e.pk]))
        services.contributions_collect(actor=None, collections=collections)
    _refunds(gen, demo)
    _allocations(gen, demo)
    _dues(gen, demo)


BANKS = ("农业银行青山支行", "农村信用社青山联社", "建设银行青山支行", "工商银行青山支行")


def _refunds(gen: Generator, demo: DemoCounty) -> None:
    """The first half-year's refund: drafted, most approved with the employer's account and
    paid in one batch in August; one rejected (the employer asked for none); a few left to
    review."""
    services.refund_policy_create(
        actor=None,
        region_code=PROVINCE,
        effective_from=D(2020, 4, 1),
        effective_to=D(2027, 12, 31),
        max_headcount=100,
        requires_union=True,
        requires_full_payment=True,
        percent=Decimal(100),
        note="小微企业工会经费全额返还（演示）",
    )
    draft = services.refunds_draft(
        actor=None, org=demo.county, period_from=D(DEMO_YEAR, 1, 1), period_to=D(DEMO_YEAR, 6, 1)
    )
    refunds = draft.created
    rng = gen.rng
    for refund in refunds:
        services.refund_update(
            actor=None,
            refund=refund,
            changes={
                "bank_name": rng.choice(BANKS),
                "bank_account": "6228" + "".join(str(rng.randrange(10)) for _i in range(15)),
            },
        )
    waiting = refunds[-3:] if len(refunds) > 6 else []
    rejected = refunds[:1] if len(refunds) > 6 else []
    to_pay = [r for r in refunds if r not in waiting and r not in rejected]
    if rejected:
        services.refund_take_step(
            actor=None, refunds=rejected, step="reject", reason="企业书面申请放弃返还"
        )
    services.refund_take_step(actor=None, refunds=to_pay, step="approve")
    if to_pay:
        batch = services.refund_batch_create(actor=None, org=demo.county, refunds=to_pay)
        services.refund_batch_mark_paid(
            actor=None, batch=batch, paid_on=D(DEMO_YEAR, 8, 20), reference="QSGH2026080001"
        )


# The county's allocations of the year: to whom (township index or a grassroots union), what
# for, how much, when paid (None: not yet), and a cancelled one.
ALLOCATIONS = (
    (0, "assistance", 30000, D(DEMO_YEAR, 1, 20), "春节送温暖帮扶资金"),
    (1, "assistance", 25000, D(DEMO_YEAR, 1, 20), "春节送温暖帮扶资金"),
    (2, "assistance", 28000, D(DEMO_YEAR, 1, 21), "春节送温暖帮扶资金"),
    (3, "service_point", 50000, D(DEMO_YEAR, 3, 15), "职工之家建设补助"),
    (4, "service_point", 40000, D(DEMO_YEAR, 4, 10), "户外劳动者服务站点建设"),
    (5, "activities", 20000, D(DEMO_YEAR, 4, 25), "五一劳动节职工文体活动"),
    (0, "organising", 30000, D(DEMO_YEAR, 5, 18), "乡镇工会规范化建设专项经费"),
    (6, "mutual_aid", 36000, D(DEMO_YEAR, 6, 12), "职工医疗互助参保补助"),
    (7, "assistance", 15000, D(DEMO_YEAR, 7, 8), "夏送清凉慰问资金"),
    (8, "activities", 18000, D(DEMO_YEAR, 9, 5), "金秋文化活动"),
    (9, "service_point", 60000, None, "职工书屋建设补助"),
    (10, "organising", 20000, "draft", "新就业形态劳动者入会专项经费"),
    (11, "activities", 12000, "cancel", "职工运动会"),
)


# The kind of point an allocation for building service points builds, by its note.
POINT_BUILT = {
    "职工之家建设补助": ServicePoint.Kind.WORKERS_HOME,
    "户外劳动者服务站点建设": ServicePoint.Kind.OUTDOOR_STATION,
    "职工书屋建设补助": ServicePoint.Kind.READING_ROOM,
}


def _point_built(recipient, note: str):
    # The recipient's first point of that kind (no draw: the demo's later parts are unchanged).
    kind = POINT_BUILT.get(note)
    if kind is None:
        return None
    return (
        ServicePoint.objects.filter(org__path__startswith=recipient.path, kind=kind)
        .order_by("pk")
        .first()
    )


def _allocations(gen: Generator, demo: DemoCounty) -> None:
    townships = demo.townships
    for i, purpose, amount, when, note in ALLOCATIONS:
        recipient = townships[i % len(townships)]
        allocation = services.allocation_create(
            actor=None,
            org=demo.county,
            recipient=recipient,
            purpose=purpose,
            amount=Decimal(amount),
            note=note,
            service_point=_point_built(recipient, note),
        )
        if when == "draft":
            continue
        if when == "cancel":
            services.allocation_transition(
                actor=None, allocation=allocation, step="cancel", reason="活动取消，改为线上开展"
            )
            continue
        services.allocation_transition(actor=None, allocation=allocation, step="approve")
        if when is not None:
            services.allocation_transition(
                actor=None,
                allocation=allocation,
                step="pay",
                paid_on=when,
                reference=f"QSGH{when:%Y%m%d}{i:02d}",
            )


def _dues(gen: Generator, demo: DemoCounty) -> None:
    """The larger grassroots unions report their members' dues month by month (to September)."""
    from django.db.models import Count

    from gonghui.members.models import Membership

    sizes = dict(
        Membership.objects.filter(
            org__path__startswith=demo.county.path, status=Membership.Status.ACTIVE
        )
        .values_list("org_id")
        .annotate(n=Count("id"))
    )
    # The larger unions only: each report is a service call with its entry (the demo's time).
    large = [u for u in demo.grassroots if sizes.get(u.pk, 0) >= 300]
    for union in large:
        members = sizes[union.pk]
        wage = Decimal(gen.rng.randint(3200, 7200))
        for m in range(1, 10):
            paying = max(1, members - gen.rng.randint(0, members // 20))
            services.dues_report_create(
                actor=None,
                org=union,
                period=D(DEMO_YEAR, m, 1),
                members=paying,
                amount=services.dues_of(wage) * paying,
                collected_on=month_added(D(DEMO_YEAR, m, 1), 1) + datetime.timedelta(days=9),
            )
