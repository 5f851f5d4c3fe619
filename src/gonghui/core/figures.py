"""Figures as the federations write them (domain.md, "How figures are written").

Money in 万元 with up to four decimals and no trailing zeros (61.19万元, 15.832万元), or in 元
below ten thousand (5000元); counts with their unit (1101人); rates with at most one decimal
(131%). Formatting happens only here, at the edge; amounts stay ``Decimal`` in 元 elsewhere.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TEN_THOUSAND = Decimal(10000)


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def money(amount) -> str:
    """``Decimal("611900")`` → ``"61.19万元"``; ``Decimal("5000")`` → ``"5000元"``."""
    amount = Decimal(amount or 0)
    if abs(amount) < TEN_THOUSAND:
        return _plain(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) + "元"
    wan = (amount / TEN_THOUSAND).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return _plain(wan) + "万元"


def count(value, unit: str) -> str:
    return f"{int(value or 0)}{unit}"


def percent(part, whole) -> str:
    """``percent(131, 100)`` → ``"131%"``; at most one decimal; ``"—"`` without a whole."""
    if not whole:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return _plain(value) + "%"
