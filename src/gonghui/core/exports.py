"""Generated spreadsheets: the styles every workbook of the platform shares, and workbooks of any
size without personal data on disk in clear.

A large export (a roster of a county) is written by xlsxwriter in constant-memory mode, which
keeps each sheet's rows in scratch files as it goes. Those scratch files hold what the export
holds (names, masked or full ID numbers), so they are kept in a private folder on the memory
file system (``/dev/shm``), removed when the file is done, and swept at the next start if a
process died half-way; where there is no memory file system the whole workbook is built in
memory. The finished file goes to a file object the caller gives (in memory).
"""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import xlsxwriter

# A private folder (mkdtemp, mode 0700) in it, never a predictable name.
MEMORY_FS = Path("/dev/shm")  # noqa: S108
SCRATCH_PREFIX = "gonghui-export-"


@contextlib.contextmanager
def large_workbook(target) -> Iterator[xlsxwriter.Workbook]:
    """An xlsxwriter workbook writing to ``target``, for any number of rows; the caller closes
    it inside the ``with`` block."""
    if MEMORY_FS.is_dir() and os.access(MEMORY_FS, os.W_OK):
        # Named after this process, so a sweep leaves the scratch of a live export alone.
        prefix = f"{SCRATCH_PREFIX}{os.getpid()}-"
        scratch = tempfile.mkdtemp(prefix=prefix, dir=MEMORY_FS)  # mode 0700
        try:
            yield xlsxwriter.Workbook(target, {"constant_memory": True, "tmpdir": scratch})
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    else:
        yield xlsxwriter.Workbook(target, {"in_memory": True})


def sweep_scratch() -> int:
    """Remove the scratch folders of exports whose process died. Returns how many."""
    removed = 0
    if not MEMORY_FS.is_dir():
        return 0
    for leftover in MEMORY_FS.glob(f"{SCRATCH_PREFIX}*"):
        with contextlib.suppress(OSError):
            mine = leftover.is_dir() and leftover.stat().st_uid == os.getuid()
            if mine and not _alive(leftover.name.removeprefix(SCRATCH_PREFIX).split("-")[0]):
                shutil.rmtree(leftover)
                removed += 1
    return removed


def _alive(pid: str) -> bool:
    """Whether the process that named a scratch folder still runs (a name of an earlier
    version, without a process id, counts as dead)."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def styles(book: xlsxwriter.Workbook) -> dict:
    """The formats every generated workbook uses, so the platform's files look alike: a header
    row, a title, text (numbers kept as text: ID and card numbers), money and counts in
    bordered cells, and their bold forms for a total row."""
    return {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "head": book.add_format(
            {
                "bold": True,
                "border": 1,
                "bg_color": "#DDEBF7",
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
            }
        ),
        "text": book.add_format({"num_format": "@"}),
        "cell": book.add_format({"border": 1}),
        "money": book.add_format({"border": 1, "num_format": "#,##0.00"}),
        "bold": book.add_format({"border": 1, "bold": True}),
        "bold_money": book.add_format({"border": 1, "bold": True, "num_format": "#,##0.00"}),
    }


def workbook_bytes(write) -> bytes:
    """A small workbook built in memory: ``write(book, styles)`` fills it."""
    import io

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    write(book, styles(book))
    book.close()
    return out.getvalue()


def day_words(day) -> str:
    """2026年10月20日: a date as a notice or a letter prints it."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class Notice:
    """A public notice (公示) as it is posted, for any list a federation publishes before it
    decides (grants, honours): the title, the list (names already masked by the caller), the
    period it runs, where objections go, and the 落款 (the publishing org and the day).

    ``rows``: each a dict with ``cells`` (text, one per header), and the ``starts_on`` and
    ``ends_on`` of its notice; ``amounts`` optionally the money of each row, summed in the
    total row."""

    title: str
    headers: list[str]
    rows: list[dict]
    count_word: str  # 人 or 个, for "合计 12人"
    contact: str
    signed_by: str
    signed_on: datetime.date
    amount_header: str = ""
    amounts: list = field(default_factory=list)

    @property
    def starts_on(self):
        days = [r["starts_on"] for r in self.rows if r.get("starts_on")]
        return min(days) if days else None

    @property
    def ends_on(self):
        days = [r["ends_on"] for r in self.rows if r.get("ends_on")]
        return max(days) if days else None

    @property
    def period(self) -> str:
        """公示时间 2026年10月20日至2026年10月25日, from the rows' own notice dates."""
        if self.starts_on is None:
            return ""
        return f"{day_words(self.starts_on)}至{day_words(self.ends_on or self.starts_on)}"

    @property
    def objections(self) -> str:
        return self.contact or self.signed_by

    @property
    def total(self) -> Decimal:
        return sum((Decimal(a) for a in self.amounts), Decimal(0))


def notice_xlsx(notice: Notice) -> bytes:
    """The notice as the office prints it: title, period, the numbered list, 合计, where
    objections go, and the 落款; A4 landscape, fitted to the page's width, the header row
    repeated on every page."""
    headers = ["序号", *notice.headers] + ([notice.amount_header] if notice.amount_header else [])
    last = len(headers) - 1

    def write(book, st):
        sheet = book.add_worksheet("公示名单")
        title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
        right = book.add_format({"align": "right"})
        sheet.merge_range(0, 0, 0, last, notice.title, title)
        if notice.period:
            sheet.merge_range(1, 0, 1, last, f"公示时间：{notice.period}")
        for i, h in enumerate(headers):
            sheet.write_string(2, i, h, st["head"])
        r = 2
        for r, row in enumerate(notice.rows, start=3):
            for i, v in enumerate([str(r - 2), *row["cells"]]):
                sheet.write_string(r, i, str(v))
            if notice.amount_header:
                sheet.write_number(r, last, float(notice.amounts[r - 3]), st["money"])
        r += 1
        sheet.write_string(r, 0, "合计", st["head"])
        sheet.write_string(r, 2, f"{len(notice.rows)}{notice.count_word}")
        if notice.amount_header:
            sheet.write_number(r, last, float(notice.total), st["money"])
        sheet.merge_range(r + 2, 0, r + 2, last, f"公示期间如有异议，请向{notice.objections}反映。")
        sheet.merge_range(r + 4, 0, r + 4, last, notice.signed_by, right)
        sheet.merge_range(r + 5, 0, r + 5, last, day_words(notice.signed_on), right)
        sheet.set_column(1, last, 18)
        sheet.set_column(2, 2, 30)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(2)

    return workbook_bytes(write)
