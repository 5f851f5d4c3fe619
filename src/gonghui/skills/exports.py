"""The results list of competitions (竞赛成绩名单) as the office prints and files it."""

from __future__ import annotations

from gonghui.core.exports import workbook_bytes

HEADERS = (
    "序号",
    "竞赛名称",
    "级别",
    "选手（队）",
    "所在工会",
    "人数",
    "进入决赛",
    "成绩",
    "获得称号",
    "选派自",
)


def results_xlsx(entries, title: str) -> bytes:
    """One row per entrant, in the order given, with what they won and where they were sent
    on from; A4 landscape, the header repeated on every page."""
    from gonghui.skills.selectors import result_text

    rows = list(entries)

    def write(book, st):
        sheet = book.add_worksheet("竞赛成绩名单")
        last = len(HEADERS) - 1
        sheet.merge_range(0, 0, 0, last, title, st["title"])
        for i, header in enumerate(HEADERS):
            sheet.write_string(1, i, header, st["head"])
        for r, e in enumerate(rows, start=2):
            cells = [
                str(r - 1),
                e.competition.name,
                str(e.competition.get_level_display()),
                e.name,
                e.org.name,
                str(e.team_size),
                "是" if e.reached_final else "",
                result_text(e),
                e.award.honor.name if e.award_id else "",
                e.advanced_from.competition.name if e.advanced_from_id else "",
            ]
            for i, value in enumerate(cells):
                sheet.write_string(r, i, value, st["cell"])
        sheet.set_column(0, 0, 6)
        sheet.set_column(1, 1, 34)
        sheet.set_column(2, 2, 8)
        sheet.set_column(3, 4, 24)
        sheet.set_column(5, 6, 8)
        sheet.set_column(7, 8, 16)
        sheet.set_column(9, 9, 30)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(1)

    return workbook_bytes(write)


ROSTER_HEADERS = (
    "序号",
    "培训项目",
    "期次",
    "培训日期",
    "姓名",
    "所在工会",
    "是否结业",
    "取得证书",
    "证书编号",
    "培训后就业",
)


def roster_xlsx(trainees, title: str) -> bytes:
    """The trainees' roster (培训学员花名册) as the office files it with the certificates: one
    row per trainee, in the order given; names and unions only, no ID numbers."""
    rows = list(trainees)

    def write(book, st):
        sheet = book.add_worksheet("培训学员名册")
        last = len(ROSTER_HEADERS) - 1
        sheet.merge_range(0, 0, 0, last, title, st["title"])
        for i, header in enumerate(ROSTER_HEADERS):
            sheet.write_string(1, i, header, st["head"])
        for r, t in enumerate(rows, start=2):
            s = t.session
            membership = t.person.latest_membership
            cells = [
                str(r - 1),
                s.course.name,
                f"第{s.number}期",
                f"{s.starts_on:%Y-%m-%d}至{s.ends_on:%Y-%m-%d}",
                t.name,
                membership.org.name if membership else "",
                "是" if t.completed else "否",
                str(t.get_certificate_display()) if t.certificate else "",
                t.certificate_no,
                "是" if t.found_job else "",
            ]
            for i, value in enumerate(cells):
                sheet.write_string(r, i, value, st["cell"])
        sheet.set_column(0, 0, 6)
        sheet.set_column(1, 1, 28)
        sheet.set_column(2, 2, 8)
        sheet.set_column(3, 3, 24)
        sheet.set_column(4, 4, 10)
        sheet.set_column(5, 5, 30)
        sheet.set_column(6, 6, 8)
        sheet.set_column(7, 8, 18)
        sheet.set_column(9, 9, 10)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(1)

    return workbook_bytes(write)
