"""Figures as the federations write them (domain.md, "How figures are written").

Money in 万元 with two decimals and no trailing zeros (61.19万元, 45.34万元; domain.md allows
up to four, ``money(places=4)``), or in 元 below ten thousand (5000元); counts with their unit
(1101人); rates with at most one decimal (131%); 余 only for a figure recorded as a lower bound
(500余人次). Formatting happens only here, at the edge; amounts stay ``Decimal`` in 元 elsewhere.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import cn2an
from django.utils.translation import gettext as _

TEN_THOUSAND = Decimal(10000)


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def money(amount, places: int = 2, rounding: str = ROUND_HALF_UP) -> str:
    """``Decimal("611900")`` → ``"61.19万元"``; ``Decimal("5000")`` → ``"5000元"``.

    In 万元 with two decimals as clerks write it in prose (``453355`` → ``45.34万元``; domain.md
    allows up to four), ``places=4`` for the figure exact to the yuan. A lower bound is cut
    down (``rounding=ROUND_DOWN``) so that it never overstates."""
    amount = Decimal(amount or 0)
    if abs(amount) < TEN_THOUSAND:
        return _plain(amount.quantize(Decimal("0.01"), rounding=rounding)) + "元"
    step = Decimal(1).scaleb(-places)
    wan = (amount / TEN_THOUSAND).quantize(step, rounding=rounding)
    return _plain(wan) + "万元"


def count(value, unit: str) -> str:
    """``1101人``; from ten thousand up, in 万 when the figure is a round one, as the seeds
    write it (``11.5万人``, ``2.62万人``), while an exact count stays exact (``10639人``)."""
    value = int(value or 0)
    if value >= TEN_THOUSAND and value % 100 == 0:
        return _plain(Decimal(value) / TEN_THOUSAND) + "万" + unit
    return f"{value}{unit}"


def _floor_two_digits(value: int) -> int:
    """3456 → 3400, 523 → 520, 87 → 87: a lower bound stays a lower bound when cut down."""
    if value < 100:
        return value
    step = 10 ** (len(str(value)) - 2)
    return value // step * step


def at_least(value, unit: str) -> str:
    """A figure known only as a lower bound, with 余: ``"500余人次"``, ``"3400余人"``,
    ``"10万余份"``, ``"180余万元"``, ``"3万余元"``, ``"5000余元"``. Only for figures recorded
    as estimates (domain.md: 余 never stands for an exact count)."""
    if unit != "元":
        value = int(value or 0)
        if value >= 100_000:
            return f"{_floor_two_digits(value // 10_000)}万余{unit}"
        return f"{_floor_two_digits(value)}余{unit}"
    amount = Decimal(value or 0)
    if amount < TEN_THOUSAND:
        return f"{_floor_two_digits(int(amount))}余元"
    wan = int(amount // TEN_THOUSAND)
    if wan < 10:
        return f"{wan}万余元"
    return f"{_floor_two_digits(wan)}余万元"


def nearly(value, unit: str) -> str:
    """A figure that comes close to a round one from below, with 近: ``"近万人"`` (9,800),
    ``"近3000人"``, ``"近50人"``, ``"近2万元"``: rounded up to one significant digit."""
    amount = Decimal(value or 0)
    if amount <= 0:
        return figure(value, unit)
    step = Decimal(10) ** (len(str(int(amount))) - 1)
    rounded = (amount / step).to_integral_value(rounding="ROUND_CEILING") * step
    if unit == "元":
        return "近" + money(rounded)
    if rounded == TEN_THOUSAND:
        return f"近万{unit}"
    return "近" + count(rounded, unit)


# How a recorded figure is known (``core.indicators``): exactly, or as a lower bound written
# with 余 or 以上, or as close to a round figure, written with 近.
EXACT, AT_LEAST, OR_MORE, NEARLY = "", "at_least", "or_more", "nearly"


def figure(value, unit: str, lower_bound: bool = False, approximation: str = "") -> str:
    """The one way a figure is written: money in 元/万元, counts with their unit, and the
    approximation the records carry: 余 or 以上 for a lower bound, 近 for a near figure."""
    approximation = approximation or (AT_LEAST if lower_bound else EXACT)
    if unit != "元" and (value or 0) < 10:
        # A count under ten is written exactly whatever the entry says of its larger ones:
        # nobody writes "1余场".
        approximation = EXACT
    if value and approximation == AT_LEAST:
        return at_least(value, unit)
    if value and approximation == OR_MORE:
        written = money(value, rounding=ROUND_DOWN) if unit == "元" else count(value, unit)
        return written + "以上"
    if value and approximation == NEARLY:
        return nearly(value, unit)
    return money(value) if unit == "元" else count(value, unit)


def percent(part, whole) -> str:
    """``percent(131, 100)`` → ``"131%"``; at most one decimal; ``"—"`` without a whole."""
    if not whole:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return _plain(value) + "%"


# The fields a placing is won in, as the seeds name them; anything else before 第 is a group
# within the competition (男子组, 团体).
SCOPES = ("全国", "全省", "全区", "全市", "全州", "全盟", "全县", "全镇")
PLACING = re.compile(r"^(?P<where>.*?)第(?P<rank>[零〇一二两三四五六七八九十百\d]+)名?$")


def placing(value: dict) -> str:
    """``{"scope": "全省", "rank": 1}`` → ``全省第一``; with a group, ``男子组第三名``."""
    rank = cn2an.an2cn(int(value["rank"]))
    group = value.get("group", "")
    return f"{value.get('scope', '')}{group}第{rank}{'名' if group else ''}"


def read_placings(text: str) -> list[dict]:
    """The placings a clerk writes ("全省第一、全国第十八", "男子组第三名") as data; a
    ``ValueError`` in Chinese names the part that is not one."""
    out = []
    for part in re.split(r"[、，,；;\s]+", text or ""):
        if not part:
            continue
        m = PLACING.match(part)
        rank = None
        if m:
            try:
                rank = int(cn2an.cn2an(m["rank"], "smart"))
            except ValueError:
                rank = None
        if not m or not rank or rank < 1 or not m["where"]:
            raise ValueError(
                _("“%(part)s” is not a placing: write it like 全省第一 or 男子组第三名.")
                % {"part": part}
            )
        where = m["where"]
        scope = next((s for s in SCOPES if where.startswith(s)), "")
        out.append({"scope": scope, "rank": rank, "group": where[len(scope) :]})
    return out
