"""The register of collective contracts (集体合同台账) as the office prints and files it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from gonghui.core.exports import workbook_bytes

HEADERS = (
    "序号",
    "合同名称",
    "签约工会",
    "签订范围",
    "合同类型",
    "覆盖单位",
    "覆盖职工（人）",
    "其中女职工（人）",
    "审议通过",
    "签订日期",
    "报送审查日期",
    "生效日期",
    "到期日期",
    "状态",
)


def _day(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def contract_register_xlsx(contracts, today: datetime.date | None = None) -> bytes:
    """One row per contract, in the order given: its parties, coverage, the vote and the
    dates of its steps, and where it stands (an expired one says 已到期); A4 landscape, the
    header repeated on every page, a total of the workers covered."""
    today = today or timezone.localdate()
    rows = list(contracts.select_related("org").prefetch_related("employers"))

    def write(book, st):
        sheet = book.add_worksheet("集体合同台账")
        last = len(HEADERS) - 1
        sheet.merge_range(0, 0, 0, last, f"集体合同台账（{_day(today)}）", st["title"])
        for i, header in enumerate(HEADERS):
            sheet.write_string(1, i, header, st["head"])
        r = 1
        for r, c in enumerate(rows, start=2):
            vote = (
                f"{c.get_assembly_display()}：共{c.eligible}人，到会{c.present}人，"
                f"赞成{c.in_favour}票"
                if c.approved_on
                else ""
            )
            cells = [
                str(r - 1),
                c.title,
                c.org.name,
                str(c.get_reach_display()),
                str(c.get_subject_display()),
                "、".join(e.name for e in c.employers.all()),
            ]
            for i, value in enumerate(cells):
                sheet.write_string(r, i, value, st["cell"])
            sheet.write_number(r, 6, c.workers_covered, st["cell"])
            sheet.write_number(r, 7, c.women_covered, st["cell"])
            for i, value in enumerate(
                [
                    vote,
                    _day(c.signed_on),
                    _day(c.filed_on),
                    _day(c.effective_from),
                    _day(c.expires_on),
                    c.status_text(today),
                ],
                start=8,
            ):
                sheet.write_string(r, i, value, st["cell"])
        r += 1
        sheet.write_string(r, 0, "合计", st["bold"])
        sheet.write_string(r, 1, f"{len(rows)}份", st["bold"])
        sheet.write_number(r, 6, sum(c.workers_covered for c in rows), st["bold"])
        sheet.write_number(r, 7, sum(c.women_covered for c in rows), st["bold"])
        sheet.set_column(0, 0, 6)
        sheet.set_column(1, 2, 30)
        sheet.set_column(3, 4, 12)
        sheet.set_column(5, 5, 36)
        sheet.set_column(6, 7, 10)
        sheet.set_column(8, 8, 30)
        sheet.set_column(9, last, 12)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(1)

    return workbook_bytes(write)


CASE_HEADERS = (
    "序号",
    "案号",
    "调解工作室",
    "受理日期",
    "受理渠道",
    "争议类型",
    "职工",
    "涉及人数",
    "用人单位",
    "请求金额（元）",
    "调解员",
    "结案日期",
    "办理结果",
    "挽回经济损失（元）",
)


def case_register_xlsx(cases, today: datetime.date | None = None) -> bytes:
    """The mediation register (劳动争议调解台账), one row per case in the order given: the
    intake, the mediator, the outcome and the money recovered, with totals. The worker's name
    is masked and the claim and phone are left out: the register is for counting and filing,
    the case's page is where a mediator reads them (logged)."""
    from gonghui.core.idnumbers import masked_name
    from gonghui.rights.models import SETTLED_STATUSES

    today = today or timezone.localdate()
    rows = list(cases.select_related("room", "employer", "mediator"))

    def write(book, st):
        sheet = book.add_worksheet("劳动争议调解台账")
        last = len(CASE_HEADERS) - 1
        sheet.merge_range(0, 0, 0, last, f"劳动争议调解台账（{_day(today)}）", st["title"])
        for i, header in enumerate(CASE_HEADERS):
            sheet.write_string(1, i, header, st["head"])
        r = 1
        for r, c in enumerate(rows, start=2):
            outcome = str(c.get_status_display())
            if c.referred_to:
                outcome += f"（{c.get_referred_to_display()}）"
            cells = [
                str(r - 1),
                c.number,
                c.room.name,
                _day(c.received_on),
                str(c.get_channel_display()),
                str(c.get_dispute_type_display()),
                masked_name(c.worker_name),
            ]
            for i, value in enumerate(cells):
                sheet.write_string(r, i, value, st["cell"])
            sheet.write_number(r, 7, c.workers_involved, st["cell"])
            sheet.write_string(r, 8, c.employer_text, st["cell"])
            if c.amount_claimed is not None:
                sheet.write_number(r, 9, float(c.amount_claimed), st["cell"])
            else:
                sheet.write_blank(r, 9, None, st["cell"])
            for i, value in enumerate(
                [c.mediator.name if c.mediator else "", _day(c.closed_on), outcome], start=10
            ):
                sheet.write_string(r, i, value, st["cell"])
            sheet.write_number(r, 13, float(c.amount_recovered), st["cell"])
        r += 1
        settled = sum(1 for c in rows if c.status in SETTLED_STATUSES)
        sheet.write_string(r, 0, "合计", st["bold"])
        sheet.write_string(r, 1, f"{len(rows)}件，调解成功{settled}件", st["bold"])
        sheet.write_number(r, 7, sum(c.workers_involved for c in rows), st["bold"])
        sheet.write_number(r, 13, float(sum(c.amount_recovered for c in rows)), st["bold"])
        sheet.set_column(0, 0, 6)
        sheet.set_column(1, 2, 24)
        sheet.set_column(3, 7, 11)
        sheet.set_column(8, 8, 28)
        sheet.set_column(9, last, 13)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(1)

    return workbook_bytes(write)
