"""The files the reports app hands out: the statistics table (xlsx) and the work report (Word)."""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _

from gonghui.core.exports import workbook_bytes
from gonghui.reports.selectors import StatisticsTable
from gonghui.reports.summary import ReportText


def statistics_table_xlsx(table: StatisticsTable) -> bytes:
    """A row per child org (and the org's own records), a column per indicator, the total;
    above the columns a band naming each work area, under the table 制表单位 and 制表日期;
    printed A4 landscape, one page wide, the headings repeated on every page."""
    from django.utils import timezone

    from gonghui.core.workareas import WorkArea

    areas = dict(WorkArea.choices)

    def write(book, st):
        sheet = book.add_worksheet("统计表")
        sheet.write_string(
            0,
            0,
            f"{table.org.name}工作统计表（{table.start:%Y年%m月%d日}至{table.end:%Y年%m月%d日}）",
            st["title"],
        )
        sheet.write_string(2, 0, "单位", st["head"])
        sheet.write_string(1, 0, "", st["head"])
        for i, ind in enumerate(table.columns, start=1):
            sheet.write_string(2, i, f"{ind.name}（{ind.unit}）", st["head"])
        # The band: one merged cell per run of columns of the same work area.
        first = 1
        for i in range(1, len(table.columns) + 1):
            area = table.columns[i - 1].work_area
            if i == len(table.columns) or table.columns[i].work_area != area:
                label = str(areas.get(area, area))
                if i > first:
                    sheet.merge_range(1, first, 1, i, label, st["head"])
                else:
                    sheet.write_string(1, i, label, st["head"])
                first = i + 1
        sheet.set_row(2, 48)
        sheet.set_column(0, 0, 34)
        sheet.set_column(1, len(table.columns), 12)
        rows = [*table.rows, (_("Total"), table.total)]
        for r, (label, values) in enumerate(rows, start=3):
            last = r == 3 + len(table.rows)
            sheet.write_string(r, 0, str(label), st["bold" if last else "cell"])
            for i, (ind, value) in enumerate(zip(table.columns, values, strict=True), start=1):
                money = ind.unit == "元"
                style = (
                    ("bold_money" if money else "bold") if last else ("money" if money else "cell")
                )
                sheet.write_number(r, i, float(value), st[style])
        day = timezone.localdate()
        made = f"制表单位：{table.org.name}　　制表日期：{day.year}年{day.month}月{day.day}日"
        sheet.write_string(4 + len(table.rows) + 1, 0, made)
        sheet.freeze_panes(3, 1)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)  # one page wide, as many pages down as it takes
        sheet.repeat_rows(1, 2)
        sheet.repeat_columns(0)
        sheet.set_footer(f"&L{made}&R第 &P 页，共 &N 页")

    return workbook_bytes(write)


HEADING = re.compile(r"^[一二三四五六七八九十]+、")
SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")


def work_report_docx(report: ReportText) -> bytes:
    return docx_from_text(report.title, report.body())


SIGNED_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


def docx_from_text(title: str, text: str) -> bytes:
    """A report as an official Word document (GB/T 9704-2012): A4, margins 37/35/28/26 mm,
    小标宋 title in 二号, 黑体 headings (一、), 楷体 sub-headings (（一）), 仿宋 body in 三号,
    first lines indented two characters, 28-point line spacing, the page number "— 1 —" in
    四号 at the foot, and the 落款 (the org, then the date, as the text's last two lines end
    with) set to the right. ``text`` has a paragraph per line, as the draft editor keeps it."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    page = doc.sections[0]
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.top_margin, page.bottom_margin = Mm(37), Mm(35)
    page.left_margin, page.right_margin = Mm(28), Mm(26)

    def styled(paragraph, font: str, size: float, bold: bool = False):
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.name = font
            run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        paragraph.paragraph_format.line_spacing = Pt(28)
        return paragraph

    # The page number as a field Word fills in: "— 1 —", centred.
    foot = page.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run("— ")
    number = OxmlElement("w:fldSimple")
    number.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    run.append(placeholder)
    number.append(run)
    foot._p.append(number)
    foot.add_run(" —")
    styled(foot, "宋体", 14)

    head = doc.add_paragraph(title)
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styled(head, "方正小标宋简体", 22)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    signed = 2 if len(lines) >= 2 and SIGNED_DATE.match(lines[-1]) else 0
    for n, line in enumerate(lines):
        p = doc.add_paragraph(line)
        if n >= len(lines) - signed:
            # 落款: the org over the date, on the right, the date four characters in.
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Pt(16 * (4 if n == len(lines) - 1 else 2))
            if n == len(lines) - signed:
                p.paragraph_format.space_before = Pt(28)
            styled(p, "仿宋_GB2312", 16)
            continue
        p.paragraph_format.first_line_indent = Pt(32)
        if HEADING.match(line):
            styled(p, "黑体", 16)
        elif SUBHEADING.match(line):
            styled(p, "楷体_GB2312", 16)
        else:
            styled(p, "仿宋_GB2312", 16)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def figure_records_xlsx(indicator, org, start, end, rows) -> bytes:
    """The records behind one figure as a workbook: the drill-down list with every row (not
    a page), each record's value where the figure sums one, and the total, which is the figure.
    Written in constant memory (``core.exports.large_workbook``): a county's members fit."""
    import io

    from gonghui.core.exports import large_workbook, styles
    from gonghui.reports.selectors import record_value

    sums = record_value(indicator) is not None
    out = io.BytesIO()
    with large_workbook(out) as book:
        s = styles(book)
        sheet = book.add_worksheet("明细")
        title = f"{indicator.name}（{org.name}，{start:%Y年%m月%d日}至{end:%Y年%m月%d日}）"
        sheet.write_string(0, 0, title, s["title"])
        headers = ["序号", "记录", "组织", "日期"] + ([f"数值（{indicator.unit}）"] if sums else [])
        for col, header in enumerate(headers):
            sheet.write_string(2, col, header, s["head"])
        sheet.set_column(0, 0, 6)
        sheet.set_column(1, 2, 30)
        sheet.set_column(3, 4, 14)
        total, r = 0, 2
        for n, (label, _url, where, day, value) in enumerate(rows, start=1):
            r = n + 2
            sheet.write_number(r, 0, n, s["cell"])
            sheet.write_string(r, 1, label, s["cell"])
            sheet.write_string(r, 2, where, s["cell"])
            sheet.write_string(r, 3, day.isoformat() if day else "", s["cell"])
            if sums:
                sheet.write_number(r, 4, float(value or 0), s["money"])
                total += value or 0
        sheet.write_string(r + 1, 0, "合计", s["bold"])
        sheet.write_string(r + 1, 1, f"{r - 2}条", s["bold"])
        if sums:
            sheet.write_number(r + 1, 4, float(total), s["bold_money"])
        book.close()
    return out.getvalue()
