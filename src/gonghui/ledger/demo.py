"""A year of the demo county's ledger: the long tail of the seeds' figures."""

from __future__ import annotations

import datetime
from decimal import Decimal

from gonghui.core.workareas import superseded_ledger_categories
from gonghui.demo.generator import DEMO_YEAR, DemoCounty, Generator
from gonghui.ledger import services
from gonghui.ledger.models import LedgerCategory

PLAN = [
    # (category, title, counts, funds in yuan, how many entries, who: county or townships)
    (
        "honours.lecture",
        "劳模工匠精神进校园巡回宣讲",
        {"sessions": 2, "person_times": 400},
        0,
        8,
        "county",
    ),
    ("honours.recuperation", "劳模疗休养", {"people": 30}, 45000, 1, "county"),
    (
        "skills.competition",
        "职工劳动和技能竞赛",
        {"sessions": 1, "people": 60},
        8000,
        6,
        "townships",
    ),
    ("skills.training", "职工技能提升培训班", {"sessions": 1, "people": 45}, 6000, 10, "townships"),
    (
        "rights.contract",
        "集体合同集中要约签订",
        {"households": 12, "people": 900},
        0,
        6,
        "townships",
    ),
    (
        "rights.law_education",
        "“尊法守法·携手筑梦”普法宣传",
        {"sessions": 1, "person_times": 150},
        0,
        10,
        "townships",
    ),
    ("rights.mediation", "劳动争议诉调对接调解", {"items": 3}, 0, 8, "county"),
    ("services.childcare", "职工子女爱心托管班", {"sessions": 1, "people": 80}, 20000, 3, "county"),
    ("services.counselling", "职工心理咨询服务", {"person_times": 40}, 0, 5, "county"),
    ("culture.sports", "职工文体活动", {"sessions": 1, "person_times": 300}, 5000, 12, "townships"),
    # Volunteers are counted roughly: the clerk records "at least", so reports write 余.
    ("culture.volunteer", "工会志愿服务", {"person_times": 50}, 0, 12, "townships"),
    ("culture.reading", "职工读书分享会", {"sessions": 1, "person_times": 60}, 0, 6, "townships"),
    ("mutual.enrolment", "职工医疗互助保障集中参保", {"people": 1100}, 0, 3, "county"),
    ("aid.village", "挂包帮结对帮扶", {"households": 30}, 50000, 2, "county"),
]


def build_ledger(gen: Generator, demo: DemoCounty) -> None:
    rng = gen.rng
    made = 0
    superseded = superseded_ledger_categories()
    for code, title, counts, funds, n, who in PLAN:
        category = LedgerCategory.objects.get(code=code)
        for i in range(n):
            org = demo.county if who == "county" else demo.townships[i % len(demo.townships)]
            day = datetime.date(DEMO_YEAR, rng.randint(1, 10), rng.randint(1, 28))
            scale = rng.uniform(0.6, 1.5)
            if code in superseded:
                continue  # an installed area records these itself (drawn all the same)
            services.entry_create(
                actor=None,
                org=org,
                category=category,
                title=title,
                starts_on=day,
                **{k: max(1, int(v * scale)) for k, v in counts.items()},
                cash_amount=Decimal(int(funds * scale)) if funds else Decimal(0),
                is_estimate=code == "culture.volunteer",
            )
            made += 1
    gen.progress(f"    工作台账 {made} 条")
