"""The enrolment roster (互助保障参保名单): one union's members for one period, each with the
plans they join, checked row by row with the rules of ``services.enrollment_refusals`` and
written as one enrolment batch by ``services.enrollment_batch_create``."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from gonghui.core import idnumbers
from gonghui.core.errors import DomainError
from gonghui.core.imports.engine import Mode
from gonghui.core.imports.spec import (
    CellError,
    Column,
    ImportSpec,
    Problem,
    Row,
    read_name,
    read_text,
)
from gonghui.members.imports import PersonResolver
from gonghui.mutualaid import services
from gonghui.mutualaid.models import AidEnrollmentBatch, AidPlan, PlanKind, UnitType

C = Column
COLUMNS = (
    C("name", "姓名", True, ("职工姓名", "参保人姓名", "参保人"), example="李春梅", width=10),
    C(
        "id_number",
        "身份证号",
        True,
        ("身份证", "身份证号码", "公民身份号码", "证件号码", "参保人身份证号"),
        example="530524199203150029",
        width=22,
    ),
    C(
        "plans",
        "参保项目",
        True,
        ("项目", "参保险种", "保障项目", "互助项目"),
        example="职工住院医疗互助保障、职工重大疾病互助保障",
        width=40,
        hint="可填多个项目，用顿号分隔；填项目全称或“住院医疗”“重大疾病”等类别。",
    ),
    C("note", "备注", width=20),
)
COL = {c.key: c for c in COLUMNS}
UNIT_TYPES = {
    UnitType.PUBLIC: ("机关事业单位", "机关", "事业单位", "国有企业", "国企", "public"),
    UnitType.PRIVATE: ("其他企业", "企业", "民营企业", "非公企业", "private"),
}
SPLIT = re.compile(r"[、,，/;；\s]+")


def _unit_type(text) -> str:
    text = str(text or "").strip()
    for value, words in UNIT_TYPES.items():
        if text == value or text in words:
            return value
    raise DomainError(
        _("Unit type “%(v)s”: say 机关事业单位 (or 国有企业) or 其他企业.") % {"v": text}
    )


class EnrollmentRosterSpec(ImportSpec):
    kind = "mutualaid"
    title = "互助保障参保名单"
    columns = COLUMNS
    permission = "mutualaid.add_aidenrollmentbatch"
    parse_queries_database = True  # each row's member

    cli_options = {
        "year": "参保年度（保障期自该年1月1日起），如 2026",
        "staff": "本单位职工总数（参保人数不少于其60%，10人以下须全员参保）",
        "unit_type": "单位类型：机关事业单位、国有企业 或 其他企业（决定每人缴费标准）",
    }

    def upload_fields(self, actor) -> dict:
        from django import forms
        from django.utils import timezone

        today = timezone.localdate()
        return {
            "year": forms.IntegerField(
                label=_("Cover year"), min_value=2000, max_value=today.year + 1, initial=today.year
            ),
            "staff": forms.IntegerField(label=_("Staff of the unit"), min_value=1),
            "unit_type": forms.ChoiceField(label=_("Unit type"), choices=UnitType.choices),
        }

    def begin(self, ctx) -> None:
        try:
            year = int(str(ctx.options.get("year") or "").strip())
            staff = int(str(ctx.options.get("staff") or "").strip())
        except ValueError:
            raise DomainError(
                _("Give the cover year (--year 2026) and the unit's staff (--staff 120).")
            ) from None
        self.period_start = datetime.date(year, 1, 1) if 2000 <= year <= 2100 else None
        if self.period_start is None:
            raise DomainError(_("The cover year is impossible."))
        self.staff = staff
        self.unit_type = _unit_type(ctx.options.get("unit_type"))
        services.enrollment_batch_check(ctx.org, self.period_start, self.unit_type, staff)
        if AidEnrollmentBatch.objects.filter(org=ctx.org, period_start=self.period_start).exists():
            raise DomainError(
                _("%(org)s already has an enrolment batch for %(year)d: withdraw it first.")
                % {"org": ctx.org.name, "year": year}
            )
        self.people = PersonResolver(ctx.org)
        plans = list(
            AidPlan.objects.filter(
                org__path__in=[*ctx.org.ancestor_paths(), ctx.org.path], is_open=True
            ).select_related("org")
        )
        self.plans = {p.pk: p for p in plans}
        self.by_word: dict[str, AidPlan | None] = {}
        for plan in plans:
            for word in (plan.name, PlanKind(plan.kind).label, services.KIND_WORDS[plan.kind]):
                # A kind's word names a plan only when one plan of that kind is open.
                other = self.by_word.get(word, plan)
                self.by_word[word] = plan if other == plan or word == plan.name else None
        ctx.cursor.execute("DROP TABLE IF EXISTS aid_roster_stage")
        ctx.cursor.execute(
            "CREATE TEMP TABLE aid_roster_stage (row_no integer, person_id bigint, plan_ids text)"
            " ON COMMIT DROP"
        )

    def stage_sql(self, ctx) -> str:
        return "COPY aid_roster_stage (row_no, person_id, plan_ids) FROM STDIN"

    def parse(self, ctx, row: Row) -> tuple | None:
        name = read_name(row, COL["name"])
        try:
            number = idnumbers.normalize(row.cells.get("id_number"), today=ctx.today)
        except idnumbers.IdNumberError as exc:
            row.error(COL["id_number"], str(exc))
            return None
        for what in number.repairs:
            row.repaired(COL["id_number"], what)
        words = [w for w in SPLIT.split(read_text(row, COL["plans"])) if w]
        if not words:
            row.error(COL["plans"], _("Name the plans the member joins."))
            return None
        plan_ids = []
        for word in words:
            plan = self.by_word.get(word)
            if plan is None and word in self.by_word:
                row.error(
                    COL["plans"],
                    _("“%(w)s” names more than one open plan: give the plan's full name.")
                    % {"w": word},
                )
                return None
            if plan is None:
                row.error(
                    COL["plans"],
                    _("No open plan “%(w)s” for this union (open: %(open)s).")
                    % {"w": word, "open": "、".join(p.name for p in self.plans.values()) or "无"},
                )
                return None
            plan_ids.append(str(plan.pk))
        try:
            person = self.people.resolve(number.value, name)
        except CellError as exc:
            row.error(COL["id_number"], str(exc))
            return None
        return (row.number, person.pk, ",".join(plan_ids))

    def _choices(self, ctx, skip_rows=frozenset()) -> tuple[list, list[int]]:
        ctx.cursor.execute(
            "SELECT row_no, person_id, plan_ids FROM aid_roster_stage ORDER BY row_no"
        )
        choices, rows = [], []
        for row_no, person_id, plan_ids in ctx.cursor.fetchall():
            if row_no in skip_rows:
                continue
            for pk in plan_ids.split(","):
                choices.append((person_id, self.plans[int(pk)]))
                rows.append(row_no)
        return choices, rows

    def check(self, ctx) -> list[Problem]:
        # In the partial mode a row with a problem is left out whole and the rest written:
        # the participation rule is then judged on who is left, again until nothing changes,
        # so the write never meets a refusal the check did not report.
        problems: dict[tuple[int, str], Problem] = {}
        skipped: set[int] = set()
        while True:
            choices, rows = self._choices(ctx, skipped)
            refused = services.enrollment_refusals(
                org=ctx.org, period_start=self.period_start, staff_count=self.staff, choices=choices
            )
            for i, message in refused:
                problems.setdefault(
                    (rows[i], message), Problem(rows[i], COL["plans"].header, message)
                )
            newly = {rows[i] for i, _m in refused} - skipped
            if not newly or ctx.mode != Mode.PARTIAL:
                return list(problems.values())
            skipped |= newly

    def write(self, ctx, skip_rows: set[int]) -> tuple[int, int]:
        choices, rows = self._choices(ctx, skip_rows)
        if not choices:
            return 0, 0
        services.enrollment_batch_create(
            actor=ctx.actor,
            org=ctx.org,
            period_start=self.period_start,
            unit_type=self.unit_type,
            staff_count=self.staff,
            choices=choices,
        )
        return len(set(rows)), 0
