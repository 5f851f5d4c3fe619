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
    # The next year's plan: targets the city set for the county, and the county's own lines.
    from gonghui.reports.services import plan_item_create

    for key, value in (("members.current", 36000), ("members.joined", 2000)):
        target_set(actor=None, org=demo.county, indicator=key, year=DEMO_YEAR + 1, value=value)
    for order, text in enumerate(
        (
            "持续推进“八大群体”入会和新就业形态劳动者工会组建",
            "深化产业工人队伍建设改革，办好职工技能竞赛",
            "做实困难职工帮扶和“四送”活动，办好职工服务实事",
        )
    ):
        plan_item_create(actor=None, org=demo.county, year=DEMO_YEAR + 1, text=text, order=order)
    # The first half-year's reports, drafted from the figures: the county's and a township's.
    for org in (demo.county, demo.townships[1]):
        work_report_draft(
            actor=None,
            org=org,
            start=datetime.date(DEMO_YEAR, 1, 1),
            end=datetime.date(DEMO_YEAR, 6, 30),
        )


def build_figures(gen: Generator, demo: DemoCounty) -> None:
    """The precomputed figures of everything the demo wrote; the worker keeps them current."""
    from gonghui.reports import figurestore

    figurestore.rebuild()
