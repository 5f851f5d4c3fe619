"""The periods a report covers, named as the seeds name them (reports.periods)."""

from __future__ import annotations

import datetime

import pytest

from gonghui.reports.periods import Period

D = datetime.date


@pytest.mark.parametrize(
    ("start", "end", "label", "opening", "span", "previous", "compared"),
    [
        (
            D(2026, 1, 1),
            D(2026, 12, 31),
            "2026年",
            "2026年",
            "全年",
            (D(2025, 1, 1), D(2025, 12, 31)),
            "比上年同期",
        ),
        (
            D(2021, 1, 1),
            D(2025, 12, 31),
            "2021—2025年",
            "这五年来",
            "这五年来",
            (D(2016, 1, 1), D(2020, 12, 31)),
            "比前五年",
        ),
        (
            D(2025, 1, 1),
            D(2026, 12, 31),
            "2025—2026年",
            "这两年来",
            "这两年来",
            (D(2023, 1, 1), D(2024, 12, 31)),
            "比前两年",
        ),
        (
            D(2026, 1, 1),
            D(2026, 6, 30),
            "2026年上半年",
            "2026年上半年",
            "上半年",
            (D(2025, 1, 1), D(2025, 6, 30)),
            "比上年同期",
        ),
        (
            D(2026, 7, 1),
            D(2026, 9, 30),
            "2026年第三季度",
            "2026年第三季度",
            "三季度",
            (D(2025, 7, 1), D(2025, 9, 30)),
            "比上年同期",
        ),
        (
            D(2020, 1, 1),
            D(2021, 4, 30),
            "2020年以来",
            "2020年以来",
            "2020年以来",
            None,  # no earlier span of equal length that does not overlap it
            "比上年同期",
        ),
        (
            D(2026, 1, 1),
            D(2026, 11, 30),
            "2026年1月至11月",
            "今年以来",
            "期内",
            (D(2025, 1, 1), D(2025, 11, 30)),
            "比上年同期",
        ),
        (
            D(2026, 3, 1),
            D(2026, 5, 31),
            "2026年3月至5月",
            "2026年3月至5月",
            "期内",
            (D(2025, 3, 1), D(2025, 5, 31)),
            "比上年同期",
        ),
    ],
)
def test_a_period_is_named_and_compared_as_the_seeds_do(
    start, end, label, opening, span, previous, compared
):
    period = Period(start, end)
    assert (period.label(), period.opening(), period.span_words()) == (label, opening, span)
    assert (period.previous(), period.compared()) == (previous, compared)


def test_a_five_year_review_says_these_five_years_and_compares_with_the_five_before(tree):
    from gonghui.members.services import member_register
    from gonghui.reports.summary import work_report
    from tests.rosters import id_number

    for n, joined in enumerate((D(2018, 5, 1), D(2022, 5, 1), D(2023, 5, 1), D(2024, 5, 1))):
        member_register(
            actor=None,
            org=tree.a1,
            id_number=id_number(D(1990, 1, 1), 10 + n),
            name=f"员{n}",
            joined_on=joined,
        )
    report = work_report(tree.county_staff, tree.county, D(2021, 1, 1), D(2025, 12, 31))
    text = report.markdown()
    assert report.title == "青山县总工会2021—2025年工作总结"
    assert text.split("\n")[2].startswith("这五年来，青山县总工会")
    # Members stand at the end (4 against 1 five years before); new members flow (3 against 1).
    assert "会员总数达4人，比五年前增加3人" in text
    assert "这五年来新发展会员3人" in text
    assert "全年" not in text
