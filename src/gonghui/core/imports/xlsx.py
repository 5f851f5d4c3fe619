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
format as ``date``, ``datetime`` or ``time`` (a ``timedelta`` for an elapsed-time format). Two
differences, on purpose: a formula's error (``#N/A``) is kept as written, so the check of its
column can name it, where calamine gives an empty cell; and columns start at column A where
calamine starts them at the first one used. Rows start at the sheet's row 1 (row numbers in
messages are the ones the user sees).

A workbook is the user's file: the patterns never scan past the element they read (a sheet of
tags that are never closed is read in one pass), and a sheet past Excel's own limits or text
that never ends is refused (``ValueError``, which ``reading`` turns into a reason).
"""

from __future__ import annotations

import codecs
import datetime
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
# Text held while looking for the end of a row or a shared string: a real row is a few KB,
# Excel's largest possible one about 50 MB; a sheet that never closes its rows is refused.
_MAX_PENDING = 64 * 1024 * 1024
# Excel's own limits: a sheet has at most 1,048,576 rows and 16,384 columns (A to XFD).
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
# The parts parsed whole (workbook, relationships): a few KB in any real workbook.
_MAX_SMALL_PART = 4 * 1024 * 1024
# Excel keeps at most 64,000 cell formats.
_MAX_STYLES = 262_144


def _unclosed(tag: str) -> str:
    """Text up to the end of an element ``tag``, never past the start or end of another one
    of the same name: the patterns below then fail fast on an element that is never closed,
    instead of scanning to the end of the text from each of thousands of starts."""
    return rf"[^<]*(?:<(?!/?(?:\w+:)?{tag}[\s/>])[^<]*)*"


_ROW_NUMBER = re.compile(r"""\br\s*=\s*["'](\d+)["']""")
_ATTR = re.compile(r"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_VALUE = re.compile(r"<(?:\w+:)?v(?:\s[^<>]*)?>([^<]*)</(?:\w+:)?v>")
_ROW_TAG = re.compile(r"<(?:\w+:)?row\b([^<>]*)>")
# A text run; ``<t/>`` is an empty one.
_TEXT = re.compile(rf"<(?:\w+:)?t(?:\s[^<>]*?)?(?<!/)>({_unclosed('t')})</(?:\w+:)?t>")
# Phonetic guides (furigana) are not part of the text.
_PHONETIC = re.compile(rf"<(?:\w+:)?rPh\b[^<>]*?(?:/>|>{_unclosed('rPh')}</(?:\w+:)?rPh>)")
_SHARED = re.compile(rf"<(?:\w+:)?si\b[^<>]*?(?:/>|>({_unclosed('si')})</(?:\w+:)?si>)")
_XML_ENTITY = re.compile(r"&(#[xX][0-9A-Fa-f]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
# Excel writes a character XML cannot hold as _xHHHH_ (and a literal "_x" as _x005F_x).
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_DIMENSION = re.compile(r"""<(?:\w+:)?dimension\s+ref\s*=\s*["']([A-Z]*)(\d*)(?::[A-Z]*(\d+))?""")
_SHEET_DATA = re.compile(r"<(\w+:)?sheetData\b")
_EMPTY_SHEET_DATA = re.compile(r"<(?:\w+:)?sheetData\s*/>")


def _sheet_pattern(prefix: str) -> re.Pattern:
    """One pattern for a row's start and for a cell, so the sheet's text is scanned once.

    A cell's attributes are matched in the order Excel and WPS write them (r, s, t); what else
    the tag holds is the sixth group, and a cell written in another order is read from it. The
    value is the seventh group when the cell holds just ``<v>`` (after a formula, if any), and
    whatever the cell holds is the eighth otherwise (an inline string).
    """
    p = re.escape(prefix)
    return re.compile(
        rf"<{p}(row)\b([^<>]*?)(/?)>"
        rf"""|<{p}c(?: r="([A-Z]{{1,3}})\d+")?(?: s="(\d+)")?(?: t="(\w+)")?((?:\s[^<>]*?)?)"""
        rf"(?:/>"
        rf"|>(?:<{p}f\b[^<>]*?(?:/>|>[^<]*</{p}f>))?<{p}v>([^<]*)</{p}v></{p}c>"
        rf"|>({_unclosed('c')})</{p}c>)"
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
    with archive.open(name) as fh:
        data = fh.read(_MAX_SMALL_PART + 1)
    if len(data) > _MAX_SMALL_PART:
        raise ValueError(f"{name} is larger than any workbook's")
    try:
        return etree.fromstring(data, _PARSER)
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
        rest = _pending(buffer[end:])


def _entity(match: re.Match) -> str:
    name = match.group(1)
    if name[0] != "#":
        return _NAMED[name]
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return match.group(0)
    return chr(code)


def _ooxml_escape(match: re.Match) -> str:
    code = int(match.group(1), 16)
    # Half of a surrogate pair is no character: left as written, as calamine leaves it.
    return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)


def _unescape(text: str) -> str:
    """XML's entities and Excel's ``_xHHHH_`` escapes, decoded."""
    if "&" in text:
        text = _XML_ENTITY.sub(_entity, text)
    if "_x" in text:
        text = _OOXML_ESCAPE.sub(_ooxml_escape, text)
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
    custom: dict[int, str] = {}
    kinds: dict[int, str] = {}
    index = 0
    in_cell_formats = False
    # Read as a stream: a workbook may carry tens of thousands of styles.
    with archive.open(path) as fh:
        try:
            for event, element in etree.iterparse(
                fh,
                events=("start", "end"),
                resolve_entities=False,
                load_dtd=False,
                no_network=True,
            ):
                tag = element.tag
                if tag == f"{_NS_MAIN}cellXfs":
                    in_cell_formats = event == "start"
                elif event == "end" and tag == f"{_NS_MAIN}numFmt":
                    number = element.get("numFmtId", "")
                    if number.isdigit():
                        custom[int(number)] = element.get("formatCode", "")
                elif event == "end" and tag == f"{_NS_MAIN}xf" and in_cell_formats:
                    number = element.get("numFmtId", "0")
                    kind = _format_kind(int(number), custom) if number.isdigit() else None
                    if kind:
                        kinds[index] = kind
                    index += 1
                    if index > _MAX_STYLES:
                        raise ValueError("more cell styles than any workbook has")
                if event == "end":
                    element.clear(keep_tail=False)
                    while element.getprevious() is not None:
                        del element.getparent()[0]
        except etree.XMLSyntaxError as exc:
            raise NotXlsx(path) from exc
    return kinds


_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKETS = re.compile(r"\[([^\]]*)\]")


def _format_kind(number: int, custom: dict[int, str]) -> str | None:
    code = custom.get(number)
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
    if _EMPTY_SHEET_DATA.search(head):
        return 0, prefix
    found = _DIMENSION.search(head)
    if found and (found.group(3) or found.group(2)):
        return min(int(found.group(3) or found.group(2)), MAX_ROWS), prefix
    rows = 0
    for text in _matches_text(_chunks(archive, path)):
        for attrs in _ROW_TAG.findall(text):
            number = _ROW_NUMBER.search(attrs)
            rows = int(number.group(1)) if number else rows + 1
    return min(rows, MAX_ROWS), prefix


def _pending(rest: str) -> str:
    if len(rest) > _MAX_PENDING:
        raise ValueError("an element longer than any workbook holds")
    return rest


def _matches_text(chunks: Iterator[str]) -> Iterator[str]:
    """The text in pieces that do not split a tag (each ends just after a ``>``)."""
    rest = ""
    for text in chunks:
        buffer = rest + text if rest else text
        cut = buffer.rfind(">") + 1
        yield buffer[:cut]
        rest = _pending(buffer[cut:])
    if rest:
        yield rest


# Excel's serial dates count days from these (naive: a sheet's dates have no time zone).
_EPOCH_1900 = datetime.datetime(1899, 12, 30)  # noqa: DTZ001
_EPOCH_1904 = datetime.datetime(1904, 1, 1)  # noqa: DTZ001
_COLUMNS: dict[str, int] = {}
_COLUMN_LETTERS = re.compile(r"[A-Z]{1,3}")


def _column(letters: str) -> int:
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for ch in letters:
            index = index * 26 + ord(ch) - 64
        index -= 1
        if index >= MAX_COLUMNS:
            raise ValueError(f"column {letters} is past Excel's last column")
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
                rest = _pending(buffer)
                continue
            cut += len(row_end)
            yield buffer[:cut]
            rest = buffer[cut:]
        if started and rest:
            yield rest

    def _rows(self, found: list[tuple]) -> Iterator[list]:
        row = self.row
        for is_row, row_attrs, closed, letters, style, kind, rest, value, content in found:
            if is_row:
                if row is not None:
                    yield row
                number = _ROW_NUMBER.search(row_attrs) if row_attrs else None
                if number is not None:
                    at = int(number.group(1))
                    if at > MAX_ROWS:
                        raise ValueError(f"row {at} is past Excel's last row")
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
                attrs = {
                    name.rsplit(":", 1)[-1]: double or single
                    for name, double, single in _ATTR.findall(rest)
                }
                letters = letters or _letters(attrs.get("r", ""))
                style, kind = style or attrs.get("s", ""), kind or attrs.get("t", "")
            cell = self.cell(kind, style, value, content)
            if not letters:
                row.append(cell)
                continue
            index = _COLUMNS.get(letters)
            if index is None:
                index = _column(letters)
            if index == len(row):
                row.append(cell)
            elif index > len(row):
                row.extend([""] * (index - len(row)))
                row.append(cell)
            else:  # a cell written after one to its right
                row[index] = cell
        self.row = row

    def cell(self, kind: str, style: str, value: str, content: str):
        """One cell's value: ``value`` is the text of its ``<v>`` when the pattern found it
        alone, ``content`` what the cell holds otherwise."""
        if content:
            if kind == "inlineStr":
                plain = content[7:-9] if content.startswith("<is><t>") else "<"
                if "<" in plain or not content.endswith("</t></is>"):
                    return _rich_text(content)
                return _unescape(plain)
            found = _VALUE.search(content)
            value = found.group(1) if found else ""
        if kind == "s":
            if not value:
                return ""
            return self.strings[int(value)]
        if not value:
            return ""
        if not kind or kind == "n":
            date_kind = self.date_styles.get(style) if style else None
            if date_kind is not None:
                return self.moment(value, date_kind)
            try:
                return float(value)
            except ValueError:
                return _unescape(value)
        if kind == "b":
            return value.strip() in ("1", "true")
        if kind == "d":
            return _iso_date(value)
        # "str" (a formula's text), and "e": an error such as #N/A, kept as written so the
        # check of its column can show it (calamine gives an empty cell).
        return _unescape(value)

    def moment(self, value: str, kind: str):
        """A number in a date or time format, as the date, time or duration it shows."""
        try:
            number = float(value)
        except ValueError:
            return _unescape(value)
        if number < 0:
            return number  # before the epoch: no date Excel shows
        try:
            if kind == "elapsed":
                return datetime.timedelta(days=number)
            epoch = self.epoch
            if epoch is _EPOCH_1900 and 1 <= number < 60:
                # Excel counts a 29 February 1900 that never was: its serials before it are
                # a day further from the epoch than the calendar's.
                epoch += datetime.timedelta(days=1)
            # To the millisecond: a time of day is stored as a fraction that is rarely exact.
            moment = epoch + datetime.timedelta(milliseconds=round(number * 86_400_000))
        except OverflowError:
            return number
        if number < 1:
            return moment.time()
        if moment.time() == datetime.time():
            return moment.date()
        return moment


def _letters(ref: str) -> str:
    letters = ref.rstrip("0123456789")
    if not _COLUMN_LETTERS.fullmatch(letters):
        raise ValueError(f"cell reference {ref[:20]!r}")
    return letters


def _iso_date(value: str):
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        return value
    if moment.tzinfo is not None:
        return value  # a moment in a time zone is no date of the sheet's (calamine: text)
    return moment.date() if moment.time() == datetime.time() else moment
