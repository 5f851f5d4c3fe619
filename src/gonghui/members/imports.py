"""The member roster (会员信息采集表) import: columns, per-row checks, set-based write."""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from gonghui.core import idnumbers
from gonghui.core.crypto import cipher
from gonghui.core.imports.spec import (
    CellError,
    CellMemo,
    Column,
    ImportSpec,
    Problem,
    Row,
    read_bool,
    read_choice,
    read_date,
    read_name,
    read_text,
)
from gonghui.members import vocabularies as vocab
from gonghui.members.crypto import ID_PURPOSE, PHONE_PURPOSE, last4_digest, normalize_phone
from gonghui.members.models import Person
from gonghui.orgs.imports import OrgResolver, org_key
from gonghui.orgs.models import Employer, Org
from gonghui.orgs.selectors import region_of

C = Column
COLUMNS = (
    C("name", "姓名", True, ("会员姓名", "职工姓名", "名字"), example="李春梅", width=10),
    C(
        "id_number",
        "身份证号",
        True,
        (
            "身份证",
            "身份证号码",
            "公民身份号码",
            "身份证件号码",
            "证件号码",
            "居民身份证号码",
            "身份证号(18位)",
            "身份证号码(18位)",
        ),
        example="530524199203150029",
        width=22,
        hint="18位，请保持“文本”格式，以免Excel把号码变成科学计数法。",
    ),
    C("gender", "性别", example="女", width=6, choices=("男", "女")),
    C("ethnicity", "民族", example="汉族", width=8),
    C("birth_date", "出生日期", aliases=("出生年月", "生日", "出生年月日"), example="1992-03-15"),
    C(
        "phone",
        "手机号码",
        aliases=("手机", "手机号", "联系电话", "电话", "联系方式", "电话号码"),
        example="13800000000",
        width=14,
    ),
    C(
        "education",
        "学历",
        aliases=("文化程度", "最高学历"),
        example="大学专科",
        width=10,
        choices=tuple(vocab.EDUCATION.labels.values()),
    ),
    C(
        "political_status",
        "政治面貌",
        example="群众",
        width=10,
        choices=tuple(vocab.POLITICAL_STATUS.labels.values()),
    ),
    C(
        "hukou_type",
        "户籍类型",
        aliases=("户口类型", "户口性质", "户籍性质"),
        example="农业",
        width=10,
        choices=tuple(vocab.HUKOU.labels.values()),
    ),
    C(
        "is_migrant_worker",
        "是否农民工",
        aliases=("农民工",),
        example="是",
        width=10,
        choices=("是", "否"),
    ),
    C(
        "new_employment_category",
        "新就业形态类别",
        aliases=("新就业形态", "八大群体类别", "新业态类别", "八大群体", "新就业形态劳动者类别"),
        example="",
        width=14,
        choices=tuple(vocab.NEW_EMPLOYMENT.labels.values()),
    ),
    C(
        "employer_name",
        "工作单位",
        aliases=("单位", "单位名称", "工作单位名称", "所在单位"),
        example="青山县示例商贸有限公司",
        width=24,
    ),
    C(
        "org",
        "所在工会",
        True,
        aliases=(
            "工会名称",
            "所属工会",
            "工会",
            "所在工会名称",
            "工会代码",
            "所在工会代码",
            "基层工会",
            "基层工会名称",
        ),
        example="青山县示例商贸有限公司工会委员会",
        width=28,
        hint="填写工会名称或工会代码；基层工会导入本单位名册时可以不填。",
    ),
    C("joined_on", "入会日期", aliases=("入会时间",), example="2021-03-05"),
    C(
        "card_number",
        "会员卡号",
        aliases=("会员证号", "会员卡号码", "卡号", "会员证号码"),
        width=18,
        hint="不填则由系统生成。",
    ),
    C("note", "备注", width=20),
)
COL = {c.key: c for c in COLUMNS}
_CARD = re.compile(r"^[0-9A-Za-z-]{4,20}$")


@lru_cache(maxsize=20000)
def _initial(ch: str) -> str:
    if ch.isascii():
        return ch.lower() if ch.isalnum() else ""
    letters = lazy_pinyin(ch, style=Style.FIRST_LETTER, errors="ignore")
    return letters[0][:1].lower() if letters else ""


def name_initials(name: str) -> str:
    return "".join(_initial(ch) for ch in name)


class MemberRosterSpec(ImportSpec):
    kind = "members"
    title = "会员信息采集表"
    columns = COLUMNS
    permission = "members.add_person"

    def may_omit(self, ctx, column: Column) -> bool:
        # A grassroots clerk's own roster need not say which union on every row.
        return column.key == "org" and ctx.org.level >= Org.Level.GRASSROOTS

    def begin(self, ctx) -> None:
        from gonghui.members import services

        self.orgs = OrgResolver(ctx.org)
        # Card numbers start with the region code of the union or of its nearest ancestor.
        self.default_region = region_of(ctx.org) or "000000"
        self.employers = {
            org_key(name): pk
            for pk, name in Employer.objects.filter(org__path__startswith=ctx.org.path).values_list(
                "id", "name"
            )
        }
        self.cipher = cipher()
        self.memo = CellMemo()
        services.import_stage_create(ctx.cursor)

    def parse(self, ctx, row: Row) -> tuple | None:
        values = {}
        for key, reader in _READERS:
            try:
                values[key] = reader(self, ctx, row)
            except (CellError, idnumbers.IdNumberError) as exc:
                row.error(COL[key], str(exc))
        if row.errors:
            return None
        number = values["id_number"]
        born, sex = number.birth_date, number.gender
        if values["gender"] and values["gender"] != sex:
            row.error(COL["gender"], _("The gender does not match the ID number."))
        if values["birth_date"] and values["birth_date"] != born:
            row.error(
                COL["birth_date"],
                _("The birth date does not match the ID number (%(date)s).")
                % {"date": born.isoformat()},
            )
        joined = values["joined_on"] or ctx.today
        if joined > ctx.today:
            row.error(COL["joined_on"], _("The date of joining is in the future."))
        elif joined < born:
            row.error(COL["joined_on"], _("The date of joining is before the birth date."))
        if row.errors:
            return None
        c = self.cipher
        phone = values["phone"]
        org = values["org"]
        return (
            row.number,
            c.digest(number.value, ID_PURPOSE),
            c.encrypt(number.value, ID_PURPOSE),
            last4_digest(c, number.value),
            values["name"],
            name_initials(values["name"]),
            sex,
            born,
            values["ethnicity"],
            c.encrypt(phone, PHONE_PURPOSE) if phone else None,
            c.digest(phone, PHONE_PURPOSE) if phone else None,
            phone[-4:] if phone else "",
            values["education"],
            values["political_status"],
            values["hukou_type"],
            values["is_migrant_worker"],
            values["new_employment_category"],
            values["employer_name"],
            self.employers.get(org_key(values["employer_name"]))
            if values["employer_name"]
            else None,
            org.pk,
            org.region_code or self.default_region,
            joined,
            values["card_number"] or None,
            values["note"],
        )

    def stage_sql(self, ctx) -> str:
        from gonghui.members import services

        return services.STAGE_COPY_SQL

    def check(self, ctx) -> list[Problem]:
        from gonghui.members import services

        return services.import_stage_check(ctx)

    def write(self, ctx, skip_rows: set[int]) -> tuple[int, int]:
        from gonghui.members import services

        return services.import_stage_write(ctx, skip_rows)


# -- one reader per column ---------------------------------------------------------------------


def _name(spec, ctx, row):
    name = read_name(row, COL["name"])
    if not name:
        raise CellError(_("The name is empty."))
    return name


def _id_number(spec, ctx, row):
    number = idnumbers.normalize(row.cells.get("id_number"), today=ctx.today)
    for what in number.repairs:
        row.repaired(COL["id_number"], what)
    return number


def _gender(spec, ctx, row):
    return spec.memo.read(row, COL["gender"], read_choice, vocab.GENDER)


def _ethnicity(spec, ctx, row):
    return spec.memo.read(row, COL["ethnicity"], _read_ethnicity)


def _read_ethnicity(row, column):
    text = read_text(row, column)
    if not text:
        return ""
    found = vocab.ETHNICITY_LOOKUP.get(text)
    if found is None:
        raise CellError(
            _("“%(value)s” is not an ethnicity of the national list.") % {"value": text}
        )
    return found


def _birth_date(spec, ctx, row):
    return spec.memo.read(row, COL["birth_date"], read_date)


def _phone(spec, ctx, row):
    raw = row.cells.get("phone")
    if raw in (None, ""):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    phone, repaired = normalize_phone(str(raw))
    if repaired:
        row.repaired(COL["phone"], _("blanks, dashes or +86 removed"))
    return phone


def _education(spec, ctx, row):
    return spec.memo.read(row, COL["education"], read_choice, vocab.EDUCATION)


def _political(spec, ctx, row):
    return spec.memo.read(row, COL["political_status"], read_choice, vocab.POLITICAL_STATUS)


def _hukou(spec, ctx, row):
    return spec.memo.read(row, COL["hukou_type"], read_choice, vocab.HUKOU)


def _migrant(spec, ctx, row):
    return bool(spec.memo.read(row, COL["is_migrant_worker"], read_bool))


def _category(spec, ctx, row):
    return spec.memo.read(row, COL["new_employment_category"], read_choice, vocab.NEW_EMPLOYMENT)


def _employer(spec, ctx, row):
    return spec.memo.read(row, COL["employer_name"], read_text)


def _org(spec, ctx, row):
    return spec.memo.read(row, COL["org"], spec.read_org, ctx)


def _joined(spec, ctx, row):
    return spec.memo.read(row, COL["joined_on"], read_date)


def _card(spec, ctx, row):
    text = read_text(row, COL["card_number"], max_length=40)
    if text and not _CARD.match(text):
        raise CellError(_("A card number has 4 to 20 letters or digits."))
    return text.upper()


def _note(spec, ctx, row):
    return spec.memo.read(row, COL["note"], read_text, 500)


_READERS = (
    ("name", _name),
    ("id_number", _id_number),
    ("gender", _gender),
    ("ethnicity", _ethnicity),
    ("birth_date", _birth_date),
    ("phone", _phone),
    ("education", _education),
    ("political_status", _political),
    ("hukou_type", _hukou),
    ("is_migrant_worker", _migrant),
    ("new_employment_category", _category),
    ("employer_name", _employer),
    ("org", _org),
    ("joined_on", _joined),
    ("card_number", _card),
    ("note", _note),
)


class PersonResolver:
    """Find the member a row names by ID number (and name), among the people the import's org
    holds: a number registered outside its subtree is answered exactly like an unknown one, so
    an import learns nothing about other unions' people. The org resolver's companion
    (``orgs.imports.OrgResolver``); every import that names a member uses it."""

    def __init__(self, root):
        self.root = root
        self.cipher = cipher()

    def resolve(self, number: str, name: str) -> Person:
        """``number`` is a normalised ID number (``core.idnumbers``)."""
        person = (
            Person.objects.filter(
                id_number_digest=self.cipher.digest(number, ID_PURPOSE),
                latest_membership__org__path__startswith=self.root.path,
            )
            .select_related("latest_membership__org")
            .first()
        )
        if person is None or person.name != name:
            raise CellError(
                _(
                    "No member with this name and ID number in the "
                    "registry; register the member first."
                )
            )
        return person
