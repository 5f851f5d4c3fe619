"""Calendar arithmetic the areas share: a day some years on or back, the last day of a term, the
first day of a month some months on or back."""

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


def month_added(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after ``day``'s (before it when negative)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.date(year, month + 1, 1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it is shorter: an instalment
    of a loan paid out on 31 January falls due on 28 February."""
    first = month_added(day, months)
    last = month_added(first, 1) - datetime.timedelta(days=1)
    return first.replace(day=min(day.day, last.day))
