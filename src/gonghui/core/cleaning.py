"""Cleaning what people type into spreadsheets: full-width characters, stray blanks.

Each cleaner returns the cleaned value and whether it changed anything a user would call a
repair, so that an import can say "第5行 身份证号：全角数字已改为半角" instead of silently
altering data.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")


def to_halfwidth(value: str) -> str:
    """Full-width digits, letters and punctuation (Ａ１２，（）) to their ASCII forms."""
    return unicodedata.normalize("NFKC", value)


def squeeze(value: str) -> str:
    """Trim, and collapse runs of blanks (including the ideographic space) to one space."""
    return _SPACES.sub(" ", value).strip()


def strip_all_blanks(value: str) -> str:
    return _SPACES.sub("", value)


def has_fullwidth(value: str) -> bool:
    return any("\uff01" <= ch <= "\uff5e" or ch == "\u3000" for ch in value)
