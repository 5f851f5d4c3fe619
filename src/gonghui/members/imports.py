"""The member roster (会员信息采集表) import: columns, per-row checks, set-based write."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import idnumbers
from gonghui.core.access_log import log_access
from gonghui.core.crypto import cipher
from gonghui.core.events import record_event
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
from gonghui.core.models import AccessLog
from gonghui.members import vocabularies as vocab
from gonghui.members.crypto import ID_PURPOSE, PHONE_PURPOSE, last4_digest, normalize_phone
from gonghui.members.models import Person
from gonghui.members.registry import lock_registry, name_initials
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


class MemberRosterSpec(ImportSpec):
    kind = "members"
    title = "会员信息采集表"
    columns = COLUMNS
    permission = "members.add_person"
    written_tables = ("members_person", "members_membership")
    imported_text = gettext_lazy("Imported %(n)d people.")
    conflicts_text = gettext_lazy(
        "%(n)d people are members of another union and were not imported."
    )
    conflicts_label = gettext_lazy("members elsewhere")

    def may_omit(self, ctx, column: Column) -> bool:
        # A grassroots clerk's own roster need not say which union on every row.
        return column.key == "org" and ctx.org.level >= Org.Level.GRASSROOTS

    def begin(self, ctx) -> None:

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
        import_stage_create(ctx.cursor)

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
        return STAGE_COPY_SQL

    def check(self, ctx) -> list[Problem]:
        return import_stage_check(ctx)

    def write(self, ctx, skip_rows: set[int]) -> tuple[int, int]:
        return import_stage_write(ctx, skip_rows)


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


# -- the roster's set-based write: staged rows checked and written with a few statements ----

STAGE_COLUMNS = (
    "row_no",
    "digest",
    "id_enc",
    "id_last4_digest",
    "name",
    "initials",
    "gender",
    "birth_date",
    "ethnicity",
    "phone_enc",
    "phone_digest",
    "phone_last4",
    "education",
    "political_status",
    "hukou_type",
    "is_migrant",
    "ne_category",
    "employer_name",
    "employer_id",
    "org_id",
    "region",
    "joined_on",
    "card_number",
    "note",
)
CURRENT_SQL = "('provisional', 'active', 'retained', 'transferring')"


def import_stage_create(cursor) -> None:
    # ON COMMIT DROP ends them with the import's transaction; when the import runs inside an
    # outer transaction (a test, a demo build) the previous import's tables are still there.
    cursor.execute("DROP TABLE IF EXISTS member_stage, member_skip, member_plan")
    cursor.execute(
        """
        CREATE TEMP TABLE member_stage (
            row_no integer NOT NULL, digest bytea NOT NULL, id_enc bytea NOT NULL,
            id_last4_digest bytea NOT NULL, name text NOT NULL, initials text NOT NULL,
            gender text NOT NULL, birth_date date NOT NULL, ethnicity text NOT NULL,
            phone_enc bytea, phone_digest bytea, phone_last4 text NOT NULL,
            education text NOT NULL, political_status text NOT NULL, hukou_type text NOT NULL,
            is_migrant boolean NOT NULL, ne_category text NOT NULL, employer_name text NOT NULL,
            employer_id bigint, org_id bigint NOT NULL, region text NOT NULL,
            joined_on date NOT NULL, card_number text, note text NOT NULL
        ) ON COMMIT DROP
        """
    )


STAGE_COPY_SQL = f"COPY member_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN"


def import_stage_check(ctx) -> list[Problem]:
    """Duplicates within the file, card numbers taken, people current in another union."""
    cur = ctx.cursor
    problems: list[Problem] = []
    cur.execute("CREATE INDEX ON member_stage (digest)")
    cur.execute("ANALYZE member_stage")
    cur.execute(
        """
        SELECT row_no, first_row FROM (
            SELECT row_no, min(row_no) OVER (PARTITION BY digest) AS first_row FROM member_stage
        ) t WHERE row_no <> first_row
        """
    )
    for row_no, first in cur.fetchall():
        problems.append(
            Problem(
                row_no,
                "身份证号",
                _("Same person as row %(row)d (same ID number).") % {"row": first},
            )
        )
    cur.execute(
        """
        SELECT row_no, first_row FROM (
            SELECT row_no, min(row_no) OVER (PARTITION BY card_number) AS first_row
            FROM member_stage WHERE card_number IS NOT NULL
        ) t WHERE row_no <> first_row
        """
    )
    for row_no, first in cur.fetchall():
        problems.append(
            Problem(row_no, "会员卡号", _("Same card number as row %(row)d.") % {"row": first})
        )
    # From here on the registry must not change under us: a concurrent import of the same
    # person waits here, then sees this one's result.
    lock_registry(cur)
    cur.execute(
        """
        SELECT s.row_no FROM member_stage s JOIN members_person p ON p.card_number = s.card_number
        WHERE s.card_number IS NOT NULL AND p.id_number_digest <> s.digest
        """
    )
    for (row_no,) in cur.fetchall():
        problems.append(
            Problem(row_no, "会员卡号", _("This card number belongs to another member."))
        )
    cur.execute(
        f"""
        SELECT s.row_no, o.name, o.path
        FROM member_stage s
        JOIN members_person p ON p.id_number_digest = s.digest
        JOIN members_membership m ON m.id = p.latest_membership_id
        JOIN orgs_org o ON o.id = m.org_id
        WHERE m.status IN {CURRENT_SQL} AND m.org_id <> s.org_id
        """  # noqa: S608 (constant SQL)
    )
    own = getattr(getattr(ctx.actor, "org", None), "path", None)
    told = 0
    for row_no, org_name, path in cur.fetchall():
        visible = ctx.actor is None or (own is not None and path.startswith(own))
        told += not visible
        message = (
            _("Already a member of “%(org)s”; that union has to transfer the membership.")
            % {"org": org_name}
            if visible
            else _("Already a member of another union; that union has to transfer the membership.")
        )
        problems.append(Problem(row_no, "身份证号", message, Problem.CONFLICT))
    if ctx.actor is not None:
        # Former members another union holds are taken on with the name registered with
        # their ID number only (README, "Personal data"); the file's name replaces nothing.
        cur.execute(
            f"""
            SELECT s.row_no
            FROM member_stage s
            JOIN members_person p ON p.id_number_digest = s.digest
            LEFT JOIN members_membership m ON m.id = p.latest_membership_id
            LEFT JOIN orgs_org o ON o.id = m.org_id
            WHERE p.name <> s.name
              AND (m.id IS NULL OR m.status NOT IN {CURRENT_SQL})
              AND (o.path IS NULL OR left(o.path, length(%s)) <> %s)
            """,  # noqa: S608 (constant SQL)
            [own or "", own or ""],
        )
        for (row_no,) in cur.fetchall():
            told += 1
            problems.append(
                Problem(
                    row_no,
                    "姓名",
                    _(
                        "The name is not the one registered with this ID number; check "
                        "both against the member's ID card."
                    ),
                )
            )
    if told and ctx.actor is not None:
        actor, org, job = ctx.actor, ctx.org, ctx.options.get("job_id")
        ctx.keep.append(
            lambda: log_access(
                actor=actor,
                action=AccessLog.Action.REGISTRY_ANSWER,
                org=org,
                details={"import_job": job, "people": told},
            )
        )
    return problems


def import_stage_write(ctx, skip_rows: set[int]) -> tuple[int, int]:
    """Write the staged rows except ``skip_rows``: new people, people joining again, and
    members of the same union whose particulars are updated. Returns (imported, updated)."""
    cur = ctx.cursor
    job_id = ctx.options.get("job_id")
    cur.execute("CREATE TEMP TABLE member_skip (row_no integer PRIMARY KEY) ON COMMIT DROP")
    if skip_rows:
        with cur.copy("COPY member_skip (row_no) FROM STDIN") as copy:
            for row_no in skip_rows:
                copy.write_row((row_no,))
    # One plan row per staged row: the person (existing or a new id), whether the person is
    # already a current member of this row's union (an update), and the new membership's id.
    # Ids come from the tables' sequences up front, so person and membership can point at
    # each other in two plain INSERTs.
    cur.execute(
        f"""
        CREATE TEMP TABLE member_plan ON COMMIT DROP AS
        SELECT x.*,
               COALESCE(x.existing_person_id, nextval('members_person_id_seq')) AS person_id,
               CASE WHEN x.current_membership_id IS NULL
                    THEN nextval('members_membership_id_seq') END AS membership_id,
               CASE WHEN x.card_number IS NULL AND x.existing_person_id IS NULL
                    THEN x.region || lpad(nextval('members_card_number_seq')::text, 10, '0')
                    ELSE x.card_number END AS card
        FROM (
            SELECT s.*, p.id AS existing_person_id,
                   CASE WHEN m.status IN {CURRENT_SQL} AND m.org_id = s.org_id THEN m.id END
                       AS current_membership_id
            FROM member_stage s
            LEFT JOIN members_person p ON p.id_number_digest = s.digest
            LEFT JOIN members_membership m ON m.id = p.latest_membership_id
            WHERE NOT EXISTS (SELECT 1 FROM member_skip k WHERE k.row_no = s.row_no)
        ) x
        """  # noqa: S608
    )
    # A new person is written before the membership it points at, so it is given its county
    # here (``core.county``): the membership's insert then has no person row to update.
    cur.execute(
        """
        INSERT INTO members_person (
            id, name, name_initials, id_number, id_number_digest, id_last4_digest, gender,
            birth_date,
            ethnicity, phone, phone_digest, phone_last4, education, political_status, hukou_type,
            is_migrant_worker, new_employment_category, card_number, latest_membership_id,
            county_id, created_at, updated_at)
        SELECT person_id, name, initials, id_enc, digest, id_last4_digest, gender, birth_date,
               ethnicity, phone_enc, phone_digest, phone_last4, education, political_status,
               hukou_type, is_migrant, ne_category, card, membership_id,
               (SELECT o.county_id FROM orgs_org o WHERE o.id = member_plan.org_id), now(), now()
        FROM member_plan WHERE existing_person_id IS NULL
        """
    )
    # People already in the registry: what the file gives replaces, what it leaves blank stays.
    cur.execute(
        """
        UPDATE members_person p SET
            name = x.name, name_initials = x.initials,
            ethnicity = COALESCE(NULLIF(x.ethnicity, ''), p.ethnicity),
            phone = COALESCE(x.phone_enc, p.phone),
            phone_digest = COALESCE(x.phone_digest, p.phone_digest),
            phone_last4 = COALESCE(NULLIF(x.phone_last4, ''), p.phone_last4),
            education = COALESCE(NULLIF(x.education, ''), p.education),
            political_status = COALESCE(NULLIF(x.political_status, ''), p.political_status),
            hukou_type = COALESCE(NULLIF(x.hukou_type, ''), p.hukou_type),
            is_migrant_worker = x.is_migrant,
            new_employment_category =
                COALESCE(NULLIF(x.ne_category, ''), p.new_employment_category),
            card_number = COALESCE(x.card, p.card_number),
            latest_membership_id = COALESCE(x.membership_id, p.latest_membership_id),
            updated_at = now()
        FROM member_plan x
        WHERE x.existing_person_id = p.id
        """
    )
    cur.execute(
        """
        INSERT INTO members_membership (
            id, person_id, org_id, status, joined_on, status_changed_on, employer_id,
            employer_name, note, import_job_id, created_at)
        SELECT membership_id, person_id, org_id, 'active', joined_on, joined_on, employer_id,
               employer_name, note, %s, now()
        FROM member_plan WHERE membership_id IS NOT NULL
        """,
        [job_id],
    )
    imported = cur.rowcount
    cur.execute(
        """
        UPDATE members_membership m SET
            employer_name = COALESCE(NULLIF(x.employer_name, ''), m.employer_name),
            employer_id = COALESCE(x.employer_id, m.employer_id),
            note = COALESCE(NULLIF(x.note, ''), m.note)
        FROM member_plan x WHERE x.current_membership_id = m.id
        """
    )
    updated = cur.rowcount
    record_event(
        actor=ctx.actor,
        action="member.import",
        org=ctx.org,
        details={
            "imported": imported,
            "updated": updated,
            "job": job_id,
            "file": ctx.options.get("file_name", ""),
        },
    )
    return imported, updated
