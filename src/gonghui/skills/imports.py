"""The trainee roster (培训学员名册) import: the members who took one training session, with
whether they completed it, the certificate they earned and whether they found a job after.

Trainees are members found by ID number and name among the import's org's people (a number
outside its subtree answers like an unknown one). Trainees who are not members are counted on
the session, not named here. Rows already on the roster are conflicts, not doubled. Each row is
written through ``services.trainee_add``, so the session's totals and the events are those of a
trainee added by hand."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gonghui.core import idnumbers
from gonghui.core.errors import DomainError
from gonghui.core.imports.spec import (
    CellError,
    Column,
    ImportSpec,
    Problem,
    Row,
    Vocabulary,
    read_bool,
    read_choice,
    read_name,
    read_text,
)
from gonghui.members.imports import PersonResolver
from gonghui.members.models import Person
from gonghui.skills import services
from gonghui.skills.models import Certificate, TrainingSession

CERTIFICATES = Vocabulary(
    {
        Certificate.LEVEL5: "五级/初级工",
        Certificate.LEVEL4: "四级/中级工",
        Certificate.LEVEL3: "三级/高级工",
        Certificate.LEVEL2: "二级/技师",
        Certificate.LEVEL1: "一级/高级技师",
        Certificate.SPECIAL: "特种作业操作证",
        Certificate.COMPLETION: "培训合格证书",
    },
    {
        "五级": Certificate.LEVEL5,
        "初级工": Certificate.LEVEL5,
        "初级": Certificate.LEVEL5,
        "四级": Certificate.LEVEL4,
        "中级工": Certificate.LEVEL4,
        "中级": Certificate.LEVEL4,
        "三级": Certificate.LEVEL3,
        "高级工": Certificate.LEVEL3,
        "高级": Certificate.LEVEL3,
        "二级": Certificate.LEVEL2,
        "技师": Certificate.LEVEL2,
        "一级": Certificate.LEVEL1,
        "高级技师": Certificate.LEVEL1,
        "特种作业证": Certificate.SPECIAL,
        "合格证书": Certificate.COMPLETION,
        "合格证": Certificate.COMPLETION,
        "结业证书": Certificate.COMPLETION,
        "无": "",
    },
)

COLUMNS = (
    Column("name", "姓名", required=True, example="张三", width=10),
    Column(
        "id_number",
        "身份证号",
        required=True,
        aliases=("身份证号码", "公民身份号码"),
        example="110101199003070011",
        width=22,
    ),
    Column("completed", "是否结业", aliases=("结业", "是否完成"), example="是", width=10),
    Column(
        "certificate",
        "取得证书",
        aliases=("证书", "证书类别", "证书等级", "职业技能等级"),
        example="四级/中级工",
        choices=tuple(CERTIFICATES.labels.values()),
        width=16,
    ),
    Column("certificate_no", "证书编号", aliases=("证书号",), example="S000053010001", width=20),
    Column(
        "found_job",
        "培训后就业",
        aliases=("是否就业", "实现就业"),
        example="否",
        width=10,
    ),
)
COL = {c.key: c for c in COLUMNS}
STAGE_COLUMNS = ("row_no", "person_id", "completed", "certificate", "certificate_no", "found_job")


class TraineeRosterSpec(ImportSpec):
    kind = "trainees"
    title = "培训学员名册"
    columns = COLUMNS
    permission = "skills.add_trainee"
    parse_queries_database = True  # each row's member
    written_tables = ("skills_trainee",)

    def upload_fields(self, actor) -> dict:
        from django import forms

        from gonghui.skills.selectors import sessions_visible_to

        sessions = sessions_visible_to(actor).order_by("-starts_on", "course__name", "number")
        choices = [(s.pk, f"{s}（{s.starts_on:%Y-%m-%d}）") for s in sessions[:500]]
        return {
            "session": forms.TypedChoiceField(
                label=_("Training session"), choices=choices, coerce=int
            )
        }

    cli_options = {"session": "培训期次编号（必填，见培训期次列表）"}

    def command_line(self, options: dict) -> str | None:
        raw = str(options.get("session") or "")
        if not raw.isdigit():
            raise ValueError("导入培训学员名册需要 --session 培训期次编号。")
        session = TrainingSession.objects.select_related("course__org").filter(pk=int(raw)).first()
        if session is None:
            raise ValueError(f"没有编号为 {raw} 的培训期次。")
        return session.course.org.code  # by default, the course's union

    def begin(self, ctx) -> None:
        raw = str(ctx.options.get("session") or "")
        session = (
            TrainingSession.objects.select_related("course__org").filter(pk=int(raw)).first()
            if raw.isdigit()
            else None
        )
        if session is None or not session.course.org.path.startswith(ctx.org.path):
            raise DomainError(
                _("No training session “%(session)s” in this organisation.") % {"session": raw}
            )
        self.session = session
        self.people = PersonResolver(ctx.org)
        ctx.cursor.execute("DROP TABLE IF EXISTS trainee_stage")
        ctx.cursor.execute(
            "CREATE TEMP TABLE trainee_stage (row_no integer, person_id bigint, completed "
            "boolean, certificate text, certificate_no text, found_job boolean) ON COMMIT DROP"
        )

    def stage_sql(self, ctx) -> str:
        return f"COPY trainee_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN"

    def parse(self, ctx, row: Row) -> tuple | None:
        name = read_name(row, COL["name"])
        try:
            number = idnumbers.normalize(row.cells.get("id_number"), today=ctx.today)
        except idnumbers.IdNumberError as exc:
            row.error(COL["id_number"], str(exc))
            return None
        for what in number.repairs:
            row.repaired(COL["id_number"], what)
        try:
            person = self.people.resolve(number.value, name)
        except CellError as exc:
            row.error(COL["id_number"], str(exc))
            return None
        try:
            completed = read_bool(row, COL["completed"])
            certificate = read_choice(row, COL["certificate"], CERTIFICATES)
            certificate_no = read_text(row, COL["certificate_no"], max_length=40)
            found_job = read_bool(row, COL["found_job"])
        except CellError as exc:
            row.error(None, str(exc))
            return None
        completed = True if completed is None else completed
        if certificate and not completed:
            row.error(COL["certificate"], _("Only a trainee who completed it has a certificate."))
            return None
        if certificate_no and not certificate:
            row.error(COL["certificate"], _("Choose the certificate the number is of."))
            return None
        return (row.number, person.pk, completed, certificate, certificate_no, bool(found_job))

    def check(self, ctx) -> list[Problem]:
        cur = ctx.cursor
        problems = []
        cur.execute(
            "SELECT s.row_no, min(t.row_no) FROM trainee_stage s JOIN trainee_stage t "
            "ON t.person_id = s.person_id AND t.row_no < s.row_no GROUP BY s.row_no"
        )
        for row_no, first in cur.fetchall():
            problems.append(Problem(row_no, "", _("Same person as row %(row)d.") % {"row": first}))
        cur.execute(
            "SELECT s.row_no FROM trainee_stage s JOIN skills_trainee t "
            "ON t.person_id = s.person_id AND t.session_id = %s",
            [self.session.pk],
        )
        for (row_no,) in cur.fetchall():
            problems.append(
                Problem(
                    row_no,
                    "",
                    _("Already on this session's roster."),
                    Problem.CONFLICT,
                )
            )
        return problems

    def write(self, ctx, skip_rows: set[int]) -> tuple[int, int]:
        ctx.cursor.execute(
            "SELECT row_no, person_id, completed, certificate, certificate_no, found_job "
            "FROM trainee_stage WHERE NOT (row_no = ANY(%s)) ORDER BY row_no",
            [sorted(skip_rows)],
        )
        staged = ctx.cursor.fetchall()
        people = Person.objects.in_bulk([r[1] for r in staged])
        imported = 0
        for _row, person_id, completed, certificate, certificate_no, found_job in staged:
            services.trainee_add(
                actor=ctx.actor,
                session=self.session,
                person=people[person_id],
                completed=completed,
                certificate=certificate,
                certificate_no=certificate_no,
                found_job=found_job,
            )
            imported += 1
        return imported, 0

    def template_rows(self) -> list[list[str]]:
        return [
            [c.example for c in self.columns],
            ["李四", "110101198805120020", "是", "培训合格证书", "", "是"],
        ]
