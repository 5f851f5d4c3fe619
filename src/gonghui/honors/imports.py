"""The honour roll (历年劳模和荣誉名册) import: the honours of earlier years as the federation
keeps them in Excel, one honoured person or unit a row. A person is matched to a member of the
subtree by ID number; one who is not a member there is recorded by name and ID number (never
refused for it, never told about members elsewhere). Model workers join the register."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from gonghui.core import idnumbers
from gonghui.core.crypto import cipher
from gonghui.core.errors import DomainError
from gonghui.core.imports.spec import (
    CellError,
    CellMemo,
    Column,
    ImportSpec,
    Problem,
    Row,
    Vocabulary,
    read_choice,
    read_date,
    read_name,
    read_text,
)
from gonghui.honors.models import RECIPIENT_OF, Honor, HonorAward, HonorKind, Recipient
from gonghui.members.crypto import ID_PURPOSE
from gonghui.members.models import Membership, Person
from gonghui.orgs.imports import OrgResolver
from gonghui.orgs.models import Org

C = Column
KINDS = Vocabulary(
    {
        "model_worker": "劳动模范",
        "advanced_worker": "先进工作者",
        "may_day_medal": "五一劳动奖章",
        "may_day_award": "五一劳动奖状",
        "pioneer": "工人先锋号",
        "craftsman": "工匠",
        "technical_expert": "技术能手",
        "innovation_pacesetter": "创新标兵",
        "model_home": "模范职工之家",
        "model_small_home": "模范职工小家",
        "innovation_studio": "劳模创新工作室",
    },
    {
        "劳模": "model_worker",
        "先进": "advanced_worker",
        "奖章": "may_day_medal",
        "奖状": "may_day_award",
        "先锋号": "pioneer",
        "劳模（工匠）创新工作室": "innovation_studio",
        "工匠创新工作室": "innovation_studio",
        "创新工作室": "innovation_studio",
    },
)
LEVELS = Vocabulary(
    {"national": "全国", "provincial": "省部级", "city": "市级", "county": "县级"},
    {
        "国家级": "national",
        "省级": "provincial",
        "部级": "provincial",
        "市": "city",
        "县": "county",
    },
)
COLUMNS = (
    C(
        "name",
        "姓名或名称",
        True,
        ("姓名", "名称", "集体名称", "单位名称"),
        example="李春梅",
        width=16,
    ),
    C(
        "id_number",
        "身份证号",
        aliases=("身份证", "身份证号码", "公民身份号码", "证件号码"),
        example="530524199203150029",
        hint="个人必填，集体不填",
        width=22,
    ),
    C(
        "kind",
        "荣誉类别",
        True,
        ("类别", "荣誉", "荣誉称号类别"),
        example="劳动模范",
        width=14,
        choices=tuple(KINDS.labels.values()),
    ),
    C(
        "level",
        "级别",
        True,
        ("荣誉级别", "表彰级别"),
        example="市级",
        width=8,
        choices=tuple(LEVELS.labels.values()),
    ),
    C(
        "body",
        "授予机关",
        True,
        ("表彰机关", "授予单位", "表彰单位"),
        example="保山市人民政府",
        width=20,
    ),
    C(
        "title",
        "称号",
        aliases=("荣誉称号", "具体称号"),
        hint="工匠等以地方命名的称号，如保山工匠",
        width=14,
    ),
    C("year", "年度", True, ("表彰年度", "年份"), example="2020", width=8),
    C("conferred_on", "授予日期", aliases=("表彰日期", "日期"), example="2020-04-28", width=12),
    C("org", "所在工会", aliases=("工会", "所属工会"), hint="不填为导入单位", width=28),
    C("workplace", "工作单位及职务", aliases=("工作单位", "单位及职务", "单位职务"), width=28),
)
COL = {c.key: c for c in COLUMNS}
# The staging table's columns, in the COPY's order; a constant, so the statements built from it
# hold no input.
STAGE = (
    "row_no",
    "org_id",
    "kind",
    "level",
    "body",
    "title",
    "year",
    "conferred_on",
    "name",
    "person_id",
    "id_enc",
    "digest",
    "last4",
    "workplace",
)


class HonorRollSpec(ImportSpec):
    kind = "honors"
    title = "历年劳模和荣誉名册"
    columns = COLUMNS
    permission = "honors.add_honoraward"
    parse_queries_database = True
    written_tables = ("honors_honoraward", "honors_modelworker")

    def may_omit(self, ctx, column: Column) -> bool:
        return column.key == "org"

    def begin(self, ctx) -> None:
        if ctx.org.level > Org.Level.COUNTY:
            raise DomainError(
                _("The honour roll is imported by a federation (county level or above).")
            )
        self.orgs = OrgResolver(ctx.org)
        self.memo = CellMemo()
        self.cipher = cipher()
        self.this_year = ctx.today.year
        ctx.cursor.execute("DROP TABLE IF EXISTS honor_stage")
        ctx.cursor.execute(
            "CREATE TEMP TABLE honor_stage (row_no integer, org_id bigint, kind text, "
            "level text, body text, title text, year integer, conferred_on date, name text, "
            "person_id bigint, id_enc bytea, digest bytea, last4 text, workplace text) "
            "ON COMMIT DROP"
        )

    def stage_sql(self, ctx) -> str:
        return f"COPY honor_stage ({', '.join(STAGE)}) FROM STDIN"

    def parse(self, ctx, row: Row):
        values = {}
        for key, reader in (
            ("org", lambda: self.read_org(row, COL["org"], ctx)),
            ("kind", lambda: read_choice(row, COL["kind"], KINDS)),
            ("level", lambda: read_choice(row, COL["level"], LEVELS)),
            ("body", lambda: read_text(row, COL["body"], 100)),
            ("title", lambda: read_text(row, COL["title"], 60)),
            ("year", lambda: self._year(row)),
            ("conferred_on", lambda: read_date(row, COL["conferred_on"])),
            ("name", lambda: read_text(row, COL["name"], 100)),
            ("workplace", lambda: read_text(row, COL["workplace"], 120)),
        ):
            try:
                values[key] = reader()
            except CellError as exc:
                row.error(COL[key], str(exc))
        if row.errors:
            return None
        for key in ("kind", "level", "body", "name"):
            if not values[key]:
                row.error(COL[key], _("This cell is required."))
        if row.errors:
            return None
        if values["kind"] == HonorKind.CRAFTSMAN and not values["title"]:
            row.error(COL["title"], _("A craftsman title is named by its place: give the title."))
            return None
        day = values["conferred_on"] or datetime.date(values["year"], 4, 28)
        if day > ctx.today:
            row.error(COL["conferred_on"], _("The date of conferring is in the future."))
            return None
        if abs(day.year - values["year"]) > 1:
            row.error(COL["conferred_on"], _("The date of conferring is not in the honour's year."))
            return None
        person_id, enc, digest, last4 = None, None, None, ""
        raw_id = read_text(row, COL["id_number"], 25)
        if RECIPIENT_OF[values["kind"]] == Recipient.PERSON:
            if not raw_id:
                row.error(COL["id_number"], _("A person's honour needs the ID number."))
                return None
            try:
                number = idnumbers.normalize(raw_id).value
                name = read_name(row, COL["name"])
            except (idnumbers.IdNumberError, CellError) as exc:
                column = "id_number" if isinstance(exc, idnumbers.IdNumberError) else "name"
                row.error(COL[column], str(exc))
                return None
            values["name"] = name
            digest = self.cipher.digest(number, ID_PURPOSE)
            person = (
                Person.objects.filter(
                    id_number_digest=digest,
                    latest_membership__status__in=Membership.CURRENT,
                    latest_membership__org__path__startswith=values["org"].path,
                )
                .only("pk", "name")
                .first()
            )
            if person is not None and person.name != name:
                row.error(COL["name"], _("The name is not the one registered with this ID number."))
                return None
            if person is not None:
                person_id = person.pk
            else:
                enc = self.cipher.encrypt(number, ID_PURPOSE)
                last4 = number[-4:]
        elif raw_id:
            row.error(COL["id_number"], _("A unit's honour has no ID number."))
            return None
        return (
            row.number,
            values["org"].pk,
            values["kind"],
            values["level"],
            values["body"],
            values["title"],
            values["year"],
            day,
            values["name"],
            person_id,
            enc,
            digest,
            last4,
            values["workplace"],
        )

    def _year(self, row: Row) -> int:
        raw = read_text(row, COL["year"]).removesuffix("年")
        if not raw.isdigit() or not 1950 <= int(raw) <= self.this_year:
            raise CellError(_("The year is impossible."))
        return int(raw)

    def _honor_key(self, kind, level, body, title, year):
        return (kind, level, body, title, year)

    def check(self, ctx) -> list[Problem]:
        """The same honour twice in the file, or already recorded."""
        problems = []
        ctx.cursor.execute(f"SELECT {', '.join(STAGE)} FROM honor_stage ORDER BY row_no")  # noqa: S608
        seen: dict = {}
        honors = {
            self._honor_key(h.kind, h.level, h.conferring_body, h.title, h.year): h.pk
            for h in Honor.objects.filter(org=ctx.org)
        }
        for staged in ctx.cursor.fetchall():
            r = dict(zip(STAGE, staged, strict=True))
            who = bytes(r["digest"]) if r["digest"] is not None else r["name"]
            key = (r["kind"], r["level"], r["body"], r["title"], r["year"], who)
            if key in seen:
                problems.append(
                    Problem(
                        r["row_no"],
                        COL["name"].header,
                        _("The same honour is on row %(row)d already.") % {"row": seen[key]},
                    )
                )
                continue
            seen[key] = r["row_no"]
            honor = honors.get(key[:5])
            if honor is None:
                continue
            awards = HonorAward.objects.filter(honor_id=honor)
            held = (
                awards.filter(id_digest=r["digest"]).exists()
                if r["digest"] is not None
                else awards.filter(name=r["name"], id_digest__isnull=True).exists()
            )
            if held:
                problems.append(
                    Problem(
                        r["row_no"],
                        COL["name"].header,
                        _("This honour is already recorded for %(n)s.") % {"n": r["name"]},
                        Problem.CONFLICT,
                    )
                )
        return problems

    def write(self, ctx, skip_rows: set[int]) -> tuple[int, int]:
        from gonghui.core.events import record_event
        from gonghui.honors.services import _award_write

        ctx.cursor.execute(
            f"SELECT {', '.join(STAGE)} FROM honor_stage "  # noqa: S608
            "WHERE NOT (row_no = ANY(%s)) ORDER BY row_no",
            [sorted(skip_rows)],
        )
        rows = [dict(zip(STAGE, staged, strict=True)) for staged in ctx.cursor.fetchall()]
        orgs = Org.objects.in_bulk({r["org_id"] for r in rows})
        people = Person.objects.in_bulk({r["person_id"] for r in rows if r["person_id"]})
        honors: dict = {}
        for r in rows:
            key = self._honor_key(r["kind"], r["level"], r["body"], r["title"], r["year"])
            if key not in honors:
                honors[key], new = Honor.objects.get_or_create(
                    org=ctx.org,
                    kind=r["kind"],
                    level=r["level"],
                    conferring_body=r["body"],
                    title=r["title"],
                    year=r["year"],
                    defaults={"conferred_on": r["conferred_on"]},
                )
                if new:
                    record_event(
                        actor=ctx.actor, action="honor.create", org=ctx.org, target=honors[key]
                    )
            person = people.get(r["person_id"])
            _award_write(
                actor=ctx.actor,
                honor=honors[key],
                org=orgs[r["org_id"]],
                values={
                    "person": person,
                    "name": r["name"],
                    "id_number": r["id_enc"],
                    "id_digest": person.id_number_digest if person else r["digest"],
                    "id_last4": r["last4"],
                    "workplace": r["workplace"],
                },
                conferred_on=r["conferred_on"],
            )
        record_event(
            actor=ctx.actor,
            action="honoraward.import",
            org=ctx.org,
            target=ctx.org,
            details={"imported": len(rows), "file": ctx.options.get("file_name", "")},
        )
        return len(rows), 0

    def template_rows(self) -> list[list[str]]:
        return [
            [
                "李春梅",
                "530524199203150029",
                "劳动模范",
                "市级",
                "保山市人民政府",
                "",
                "2020",
                "2020-04-28",
                "",
                "青山县电力公司 检修班班长",
            ],
            [
                "青山县人民医院外科",
                "",
                "工人先锋号",
                "省部级",
                "云南省总工会",
                "",
                "2022",
                "2022-04-28",
                "",
                "",
            ],
            [
                "张建华",
                "530524198507120013",
                "工匠",
                "市级",
                "保山市人民政府",
                "保山工匠",
                "2023",
                "2023-05-01",
                "",
                "青山县茶叶公司 制茶师",
            ],
        ]
