"""The demo year's targets: the city sets the county's, the county its townships'."""

from __future__ import annotations

import datetime
from decimal import Decimal

from gonghui.demo.generator import DEMO_YEAR, DemoCounty, Generator
from gonghui.reports.services import target_set, work_report_draft

KEYS = ("members.current", "members.joined", "orgs.employers_with_union")


def build_targets(gen: Generator, demo: DemoCounty) -> None:
    rng = gen.rng
    start = datetime.date(DEMO_YEAR, 1, 1)
    end = datetime.date(DEMO_YEAR, 12, 31)
    from gonghui.reports.registry import all_indicators

    registry = all_indicators()
    made = 0
    for org in [demo.county, *demo.townships]:
        for key in KEYS:
            value = registry[key].value(org, start, end)
            if not value:
                continue
            # Most meet their target, a few fall short.
            goal = Decimal(max(1, round(value * rng.uniform(0.85, 1.12))))
            target_set(actor=None, org=org, indicator=key, year=DEMO_YEAR, value=goal)
            made += 1
    gen.progress(f"    年度任务 {made} 项")
    # The first half-year's reports, drafted from the figures: the county's and a township's.
    for org in (demo.county, demo.townships[1]):
        work_report_draft(
            actor=None,
            org=org,
            start=datetime.date(DEMO_YEAR, 1, 1),
            end=datetime.date(DEMO_YEAR, 6, 30),
        )
