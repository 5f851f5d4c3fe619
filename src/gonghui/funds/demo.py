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

from gonghui.demo.generator import DEMO_YEAR, REFERENCE_DATE, DemoCounty, Generator
from gonghui.funds import services
from gonghui.funds.models import Channel, FundContribution
from gonghui.orgs.models import Employer

D = datetime.date
PROVINCE = "530000"


def _month_after(day: datetime.date, months: int = 1) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return D(year, month + 1, 1)


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
            day = _month_after(period, lag) + datetime.timedelta(days=gen.rng.randint(2, 17))
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
