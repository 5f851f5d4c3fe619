from django.utils.translation import gettext as _

from gonghui.core.imports.spec import (
    CellError,
    CellMemo,
    Column,
    ImportSpec,
    Problem,
    Row,
    read_date,
    read_text,
)
from gonghui.orgs.imports import OrgResolver

COLUMNS = (
    Column("org", "组织", True, ("组织名称", "工会"), width=28),
    Column("title", "活动名称", True, ("名称",), example="职工气排球赛", width=24),
    Column("held_on", "举办日期", True, ("日期",), example="2026-05-01"),
    Column("participants", "参加人次", True, ("人次",), example="120"),
)
COL = {c.key: c for c in COLUMNS}


class EventListSpec(ImportSpec):
    kind = "sports"
    title = "职工文体活动"
    columns = COLUMNS
    permission = "example_area.add_sportsevent"

    def begin(self, ctx) -> None:
        self.orgs = OrgResolver(ctx.org)
        self.memo = CellMemo()
        ctx.cursor.execute("DROP TABLE IF EXISTS sports_stage")
        ctx.cursor.execute(
            "CREATE TEMP TABLE sports_stage (row_no integer, org_id bigint, title text, "
            "held_on date, participants integer) ON COMMIT DROP"
        )

    def stage_sql(self, ctx) -> str:
        return "COPY sports_stage (row_no, org_id, title, held_on, participants) FROM STDIN"

    def parse(self, ctx, row: Row):
        values = {}
        for key, reader in (
            ("org", lambda: self.orgs.resolve(read_text(row, COL["org"]))),
            ("title", lambda: read_text(row, COL["title"])),
            ("held_on", lambda: read_date(row, COL["held_on"])),
            ("participants", lambda: _positive(row)),
        ):
            try:
                values[key] = reader()
            except CellError as exc:
                row.error(COL[key], str(exc))
        if not row.errors and not values["title"]:
            row.error(COL["title"], _("The title is empty."))
        if not row.errors and values["held_on"] is None:
            row.error(COL["held_on"], _("The start date is empty."))
        if row.errors:
            return None
        return (
            row.number,
            values["org"].pk,
            values["title"],
            values["held_on"],
            values["participants"],
        )

    def check(self, ctx) -> list[Problem]:
        return []

    def write(self, ctx, skip_rows: set[int]) -> tuple[int, int]:
        ctx.cursor.execute(
            "INSERT INTO example_area_sportsevent (org_id, title, held_on, participants, "
            "created_at) SELECT org_id, title, held_on, participants, now() FROM sports_stage "
            "WHERE NOT (row_no = ANY(%s))",
            [sorted(skip_rows)],
        )
        return ctx.cursor.rowcount, 0


def _positive(row: Row) -> int:
    raw = str(row.cells.get("participants") or "").strip()
    if not raw.isdigit() or int(raw) <= 0:
        raise CellError(_("A count is a whole number, not below zero."))
    return int(raw)
