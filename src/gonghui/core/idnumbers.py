"""Resident identity numbers (居民身份证号码, GB 11643): normalise, validate, mask.

The check digit comes from python-stdnum. Its full ``validate`` is not used: it refuses a number
whose county code was created after the birth year, but people registered late carry exactly such
numbers. Here a number is valid when its check digit is right, its date is a real date in the
past, and its first six digits are a region code that exists or existed (any period).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cache

from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn.ric import calc_check_digit

from gonghui.core.cleaning import has_fullwidth, strip_all_blanks, to_halfwidth

_DIGITS = frozenset("0123456789")
_LAST = frozenset("0123456789X")


class IdNumberError(ValueError):
    """A number that cannot be accepted; the message is for the user (Chinese)."""


@dataclass
class IdNumber:
    value: str
    repairs: list[str] = field(default_factory=list)

    @property
    def birth_date(self) -> datetime.date:
        return birth_date(self.value)

    @property
    def gender(self) -> str:
        return gender(self.value)


@cache
def region_known(prefix: str) -> bool:
    """Whether a six-digit region code is in GB/T 2260 at any time (historical codes count)."""
    found = {key for _part, props in numdb.get("cn/loc").info(prefix) for key in props}
    return "province" in found and "county" in found


def birth_date(number: str) -> datetime.date:
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender(number: str) -> str:
    """``M`` or ``F``: the 17th digit is odd for men and even for women."""
    return "M" if int(number[16]) % 2 else "F"


def upgrade_15(number: str) -> str:
    """A first-generation 15-digit number (born 19YY) in its 18-digit form."""
    body = number[:6] + "19" + number[6:]
    return body + calc_check_digit(body + "0")


def mask(number: str) -> str:
    """``3301**********1234``: enough to tell people apart on a list, not enough to use."""
    if not number:
        return ""
    if len(number) < 9:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def masked_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: a person's name as a public notice prints it (the surname
    and the length), beside the masked ID number."""
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def normalize(raw, today: datetime.date | None = None) -> IdNumber:
    """Clean and validate a number as typed or as read from a spreadsheet cell.

    Returns the 18-character number and the repairs made (full-width characters, blanks,
    lower-case x, 15 to 18 digits). Raises ``IdNumberError`` with a Chinese reason otherwise.
    """
    if raw is None or raw == "":
        raise IdNumberError(_("The ID number is empty."))
    if isinstance(raw, float):
        # Excel stores a typed number as a double: 18 digits do not fit, the last ones are gone.
        if raw.is_integer() and len(str(int(raw))) == 15:
            raw = str(int(raw))
        else:
            raise IdNumberError(
                _(
                    "Excel has turned this ID number into a number and its last digits are "
                    "lost; set the column to text format and type the number again."
                )
            )
    if isinstance(raw, int):
        raw = str(raw)
    text = str(raw)
    if len(text) == 18 and text[:17].isdigit() and text.isascii() and text[17] in _LAST:
        # The common case: a clean number, checked without the repairs below.
        _check_date_and_region(text, today)
        if text[17] != calc_check_digit(text):
            raise IdNumberError(
                _("The check digit of the ID number is wrong: a digit was probably mistyped.")
            )
        return IdNumber(text, [])
    repairs = []
    if has_fullwidth(text):
        text = to_halfwidth(text)
        repairs.append(_("full-width characters changed to half-width"))
    compact = strip_all_blanks(text).replace("-", "")
    if compact != text:
        repairs.append(_("blanks removed"))
    if "E+" in compact.upper() and "." in compact:
        raise IdNumberError(
            _(
                "Excel has turned this ID number into a number and its last digits are "
                "lost; set the column to text format and type the number again."
            )
        )
    if compact.endswith("x"):
        compact = compact[:-1] + "X"
        repairs.append(_("lower-case x changed to X"))
    if len(compact) == 15:
        if not set(compact) <= _DIGITS:
            raise IdNumberError(_("A 15-digit ID number has digits only."))
        _check_date_and_region(compact[:6] + "19" + compact[6:] + "0", today)
        compact = upgrade_15(compact)
        repairs.append(_("15-digit number converted to 18 digits"))
    if len(compact) != 18:
        raise IdNumberError(
            _("An ID number has 18 characters; this one has %(n)d.") % {"n": len(compact)}
        )
    if not set(compact[:17]) <= _DIGITS or compact[17] not in "0123456789X":
        raise IdNumberError(
            _("An ID number has 17 digits followed by a digit or X; this one has other characters.")
        )
    _check_date_and_region(compact, today)
    if compact[17] != calc_check_digit(compact):
        raise IdNumberError(
            _("The check digit of the ID number is wrong: a digit was probably mistyped.")
        )
    return IdNumber(compact, repairs)


def _check_date_and_region(number: str, today: datetime.date | None) -> None:
    try:
        born = birth_date(number)
    except ValueError:
        raise IdNumberError(
            _("The birth date in the ID number (%(text)s) is not a real date.")
            % {"text": number[6:14]}
        ) from None
    today = today or datetime.date.today()  # noqa: DTZ011 (a calendar date, not an instant)
    if born > today or born.year < 1900:
        raise IdNumberError(
            _("The birth date in the ID number (%(date)s) is impossible.")
            % {"date": born.isoformat()}
        )
    if not region_known(number[:6]):
        raise IdNumberError(
            _("The first six digits of the ID number (%(code)s) are not a region code.")
            % {"code": number[:6]}
        )
