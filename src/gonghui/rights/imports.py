"""The collective contract register (集体合同台账) import: the contracts a union keeps in
Excel, one contract a row, as the labour administration filed them. Each row is checked by the
same rules as a contract recorded by hand (who may sign for which employers, the vote, the
order of the dates, the objection window, the term) and written through the same services, so
an imported contract carries its steps in its history like any other."""

from __future__ import annotations

import datetime
import json
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core.cleaning import squeeze
from gonghui.core.imports.spec import (
    CellError,
    Column,
    ImportSpec,
    Problem,
    Row,
    Vocabulary,
    read_choice,
    read_date,
    read_text,
)
from gonghui.orgs.imports import OrgResolver
from gonghui.orgs.models import Employer, Org
from gonghui.rights import services
from gonghui.rights.models import CollectiveContract

C = Column
REACHES = Vocabulary(
    {"single": "单一企业", "regional": "区域性", "industry": "行业性"},
    {"单独": "single", "企业": "single", "单一": "single", "区域": "regional", "行业": "industry"},
)
SUBJECTS = Vocabulary(
    {
        "comprehensive": "综合",
        "wage": "工资专项",
        "women": "女职工专项",
        "safety": "劳动安全卫生专项",
    },
    {
        "综合性": "comprehensive",
        "集体合同": "comprehensive",
        "工资": "wage",
        "工资集体协议": "wage",
        "工资专项集体合同": "wage",
        "女职工": "women",
        "女职工权益保护专项集体合同": "women",
        "女职工专项集体合同": "women",
        "安全卫生": "safety",
        "劳动安全卫生": "safety",
    },
)
ASSEMBLIES = Vocabulary(
    {"congress": "职工代表大会", "all_staff": "职工大会"},
    {"职代会": "congress", "全体职工大会": "all_staff"},
)
COLUMNS = (
    C("org", "签约工会", True, ("工会", "工会名称", "签约工会名称"), example="QS-A", width=24),
    C("title", "合同名称", True, ("名称",), example="甲镇餐饮业区域性集体合同", width=28),
    C("reach", "签订范围", aliases=("范围", "合同范围"), example="区域性", width=10,
      hint="不填：覆盖一家为单一企业，多家为区域性", choices=tuple(REACHES.labels.values())),
    C("subject", "合同类型", True, ("类型", "合同种类"), example="综合", width=14,
      choices=tuple(SUBJECTS.labels.values())),
    C("employers", "覆盖单位", True, ("覆盖企业", "签约单位", "企业名称", "单位名称"),
      example="甲公司、甲镇小饭店", width=30, hint="多家用顿号分隔；同名单位填统一社会信用代码"),
    C("workers", "覆盖职工人数", True, ("覆盖职工", "职工人数"), example="132", width=10),
    C("women", "其中女职工人数", aliases=("女职工人数", "覆盖女职工"), example="60", width=10),
    C("union_negotiator", "工会首席代表", True, ("职工方首席代表",), example="王主席", width=12),
    C("employer_negotiator", "企业首席代表", True, ("企业方首席代表", "行政方首席代表"),
      example="赵经理", width=12),
    C("rounds", "协商轮次", aliases=("协商次数",), example="3", width=8),
    C("assembly", "审议方式", True, ("审议机构",), example="职工代表大会", width=12,
      choices=tuple(ASSEMBLIES.labels.values())),
    C("eligible", "应到人数", True, ("代表总数", "职工代表总数"), example="45", width=8),
    C("present", "实到人数", True, ("到会人数",), example="40", width=8),
    C("in_favour", "赞成票数", True, ("赞成人数", "同意票数"), example="38", width=8),
    C("approved_on", "审议通过日期", True, ("审议日期", "通过日期"), example="2025-03-01"),
    C("signed_on", "签订日期", True, ("签约日期",), example="2025-03-05"),
    C("filed_on", "报送审查日期", aliases=("报送日期", "备案日期"), example="2025-03-12"),
    C("effective_from", "生效日期", aliases=("起始日期",), example="2025-03-27",
      hint="不填：报送满15日起生效"),
    C("term_years", "期限（年）", aliases=("期限", "合同期限"), example="3", width=8,
      hint="1至3年；工资专项1年"),
)  # fmt: skip
COL = {c.key: c for c in COLUMNS}
_SPLIT = re.compile(r"[、，,；;\n]+")


# The largest count each column's field holds (rounds and the term are small integers).
MOST = {"rounds": 32_767, "term_years": 32_767}


def _count(row: Row, column: Column, least: int = 0, default: int | None = None) -> int | None:
    raw = read_text(row, column).removesuffix("人").removesuffix("轮").removesuffix("次")
    raw = raw.removesuffix("年")
    if not raw:
        return default
    most = MOST.get(column.key, 2_147_483_647)
    if not (raw.isascii() and raw.isdigit()) or not least <= int(raw) <= most:
        raise CellError(_("A whole number from %(n)d to %(most)d.") % {"n": least, "most": most})
    return int(raw)


def _title(row: Row) -> str:
    """A title as written: blanks collapsed, its full-width brackets kept (（2025年）)."""
    raw = row.cells.get("title")
    text = squeeze(str(raw)) if raw is not None else ""
    if len(text) > 100:
        raise CellError(_("At most %(n)d characters.") % {"n": 100})
    return text


class ContractRegisterSpec(ImportSpec):
    kind = "contracts"
    title = "集体合同台账"
    columns = COLUMNS
    permission = "rights.add_collectivecontract"
    parse_queries_database = True
    written_tables = ("rights_collectivecontract", "rights_collectivecontract_employers")

    def begin(self, ctx) -> None:
        self.orgs = OrgResolver(ctx.org, accept=lambda org: None)
        # The employers the importer may name: registered in its subtree or unionised in it;
        # by credit code, and by name where the name is unique there.
        employers = Employer.objects.filter(is_active=True).filter(
            org__path__startswith=ctx.org.path
        ) | Employer.objects.filter(is_active=True, union__path__startswith=ctx.org.path)
        self.by_code: dict[str, Employer] = {}
        self.by_name: dict[str, list[Employer]] = {}
        for e in employers.select_related("org", "union").distinct():
            if e.uscc:
                self.by_code[e.uscc.upper()] = e
            self.by_name.setdefault(e.name, []).append(e)
        ctx.cursor.execute("DROP TABLE IF EXISTS contract_stage")
        ctx.cursor.execute(
            "CREATE TEMP TABLE contract_stage (row_no integer, org_id bigint, title text, "
            "signed_on date, employer_ids bigint[], contract jsonb) ON COMMIT DROP"
        )

    def stage_sql(self, ctx) -> str:
        return (
            "COPY contract_stage (row_no, org_id, title, signed_on, employer_ids, contract) "
            "FROM STDIN"
        )

    def _employers(self, row: Row) -> list[Employer]:
        text = read_text(row, COL["employers"], 2000)
        names = [n.strip() for n in _SPLIT.split(text) if n.strip()]
        if not names:
            raise CellError(_("Name the employers covered."))
        found = []
        for name in names:
            employer = self.by_code.get(name.upper())
            if employer is None:
                same = self.by_name.get(name, [])
                if len(same) > 1:
                    raise CellError(
                        _("%(name)s: several employers have this name; write its credit code.")
                        % {"name": name}
                    )
                if not same:
                    raise CellError(
                        _("%(name)s is not an employer registered in your unions.") % {"name": name}
                    )
                employer = same[0]
            if employer not in found:
                found.append(employer)
        return found

    def parse(self, ctx, row: Row):
        values = {}
        for key, reader in (
            ("org", lambda: self.read_org(row, COL["org"], ctx)),
            ("title", lambda: _title(row)),
            ("reach", lambda: read_choice(row, COL["reach"], REACHES)),
            ("subject", lambda: read_choice(row, COL["subject"], SUBJECTS)),
            ("employers", lambda: self._employers(row)),
            ("workers", lambda: _count(row, COL["workers"], 1)),
            ("women", lambda: _count(row, COL["women"], 0, 0)),
            ("union_negotiator", lambda: read_text(row, COL["union_negotiator"], 40)),
            ("employer_negotiator", lambda: read_text(row, COL["employer_negotiator"], 40)),
            ("rounds", lambda: _count(row, COL["rounds"], 1, 1)),
            ("assembly", lambda: read_choice(row, COL["assembly"], ASSEMBLIES)),
            ("eligible", lambda: _count(row, COL["eligible"], 1)),
            ("present", lambda: _count(row, COL["present"], 0)),
            ("in_favour", lambda: _count(row, COL["in_favour"], 0)),
            ("approved_on", lambda: read_date(row, COL["approved_on"])),
            ("signed_on", lambda: read_date(row, COL["signed_on"])),
            ("filed_on", lambda: read_date(row, COL["filed_on"])),
            ("effective_from", lambda: read_date(row, COL["effective_from"])),
            ("term_years", lambda: _count(row, COL["term_years"], 1)),
        ):
            try:
                values[key] = reader()
            except CellError as exc:
                row.error(COL[key], str(exc))
        if row.errors:
            return None
        for key in (
            "title",
            "subject",
            "workers",
            "union_negotiator",
            "employer_negotiator",
            "assembly",
            "eligible",
            "present",
            "in_favour",
            "approved_on",
            "signed_on",
        ):
            if values[key] in (None, ""):
                row.error(COL[key], _("This cell is required."))
        if row.errors:
            return None
        employers = values.pop("employers")
        reach = values["reach"] or ("single" if len(employers) == 1 else "regional")
        term = values["term_years"] or (1 if values["subject"] == "wage" else 3)
        contract = CollectiveContract(
            org=values["org"],
            title=values["title"],
            reach=reach,
            subject=values["subject"],
            workers_covered=values["workers"],
            women_covered=values["women"],
            union_negotiator=values["union_negotiator"],
            employer_negotiator=values["employer_negotiator"],
            rounds=values["rounds"],
            term_years=term,
        )
        # The same rules as by hand, each refusal on the cell it concerns.
        fields = {
            "org": "org",
            "employers": "employers",
            "term_years": "term_years",
            "workers_covered": "workers",
            "women_covered": "women",
            "present": "present",
            "in_favour": "in_favour",
            "approved_on": "approved_on",
            "signed_on": "signed_on",
            "filed_on": "filed_on",
            "effective_from": "effective_from",
        }
        try:
            services.check_contract(contract, employers)
            steps = services.contract_import_steps(contract, values, ctx.today)
        except ValidationError as exc:
            for field, messages in getattr(exc, "message_dict", {"": exc.messages}).items():
                row.error(COL.get(fields.get(field, "title")), "；".join(messages))
            return None
        terms = {name: getattr(contract, name) for name in services.TERMS}
        return (
            row.number,
            contract.org.pk,
            contract.title,
            values["signed_on"],
            "{" + ",".join(str(e.pk) for e in employers) + "}",
            json.dumps({"terms": terms, "steps": steps}, default=str, ensure_ascii=False),
        )

    def check(self, ctx) -> list[Problem]:
        """The same contract twice in the file, or already recorded (same union, title and
        signing day)."""
        problems = []
        ctx.cursor.execute(
            "SELECT row_no, org_id, title, signed_on FROM contract_stage ORDER BY row_no"
        )
        staged = ctx.cursor.fetchall()
        seen: dict = {}
        for row_no, org_id, title, signed_on in staged:
            key = (org_id, title, signed_on)
            if key in seen:
                problems.append(
                    Problem(
                        row_no,
                        COL["title"].header,
                        _("The same contract is on row %(row)d already.") % {"row": seen[key]},
                    )
                )
                continue
            seen[key] = row_no
        recorded = set(
            CollectiveContract.objects.filter(
                org_id__in={k[0] for k in seen}, title__in={k[1] for k in seen}
            ).values_list("org_id", "title", "signed_on")
        )
        for key, row_no in seen.items():
            if key in recorded:
                problems.append(
                    Problem(
                        row_no,
                        COL["title"].header,
                        _("This contract is already recorded."),
                        Problem.CONFLICT,
                    )
                )
        return problems

    def write(self, ctx, skip_rows: set[int]) -> tuple[int, int]:
        from gonghui.core.events import record_event

        ctx.cursor.execute(
            "SELECT row_no, org_id, employer_ids, contract FROM contract_stage "
            "WHERE NOT (row_no = ANY(%s)) ORDER BY row_no",
            [sorted(skip_rows)],
        )
        rows = ctx.cursor.fetchall()
        orgs = Org.objects.in_bulk({r[1] for r in rows})
        employers = Employer.objects.in_bulk({pk for r in rows for pk in r[2]})
        for _row_no, org_id, employer_ids, staged in rows:
            data = staged if isinstance(staged, dict) else json.loads(staged)
            contract = services.contract_create(
                actor=ctx.actor,
                employers=[employers[pk] for pk in employer_ids],
                org=orgs[org_id],
                **data["terms"],
            )
            for step, step_values in data["steps"]:
                step_values = {
                    k: datetime.date.fromisoformat(v) if k.endswith(("_on", "_from")) and v else v
                    for k, v in step_values.items()
                }
                contract = services.contract_transition(
                    actor=ctx.actor,
                    contract=contract,
                    step=step,
                    values=step_values,
                    today=ctx.today,
                )
        record_event(
            actor=ctx.actor,
            action="collectivecontract.import",
            org=ctx.org,
            target=ctx.org,
            details={"imported": len(rows), "file": ctx.options.get("file_name", "")},
        )
        return len(rows), 0

    def template_rows(self) -> list[list[str]]:
        return [
            [c.example for c in self.columns],
            [
                "QS-A-1",
                "甲公司工资专项集体合同（2025年）",
                "单一企业",
                "工资专项",
                "甲公司",
                "120",
                "",
                "张主席",
                "李经理",
                "2",
                "职工代表大会",
                "60",
                "50",
                "48",
                "2025-02-10",
                "2025-02-15",
                "2025-02-20",
                "",
                "1",
            ],
        ]
