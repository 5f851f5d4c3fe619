"""What every writer of the member registry shares: its lock, and how a name is indexed."""

from __future__ import annotations

from functools import lru_cache

from django.db import connection
from pypinyin import Style, lazy_pinyin

# The pg_advisory_xact_lock key of the member registry. Writers that look at the registry
# before they write (imports, registration) take it first, so two imports of the same person
# at the same moment see each other instead of both inserting.
REGISTRY_LOCK = 7_143_001


def lock_registry(cursor=None) -> None:
    if cursor is not None:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REGISTRY_LOCK])
        return
    with connection.cursor() as own:
        own.execute("SELECT pg_advisory_xact_lock(%s)", [REGISTRY_LOCK])


@lru_cache(maxsize=20000)
def _initial(ch: str) -> str:
    if ch.isascii():
        return ch.lower() if ch.isalnum() else ""
    letters = lazy_pinyin(ch, style=Style.FIRST_LETTER, errors="ignore")
    return letters[0][:1].lower() if letters else ""


def name_initials(name: str) -> str:
    """The pinyin initials of a name ("zs" for 张三), for searching without an input method."""
    return "".join(_initial(ch) for ch in name)
