"""The streaming xlsx reader (``core.imports.xlsx``): the same cells as python-calamine for any
sheet xlsxwriter writes (shared strings and inline strings alike), the forms other writers use,
broken files refused with a reason, and memory that does not grow with the sheet."""

from __future__ import annotations

import datetime
import io
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import python_calamine
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.core.imports.reading import UnreadableFile, open_rows
from gonghui.core.imports.xlsx import NotXlsx, xlsx_rows

TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("王李张会员工会汉族男女，。（）年月日"),
        st.sampled_from("<>&\"' \n\t_x0D;#=-+.0123456789abcAZ"),
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    ),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() == s or s.strip())
MOMENTS = st.datetimes(
    min_value=datetime.datetime(1900, 1, 1),  # noqa: DTZ001 (a sheet's dates are naive)
    max_value=datetime.datetime(2199, 12, 31),  # noqa: DTZ001
).map(lambda d: d.replace(microsecond=0))
CELL = st.one_of(
    st.none(),
    TEXT.map(lambda s: ("text", s)),
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(lambda f: ("number", f)),
    st.integers(-(10**15), 10**15).map(lambda n: ("number", n)),
    st.booleans().map(lambda b: ("bool", b)),
    MOMENTS.map(lambda d: ("date", d.date())),
    MOMENTS.map(lambda d: ("datetime", d)),
    MOMENTS.map(lambda d: ("time", d.time())),
)
FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss", "time": "hh:mm:ss"}


def _workbook(write, inline: bool) -> bytes:
    """A workbook's bytes. xlsxwriter writes inline strings in its constant-memory mode, which
    needs a file (its in-memory mode writes shared strings)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "名单.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": inline})
        write(book)
        book.close()
        return path.read_bytes()


def _write(grid, top, left, inline: bool) -> bytes:
    return _workbook(lambda book: _fill(book, grid, top, left), inline)


def _fill(book, grid, top, left) -> None:
    sheet = book.add_worksheet("名单")
    formats = {kind: book.add_format({"num_format": code}) for kind, code in FORMATS.items()}
    for r, row in enumerate(grid, start=top):
        for c, cell in enumerate(row, start=left):
            if cell is None:
                continue
            kind, value = cell
            if kind == "text":
                sheet.write_string(r, c, value)
            elif kind == "number":
                sheet.write_number(r, c, value)
            elif kind == "bool":
                sheet.write_boolean(r, c, value)
            else:
                sheet.write_datetime(r, c, value, formats[kind])


def _ours(data: bytes) -> list[list]:
    _total, rows = xlsx_rows(zipfile.ZipFile(io.BytesIO(data)))
    return list(rows)


def _trimmed(rows: list[list]) -> list[list]:
    rows = [list(row) for row in rows]
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grid=st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=6),
    top=st.integers(0, 3),
    left=st.integers(0, 3),
    inline=st.booleans(),
)
def test_the_streaming_reader_gives_what_calamine_gives(grid, top, left, inline):
    data = _write(grid, top, left, inline)
    has_text = any(cell and cell[0] == "text" for row in grid for cell in row)
    assert (b"sharedStrings.xml" in data) == (has_text and not inline)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheet = book.get_sheet_by_index(0)
    theirs = _trimmed(sheet.iter_rows())
    # calamine starts its columns at the first one used; the streaming reader at column A, so
    # its columns are the letters the user sees.
    start = sheet.start[1] if sheet.start else 0
    ours = _trimmed([row[start:] for row in _ours(data)])
    assert ours == theirs
    assert all(
        type(a) is type(b)
        for x, y in zip(ours, theirs, strict=True)
        for a, b in zip(x, y, strict=True)
    )


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _package(sheet: str, strings: str = "", styles: str = "", book_props: str = "") -> bytes:
    """A workbook put together by hand, as writers other than Excel and WPS make them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG}"><Relationship Id="r1" Type="{RELS}/officeDocument" '
            'Target="/book/main.xml"/></Relationships>',
        )
        z.writestr(
            "book/main.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}">{book_props}<sheets>'
            '<sheet name="a" sheetId="1" r:id="s1"/></sheets></workbook>',
        )
        rels = [f'<Relationship Id="s1" Type="{RELS}/worksheet" Target="sheets/one.xml"/>']
        if strings:
            z.writestr("book/text.xml", strings)
            rels.append(f'<Relationship Id="t" Type="{RELS}/sharedStrings" Target="text.xml"/>')
        if styles:
            z.writestr("book/looks.xml", styles)
            rels.append(f'<Relationship Id="y" Type="{RELS}/styles" Target="looks.xml"/>')
        z.writestr(
            "book/_rels/main.xml.rels",
            f'<Relationships xmlns="{PKG}">{"".join(rels)}</Relationships>',
        )
        z.writestr("book/sheets/one.xml", sheet)
    return out.getvalue()


def test_other_writers_forms_are_read():
    strings = (
        f'<x:sst xmlns:x="{MAIN}"><x:si><x:t>姓名</x:t></x:si>'
        "<x:si><x:r><x:rPr><x:b/></x:rPr><x:t>李</x:t></x:r>"
        '<x:r><x:t xml:space="preserve">春梅 </x:t></x:r>'
        "<x:rPh><x:t>ri</x:t></x:rPh></x:si>"
        "<x:si><x:t>A&amp;B_x000D_</x:t></x:si><x:si/></x:sst>"
    )
    styles = (
        f'<styleSheet xmlns="{MAIN}"><numFmts><numFmt numFmtId="200" '
        'formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/><numFmt numFmtId="201" '
        'formatCode="[h]:mm"/><numFmt numFmtId="202" formatCode="&quot;d&quot;0.00"/></numFmts>'
        '<cellXfs><xf numFmtId="0"/><xf numFmtId="200"/><xf numFmtId="201"/><xf numFmtId="202"/>'
        '<xf numFmtId="31"/></cellXfs></styleSheet>'
    )
    sheet = (
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>'
        '<x:row r="2"><x:c t="s" r="B2"><x:v>0</x:v></x:c><x:c r=\'C2\' t="s"><x:v>1</x:v></x:c>'
        '<x:c r="D2" s="1"><x:v>45000</x:v></x:c><x:c r="E2" s="2"><x:v>1.5</x:v></x:c>'
        '<x:c r="F2" s="3"><x:v>7</x:v></x:c><x:c r="G2" s="4"><x:v>45000.5</x:v></x:c></x:row>'
        '<x:row r="4"><x:c r="A4" t="s"><x:v>2</x:v></x:c><x:c t="s"><x:v>3</x:v></x:c>'
        '<x:c r="C4" t="str"><x:f>A4</x:f><x:v>x&lt;y</x:v></x:c>'
        '<x:c r="D4" t="e"><x:v>#N/A</x:v></x:c><x:c r="E4" t="d"><x:v>2024-02-29</x:v></x:c>'
        '<x:c r="F4" t="b"><x:v>1</x:v></x:c><x:c r="G4" t="inlineStr"><x:is><x:t>行&amp;内'
        '</x:t></x:is></x:c><x:c r="H4"/><x:c r="I4"><x:v>-2.5E3</x:v></x:c></x:row>'
        '<x:row r="5" spans="1:1"/></x:sheetData><x:mergeCells count="0"/></x:worksheet>'
    )
    data = _package(sheet, strings, styles, '<workbookPr date1904="1"/>')
    rows = _ours(data)
    assert rows[0] == [] and rows[2] == [] and rows[4] == []
    epoch = datetime.date(1904, 1, 1)
    assert rows[1] == [
        "",
        "姓名",
        "李春梅 ",
        epoch + datetime.timedelta(days=45000),
        datetime.timedelta(days=1.5),
        7.0,
        datetime.datetime.combine(epoch, datetime.time(12)) + datetime.timedelta(days=45000),
    ]
    assert rows[3] == [
        "A&B\r",
        "",
        "x<y",
        "#N/A",
        datetime.date(2024, 2, 29),
        True,
        "行&内",
        "",
        -2500.0,
    ]
    total, _rows = xlsx_rows(zipfile.ZipFile(io.BytesIO(data)))
    assert total == 5  # no <dimension>: the rows are counted


def test_a_zip_that_is_no_xlsx_goes_to_calamine_or_gets_a_reason(tmp_path):
    import docx

    document = tmp_path / "名册.docx"
    docx.Document().save(document)
    with zipfile.ZipFile(document) as archive, pytest.raises(NotXlsx):
        xlsx_rows(archive)
    with pytest.raises(UnreadableFile, match="无法作为电子表格读取"):
        open_rows(document.read_bytes(), "名册.xlsx")


@pytest.mark.parametrize("damage", ["truncated", "string index", "not xml"])
def test_a_broken_sheet_is_refused_with_a_reason(damage):
    sheet = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>9</v></c></row></sheetData></worksheet>'
    )
    # A workbook part that is no XML is no xlsx of ours: calamine is asked, and refuses it too.
    book_props = "<workbookPr" if damage == "not xml" else ""
    data = _package(sheet, f'<sst xmlns="{MAIN}"><si><t>姓名</t></si></sst>', "", book_props)
    if damage == "truncated":
        data = data[: len(data) // 2]
    with pytest.raises(UnreadableFile, match="无法作为电子表格读取"):
        _total, rows = open_rows(data, "名册.xlsx")
        list(rows)


def _peak_while_reading(rows: int) -> int:
    def write(book):
        sheet = book.add_worksheet()
        for r in range(rows):
            sheet.write_row(r, 0, [f"王{r}", f"530524199{r:09d}", "男", "汉族", 13800000000 + r])

    data = _workbook(write, inline=True)
    assert b"sharedStrings" not in data
    tracemalloc.start()
    try:
        _total, cells = xlsx_rows(zipfile.ZipFile(io.BytesIO(data)))
        assert sum(1 for _ in cells) == rows
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_sheet(monkeypatch):
    from gonghui.core.imports import xlsx

    # Pieces of 64 KB of text (a megabyte when importing): both sheets are many pieces long.
    monkeypatch.setattr(xlsx, "_CHUNK", 1 << 16)
    small, large = _peak_while_reading(5_000), _peak_while_reading(25_000)
    # Five times the rows (about 1 MB and 5 MB of sheet XML), the same memory.
    assert large < small * 1.25, (small, large)


def _sheet(rows: str, strings: str = "", styles: str = "") -> bytes:
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'
    sst = f'<sst xmlns="{MAIN}">{strings}</sst>' if strings else ""
    return _package(sheet, sst, styles)


def test_what_other_writers_may_also_write_is_read_as_excel_shows_it():
    styles = (
        f'<styleSheet xmlns="{MAIN}"><numFmts><numFmt numFmtId="201" formatCode="[h]:mm"/>'
        '</numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="201"/>'
        "</cellXfs></styleSheet>"
    )
    strings = (
        "<si><t>姓名</t></si>"
        '<si><r><t xml:space="preserve"/></r><r><rPr><b/></rPr><t>abc</t></r></si>'
        "<si><t>&#x80;&#150;&amp;lt;_xD83D_&#xD800;</t></si>"
    )
    rows = (
        '<row r="1"><c r="A1" t="s">\n<v>0</v>\n</c><c r="B1" t="s"><v xml:space="preserve">1'
        '</v></c><c r="D1"><v>4</v></c><c r="C1" t="s"><v>2</v></c></row>'
        '<row r="2"><c r="A2" s="1"><v>1</v></c><c r="B2" s="1"><v>59</v></c>'
        '<c r="C2" s="1"><v>-3</v></c><c r="D2" s="2"><v>1E+300</v></c>'
        '<c r="E2" t="d"><v>2024-05-06T07:08:09Z</v></c></row>'
    )
    data = _sheet(rows, strings, styles)
    cells = _ours(data)
    assert cells[0] == ["姓名", "abc", "\x80\x96&lt;_xD83D_&#xD800;", 4.0]
    assert cells[1] == [
        datetime.date(1900, 1, 1),
        datetime.date(1900, 2, 28),
        -3.0,
        1e300,
        "2024-05-06T07:08:09Z",
    ]


def test_an_empty_sheet_is_a_file_without_rows(tree):
    from gonghui.core.imports.engine import run_import
    from gonghui.members.imports import MemberRosterSpec

    data = _package(f'<worksheet xmlns="{MAIN}"><dimension ref="A1"/><sheetData/></worksheet>')
    total, rows = xlsx_rows(zipfile.ZipFile(io.BytesIO(data)))
    assert (total, list(rows)) == (0, [])
    outcome = run_import(
        MemberRosterSpec(), data, actor=tree.town_a, org=tree.a, file_name="a.xlsx"
    )
    assert outcome.fatal == "文件中没有任何内容。"


HOSTILE = 60_000  # with a pattern that scans to the end from each start: hours, not seconds


@pytest.mark.parametrize(
    "part",
    ["cells never closed", "cell tags never ended", "strings never closed", "text never closed"],
)
def test_a_sheet_of_elements_never_closed_is_read_in_one_pass(part):
    strings = "<si><t>姓名</t></si>"
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2">'
    if part == "cells never closed":
        rows += '<c r="A2">' * HOSTILE + "</row>"
    elif part == "cell tags never ended":
        rows += "<c " * HOSTILE + "</row>"
    elif part == "strings never closed":
        strings += "<si>" * HOSTILE
        rows += "</row>"
    else:
        rows += '<c r="A2" t="inlineStr"><is>' + "<t>x" * HOSTILE + "</is></c></row>"
    data = _sheet(rows, strings)
    try:
        _total, cells = open_rows(data, "名册.xlsx")
        first = next(iter(cells))
    except UnreadableFile as exc:
        assert "无法作为电子表格读取" in str(exc)
    else:
        assert first == ["姓名"]


@pytest.mark.parametrize(
    "rows",
    [
        '<row r="999999999999"><c r="A1"><v>1</v></c></row>',
        '<row r="1"><c t="n" r="ZZZZZZZ1"><v>1</v></c></row>',
        '<row r="1"><c r="XFE1"><v>1</v></c></row>',
        '<row r="1"><c r="A1"><v>1</v></c>' + "<c>" * 1000,  # rows never closed
    ],
)
def test_a_sheet_past_excels_limits_is_refused_with_a_reason(rows, monkeypatch):
    from gonghui.core.imports import xlsx

    monkeypatch.setattr(xlsx, "_MAX_PENDING", 2000)
    monkeypatch.setattr(xlsx, "_CHUNK", 512)
    with pytest.raises(UnreadableFile, match="无法作为电子表格读取"):
        _total, cells = open_rows(_sheet(rows), "名册.xlsx")
        list(cells)
