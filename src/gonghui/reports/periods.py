"""The periods a report covers, and how the seeds name them: a calendar year (2026年, 全年,
比上年同期), a multi-year review (2021—2025年, 这五年来, 比前五年), a half year or a quarter
(2026年上半年, 2026年第三季度), a span "since" (2020年以来), or any months."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from gonghui.core.dates import add_years

NUMERALS = "零一二三四五六七八九十"


def _numeral(n: int) -> str:
    if n == 2:
        return "两"
    if n <= 10:
        return NUMERALS[n]
    return str(n)


def _month_end(day: datetime.date) -> bool:
    return (day + datetime.timedelta(days=1)).day == 1


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def years(self) -> int:
        """How many whole calendar years the period is (0 when it is not whole years)."""
        if (self.start.month, self.start.day, self.end.month, self.end.day) != (1, 1, 12, 31):
            return 0
        return self.end.year - self.start.year + 1

    @property
    def quarter(self) -> int:
        """1–4 for a calendar quarter, 0 otherwise."""
        same = self.start.year == self.end.year and self.start.day == 1 and _month_end(self.end)
        if same and self.start.month in (1, 4, 7, 10) and self.end.month == self.start.month + 2:
            return (self.start.month + 2) // 3
        return 0

    @property
    def half(self) -> str:
        if self.start.year != self.end.year or self.start.day != 1 or not _month_end(self.end):
            return ""
        if (self.start.month, self.end.month) == (1, 6):
            return "上半年"
        if (self.start.month, self.end.month) == (7, 12):
            return "下半年"
        return ""

    @property
    def since(self) -> bool:
        """From the start of a year to a day of a later year that is not its end: 2020年以来."""
        return (
            (self.start.month, self.start.day) == (1, 1)
            and self.end.year > self.start.year
            and not self.years
        )

    def label(self) -> str:
        """For the title: 2026年, 2021—2025年, 2026年上半年, 2026年第三季度, 2020年以来."""
        if self.years == 1:
            return f"{self.start.year}年"
        if self.years > 1:
            return f"{self.start.year}—{self.end.year}年"
        if self.half:
            return f"{self.start.year}年{self.half}"
        if self.quarter:
            return f"{self.start.year}年第{NUMERALS[self.quarter]}季度"
        if self.since:
            return f"{self.start.year}年以来"
        if self.start.year == self.end.year:
            return f"{self.start.year}年{self.start.month}月至{self.end.month}月"
        return f"{self.start:%Y年%-m月}至{self.end:%Y年%-m月}"

    def opening(self) -> str:
        """The report's first words: 2026年 / 这五年来 / 2020年以来 / 2026年上半年 / 今年以来
        (from New Year to a day of the same year that ends no half or quarter)."""
        if self.years > 1:
            return f"这{_numeral(self.years)}年来"
        if (
            (self.start.month, self.start.day) == (1, 1)
            and self.start.year == self.end.year
            and not (self.years or self.half or self.quarter)
        ):
            return "今年以来"
        return self.label()

    def span_words(self) -> str:
        """What a section says before its figures: 全年 / 这五年来 / 上半年 / 三季度 / 期内."""
        if self.years == 1:
            return "全年"
        if self.years > 1:
            return f"这{_numeral(self.years)}年来"
        if self.half:
            return self.half
        if self.quarter:
            return f"{NUMERALS[self.quarter]}季度"
        if self.since:
            return f"{self.start.year}年以来"
        return "期内"

    def previous(self) -> tuple[datetime.date, datetime.date] | None:
        """The span compared with: as many years back as the period is long (the previous five
        years for a five-year review), otherwise a year back (the same months last year); none
        for a span since a year (2020年以来), which no earlier span of equal length matches
        without overlapping it."""
        if self.since:
            return None
        back = self.years if self.years > 1 else 1
        return add_years(self.start, -back), add_years(self.end, -back)

    def compared(self, stock: bool = False) -> str:
        """How a change is introduced: 比上年同期, or for a review of N years 比前五年 (what
        happened in it) and 比五年前 (what stands at its end)."""
        if self.years > 1:
            return f"比{_numeral(self.years)}年前" if stock else f"比前{_numeral(self.years)}年"
        return "比上年同期"
