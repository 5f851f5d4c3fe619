"""The funds area's lists as the office prints and files them: the employers in arrears (欠缴
工会经费单位清单) and the balances of the accounts (科目余额表)."""

from __future__ import annotations

from decimal import Decimal

from gonghui.core.exports import workbook_bytes

ARREARS_HEADERS = ("序号", "单位名称", "统一社会信用代码", "属地工会", "欠缴月数", "欠缴金额(元)")
BALANCE_HEADERS = ("科目", "借方发生额(元)", "贷方发生额(元)", "余额(元，借方为正)")


def arrears_xlsx(rows: list[dict], title: str) -> bytes:
    """One row per employer behind, the largest sum first, and the total."""

    def write(book, st):
        sheet = book.add_worksheet("欠缴单位清单")
        sheet.merge_range(0, 0, 0, len(ARREARS_HEADERS) - 1, title, st["title"])
        for i, header in enumerate(ARREARS_HEADERS):
            sheet.write_string(1, i, header, st["head"])
        r = 1
        for r, row in enumerate(rows, start=2):
            sheet.write_string(r, 0, str(r - 1), st["cell"])
            sheet.write_string(r, 1, row["employer__name"], st["cell"])
            sheet.write_string(r, 2, row["employer__uscc"] or "", st["cell"])
            sheet.write_string(r, 3, row["org__name"], st["cell"])
            sheet.write_number(r, 4, row["months"], st["cell"])
            sheet.write_number(r, 5, float(row["outstanding"]), st["money"])
        total = sum((row["outstanding"] for row in rows), Decimal(0))
        sheet.write_string(r + 1, 1, "合计", st["bold"])
        sheet.write_number(r + 1, 4, sum(row["months"] for row in rows), st["bold"])
        sheet.write_number(r + 1, 5, float(total), st["bold_money"])
        sheet.set_column(0, 0, 6)
        sheet.set_column(1, 1, 36)
        sheet.set_column(2, 2, 22)
        sheet.set_column(3, 3, 20)
        sheet.set_column(4, 5, 14)
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(1)

    return workbook_bytes(write)


def balances_xlsx(rows: list[dict], title: str) -> bytes:
    def write(book, st):
        sheet = book.add_worksheet("科目余额表")
        sheet.merge_range(0, 0, 0, len(BALANCE_HEADERS) - 1, title, st["title"])
        for i, header in enumerate(BALANCE_HEADERS):
            sheet.write_string(1, i, header, st["head"])
        for r, row in enumerate(rows, start=2):
            sheet.write_string(r, 0, str(row["label"]), st["cell"])
            sheet.write_number(r, 1, float(row["debit"]), st["money"])
            sheet.write_number(r, 2, float(row["credit"]), st["money"])
            sheet.write_number(r, 3, float(row["balance"]), st["money"])
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 3, 18)
        sheet.set_paper(9)

    return workbook_bytes(write)
