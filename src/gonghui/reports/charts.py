"""Month-by-month bar charts drawn as inline SVG on the server: no chart library and nothing
loaded from elsewhere, and the chart prints and screenshots like the rest of the page."""

from __future__ import annotations

from dataclasses import dataclass

from gonghui.core.figures import figure

BAR_STEP = 56  # horizontal room per month, in SVG units
TOP, BASELINE, HEIGHT = 22, 150, 176


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    middle: float
    value_y: float
    first: object  # the month's first and last day within the period, for the records link
    last: object
    label: str
    text: str
    value: object


@dataclass
class Chart:
    width: int
    height: int
    baseline: int
    label_y: int
    bars: list[Bar]


def bar_chart(points, unit: str, end=None) -> Chart:
    """``points``: [(first day of the month, value)] → bars scaled to the largest value; each
    bar knows its month's last day (cut to ``end``) so it can open that month's records."""
    import datetime

    largest = max((v for _m, v in points), default=0) or 1
    bars = []
    for i, (month, value) in enumerate(points):
        height = (BASELINE - TOP) * float(value) / float(largest)
        x = i * BAR_STEP + 10
        label = f"{month.month}月" if i and month.month != 1 else f"{month:%Y}年{month.month}月"
        bars.append(
            Bar(
                x=x,
                y=round(BASELINE - height, 1),
                width=BAR_STEP - 20,
                height=round(height, 1),
                middle=x + (BAR_STEP - 20) / 2,
                value_y=round(BASELINE - height - 5, 1),
                first=month,
                last=min(
                    (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
                    - datetime.timedelta(days=1),
                    end or datetime.date.max,
                ),
                label=label,
                text=figure(value, unit),
                value=value,
            )
        )
    return Chart(
        width=max(len(points) * BAR_STEP + 20, 200),
        height=HEIGHT,
        baseline=BASELINE,
        label_y=HEIGHT - 6,
        bars=bars,
    )
