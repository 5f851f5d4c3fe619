"""Reading the first sheet of an xlsx workbook as a stream of rows, in flat memory.

python-calamine (which reads xls and ods here) builds the whole sheet before it yields the
first row: 1.3 GB for a roster of a million people. No maintained Python library streams an
xlsx at the speed of the rest of the import (openpyxl's read-only mode reads 10,000–18,000
rows a second, lxml's ``iterparse`` 16,000–21,000, both below what the import needs), so the
sheet's XML is read here: unzipped a megabyte at a time, and each row found with regular
expressions that run in C. Only one row is held at a time.

What is kept whole is the workbook's table of shared strings (text that Excel and WPS store
once and point at from the cells), packed as UTF-8 bytes and offsets, about a quarter of the
size of Python strings. A sheet written with inline strings keeps nothing.

Cells come out as calamine gives them, so the checks see the same values whatever reads the
file: text as ``str``, numbers as ``float``, ``True``/``False``, and numbers in a date or time
format as ``date``, ``datetime`` or ``time`` (a ``timedelta`` for an elapsed-time format). Rows
start at the sheet's row 1 (row numbers in messages are the ones the user sees), and columns
at column A.
"""

from __future__ import annotations

import codecs
import datetime
import html
import re
import zipfile
from array import array
from collections.abc import Iterator
from posixpath import dirname, join, normpath

from lxml import etree

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_CHUNK = 1 << 20

_ROW_NUMBER = re.compile(r"""\br\s*=\s*["'](\d+)["']""")
_ATTR = re.compile(r"""([\w:]+)\s*=\s*(["'])(.*?)\2""", re.S)
_VALUE = re.compile(r"<(?:\w+:)?v(?:\s[^>]*)?>(.*?)</(?:\w+:)?v>", re.S)
_ROW_TAG = re.compile(r"<(?:\w+:)?row\b([^>]*)>")
_TEXT = re.compile(r"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", re.S)
# Phonetic guides (furigana) are not part of the text.
_PHONETIC = re.compile(r"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_SHARED = re.compile(r"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.S)
# Excel writes a character XML cannot hold as _xHHHH_ (and a literal "_x" as _x005F_x).
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_DIMENSION = re.compile(r"""<(?:\w+:)?dimension\s+ref\s*=\s*["']([A-Z]*)(\d*)(?::[A-Z]*(\d+))?""")
_SHEET_DATA = re.compile(r"<(\w+:)?sheetData\b")


def _sheet_pattern(prefix: str) -> re.Pattern:
    """One pattern for a row's start and for a cell, so the sheet's text is scanned once.

    A cell's attributes are matched in the order Excel and WPS write them (r, s, t); what else
    the tag holds is the sixth group, and a cell written in another order is read from it. The
    value is the seventh group when the cell holds just ``<v>`` (after a formula, if any), and
    whatever the cell holds is the eighth otherwise (an inline string).
    """
    p = re.escape(prefix)
    return re.compile(
        rf"<{p}(row)\b([^>]*?)(/?)>"
        rf"""|<{p}c(?: r="([A-Z]{{1,3}})\d+")?(?: s="(\d+)")?(?: t="(\w+)")?((?:\s[^>]*?)?)"""
        rf"(?:/>"
        rf"|>(?:<{p}f\b[^>]*?(?:/>|>[^<]*</{p}f>))?<{p}v>([^<]*)</{p}v></{p}c>"
        rf"|>(.*?)</{p}c>)",
        re.S,
    )


# Built-in number formats that show a date or a time (ECMA-376 §18.8.30; 27–36 and 50–58
# are the ones Chinese Excel and WPS give for 年月日).
_DATE_FORMATS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_ELAPSED_FORMATS = {46}


class NotXlsx(ValueError):
    """A zip that is not an xlsx workbook with XML sheets (ods, xlsb, a Word file)."""


def xlsx_rows(archive: zipfile.ZipFile) -> tuple[int, Iterator[list]]:
    """The number of rows and the rows of the workbook's first sheet."""
    names = set(archive.namelist())
    book_path = _office_document(archive, names)
    if book_path not in names:
        raise NotXlsx(book_path)
    book = _parse(archive, book_path)
    sheet = book.find(f"{_NS_MAIN}sheets/{_NS_MAIN}sheet")
    if sheet is None:
        raise NotXlsx("no sheet")
    targets = _relationships(archive, book_path, names)
    sheet_path = targets.get(sheet.get(f"{_NS_REL}id") or "")
    if sheet_path is None or sheet_path not in names or not sheet_path.endswith(".xml"):
        raise NotXlsx("no xml sheet")
    props = book.find(f"{_NS_MAIN}workbookPr")
    date1904 = props is not None and props.get("date1904", "").lower() in ("1", "true")
    by_type = {kind: path for path, kind in _typed_targets(archive, book_path, names)}
    strings = _shared_strings(archive, by_type.get("sharedStrings"))
    styles = _date_styles(archive, by_type.get("styles"))
    total, prefix = _sheet_head(archive, sheet_path)
    reader = _SheetReader(strings, styles, date1904, prefix)
    return total, reader.rows(_chunks(archive, sheet_path))


def _office_document(archive, names) -> str:
    """The workbook part, as the package's relationships name it (``xl/workbook.xml``)."""
    if "_rels/.rels" in names:
        for rel in _parse(archive, "_rels/.rels").iter(f"{_NS_PKG}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                return normpath(rel.get("Target", "").lstrip("/"))
    return "xl/workbook.xml"


def _rel_targets(archive, part: str, names):
    rels = join(dirname(part), "_rels", part.rsplit("/", 1)[-1] + ".rels")
    if rels not in names:
        return
    for rel in _parse(archive, rels).iter(f"{_NS_PKG}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else join(dirname(part), target)
        yield rel.get("Id", ""), rel.get("Type", "").rsplit("/", 1)[-1], normpath(path)


def _relationships(archive, part, names) -> dict[str, str]:
    return {rel_id: path for rel_id, _kind, path in _rel_targets(archive, part, names)}


def _typed_targets(archive, part, names):
    for _rel_id, kind, path in _rel_targets(archive, part, names):
        if path in names:
            yield path, kind


# The user's file decides what these parts say: no entities, no DTD, nothing fetched.
_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)


def _parse(archive, name):
    """A small part of the package (workbook, relationships, styles), parsed whole."""
    try:
        with archive.open(name) as fh:
            return etree.parse(fh, _PARSER).getroot()
    except etree.XMLSyntaxError as exc:
        raise NotXlsx(name) from exc


def _chunks(archive, name) -> Iterator[str]:
    """The part's text a megabyte at a time (a character split between two reads is kept)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with archive.open(name) as fh:
        while data := fh.read(_CHUNK):
            yield decoder.decode(data)
    yield decoder.decode(b"", final=True)


def _matches(chunks: Iterator[str], pattern: re.Pattern) -> Iterator[re.Match]:
    """Each whole match of ``pattern`` over the text, holding at most a chunk and one item."""
    rest = ""
    for text in chunks:
        buffer = rest + text if rest else text
        end = 0
        for match in pattern.finditer(buffer):
            yield match
            end = match.end()
        rest = buffer[end:]


def _unescape(text: str) -> str:
    if "&" in text:
        text = html.unescape(text)
    if "_x" in text:
        text = _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _rich_text(body: str) -> str:
    """The text of a shared or inline string: one ``<t>``, or the runs of rich text."""
    if "rPh" in body:
        body = _PHONETIC.sub("", body)
    return _unescape("".join(_TEXT.findall(body)))


class _Strings:
    """The shared strings, packed: their UTF-8 bytes end to end and where each ends."""

    def __init__(self):
        self.data = bytearray()
        # Four bytes an end: the unpacked workbook is refused above 2 GB (``reading``).
        self.ends = array("I", [0])

    def append(self, text: str) -> None:
        self.data += text.encode()
        self.ends.append(len(self.data))

    def __getitem__(self, index: int) -> str:
        ends = self.ends
        return self.data[ends[index] : ends[index + 1]].decode()

    def __len__(self) -> int:
        return len(self.ends) - 1


def _shared_strings(archive, path) -> _Strings:
    strings = _Strings()
    if path is None:
        return strings
    for match in _matches(_chunks(archive, path), _SHARED):
        body = match.group(1) or ""
        if body.startswith("<t>") and body.endswith("</t>") and "<" not in body[3:-4]:
            strings.append(_unescape(body[3:-4]))
        else:
            strings.append(_rich_text(body))
    return strings


def _date_styles(archive, path) -> dict[int, str]:
    """Cell styles whose number format shows a date or time: style index → "date" or
    "elapsed" (a duration such as ``[h]:mm``)."""
    if path is None:
        return {}
    root = _parse(archive, path)
    custom = {}
    formats = root.find(f"{_NS_MAIN}numFmts")
    if formats is not None:
        for fmt in formats:
            try:
                custom[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
            except ValueError:
                continue
    kinds = {}
    xfs = root.find(f"{_NS_MAIN}cellXfs")
    for index, xf in enumerate(xfs if xfs is not None else ()):
        try:
            number = int(xf.get("numFmtId", "0"))
        except ValueError:
            continue
        kind = _format_kind(number, custom.get(number))
        if kind:
            kinds[index] = kind
    return kinds


_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKETS = re.compile(r"\[([^\]]*)\]")


def _format_kind(number: int, code: str | None) -> str | None:
    if code is None:
        if number in _ELAPSED_FORMATS:
            return "elapsed"
        return "date" if number in _DATE_FORMATS else None
    # Quoted text, escaped characters and colours/conditions are not date parts; [h], [m] and
    # [s] are elapsed time.
    code = _QUOTED.sub("", code.split(";", 1)[0])
    elapsed = False
    for inner in _BRACKETS.findall(code):
        if inner.lower().strip("hms") == "" and inner:
            elapsed = True
    code = _BRACKETS.sub("", code).lower()
    if elapsed:
        return "elapsed"
    return "date" if any(ch in code for ch in "ymdhs") else None


def _sheet_head(archive, path) -> tuple[int, str]:
    """The sheet's last row number (from its ``<dimension>``, else counted) and the prefix its
    tags carry (``""``, or ``"x:"`` from some writers)."""
    head = ""
    for text in _chunks(archive, path):
        head += text
        if _SHEET_DATA.search(head) or len(head) > _CHUNK:
            break
    data = _SHEET_DATA.search(head)
    prefix = (data.group(1) or "") if data else ""
    found = _DIMENSION.search(head)
    if found and (found.group(3) or found.group(2)):
        return int(found.group(3) or found.group(2)), prefix
    rows = 0
    for text in _matches_text(_chunks(archive, path)):
        for attrs in _ROW_TAG.findall(text):
            number = _ROW_NUMBER.search(attrs)
            rows = int(number.group(1)) if number else rows + 1
    return rows, prefix


def _matches_text(chunks: Iterator[str]) -> Iterator[str]:
    """The text in pieces that do not split a tag (each ends just after a ``>``)."""
    rest = ""
    for text in chunks:
        buffer = rest + text if rest else text
        cut = buffer.rfind(">") + 1
        yield buffer[:cut]
        rest = buffer[cut:]
    if rest:
        yield rest


# Excel's serial dates count days from these (naive: a sheet's dates have no time zone).
_EPOCH_1900 = datetime.datetime(1899, 12, 30)  # noqa: DTZ001
_EPOCH_1904 = datetime.datetime(1904, 1, 1)  # noqa: DTZ001
_COLUMNS: dict[str, int] = {}


def _column(letters: str) -> int:
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for ch in letters:
            index = index * 26 + ord(ch) - 64
        index -= 1
        _COLUMNS[letters] = index
    return index


class _SheetReader:
    def __init__(self, strings: _Strings, styles: dict[int, str], date1904: bool, prefix: str):
        self.strings = strings
        # The styles as the cells name them (``s="3"``).
        self.date_styles = {str(index): kind for index, kind in styles.items()}
        self.epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
        self.prefix = prefix
        self.row: list | None = None  # the row being read when a piece of text ends
        self.expected = 1  # the number the next row has when Excel left none out

    def rows(self, chunks: Iterator[str]) -> Iterator[list]:
        pattern = _sheet_pattern(self.prefix)
        for batch in self._row_text(chunks):
            yield from self._rows(pattern.findall(batch))
        if self.row is not None:
            yield self.row

    def _row_text(self, chunks: Iterator[str]) -> Iterator[str]:
        """The sheet's data in pieces of whole rows: from ``<sheetData>`` to its end."""
        row_end = f"</{self.prefix}row>"
        data_end = f"</{self.prefix}sheetData>"
        rest = ""
        started = False
        for text in chunks:
            buffer = rest + text if rest else text
            if not started:
                found = _SHEET_DATA.search(buffer)
                if found is None:
                    rest = buffer[-256:]  # a tag split between two reads
                    continue
                started = True
                buffer = buffer[found.start() :]
            stop = buffer.find(data_end)
            if stop >= 0:
                yield buffer[:stop]
                return
            cut = buffer.rfind(row_end)
            if cut < 0:
                rest = buffer
                continue
            cut += len(row_end)
            yield buffer[:cut]
            rest = buffer[cut:]
        if started and rest:
            yield rest

    def _rows(self, found: list[tuple]) -> Iterator[list]:
        date_styles = self.date_styles
        ends, data = self.strings.ends, self.strings.data
        row = self.row
        for is_row, row_attrs, closed, letters, style, kind, rest, value, content in found:
            if is_row:
                if row is not None:
                    yield row
                number = _ROW_NUMBER.search(row_attrs) if row_attrs else None
                if number is not None:
                    at = int(number.group(1))
                    while self.expected < at:  # rows Excel left out because they are empty
                        yield []
                        self.expected += 1
                self.expected += 1
                row = []
                if closed:
                    yield row
                    row = None
                continue
            if row is None:
                continue  # a cell outside any row is no cell of the sheet
            if rest and ("r=" in rest or "s=" in rest or "t=" in rest):
                attrs = {name.rsplit(":", 1)[-1]: v for name, _q, v in _ATTR.findall(rest)}
                letters = letters or attrs.get("r", "").rstrip("0123456789")
                style, kind = style or attrs.get("s", ""), kind or attrs.get("t", "")
            if letters:
                index = _COLUMNS.get(letters)
                if index is None:
                    index = _column(letters)
                if index > len(row):
                    row.extend([""] * (index - len(row)))
                elif index < len(row):
                    continue  # a cell given twice: the first stands, as in Excel
            if kind == "s":
                if value:
                    i = int(value)
                    row.append(data[ends[i] : ends[i + 1]].decode())
                else:
                    row.append("")
                continue
            if content:
                if kind == "inlineStr":
                    plain = content[7:-9] if content.startswith("<is><t>") else "<"
                    if "<" in plain or not content.endswith("</t></is>"):
                        row.append(_rich_text(content))
                    else:
                        row.append(_unescape(plain))
                    continue
                found_value = _VALUE.search(content)
                value = found_value.group(1) if found_value else ""
            if not value:
                row.append("")
            elif not kind or kind == "n":
                date_kind = date_styles.get(style) if style else None
                if date_kind is None:
                    try:
                        row.append(float(value))
                    except ValueError:
                        row.append(_unescape(value))
                else:
                    row.append(self.moment(value, date_kind))
            elif kind == "b":
                row.append(value.strip() in ("1", "true"))
            elif kind == "d":
                row.append(_iso_date(value))
            else:  # "str" (a formula's text), "e" (an error such as #N/A)
                row.append(_unescape(value))
        self.row = row

    def moment(self, value: str, kind: str):
        """A number in a date or time format, as the date, time or duration it shows."""
        try:
            number = float(value)
        except ValueError:
            return _unescape(value)
        if kind == "elapsed":
            return datetime.timedelta(days=number)
        try:
            # To the millisecond: a time of day is stored as a fraction that is rarely exact.
            moment = self.epoch + datetime.timedelta(milliseconds=round(number * 86_400_000))
        except OverflowError:
            return number
        if 0 <= number < 1:
            return moment.time()
        if moment.time() == datetime.time():
            return moment.date()
        return moment


def _iso_date(value: str):
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        return value
    return moment.date() if moment.time() == datetime.time() else moment
