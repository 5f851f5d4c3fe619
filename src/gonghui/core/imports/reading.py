"""Turning an uploaded file into rows of cells, whatever program wrote it.

xlsx is read row by row (``core.imports.xlsx``), so memory stays flat however long the sheet;
xls and ods with python-calamine (it reads the dates and numbers Excel stored). csv is decoded
as UTF-8 (with or without BOM) or else GB18030, which is what Excel and WPS on Chinese Windows
write. Anything else is refused with a reason a user understands.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from gonghui.core.imports.xlsx import NotXlsx, xlsx_rows


def max_bytes() -> int:
    # 40 MB holds a csv roster of about 350,000 people; larger files are split by the user.
    return int(getattr(settings, "GONGHUI_IMPORT_MAX_MB", 40)) * 1024 * 1024


_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


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
    if head.startswith(_UTF16_BOMS):
        return "csv"
    if b"\x00" in head[:4096] or head.lstrip().startswith((b"%PDF", b"<", b"{\\rtf")):
        raise UnreadableFile(
            _(
                "The file “%(name)s” is not a spreadsheet. Upload the filled-in template as "
                ".xlsx, .xls or .csv."
            )
            % {"name": name}
        )
    return "csv"


Source = Path | bytes


def _size(source: Source) -> int:
    return len(source) if isinstance(source, bytes) else source.stat().st_size


def _open(source: Source):
    return io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")


def open_rows(source: Source, name: str | None = None) -> tuple[int, Iterator[list]]:
    """The number of rows (for progress) and the rows of the first sheet as lists of cells
    (str, float, int, bool, date, datetime). Raises ``UnreadableFile`` for what is no sheet.

    ``source`` is a file the user gave the command line, or the bytes of an upload: an upload
    is read in memory and never written to disk in clear (``core.files``)."""
    name = name or (source.name if isinstance(source, Path) else "")
    size = _size(source)
    if size > max_bytes():
        raise UnreadableFile(too_big_message(size))
    with _open(source) as fh:
        head = fh.read(8192)
    kind = sniff(head, name)
    if kind == "csv":
        encoding = _csv_encoding(source)
        with _open(source) as fh:
            total = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        return total, _csv_rows(source, encoding)
    if kind == "xlsx":
        check_unpacked_size(source, name)
        streamed = _streamed_rows(source, name)
        if streamed is not None:
            return streamed
    return _workbook_rows(source, name)


# What a broken zip or sheet raises part-way through (a bad CRC, a truncated stream, a cell
# pointing past the shared strings, text that is not UTF-8, a number past any date), or a zip
# this reader cannot open (a member encrypted on its own: RuntimeError; Deflate64, which
# Windows' own zip can write: NotImplementedError).
_BROKEN_SHEET = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    IndexError,
    ValueError,
    OverflowError,
    RuntimeError,
    NotImplementedError,
)


# A real roster's sheet unpacks to about ten times its zipped size (twenty for a sheet of
# numbers); a "zip bomb" to hundreds or thousands of times. Each part is unpacked once here
# to count it, before the reader unpacks it again.
MAX_UNPACK_RATIO = 40
MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024


def check_unpacked_size(source: Source, name: str) -> None:
    """Refuse a workbook that would unpack to an unreasonable size before a reader unpacks it:
    the sizes are counted while decompressing (the sizes a zip declares can lie), and the
    count stops at the first byte past the limit, so memory stays flat."""
    limit = min(MAX_UNPACKED_BYTES, max(64 * 1024 * 1024, _size(source) * MAX_UNPACK_RATIO))
    unpacked = 0
    try:
        with _open(source) as fh, zipfile.ZipFile(fh) as archive:
            for info in archive.infolist():
                with archive.open(info) as member:
                    while chunk := member.read(1 << 20):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            raise UnreadableFile(
                                _(
                                    "The workbook “%(name)s” unpacks to far more data than a "
                                    "roster holds; it cannot be read. Save it again from "
                                    "Excel or WPS, or as csv."
                                )
                                % {"name": name}
                            )
    except _BROKEN_SHEET as exc:
        if isinstance(exc, UnreadableFile):
            raise
        raise UnreadableFile(_unreadable(name, exc)) from exc


def _streamed_rows(source: Source, name: str) -> tuple[int, Iterator[list]] | None:
    """An xlsx read row by row (``core.imports.xlsx``); ``None`` for a zip that is another
    kind of workbook (ods, xlsb), which calamine reads."""
    archive = None
    try:
        # From a path, the zip opens (and closes) the file itself.
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        total, rows = xlsx_rows(archive)
    except NotXlsx:
        if archive is not None:
            archive.close()
        return None
    except _BROKEN_SHEET as exc:
        if archive is not None:
            archive.close()
        raise UnreadableFile(_unreadable(name, exc)) from exc
    return total, _checked_stream(rows, archive, name)


def _checked_stream(rows: Iterator[list], archive, name: str) -> Iterator[list]:
    try:
        yield from rows
    except _BROKEN_SHEET as exc:
        raise UnreadableFile(_unreadable(name, exc)) from exc
    finally:
        archive.close()


def _unreadable(name: str, exc: Exception) -> str:
    return _("The file “%(name)s” cannot be read as a spreadsheet (%(reason)s).") % {
        "name": name,
        "reason": type(exc).__name__,
    }


def _workbook_rows(source: Source, name: str) -> tuple[int, Iterator[list]]:
    try:
        if isinstance(source, bytes):
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(source))
        else:
            book = python_calamine.CalamineWorkbook.from_path(str(source))
        sheet = book.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises several error types for a broken file
        if "password" in str(exc).lower() or isinstance(exc, python_calamine.PasswordError):
            raise UnreadableFile(
                _("The workbook is protected by a password; save it without one.")
            ) from exc
        raise UnreadableFile(_unreadable(name, exc)) from exc
    return sheet.height, _close_after(rows, book)


def _close_after(rows, book) -> Iterator[list]:
    try:
        yield from rows
    finally:
        book.close()


def _csv_encoding(source: Source) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM ("Unicode text" from Excel), or
    GB18030, which is what Excel and WPS on Chinese Windows write (a superset of GBK and
    GB2312). A file in none of them is refused with a reason, not guessed."""
    with _open(source) as fh:
        head = fh.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        if head[:2] in _UTF16_BOMS:
            return "utf-16"
        for encoding in ("utf-8", "gb18030"):
            fh.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                while chunk := fh.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding
    raise UnreadableFile(
        _(
            "The file is not readable text (neither UTF-8 nor GB18030). Save it from Excel "
            "or WPS as .xlsx, or as csv in UTF-8."
        )
    )


def _csv_rows(source: Source, encoding: str) -> Iterator[list]:
    raw = _open(source)
    with io.TextIOWrapper(raw, encoding=encoding, newline="", errors="strict") as fh:
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
