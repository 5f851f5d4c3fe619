"""The roster import: every kind of bad input of domain.md, the three modes, exact counts,
conflicts, scope, the error workbook, and the command line."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest
import python_calamine
from django.core.exceptions import PermissionDenied

from gonghui.core.crypto import cipher
from gonghui.core.errors import NotFound
from gonghui.core.imports.engine import Mode, run_import
from gonghui.core.imports.jobs import import_job_create
from gonghui.core.imports.workbook import problems_workbook, template_bytes
from gonghui.core.models import Event
from gonghui.members.crypto import last4_digest
from gonghui.members.imports import MemberRosterSpec
from gonghui.members.models import Membership, Person
from gonghui.members.services import member_register
from tests.conftest import snapshot
from tests.rosters import HEADER, id_number, person_row, write_csv, write_xlsx

SPEC = MemberRosterSpec()
MEMBER_TABLES = (Person, Membership, Event)


def imp(path, org, actor=None, mode=Mode.ALL_OR_NOTHING):
    return run_import(SPEC, Path(path), actor=actor, org=org, mode=mode)


def messy_rows(tree):
    """The bad input of domain.md, one kind per row, plus good rows around it. With the title
    row, a blank row and the header above, the first data row is row 4."""
    a1 = tree.a1.name
    n18 = id_number(datetime.date(1985, 6, 1), 5)
    born80 = id_number(datetime.date(1980, 1, 1), 123)
    other_gender = "男" if person_row(10, a1)[2] == "女" else "女"
    return [
        person_row(1, a1, name=" 王芳 "),  # 4: stray blanks: repaired
        person_row(2, a1, id=born80[:6] + born80[8:17], gender=""),  # 5: 15 digits: repaired
        person_row(3, "QS-A-1", id="５３０５２４１９８５０６０１００５" + n18[-1], gender=""),  # 6
        person_row(4, a1, id="1.10105E+17"),  # 7: Excel number: refused
        person_row(5, a1, joined="2021.3.5"),  # 8: text date
        person_row(6, a1, joined="2021年3月5日"),  # 9: text date
        person_row(7, a1, joined="44000"),  # 10: Excel serial date as text
        person_row(1, a1),  # 11: same person as row 4: refused
        person_row(8, "甲公司工会"),  # 12: union named a little differently: matched
        person_row(9, "甲公司工会委员"),  # 13: misspelt: refused with a suggestion
        person_row(10, a1, gender=other_gender),  # 14: gender disagrees with the ID
        person_row(11, a1, birth="1900-01-01"),  # 15: birth date disagrees
        person_row(12, a1, id=id_number(datetime.date(1990, 1, 1), 7)[:-1] + "0"),  # 16
    ]


REFUSED = [7, 11, 13, 14, 15, 16]


def test_messy_roster_counts_are_exact_and_all_or_nothing_writes_nothing(tree, tmp_path):
    path = write_csv(tmp_path / "roster.csv", messy_rows(tree), encoding="gb18030", title=True)
    before = snapshot(*MEMBER_TABLES)
    outcome = imp(path, tree.a)
    assert outcome.counts() == {
        "rows": 13,
        "valid": 7,
        "imported": 0,
        "updated": 0,
        "repaired": 3,
        "rejected": 6,
        "conflicts": 0,
    }
    assert not outcome.written
    assert snapshot(*MEMBER_TABLES) == before
    by_row = {(p.row, p.column): p.message for p in outcome.problems}
    assert set(by_row) == {
        (7, "身份证号"),
        (11, "身份证号"),
        (13, "所在工会"),
        (14, "性别"),
        (15, "出生日期"),
        (16, "身份证号"),
    }
    assert "Excel" in by_row[(7, "身份证号")] and "丢失" in by_row[(7, "身份证号")]
    assert "第 4 行" in by_row[(11, "身份证号")]
    assert "甲公司工会委员会" in by_row[(13, "所在工会")]
    repaired = {(row, column) for row, column, _what in outcome.repairs}
    assert repaired == {(4, "姓名"), (5, "身份证号"), (6, "身份证号")}


def test_partial_mode_imports_the_right_rows(tree, tmp_path):
    path = write_csv(tmp_path / "roster.csv", messy_rows(tree), title=True)
    outcome = imp(path, tree.a, mode=Mode.PARTIAL)
    assert outcome.counts()["imported"] == 7
    assert Person.objects.count() == 7
    assert Membership.objects.filter(org=tree.a1, status="active").count() == 7
    joined = set(Membership.objects.values_list("joined_on", flat=True))
    assert {datetime.date(2021, 3, 5), datetime.date(2020, 6, 18)} <= joined  # 44000
    upgraded = Person.objects.get(name="测试2")
    born80 = id_number(datetime.date(1980, 1, 1), 123)
    # The 18-digit form of the 15-digit number.
    assert upgraded.id_last4_digest == last4_digest(cipher(), born80)
    assert Person.objects.get(name="王芳").name_initials == "wf"
    assert len(upgraded.card_number) == 16 and upgraded.card_number.startswith("530524")
    assert Event.objects.filter(action="member.import").count() == 1


def test_validate_mode_writes_nothing(tree, tmp_path):
    path = write_csv(tmp_path / "roster.csv", [person_row(1, "QS-A-1")])
    before = snapshot(*MEMBER_TABLES)
    outcome = imp(path, tree.a, mode=Mode.VALIDATE)
    assert outcome.counts()["valid"] == 1
    assert snapshot(*MEMBER_TABLES) == before


def test_second_import_updates_instead_of_duplicating(tree, tmp_path):
    path = write_csv(tmp_path / "roster.csv", [person_row(n, "QS-A-1") for n in range(5)])
    assert imp(path, tree.a).imported == 5
    again = write_csv(
        tmp_path / "again.csv", [person_row(n, "QS-A-1", phone="13700000000") for n in range(5)]
    )
    outcome = imp(again, tree.a)
    assert (outcome.imported, outcome.updated) == (0, 5)
    assert Person.objects.count() == 5
    assert Membership.objects.count() == 5
    assert set(Person.objects.values_list("phone_last4", flat=True)) == {"0000"}


def test_member_of_another_union_is_a_conflict_named_only_to_who_may_see_it(tree, tmp_path):
    imp(write_csv(tmp_path / "a.csv", [person_row(1, "QS-A-1")]), tree.a)
    path = write_csv(tmp_path / "b.csv", [person_row(1, "QS-B-1"), person_row(2, "QS-B-1")])
    as_township = imp(path, tree.b, actor=tree.town_b)
    assert as_township.counts()["conflicts"] == 1
    assert as_township.imported == 1
    (conflict,) = [p for p in as_township.problems if p.kind == "conflict"]
    assert "甲" not in conflict.message and "其他工会" in conflict.message
    Membership.objects.filter(org=tree.b1).delete()
    Person.objects.filter(latest_membership__isnull=True).delete()
    as_county = imp(path, tree.b, actor=tree.county_staff, mode=Mode.VALIDATE)
    (conflict,) = [p for p in as_county.problems if p.kind == "conflict"]
    assert "甲公司工会委员会" in conflict.message


def test_a_clerk_cannot_import_into_another_union(tree, tmp_path):
    path = write_csv(tmp_path / "r.csv", [person_row(1, "QS-B-1"), person_row(2, "")])
    outcome = imp(path, tree.a1, actor=tree.clerk_a1, mode=Mode.PARTIAL)
    assert outcome.rejected == 1
    assert "没有工会" in outcome.problems[0].message
    # The row without a union goes to the clerk's own.
    assert Membership.objects.get().org == tree.a1
    with pytest.raises(NotFound):
        import_job_create(
            actor=tree.clerk_a1,
            org=tree.b1,
            kind="members",
            file_name="r.csv",
            content=path.read_bytes(),
        )


def test_xlsx_with_title_rows_numbers_and_dates(tree, tmp_path):
    rows = [
        person_row(1, "QS-A-1", joined=datetime.date(2019, 9, 1)),
        person_row(2, "QS-A-1", phone=13900000002),
        person_row(3, "QS-A-1"),
    ]
    path = write_xlsx(tmp_path / "r.xlsx", rows, numbers_as_numbers=True)
    outcome = imp(path, tree.a, mode=Mode.PARTIAL)
    # Every ID typed as a number lost its last digits in Excel.
    assert outcome.counts()["rejected"] == 3
    path = write_xlsx(tmp_path / "ok.xlsx", rows)
    outcome = imp(path, tree.a)
    assert outcome.imported == 3
    assert Membership.objects.filter(joined_on=datetime.date(2019, 9, 1)).count() == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tree, tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", [person_row(1, "甲公司工会委员会")], encoding=encoding)
    outcome = imp(path, tree.a)
    assert outcome.imported == 1
    assert Person.objects.get().name == "测试1"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "文件是空的"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "不是电子表格"),
        (b"PK\x03\x04broken zip", "无法作为电子表格读取"),
        (b"\x00\x01\x02binary", "不是电子表格"),
        ("姓名,手机号码\n张三,13900000000\n".encode(), "身份证号"),
        ("说明\n这不是名单\n".encode(), "没有找到表头"),
        ("姓名*,身份证号*,所在工会*\n".encode(), "没有数据行"),
    ],
)
def test_files_that_cannot_be_imported_get_one_clear_reason(tree, tmp_path, content, reason):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content)
    before = snapshot(*MEMBER_TABLES)
    outcome = imp(path, tree.a)
    assert reason in outcome.fatal
    assert snapshot(*MEMBER_TABLES) == before


def test_a_50_mb_file_is_refused_before_it_is_read(tree, tmp_path, settings):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    outcome = imp(path, tree.a)
    assert "50 MB" in outcome.fatal and "40 MB" in outcome.fatal
    with pytest.raises(Exception, match="50 MB"):
        import_job_create(
            actor=tree.town_a,
            org=tree.a,
            kind="members",
            file_name="huge.csv",
            content=b"x" * (50 * 1024 * 1024),
        )


def test_error_workbook_lists_the_rows_as_written_with_reasons(tree, tmp_path):
    path = write_csv(tmp_path / "roster.csv", messy_rows(tree), title=True)
    outcome = imp(path, tree.a)
    book = problems_workbook(path, "roster.csv", outcome)
    out = tmp_path / "problems.xlsx"
    out.write_bytes(book)
    sheet = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0][:2] == ["行号", "原因"]
    assert rows[0][2:] == HEADER
    assert [int(r[0]) for r in rows[1:]] == REFUSED
    assert rows[1][3] == "1.10105E+17"  # what the user wrote, to fix in place


def test_template_has_every_column(tree, tmp_path):
    out = tmp_path / "t.xlsx"
    out.write_bytes(template_bytes(SPEC))
    rows = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[2][0] == "姓名*" and "身份证号*" in rows[2] and "所在工会*" in rows[2]
    # The template's own example row imports cleanly once its union exists.
    assert len(rows[3]) == len(rows[2])


def test_clerk_without_member_permission_cannot_queue_an_import(tree):
    from gonghui.accounts.models import Role
    from gonghui.accounts.services import user_create

    viewer = user_create(
        actor=None,
        username="viewer",
        password="Test-pass-2025",
        org=tree.a1,
        role=Role.GRASSROOTS_CLERK,
    )
    viewer.role = "nobody"
    with pytest.raises(PermissionDenied):
        import_job_create(
            actor=viewer, org=tree.a1, kind="members", file_name="r.csv", content=b"x"
        )


def test_register_refuses_a_current_member_of_another_union(tree):
    number = id_number(datetime.date(1991, 2, 3), 8)
    member_register(actor=tree.town_a, org=tree.a1, id_number=number, name="张三")
    before = snapshot(*MEMBER_TABLES)
    with pytest.raises(Exception, match="其他工会"):
        member_register(actor=tree.town_b, org=tree.b1, id_number=number, name="张三")
    assert snapshot(*MEMBER_TABLES) == before


@pytest.mark.django_db(transaction=True)
def test_command_line_import_of_a_messy_roster_gives_exact_counts(tmp_path):
    from tests.conftest import build_tree

    tree = build_tree()
    path = write_csv(tmp_path / "名册.csv", messy_rows(tree), encoding="gb18030", title=True)
    errors = tmp_path / "errors.xlsx"
    env = _cli_env()

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "gonghui.cli", "import", "members", *map(str, args)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    checked = cli(path, "--org", "QS", "--json", "--dry-run")
    assert checked.returncode == 1, checked.stderr
    assert json.loads(checked.stdout) == {
        "rows": 13,
        "valid": 7,
        "imported": 0,
        "updated": 0,
        "repaired": 3,
        "rejected": 6,
        "conflicts": 0,
        "written": False,
    }
    assert Person.objects.count() == 0
    run = cli(path, "--org", "QS", "--json", "--partial", "--errors", errors)
    assert run.returncode == 1, run.stderr
    assert json.loads(run.stdout) == {
        "rows": 13,
        "valid": 7,
        "imported": 7,
        "updated": 0,
        "repaired": 3,
        "rejected": 6,
        "conflicts": 0,
        "written": True,
    }
    rows = python_calamine.CalamineWorkbook.from_path(str(errors)).get_sheet_by_index(0)
    assert [int(r[0]) for r in rows.to_python()[1:]] == REFUSED
    assert Person.objects.count() == 7
    # The same file again: the seven are now members of the union, so they are updated.
    again = write_csv(
        tmp_path / "ok.csv",
        [r for i, r in enumerate(messy_rows(tree), start=4) if i not in REFUSED],
    )
    run = cli(again, "--org", "QS", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["updated"] == 7
    human = cli(path, "--org", "QS", "--dry-run")
    assert "第7行 身份证号" in human.stdout and "没有导入" not in human.stdout


def _cli_env() -> dict:
    import os

    from django.db import connection

    s = connection.settings_dict
    host = s["OPTIONS"].get("host") or s["HOST"]
    root = str(Path(__file__).resolve().parent.parent)
    return {
        **os.environ,
        "DATABASE_URL": f"postgresql://{s['USER']}@/{s['NAME']}?host={host}",
        "DJANGO_SETTINGS_MODULE": "gonghui.config.settings.test",
        # The test settings install the example work area of tests/.
        "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p),
    }
