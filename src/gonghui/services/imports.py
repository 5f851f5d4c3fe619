"""The partner's monthly list of an offer's use (普惠服务使用明细): one row per offer and month,
with how many times members used it and what they saved. Counts only: which member bought what
is the partner's record, not the union's (PIPL: no more personal data than the purpose needs).

Offers are named by their code among the import's org's subtree. A month already counted for
an offer is a conflict, not counted twice; a correction is an edit of that month's row. Each row
is written through ``services.offer_use_record``."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from gonghui.core.imports.spec import (
    CellError,
    Column,
    ImportSpec,
    Problem,
    Row,
    read_money,
    read_month,
    read_text,
)
from gonghui.services import services
from gonghui.services.models import MemberOffer

COLUMNS = (
    Column("code", "项目编号", required=True, aliases=("普惠项目编号", "编号"), example="PH-001"),
    Column("title", "项目名称", aliases=("普惠项目", "项目"), example="职工观影优惠", width=20),
    Column("month", "月份", required=True, aliases=("使用月份", "所属月份"), example="2026-05"),
    Column(
        "person_times",
        "使用人次",
        required=True,
        aliases=("人次", "服务人次", "使用次数"),
        example="320",
    ),
    Column("value", "优惠金额", aliases=("优惠金额（元）", "让利金额", "节省金额"), example="6400"),
)
COL = {c.key: c for c in COLUMNS}
STAGE_COLUMNS = ("row_no", "offer_id", "month", "person_times", "value")
# More uses of one offer in a month than this is a typing error.
MOST_USES = 10_000_000


class OfferUseSpec(ImportSpec):
    kind = "offer_uses"
    title = "普惠服务使用明细"
    columns = COLUMNS
    permission = "services.add_offeruse"
    written_tables = ("services_offeruse",)

    def begin(self, ctx) -> None:
        # A code names one offer of the subtree; the same code in two of its unions is named
        # as ambiguous rather than guessed.
        self.offers: dict[str, list[MemberOffer]] = {}
        for o in MemberOffer.objects.filter(org__path__startswith=ctx.org.path):
            self.offers.setdefault(o.code, []).append(o)
        ctx.cursor.execute("DROP TABLE IF EXISTS offer_use_stage")
        ctx.cursor.execute(
            "CREATE TEMP TABLE offer_use_stage (row_no integer, offer_id bigint, month date, "
            "person_times integer, value numeric) ON COMMIT DROP"
        )

    def stage_sql(self, ctx) -> str:
        return f"COPY offer_use_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN"

    def parse(self, ctx, row: Row) -> tuple | None:
        try:
            code = read_text(row, COL["code"], max_length=20).upper().replace(" ", "")
        except CellError as exc:
            row.error(COL["code"], str(exc))
            return None
        found = self.offers.get(code, [])
        own = [o for o in found if o.org_id == ctx.org.pk]
        found = own or found  # the union's own offer before a same code further down
        if len(found) != 1:
            said = (
                _("No offer of this organisation has the code “%(code)s”.")
                if not found
                else _(
                    "Several unions' offers have the code “%(code)s”: import at the union's "
                    "own level."
                )
            )
            row.error(COL["code"], said % {"code": code})
            return None
        offer = found[0]
        try:
            month = read_month(row, COL["month"])
        except CellError as exc:
            row.error(COL["month"], str(exc))
            return None
        try:
            uses = read_money(row, COL["person_times"])
        except CellError as exc:
            row.error(COL["person_times"], str(exc))
            return None
        if uses != uses.to_integral_value() or not 1 <= uses <= MOST_USES:
            row.error(COL["person_times"], _("Enter how many times members used it."))
            return None
        try:
            value = read_money(row, COL["value"])  # empty: nothing saved, a free service
        except CellError as exc:
            row.error(COL["value"], str(exc))
            return None
        problem = services.use_problem(offer, month, int(uses), value)
        if problem:
            row.error(COL["month"], problem)
            return None
        return (row.number, offer.pk, month, int(uses), value)

    def check(self, ctx) -> list[Problem]:
        cur = ctx.cursor
        problems = []
        cur.execute(
            "SELECT s.row_no, min(t.row_no) FROM offer_use_stage s JOIN offer_use_stage t "
            "ON t.offer_id = s.offer_id AND t.month = s.month AND t.row_no < s.row_no "
            "GROUP BY s.row_no"
        )
        for row_no, first in cur.fetchall():
            problems.append(
                Problem(row_no, "", _("Same offer and month as row %(row)d.") % {"row": first})
            )
        cur.execute(
            "SELECT s.row_no FROM offer_use_stage s JOIN services_offeruse u "
            "ON u.offer_id = s.offer_id AND u.month = s.month"
        )
        for (row_no,) in cur.fetchall():
            problems.append(
                Problem(row_no, "", _("This month's use is already recorded."), Problem.CONFLICT)
            )
        return problems

    def write(self, ctx, skip_rows: set[int]) -> tuple[int, int]:
        ctx.cursor.execute(
            "SELECT row_no, offer_id, month, person_times, value FROM offer_use_stage "
            "WHERE NOT (row_no = ANY(%s)) ORDER BY row_no",
            [sorted(skip_rows)],
        )
        staged = ctx.cursor.fetchall()
        offers = MemberOffer.objects.select_related("org").in_bulk([r[1] for r in staged])
        for _row, offer_id, month, person_times, value in staged:
            services.offer_use_record(
                actor=ctx.actor,
                member_offer=offers[offer_id],
                month=month,
                person_times=person_times,
                value=Decimal(value),
            )
        return len(staged), 0

    def template_rows(self) -> list[list[str]]:
        return [
            [c.example for c in self.columns],
            ["PH-002", "职工体检优惠", "2026年5月", "45", "2250"],
        ]
