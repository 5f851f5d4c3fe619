"""The work ledger import (工作台账): entries of any org beneath the import's, in the
template's columns; every check is done without the database, then one COPY and one INSERT."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from gonghui.core.figures import read_placings
from gonghui.core.imports.spec import (
    CellError,
    CellMemo,
    Column,
    ImportSpec,
    Problem,
    Row,
    read_bool,
    read_date,
    read_money,
    read_text,
)
from gonghui.core.workareas import WorkArea
from gonghui.ledger import entry_text
from gonghui.ledger.selectors import categories_offered
from gonghui.orgs.imports import OrgResolver, any_org

C = Column
COLUMNS = (
    C("org", "组织", True, ("组织名称", "单位", "工会", "工会名称", "组织代码"), width=28),
    C("area", "工作领域", True, ("领域", "工作类别"), example="宣传教育与文体活动", width=16),
    C("category", "类别", True, ("台账类别", "活动类别", "项目类别"), example="志愿服务", width=14),
    C("title", "标题", True, ("活动名称", "名称", "事项"), example="学雷锋志愿服务", width=28),
    C("starts_on", "开始日期", True, ("日期", "活动日期", "时间"), example="2026-03-05"),
    C("ends_on", "结束日期"),
    C("people", "人数", aliases=("参与人数", "受益人数")),
    C("person_times", "人次", aliases=("参与人次",)),
    C("households", "户数/家数", aliases=("户数", "家数", "单位数", "企业数")),
    C("sessions", "场次/期数", aliases=("场次", "期数", "次数")),
    C("items", "件数/份数", aliases=("件数", "份数")),
    C("cash", "资金(元)", aliases=("资金", "金额", "金额(元)", "投入资金(元)")),
    C("goods", "物资折价(元)", aliases=("物资折价", "物资(元)")),
    C("estimate", "是否约数", aliases=("约数", "数字为约数"), choices=("是", "否")),
    C(
        "approximation",
        "约数写法",
        aliases=("约数方式",),
        choices=("余", "以上", "近"),
        hint="约数时报告的写法：余（500余人次）、以上（5家以上）、近（近万人）；空白即“余”",
    ),
    C("subtype", "子类", aliases=("类型", "细类"), hint="类别下的细分，如“女职工专项集体合同”"),
    C(
        "extra",
        "其他数字",
        aliases=("其他数据", "成果"),
        hint="类别的其他数字，如“获奖：40”“帮助实现就业：56”，多项用“；”分隔",
        width=24,
    ),
    C(
        "placings",
        "名次",
        aliases=("获奖名次", "成绩"),
        hint="如“全省第一、全国第十八”“男子组第三名”",
    ),
    C("units", "计量单位", aliases=("单位词",), hint="与类别惯用单位不同时填写，如集体合同“家”"),
    C("note", "备注"),
)
COL = {c.key: c for c in COLUMNS}
COUNTS = ("people", "person_times", "households", "sessions", "items")
APPROXIMATIONS = {"": "", "余": "at_least", "以上": "or_more", "近": "nearly"}
STAGE_COLUMNS = (
    "row_no",
    "org_id",
    "category_id",
    "title",
    "starts_on",
    "ends_on",
    *COUNTS,
    "cash",
    "goods",
    "approximation",
    "subtype",
    "extra",
    "placings",
    "units",
    "note",
)
INSERT = (
    "INSERT INTO ledger_ledgerentry (org_id, category_id, title, starts_on, ends_on, people, "
    "person_times, households, sessions, items, cash_amount, goods_value, approximation, subtype, "
    "note, extra, placings, units, "
    "created_at) SELECT org_id, category_id, title, starts_on, ends_on, people, person_times, "
    "households, sessions, items, cash, goods, approximation, subtype, note, extra::jsonb, "
    "placings::jsonb, units::jsonb, now() FROM ledger_stage "
    "WHERE NOT (row_no = ANY(%s))"
)
DUPLICATES = (
    "SELECT row_no, first_row FROM (SELECT row_no, min(row_no) OVER (PARTITION BY org_id, "
    "category_id, title, starts_on) AS first_row FROM ledger_stage) t WHERE row_no <> first_row"
)


def _count(row: Row, column: Column) -> int:
    raw = row.cells.get(column.key)
    if raw in (None, ""):
        return 0
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": raw}) from None
    if value < 0 or value != value.to_integral_value():
        raise CellError(_("A count is a whole number, not below zero."))
    return int(value)


class LedgerSpec(ImportSpec):
    kind = "ledger"
    title = "工作台账"
    columns = COLUMNS
    permission = "ledger.add_ledgerentry"

    def begin(self, ctx) -> None:
        self.orgs = OrgResolver(ctx.org, accept=any_org)
        self.memo = CellMemo()
        self.areas = {str(label): code for code, label in WorkArea.choices}
        self.areas.update({code: code for code, _label in WorkArea.choices})
        self.categories = {}
        self.subtypes = {}
        self.category_rows = {}
        for c in categories_offered():
            self.category_rows[c.pk] = c
            self.categories[(c.work_area, c.name)] = c.pk
            self.categories[(c.work_area, c.code)] = c.pk
            for sub in c.subtypes:
                self.subtypes[(c.pk, sub["name"])] = sub["code"]
                self.subtypes[(c.pk, sub["code"])] = sub["code"]
        ctx.cursor.execute("DROP TABLE IF EXISTS ledger_stage")
        ctx.cursor.execute(
            "CREATE TEMP TABLE ledger_stage (row_no integer, org_id bigint, category_id bigint, "
            "title text, starts_on date, ends_on date, people integer, person_times integer, "
            "households integer, sessions integer, items integer, cash numeric(14,2), "
            "goods numeric(14,2), approximation text, subtype text, extra text, placings text, "
            "units text, note text) ON COMMIT DROP"
        )

    def stage_sql(self, ctx) -> str:
        return f"COPY ledger_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN"

    def parse(self, ctx, row: Row) -> tuple | None:
        values = {}
        for key, reader in (
            ("org", lambda: self.memo.read(row, COL["org"], self._org)),
            ("area", lambda: self.memo.read(row, COL["area"], self._area)),
            ("title", lambda: read_text(row, COL["title"])),
            ("starts_on", lambda: read_date(row, COL["starts_on"])),
            ("ends_on", lambda: read_date(row, COL["ends_on"])),
            *((k, (lambda k=k: _count(row, COL[k]))) for k in COUNTS),
            ("cash", lambda: read_money(row, COL["cash"])),
            ("goods", lambda: read_money(row, COL["goods"])),
            ("estimate", lambda: bool(read_bool(row, COL["estimate"]))),
            ("approximation", lambda: read_text(row, COL["approximation"])),
            ("subtype", lambda: read_text(row, COL["subtype"])),
            ("extra", lambda: read_text(row, COL["extra"])),
            ("placings", lambda: read_text(row, COL["placings"])),
            ("units", lambda: read_text(row, COL["units"])),
            ("note", lambda: read_text(row, COL["note"], max_length=500)),
        ):
            try:
                values[key] = reader()
            except CellError as exc:
                row.error(COL[key], str(exc))
        if row.errors:
            return None
        category = read_text(row, COL["category"])
        category_id = self.categories.get((values["area"], category))
        if category_id is None:
            row.error(
                COL["category"], _("No category “%(c)s” in this work area.") % {"c": category}
            )
        if not values["title"]:
            row.error(COL["title"], _("The title is empty."))
        if values["starts_on"] is None:
            row.error(COL["starts_on"], _("The start date is empty."))
        elif values["ends_on"] and values["ends_on"] < values["starts_on"]:
            row.error(COL["ends_on"], _("The end date is before the start date."))
        declared = {}
        category = self.category_rows.get(category_id)
        for key, read in (
            ("extra", lambda text: entry_text.read_extra(category, text)),
            ("placings", read_placings),
            ("units", lambda text: entry_text.read_units(category, text)),
        ):
            try:
                declared[key] = read(values[key]) if values[key] and category else read("")
            except ValueError as exc:
                row.error(COL[key], str(exc))
        if not any(values[k] for k in (*COUNTS, "cash", "goods")) and not any(
            declared.get("extra", {}).values()
        ):
            row.error(None, _("An entry records at least one figure: a count or an amount."))
        approximation = APPROXIMATIONS.get(values["approximation"])
        if approximation is None:
            row.error(COL["approximation"], _("Write 余, 以上 or 近, or leave it empty."))
        elif approximation == "" and values["estimate"]:
            approximation = "at_least"
        subtype = ""
        if values["subtype"] and category_id is not None:
            subtype = self.subtypes.get((category_id, values["subtype"]))
            if subtype is None:
                row.error(
                    COL["subtype"],
                    _("No sub-type “%(s)s” in this category.") % {"s": values["subtype"]},
                )
        if row.errors:
            return None
        return (
            row.number,
            values["org"].pk,
            category_id,
            values["title"],
            values["starts_on"],
            values["ends_on"],
            *(values[k] for k in COUNTS),
            values["cash"],
            values["goods"],
            approximation,
            subtype,
            json.dumps(declared["extra"], ensure_ascii=False),
            json.dumps(declared["placings"], ensure_ascii=False),
            json.dumps(declared["units"], ensure_ascii=False),
            values["note"],
        )

    def _org(self, row, column):
        text = read_text(row, column)
        if not text:
            raise CellError(_("Write the organisation's name or code."))
        return self.orgs.resolve(text)

    def _area(self, row, column):
        text = read_text(row, column)
        code = self.areas.get(text)
        if code is None:
            raise CellError(
                _("“%(value)s” is not one of: %(allowed)s.")
                % {
                    "value": text,
                    "allowed": "、".join(str(label) for _c, label in WorkArea.choices),
                }
            )
        return code

    def check(self, ctx) -> list[Problem]:
        ctx.cursor.execute(DUPLICATES)
        return [
            Problem(row_no, "", _("The same entry as row %(row)d.") % {"row": first})
            for row_no, first in ctx.cursor.fetchall()
        ]

    def write(self, ctx, skip_rows: set[int]) -> tuple[int, int]:
        from gonghui.core.events import record_event

        ctx.cursor.execute(INSERT, [sorted(skip_rows)])
        imported = ctx.cursor.rowcount
        record_event(
            actor=ctx.actor,
            action="ledgerentry.import",
            org=ctx.org,
            details={
                "imported": imported,
                "job": ctx.options.get("job_id"),
                "file": ctx.options.get("file_name", ""),
            },
        )
        return imported, 0
