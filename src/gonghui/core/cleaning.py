"""Cleaning what people type into spreadsheets: full-width characters, stray blanks.

Each cleaner returns the cleaned value and whether it changed anything a user would call a
repair, so that an import can say "第5行 身份证号：全角数字已改为半角" instead of silently
altering data.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_FULLWIDTH = re.compile(r"[\uff01-\uff5e\u3000]")
# Anything a cleaner would change: blanks at either end or doubled, odd spaces, full width.
_NEEDS_CLEANING = re.compile(r"^\s|\s$|\s\s|[\uff01-\uff5e\u3000\u00a0\u200b\ufeff\t\r\n]")


def to_halfwidth(value: str) -> str:
    """Full-width digits, letters and punctuation (Ａ１２，（）) to their ASCII forms."""
    return unicodedata.normalize("NFKC", value)


def squeeze(value: str) -> str:
    """Trim, and collapse runs of blanks (including the ideographic space) to one space."""
    return _SPACES.sub(" ", value).strip()


def strip_all_blanks(value: str) -> str:
    return _SPACES.sub("", value)


def has_fullwidth(value: str) -> bool:
    return _FULLWIDTH.search(value) is not None


def needs_cleaning(value: str) -> bool:
    """A quick test that lets clean cells (nearly all of them) skip the cleaners."""
    return _NEEDS_CLEANING.search(value) is not None


def record_id(value, max_digits: int = 18) -> int | None:
    """A record's number from an address or a form (``?campaign=12``), or None: ASCII digits
    only ("²" and "١٢" are digits to Python, not to PostgreSQL) and at most ``max_digits`` of
    them (a bigint holds 18 for sure)."""
    text = str(value if value is not None else "")
    if text.isascii() and text.isdecimal() and len(text) <= max_digits:
        return int(text)
    return None
