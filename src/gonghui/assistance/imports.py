"""The grant list (帮扶发放名单) import: applications for one campaign, in the template's
columns, checked row by row with the same rules as the form, written set-based."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gonghui.assistance import services
from gonghui.assistance.models import Campaign, HardshipCategory, SchoolLevel
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
    read_money,
    read_name,
    read_text,
)
from gonghui.members.imports import PersonResolver
from gonghui.orgs.imports import OrgResolver

C = Column
COLUMNS = (
    C("name", "姓名", True, ("受助人姓名", "职工姓名"), example="李春梅", width=10),
    C(
        "id_number",
        "身份证号",
        True,
        ("身份证", "身份证号码", "公民身份号码", "受助人身份证号", "证件号码"),
        example="530524199203150029",
        width=22,
    ),
    C("org", "所在工会", True, ("工会名称", "所属工会", "申报单位", "工会"), width=28),
    C("campaign", "帮扶项目", True, ("项目", "项目名称", "活动名称", "帮扶项目名称"), width=20),
    C(
        "category",
        "困难类别",
        example="深度困难",
        width=10,
        choices=("深度困难", "相对困难", "意外致困"),
    ),
    C(
        "cash",
        "发放金额(元)",
        True,
        ("发放金额", "金额", "金额(元)", "慰问金(元)", "补助金额"),
        example="2000",
        width=12,
    ),
    C("goods", "物资折价(元)", aliases=("物资折价", "物资(元)", "物资金额"), width=12),
    C(
        "paid_on",
        "发放日期",
        aliases=("发放时间",),
        width=12,
        hint="发放日期由发放批次登记；导入的名单作为申请提交，此列不导入。",
    ),
    C("bank_name", "开户银行", aliases=("银行", "开户行"), example="农业银行青山支行", width=18),
    C("bank_account", "银行账号", aliases=("账号", "银行卡号", "卡号"), width=24),
    C("note", "备注", width=20),
    C("student_name", "学生姓名", aliases=("子女姓名", "受助学生"), width=10),
    C("student_id", "学生身份证号", aliases=("子女身份证号", "学生身份证号码"), width=22),
    C("school", "就读学校", aliases=("学校", "录取学校", "就读院校"), width=20),
    C(
        "school_level",
        "学历层次",
        aliases=("就读层次", "学段"),
        width=10,
        choices=("高中", "中职", "高职高专", "本科", "硕士", "博士"),
    ),
    C("entry_year", "入学年份", aliases=("入学时间",), width=10),
)
COL = {c.key: c for c in COLUMNS}
CATEGORY = Vocabulary(
    {
        HardshipCategory.DEEP: "深度困难",
        HardshipCategory.RELATIVE: "相对困难",
        HardshipCategory.ACCIDENT: "意外致困",
    },
    {"深度": "deep", "相对": "relative", "意外": "accident", "意外致困职工": "accident"},
)
LEVEL = Vocabulary(
    {
        SchoolLevel.HIGH_SCHOOL: "高中",
        SchoolLevel.SECONDARY_VOCATIONAL: "中职",
        SchoolLevel.HIGHER_VOCATIONAL: "高职高专",
        SchoolLevel.BACHELOR: "本科",
        SchoolLevel.MASTER: "硕士",
        SchoolLevel.DOCTORATE: "博士",
    },
    {
        "普通高中": "high_school",
        "中专": "secondary_vocational",
        "职高": "secondary_vocational",
        "高职": "higher_vocational",
        "大专": "higher_vocational",
        "专科": "higher_vocational",
        "大学本科": "bachelor",
        "研究生": "master",
        "硕士研究生": "master",
        "博士研究生": "doctorate",
    },
)
STAGE_COLUMNS = (
    "row_no",
    "person_id",
    "org_id",
    "file_id",
    "category",
    "student_name",
    "student_enc",
    "student_digest",
    "student_last4",
    "school",
    "school_level",
    "entry_year",
    "cash",
    "goods",
    "bank_name",
    "bank_enc",
    "bank_last4",
    "note",
)
# Constant SQL, one statement per kind of campaign (no string building at run time).
DUPLICATES_IN_FILE = {
    "person": (
        "SELECT row_no, first_row FROM (SELECT row_no, min(row_no) OVER (PARTITION BY person_id)"
        " AS first_row FROM grant_stage) t WHERE row_no <> first_row"
    ),
    "student": (
        "SELECT row_no, first_row FROM (SELECT row_no, min(row_no) OVER (PARTITION BY "
        "student_digest) AS first_row FROM grant_stage) t WHERE row_no <> first_row"
    ),
}
ALREADY_GRANTED = {
    "person": (
        "SELECT s.row_no FROM grant_stage s JOIN assistance_grant g ON g.campaign_id = %s "
        "AND g.person_id = s.person_id AND g.student_id_digest IS NULL AND g.status IN "
        "('draft', 'submitted', 'reviewed', 'noticed', 'approved', 'paid')"
    ),
    "student": (
        "SELECT s.row_no FROM grant_stage s JOIN assistance_grant g ON g.campaign_id = %s "
        "AND g.student_id_digest = s.student_digest AND g.status IN "
        "('draft', 'submitted', 'reviewed', 'noticed', 'approved', 'paid')"
    ),
}
LOCK_BASE = 7_200_000  # + campaign id: pg_advisory_xact_lock key of a campaign's grants


class GrantListSpec(ImportSpec):
    kind = "grants"
    title = "帮扶发放名单"
    columns = COLUMNS
    permission = "assistance.add_grant"
    parse_queries_database = True  # each row's person, membership and file

    def upload_fields(self, actor) -> dict:
        from django import forms

        from gonghui.assistance.selectors import campaigns_visible_to

        choices = [(c.code, str(c)) for c in campaigns_visible_to(actor).filter(is_open=True)]
        return {"campaign": forms.ChoiceField(label=_("Campaign"), choices=choices)}

    cli_options = {"campaign": "帮扶项目代码（必填）"}

    def command_line(self, options: dict) -> str | None:
        code = options.get("campaign")
        if not code:
            raise ValueError("导入帮扶发放名单需要 --campaign 项目代码。")
        campaign = Campaign.objects.filter(code=code).select_related("org").first()
        if campaign is None:
            raise ValueError(f"没有代码为 {code} 的帮扶项目。")
        return campaign.org.code  # by default, the campaign's organiser

    def may_omit(self, ctx, column):
        from gonghui.orgs.models import Org

        if column.key == "campaign":
            return True  # the import names its campaign
        return column.key == "org" and ctx.org.level >= Org.Level.GRASSROOTS

    def begin(self, ctx) -> None:
        code = ctx.options.get("campaign")
        campaign = Campaign.objects.select_related("org").filter(code=code).first()
        if campaign is None or not ctx.org.path.startswith(campaign.org.path):
            raise DomainError(
                _("No campaign “%(code)s” that this organisation may apply to.")
                % {"code": code or ""}
            )
        self.campaign = campaign
        self.orgs = OrgResolver(ctx.org)
        self.people = PersonResolver(ctx.org)
        self.memo = CellMemo()
        self.cipher = cipher()
        ctx.cursor.execute("DROP TABLE IF EXISTS grant_stage")
        ctx.cursor.execute(
            "CREATE TEMP TABLE grant_stage (row_no integer, person_id bigint, org_id bigint, "
            "file_id bigint, category text, student_name text, student_enc bytea, "
            "student_digest bytea, student_last4 text, school text, school_level text, "
            "entry_year integer, cash numeric(14,2), goods numeric(14,2), bank_name text, "
            "bank_enc bytea, bank_last4 text, note text) ON COMMIT DROP"
        )

    def stage_sql(self, ctx) -> str:
        return f"COPY grant_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN"

    def parse(self, ctx, row: Row) -> tuple | None:
        c = self.cipher
        name = read_name(row, COL["name"])
        try:
            number = idnumbers.normalize(row.cells.get("id_number"), today=ctx.today)
        except idnumbers.IdNumberError as exc:
            row.error(COL["id_number"], str(exc))
            return None
        for what in number.repairs:
            row.repaired(COL["id_number"], what)
        try:
            org = self.memo.read(row, COL["org"], self.read_org, ctx)
            cash = read_money(row, COL["cash"])
            goods = read_money(row, COL["goods"])
            self.memo.read(row, COL["campaign"], self._campaign_cell)
            category = self.memo.read(row, COL["category"], read_choice, CATEGORY)
            level = self.memo.read(row, COL["school_level"], read_choice, LEVEL)
        except CellError as exc:
            row.error(None, str(exc))
            return None
        if row.cells.get("paid_on") not in (None, ""):
            row.repaired(
                COL["paid_on"], _("not imported: payment is recorded by the payment batch")
            )
        try:
            person = self.people.resolve(number.value, name)
        except CellError as exc:
            row.error(COL["id_number"], str(exc))
            return None
        entry = read_text(row, COL["entry_year"])
        try:
            values = services.grant_check(
                actor=ctx.actor,
                campaign=self.campaign,
                person=person,
                org=org,
                cash_amount=cash,
                goods_value=goods,
                student_name=read_name(row, COL["student_name"]),
                student_id_number=read_text(row, COL["student_id"]),
                school=read_text(row, COL["school"]),
                school_level=level,
                entry_year=entry[:4] if entry else None,
            )
        except DomainError as exc:
            row.error(None, " ".join(exc.messages))
            return None
        if category and values["category"] and category != values["category"]:
            row.error(
                COL["category"],
                _("The household's file says “%(c)s”.")
                % {"c": HardshipCategory(values["category"]).label},
            )
            return None
        typed = read_text(row, COL["bank_account"])
        account = "".join(ch for ch in typed if ch.isascii() and ch.isdigit())
        if account and account != typed:
            row.repaired(COL["bank_account"], _("blanks or dashes removed"))
        if account and not 12 <= len(account) <= 30:
            row.error(COL["bank_account"], _("A bank account number has 12 to 30 digits."))
            return None
        file = values["hardship_file"]
        return (
            row.number,
            person.pk,
            org.pk,
            file.pk if file else None,
            values["category"],
            values.get("student_name", ""),
            values.get("student_id_number"),
            values.get("student_id_digest"),
            values.get("student_id_last4", ""),
            values.get("school", ""),
            values.get("school_level", ""),
            values.get("entry_year"),
            values["cash_amount"],
            values["goods_value"],
            read_text(row, COL["bank_name"]),
            c.encrypt(account, services.BANK_PURPOSE) if account else None,
            account[-4:],
            read_text(row, COL["note"], max_length=300),
        )

    def _campaign_cell(self, row, column):
        text = read_text(row, column)
        if text and text not in (self.campaign.code, self.campaign.name, str(self.campaign)):
            raise CellError(
                _("This import is for “%(c)s”, not “%(v)s”.") % {"c": self.campaign.name, "v": text}
            )

    def check(self, ctx) -> list[Problem]:
        cur = ctx.cursor
        problems = []
        school = self.campaign.kind == Campaign.Kind.SCHOOL_AID
        who = _("Same student as row %(row)d.") if school else _("Same person as row %(row)d.")
        cur.execute(DUPLICATES_IN_FILE["student" if school else "person"])
        for row_no, first in cur.fetchall():
            problems.append(Problem(row_no, "", who % {"row": first}))
        # Concurrent imports into one campaign queue here, then see each other's grants.
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_BASE + self.campaign.pk])
        cur.execute(ALREADY_GRANTED["student" if school else "person"], [self.campaign.pk])
        for (row_no,) in cur.fetchall():
            problems.append(Problem(row_no, "", services.duplicate_message(self.campaign)))
        return problems

    def write(self, ctx, skip_rows: set[int]) -> tuple[int, int]:
        from gonghui.core.events import record_event

        cur = ctx.cursor
        cur.execute(
            """
            INSERT INTO assistance_grant (
                campaign_id, person_id, org_id, hardship_file_id, category, eligibility_group,
                student_name, student_id_number, student_id_digest, student_id_last4, school,
                school_level, entry_year, cash_amount, goods_value, bank_name, bank_account,
                bank_account_last4, status, reason, note, payment_reference, submitted_at,
                created_by_id, created_at)
            SELECT %s, person_id, org_id, file_id, category, '', student_name, student_enc,
                   student_digest, student_last4, school, school_level, entry_year, cash,
                   goods, bank_name, bank_enc, bank_last4, 'submitted', '', note, '', now(),
                   %s, now()
            FROM grant_stage WHERE NOT (row_no = ANY(%s))
            """,
            [self.campaign.pk, getattr(ctx.actor, "pk", None), sorted(skip_rows)],
        )
        imported = cur.rowcount
        record_event(
            actor=ctx.actor,
            action="grant.import",
            org=ctx.org,
            target=self.campaign,
            details={
                "imported": imported,
                "job": ctx.options.get("job_id"),
                "file": ctx.options.get("file_name", ""),
            },
        )
        return imported, 0
