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
import os
import shutil
import tempfile
from collections.abc import Iterator
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
        scratch = tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=MEMORY_FS)  # mode 0700
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
            if leftover.is_dir() and leftover.stat().st_uid == os.getuid():
                shutil.rmtree(leftover)
                removed += 1
    return removed


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
