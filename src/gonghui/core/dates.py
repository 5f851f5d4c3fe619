"""Calendar arithmetic the areas share: a day some years on or back, and the last day of a term."""

from __future__ import annotations

import datetime


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later (earlier when negative); 29 February becomes 28 February in
    a year without it, as a term begun on a leap day ends."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def term_end(start: datetime.date, years: int) -> datetime.date:
    """The last day of a term of ``years`` begun on ``start`` (a cover period, a contract)."""
    return add_years(start, years) - datetime.timedelta(days=1)
