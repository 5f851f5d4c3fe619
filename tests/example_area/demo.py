import datetime

from gonghui.demo.generator import DEMO_YEAR, DemoCounty, Generator
from tests.example_area import services


def build(gen: Generator, demo: DemoCounty) -> None:
    made = 0
    for township in [demo.county, *demo.townships]:
        for title in ("职工气排球赛", "职工健步走"):
            services.event_create(
                actor=None,
                org=township,
                title=title,
                held_on=datetime.date(DEMO_YEAR, gen.rng.randint(3, 10), gen.rng.randint(1, 28)),
                participants=gen.rng.randint(40, 300),
            )
            made += 1
    gen.progress(f"    文体活动 {made} 场")
