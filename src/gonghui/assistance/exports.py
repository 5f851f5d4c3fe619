"""The files of the assistance back office: a campaign's figures and its public notice list."""

from __future__ import annotations

from gonghui.core.exports import workbook_bytes


def campaign_dashboard_xlsx(board) -> bytes:
    """The campaign's figures by org and by hardship category (``selectors.campaign_board``)."""
    titles = (
        "组织",
        "已批准及已发放(元)",
        "已发放(元)",
        "审核中(元)",
        "受助人数",
        "集体慰问人数",
        "集体慰问金额(元)",
    )

    def write(book, st):
        for sheet_name, rows in (
            ("按组织", [board.total, *board.by_org]),
            ("按困难类别", board.by_category),
        ):
            sheet = book.add_worksheet(sheet_name)
            for i, t in enumerate(titles):
                sheet.write_string(0, i, t, st["head"])
            sheet.set_column(0, 0, 30)
            sheet.set_column(1, 6, 16)
            for r, f in enumerate(rows, start=1):
                sheet.write_string(r, 0, f.label, st["cell"])
                sheet.write_number(r, 1, float(f.committed), st["money"])
                sheet.write_number(r, 2, float(f.paid), st["money"])
                sheet.write_number(r, 3, float(f.pending), st["money"])
                sheet.write_number(r, 4, f.people, st["cell"])
                sheet.write_number(r, 5, f.relief_people, st["cell"])
                sheet.write_number(r, 6, float(f.relief_amount), st["money"])

    return workbook_bytes(write)


def notice_xlsx(notice) -> bytes:
    """The public notice (公示) as it is posted: title, period, the list (names and ID numbers
    masked as on the page), 合计, where objections go, and the 落款; A4 landscape, fitted to
    the page's width, the header row repeated on every page."""
    headers = ("序号", "所在工会", "姓名", "身份证号", "学生", "学历层次", "困难类别", "金额(元)")
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
            values = (
                str(r - 2),
                row["org"],
                row["name"],
                row["id_number"],
                row["student"],
                str(row["school_level"]),
                str(row["category"]),
            )
            for i, v in enumerate(values):
                sheet.write_string(r, i, v)
            sheet.write_number(r, last, float(row["amount"]), st["money"])
        r += 1
        sheet.write_string(r, 0, "合计", st["head"])
        sheet.write_string(r, 2, f"{len(notice.rows)}人")
        sheet.write_number(r, last, float(notice.total), st["money"])
        sheet.merge_range(r + 2, 0, r + 2, last, f"公示期间如有异议，请向{notice.objections}反映。")
        sheet.merge_range(r + 4, 0, r + 4, last, notice.signed_by, right)
        day = notice.signed_on
        sheet.merge_range(r + 5, 0, r + 5, last, f"{day.year}年{day.month}月{day.day}日", right)
        sheet.set_column(1, 1, 30)
        sheet.set_column(3, 3, 22)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(2)

    return workbook_bytes(write)
