"""The files of the assistance back office: a campaign's figures and its public notice list."""

from __future__ import annotations

from gonghui.core.exports import Notice, workbook_bytes
from gonghui.core.exports import notice_xlsx as core_notice_xlsx


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
    """The campaign's public notice (公示) as the office prints it (``core.exports.notice_xlsx``),
    names and ID numbers masked as on the page."""
    rows = notice.rows
    return core_notice_xlsx(
        Notice(
            title=notice.title,
            headers=["所在工会", "姓名", "身份证号", "学生", "学历层次", "困难类别"],
            rows=[
                {
                    "cells": [
                        r["org"],
                        r["name"],
                        r["id_number"],
                        r["student"],
                        str(r["school_level"]),
                        str(r["category"]),
                    ],
                    "starts_on": r["noticed_on"],
                    "ends_on": r["notice_ends_on"],
                }
                for r in rows
            ],
            count_word="人",
            contact=notice.contact,
            signed_by=notice.signed_by,
            signed_on=notice.signed_on,
            amount_header="金额(元)",
            amounts=[r["amount"] for r in rows],
        )
    )
