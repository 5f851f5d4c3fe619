"""Turning an uploaded file into rows of cells, whatever program wrote it.

xlsx and xls are read with python-calamine (fast, and it reads the dates and numbers Excel
stored); csv is decoded as UTF-8 (with or without BOM) or else GB18030, which is what Excel and
WPS on Chinese Windows write. Anything else is refused with a reason a user understands.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _


def max_bytes() -> int:
    # 40 MB holds a csv roster of about 350,000 people; larger files are split by the user.
    return int(getattr(settings, "GONGHUI_IMPORT_MAX_MB", 40)) * 1024 * 1024


_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableFile(ValueError):
    """The file as a whole cannot be read; the message says why, in Chinese."""


def sniff(head: bytes, name: str) -> str:
    """``xlsx``, ``xls`` or ``csv`` from the first bytes (names lie: "名单.xls" is often csv)."""
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(_OLE):
        return "xls"
    if not head.strip(b"\r\n\t \xef\xbb\xbf"):
        raise UnreadableFile(_("The file is empty."))
    if b"\x00" in head[:4096] or head.lstrip().startswith((b"%PDF", b"<", b"{\\rtf")):
        raise UnreadableFile(
            _(
                "The file “%(name)s” is not a spreadsheet. Upload the filled-in template as "
                ".xlsx, .xls or .csv."
            )
            % {"name": name}
        )
    return "csv"


def open_rows(path: Path, name: str | None = None) -> tuple[int, Iterator[list]]:
    """The number of rows (for progress) and the rows of the first sheet as lists of cells
    (str, float, int, bool, date, datetime). Raises ``UnreadableFile`` for what is no sheet."""
    name = name or path.name
    size = path.stat().st_size
    if size > max_bytes():
        raise UnreadableFile(too_big_message(size))
    with path.open("rb") as fh:
        head = fh.read(8192)
    kind = sniff(head, name)
    if kind == "csv":
        encoding = _csv_encoding(path)
        with path.open("rb") as fh:
            total = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        return total, _csv_rows(path, encoding)
    return _workbook_rows(path, name)


def _workbook_rows(path: Path, name: str) -> tuple[int, Iterator[list]]:
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises several error types for a broken file
        if "password" in str(exc).lower() or isinstance(exc, python_calamine.PasswordError):
            raise UnreadableFile(
                _("The workbook is protected by a password; save it without one.")
            ) from exc
        raise UnreadableFile(
            _("The file “%(name)s” cannot be read as a spreadsheet (%(reason)s).")
            % {"name": name, "reason": type(exc).__name__}
        ) from exc
    return sheet.height, _close_after(rows, book)


def _close_after(rows, book) -> Iterator[list]:
    try:
        yield from rows
    finally:
        book.close()


def _csv_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(3)
        if head == b"\xef\xbb\xbf":
            return "utf-8-sig"
        fh.seek(0)
        # Decode in chunks: a valid UTF-8 file is UTF-8, anything else from Chinese Windows is
        # GB18030 (a superset of GBK and GB2312).
        utf8 = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 20):
                utf8.decode(chunk)
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8"


def _csv_rows(path: Path, encoding: str) -> Iterator[list]:
    with path.open(encoding=encoding, newline="", errors="strict") as fh:
        sample = fh.read(16384)
        fh.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
            delimiter = dialect.delimiter
        except csv.Error:
            delimiter = ","
        try:
            yield from csv.reader(fh, delimiter=delimiter)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                _("The file is not readable text (neither UTF-8 nor GB18030).")
            ) from exc
        except csv.Error as exc:
            raise UnreadableFile(
                _("The csv file is malformed: %(reason)s") % {"reason": str(exc)}
            ) from exc


def too_big_message(size: int) -> str:
    return _("The file is %(size)d MB; the limit is %(limit)d MB. Split it into smaller files.") % {
        "size": size // (1024 * 1024),
        "limit": max_bytes() // (1024 * 1024),
    }
