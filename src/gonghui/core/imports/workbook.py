"""The spreadsheets an import hands out: the blank template, and the workbook of the rows that
were refused (with their reasons) for the user to fix and upload again."""

from __future__ import annotations

import datetime
import io
from collections import defaultdict

import xlsxwriter
from django.utils.translation import gettext as _

from gonghui.core.imports.engine import ImportOutcome
from gonghui.core.imports.reading import Source, open_rows
from gonghui.core.imports.spec import ImportSpec, Problem


def template_bytes(spec: ImportSpec) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(spec.title[:31])
    title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
    note = book.add_format({"font_color": "#666666", "text_wrap": True})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center"})
    head_required = book.add_format(
        {
            "bold": True,
            "bg_color": "#DDEBF7",
            "border": 1,
            "align": "center",
            "font_color": "#C00000",
        }
    )
    text = book.add_format({"num_format": "@"})
    last = len(spec.columns) - 1
    sheet.merge_range(0, 0, 0, last, spec.title, title)
    sheet.merge_range(
        1,
        0,
        1,
        last,
        _(
            "Columns marked * are required. Keep ID numbers and card numbers as text. Fill from "
            "row 4 on; the example row may be overwritten or deleted."
        ),
        note,
    )
    sheet.set_row(1, 30)
    for i, column in enumerate(spec.columns):
        sheet.set_column(i, i, column.width, text)
        sheet.write_string(2, i, column.template_header, head_required if column.required else head)
        if column.hint:
            sheet.write_comment(2, i, column.hint)
        if column.choices:
            sheet.data_validation(
                3,
                i,
                10002,
                i,
                {"validate": "list", "source": list(column.choices), "error_type": "warning"},
            )
    for r, example in enumerate(spec.template_rows(), start=3):
        for i, value in enumerate(example):
            sheet.write_string(r, i, value)
    sheet.freeze_panes(3, 0)
    book.close()
    return out.getvalue()


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() else value.strftime("%Y-%m-%d")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def problems_workbook(source: Source, file_name: str, outcome: ImportOutcome) -> bytes | None:
    """The refused and conflicting rows as the user wrote them, each with its reasons, and the
    repairs made. ``None`` when there is nothing to return."""
    by_row: dict[int, list[Problem]] = defaultdict(list)
    for problem in outcome.problems:
        by_row[problem.row].append(problem)
    if not by_row and not outcome.repairs:
        return None
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "constant_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    text = book.add_format({"num_format": "@"})
    reason = book.add_format({"font_color": "#C00000", "text_wrap": True, "num_format": "@"})
    sheet = book.add_worksheet(_("Rows to fix"))
    header = [_("Row"), _("Reason"), *(_as_text(c) for c in outcome.header_cells)]
    for i, value in enumerate(header):
        sheet.write_string(0, i, value, head)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 48)
    sheet.set_column(2, len(header), 16, text)
    if by_row:
        _total, rows = open_rows(source, file_name)
        out_row = 1
        try:
            for number, cells in enumerate(rows, start=1):
                problems = by_row.get(number)
                if not problems:
                    continue
                reasons = "；".join(
                    f"{p.column}：{p.message}" if p.column else p.message for p in problems
                )
                sheet.write_number(out_row, 0, number)
                sheet.write_string(out_row, 1, reasons, reason)
                for i, cell in enumerate(cells, start=2):
                    sheet.write_string(out_row, i, _as_text(cell), text)
                out_row += 1
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()
    if outcome.repairs:
        fixes = book.add_worksheet(_("Repairs made"))
        for i, value in enumerate((_("Row"), _("Column"), _("Repair"))):
            fixes.write_string(0, i, value, head)
        fixes.set_column(1, 2, 30)
        for r, (number, column, what) in enumerate(outcome.repairs, start=1):
            fixes.write_number(r, 0, number)
            fixes.write_string(r, 1, column)
            fixes.write_string(r, 2, what)
    book.close()
    return out.getvalue()
