"""What an attacker and a careless day found in the landed platform (issue 10), each as a
specification that failed before its fix."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gonghui.core.errors import NotFound
from gonghui.members import services as member_services
from gonghui.members.models import Membership, Person
from tests.conftest import snapshot
from tests.rosters import id_number

A_ID = id_number(datetime.date(1984, 4, 4), 41)
B_ID = id_number(datetime.date(1985, 5, 5), 52)


@pytest.fixture
def people(tree):
    a = member_services.member_register(
        actor=None,
        org=tree.a1,
        id_number=A_ID,
        name="甲会员",
        phone="13911112222",
        joined_on=datetime.date(2020, 1, 1),
    )
    b = member_services.member_register(
        actor=None,
        org=tree.b1,
        id_number=B_ID,
        name="乙会员",
        joined_on=datetime.date(2020, 1, 1),
    )
    return a.person, b.person


# -- 2. a member can be edited -------------------------------------------------------------------


def test_a_clerk_corrects_a_members_particulars_through_the_service(tree, people):
    person = member_services.person_update(
        actor=tree.clerk_a1,
        person=people[0],
        changes={"name": "甲会员改", "education": "bachelor", "phone": "13900001111"},
    )
    person.refresh_from_db()
    assert (person.name, person.name_initials, person.education) == ("甲会员改", "jhyg", "bachelor")
    assert person.phone_last4 == "1111"


def test_a_person_without_a_membership_row_is_refused_as_missing(tree, people):
    with pytest.raises(NotFound):
        member_services.person_update(
            actor=tree.town_b, person=people[0], changes={"name": "别人改的"}
        )
    assert Person.objects.get(pk=people[0].pk).name == "甲会员"


def test_the_member_form_saves(client, tree, people):
    client.force_login(tree.clerk_a1)
    url = reverse("admin:members_person_change", args=[people[0].pk])
    page = client.get(url)
    assert page.status_code == 200
    answer = client.post(
        url,
        {
            "name": "甲会员",
            "new_phone": "",
            "card_number": people[0].card_number,
            "ethnicity": "汉族",
            "education": "college",
            "political_status": "",
            "hukou_type": "",
            "is_migrant_worker": "on",
            "new_employment_category": "",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    person = Person.objects.get(pk=people[0].pk)
    assert (person.ethnicity, person.education, person.is_migrant_worker) == (
        "汉族",
        "college",
        True,
    )


def test_a_card_number_of_another_member_is_explained_on_the_form(client, tree, people):
    client.force_login(tree.county_staff)
    url = reverse("admin:members_person_change", args=[people[0].pk])
    before = snapshot(Person, Membership)
    answer = client.post(
        url,
        {"name": "甲会员", "new_phone": "", "card_number": people[1].card_number},
    )
    assert answer.status_code == 200
    assert answer.context["adminform"].form.errors["card_number"]
    assert snapshot(Person, Membership) == before
    with pytest.raises(ValidationError):
        member_services.person_update(
            actor=tree.county_staff,
            person=people[0],
            changes={"card_number": people[1].card_number},
        )


# -- 9. the user page for view-only staff ----------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "county_staff"])
def test_every_user_record_opens_for_every_role_that_lists_users(client, tree, role):
    from gonghui.accounts.models import User

    actor = getattr(tree, role)
    client.force_login(actor)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    for user in User.objects.all():
        page = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
        assert page.status_code == 200, (role, user.username)
        if role == "county_staff":  # sees the account, cannot reset its password
            assert "new_password" not in page.content.decode()


# -- 8. a township cannot drop the target the county set for it -----------------------------------


def test_a_township_cannot_delete_its_own_target_by_service_or_page(client, tree):
    from django.core.exceptions import ValidationError

    from gonghui.reports import services as report_services
    from gonghui.reports.models import Target

    target = report_services.target_set(
        actor=tree.county_staff, org=tree.a, indicator="members.current", year=2026, value=100
    )
    with pytest.raises(ValidationError):
        report_services.target_delete(actor=tree.town_a, target=target)
    client.force_login(tree.town_a)
    url = reverse("admin:reports_target_delete", args=[target.pk])
    client.post(url, {"post": "yes"})
    client.post(
        reverse("admin:reports_target_changelist"),
        {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"},
    )
    assert Target.objects.filter(pk=target.pk).exists()
    # The county withdraws it.
    report_services.target_delete(actor=tree.county_staff, target=target)
    assert not Target.objects.filter(pk=target.pk).exists()


# -- 1 and 5. every upload through one checked path ------------------------------------------------

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


def _relief_form(aid, tree, upload=None):
    data = {
        "campaign": aid.winter.pk,
        "org": tree.a.pk,
        "date": "2026-01-20",
        "headcount": "40",
        "cash_amount": "4000",
        "goods_value": "0",
        "note": "",
    }
    if upload is not None:
        data["photo_upload"] = upload
    return data


@pytest.fixture
def aid(tree):
    from tests.aid import build_aid

    return build_aid(tree)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("慰问.html", b"<html><script>fetch('/admin/')</script></html>"),
        ("慰问.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("慰问.exe", b"MZ\x90\x00" + b"\0" * 60),
        ("慰问.jpg", b"<html><script>alert(1)</script></html>"),
        ("慰问.png", JPEG),
    ],
)
def test_a_relief_photo_that_is_no_picture_is_refused_on_the_form_and_by_the_service(
    client, tree, aid, settings, tmp_path, name, content
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.assistance import services as aid_services
    from gonghui.assistance.models import GroupRelief
    from gonghui.core.models import StoredFile

    settings.MEDIA_ROOT = tmp_path
    before = snapshot(GroupRelief, StoredFile)
    client.force_login(tree.town_a)
    answer = client.post(
        reverse("admin:assistance_grouprelief_add"),
        _relief_form(aid, tree, SimpleUploadedFile(name, content)),
    )
    assert answer.status_code == 200
    assert answer.context["adminform"].form.errors["photo_upload"]
    with pytest.raises(ValidationError):
        aid_services.group_relief_create(
            actor=tree.town_a,
            campaign=aid.winter,
            org=tree.a,
            headcount=40,
            date=datetime.date(2026, 1, 20),
            photo=SimpleUploadedFile(name, content),
        )
    assert snapshot(GroupRelief, StoredFile) == before
    assert not any(tmp_path.rglob("*"))


def test_a_large_photo_saves_once_and_is_shown_as_a_picture_only(
    client, tree, aid, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.assistance.models import GroupRelief
    from gonghui.core.models import StoredFile

    settings.MEDIA_ROOT = tmp_path
    big = JPEG + b"\x00" * (3 * 1024 * 1024)  # over Django's 2.5 MB in-memory threshold
    client.force_login(tree.town_a)
    answer = client.post(
        reverse("admin:assistance_grouprelief_add"),
        _relief_form(aid, tree, SimpleUploadedFile("慰问.jpg", big)),
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    relief = GroupRelief.objects.get()
    # The form's check ran the service once in a savepoint: no second, orphaned copy.
    assert StoredFile.objects.count() == 1 and relief.photo.size == len(big)
    assert not any(tmp_path.rglob("*"))
    shown = client.get(reverse("admin:assistance_grouprelief_photo", args=[relief.pk]))
    assert shown.status_code == 200 and shown.content == big
    assert shown["Content-Type"] == "image/jpeg"
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in shown["Content-Security-Policy"]
    # A new photo replaces the old one, which goes.
    client.post(
        reverse("admin:assistance_grouprelief_change", args=[relief.pk]),
        _relief_form(aid, tree, SimpleUploadedFile("新.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40)),
    )
    relief.refresh_from_db()
    assert relief.photo.kind == "png" and StoredFile.objects.count() == 1
    # Deleting the relief deletes its photo.
    client.force_login(tree.county_staff)
    client.post(reverse("admin:assistance_grouprelief_delete", args=[relief.pk]), {"post": "yes"})
    assert not GroupRelief.objects.exists() and not StoredFile.objects.exists()


def test_a_photo_over_the_limit_is_refused_with_the_limit(client, tree, aid):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.core.files import PHOTO_MAX_BYTES

    client.force_login(tree.town_a)
    answer = client.post(
        reverse("admin:assistance_grouprelief_add"),
        _relief_form(aid, tree, SimpleUploadedFile("大.jpg", JPEG + b"\0" * PHOTO_MAX_BYTES)),
    )
    assert answer.status_code == 200
    assert "大于 10 MB" in " ".join(answer.context["adminform"].form.errors["photo_upload"])


def test_a_request_larger_than_any_upload_is_refused_before_it_is_read(client, tree):
    from gonghui.core.files import max_request_bytes

    client.force_login(tree.town_a)
    answer = client.generic(
        "POST",
        reverse("admin:assistance_grouprelief_add"),
        b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(max_request_bytes() + 1),
    )
    assert answer.status_code == 413
    assert "上传的文件太大" in answer.content.decode()


def test_every_file_field_goes_through_the_checked_path(rf, tree):
    """No model keeps a file on disk, and every form field that takes a file checks it."""
    from django import forms
    from django.apps import apps
    from django.contrib import admin
    from django.db import models

    from gonghui.core.admin import ImportUploadForm
    from gonghui.core.files import CheckedFileField
    from gonghui.core.models import StoredFile

    model_files = [
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.get_fields()
        if isinstance(f, models.FileField)
    ]
    assert model_files == []
    file_links = [
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.get_fields()
        if f.is_relation and f.concrete and f.related_model is StoredFile
    ]
    assert sorted(file_links) == [
        "assistance.GroupRelief.photo",
        "honors.NominationAttachment.stored",
        "ledger.LedgerAttachment.stored",
        "mutualaid.AidClaimAttachment.stored",
    ]

    def form_classes(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from form_classes(sub)

    request = rf.get("/")
    request.user = tree.admin
    for model_admin in admin.site._registry.values():
        if type(model_admin).__module__.startswith("gonghui."):
            model_admin.get_form(request, None)  # builds the admin's form classes
    unchecked = []
    for form in {*form_classes(forms.BaseForm)}:
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, forms.FileField) and not isinstance(field, CheckedFileField):
                unchecked.append(f"{form.__module__}.{form.__qualname__}.{name}")
    assert unchecked == []
    built = ImportUploadForm(orgs=None)
    assert isinstance(built.fields["file"], CheckedFileField)


# -- 7 and 11. files that would take the worker down or gave an internal error -------------------


def _roster_bytes(encoding: str) -> bytes:
    from tests.rosters import HEADER, person_row

    lines = [",".join(HEADER), *(",".join(map(str, person_row(n, "QS-A-1"))) for n in range(3))]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(tree):
    import io
    import zipfile

    import psutil

    from gonghui.core.imports.engine import run_import
    from gonghui.members.imports import MemberRosterSpec

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"<c><v>0</v></c>" * 65536
            for _ in range(400):  # about 400 MB unpacked, under half a MB packed
                member.write(chunk)
    bomb = out.getvalue()
    assert len(bomb) < 2 * 1024 * 1024
    before = psutil.Process().memory_info().rss
    outcome = run_import(
        MemberRosterSpec(), bomb, actor=tree.town_a, org=tree.a, file_name="名册.xlsx"
    )
    assert "解压后的数据量远超" in outcome.fatal
    assert psutil.Process().memory_info().rss - before < 200 * 1024 * 1024
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x80\x80,\x81\x30\n\x80,\x80\n", "既不是 UTF-8 也不是 GB18030"),
        (_roster_bytes("utf-16"), None),
        (_roster_bytes("gb18030"), None),
    ],
)
def test_a_csv_in_an_unknown_encoding_gets_a_reason_and_utf16_is_read(tree, content, expected):
    from gonghui.core.imports.engine import Mode, run_import
    from gonghui.members.imports import MemberRosterSpec

    outcome = run_import(
        MemberRosterSpec(),
        content,
        actor=tree.town_a,
        org=tree.a,
        mode=Mode.VALIDATE,
        file_name="名册.csv",
    )
    if expected:
        assert expected in outcome.fatal
    else:
        assert (outcome.fatal, outcome.rows, outcome.rejected) == ("", 3, 0)


# -- 3. nothing personal on disk in clear: exports ------------------------------------------


def test_a_roster_export_writes_nothing_to_disk_and_leaves_no_scratch(
    client, tree, people, monkeypatch
):
    import tempfile

    from gonghui.core import exports

    made = []
    real = tempfile.mkstemp

    def recording_mkstemp(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        made.append(name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", recording_mkstemp)
    client.force_login(tree.county_staff)
    response = client.get("/admin/members/person/export/", {"unmasked": "1"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert made and all(name.startswith(str(exports.MEMORY_FS)) for name in made)
    # Its own scratch folders are gone (a parallel test worker may have an export under way).
    scratch = {Path(name).parent for name in made}
    assert scratch and all(d.name.startswith(exports.SCRATCH_PREFIX) for d in scratch)
    assert not any(d.exists() for d in scratch)


def test_the_worker_sweeps_the_scratch_of_dead_exports_only(tmp_path, monkeypatch):
    """The worker sweeps export scratch when it starts; a web process exporting at that moment
    keeps its own (it used to lose it, and the export failed)."""
    import os
    import subprocess
    import sys

    from gonghui.core import exports
    from gonghui.core.imports.jobs import sweep_temp_files

    monkeypatch.setattr(exports, "MEMORY_FS", tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    live = tmp_path / f"{exports.SCRATCH_PREFIX}{os.getpid()}-abc"
    gone = [
        tmp_path / f"{exports.SCRATCH_PREFIX}{dead}-abc",
        tmp_path / f"{exports.SCRATCH_PREFIX}x1",
    ]
    for d in (live, *gone):
        d.mkdir()
    with exports.large_workbook(tmp_path / "out.xlsx") as book:
        ours = {p for p in tmp_path.iterdir() if p not in (live, *gone)}
        assert sweep_temp_files() >= 2
        book.close()
    assert live.exists() and not any(d.exists() for d in gone)
    assert len(ours) == 1 and not any(d.exists() for d in ours)


# -- 4. an ID number cannot be rebuilt from what is stored in clear --------------------------------


def test_what_is_stored_in_clear_does_not_rebuild_an_id_number(tree, people):
    """The attack of issue 10: region code of the union, birth date and gender in clear, the
    last four characters beside them, the check digit to confirm. Without the last four, a
    reader of the tables is left with hundreds of candidates per person."""
    from django.db import connection
    from stdnum.cn import ric

    person = people[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM members_person WHERE id = %s", [person.pk])
        columns = [c.name for c in cursor.description]
        row = dict(zip(columns, cursor.fetchone(), strict=True))
    clear = {k: v for k, v in row.items() if isinstance(v, str | datetime.date | int)}
    assert A_ID[-4:] not in {str(v) for v in clear.values()}
    assert not any(A_ID[-4:] in str(v) for k, v in clear.items() if k != "card_number")
    region = tree.a1.region_code or tree.county.region_code
    body = f"{region}{row['birth_date']:%Y%m%d}"
    parity = 1 if row["gender"] == "M" else 0
    candidates = [
        body + f"{seq:03d}" + ric.calc_check_digit(body + f"{seq:03d}0")
        for seq in range(1000)
        if seq % 2 == parity
    ]
    assert A_ID in candidates and len(candidates) == 500
    # The search by name and last four still finds the member.
    from gonghui.members import selectors

    found = selectors.search_persons(
        selectors.persons_visible_to(tree.clerk_a1), "甲会员" + A_ID[-4:]
    )
    assert list(found) == [person]


# -- 6. gonghui serve and worker refuse unsafe settings ---------------------------------------


def _serve_env(tmp_path, **over) -> dict:
    import os
    import secrets

    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGHUI_", "DJANGO_"))}
    env.update(
        GONGHUI_HOME=str(tmp_path / "home"),
        DATABASE_URL="postgresql://nobody@/nowhere?host=/nonexistent",
        GONGHUI_SECRET_KEY=secrets.token_urlsafe(48),
        GONGHUI_ENCRYPTION_KEY=secrets.token_urlsafe(48),
        GONGHUI_ALLOWED_HOSTS="gh.example.gov.cn",
    )
    env.update(over)
    return {k: v for k, v in env.items() if v is not None}


def _start(command: str, env: dict):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "gonghui.cli", command, "--port", "1"]
        if command == "serve"
        else [sys.executable, "-m", "gonghui.cli", command],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("over", "said"),
    [
        ({"DJANGO_SETTINGS_MODULE": "gonghui.config.settings.local"}, "DJANGO_SETTINGS_MODULE"),
        (
            {"GONGHUI_ENCRYPTION_KEY": "not-a-key-just-typed-by-someone-1234567890!"},
            "ENCRYPTION_KEY",
        ),
        ({"GONGHUI_ENCRYPTION_KEY": "A" * 64}, "ENCRYPTION_KEY"),
        ({"GONGHUI_SECRET_KEY": "demo-" + "x1y2z3" * 8}, "SECRET_KEY"),
        ({"GONGHUI_SECRET_KEY": "a" * 40}, "SECRET_KEY"),
        ({"GONGHUI_ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"GONGHUI_ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
    ],
)
def test_serve_refuses_unsafe_settings_with_what_to_set(tmp_path, over, said):
    run = _start("serve", _serve_env(tmp_path, **over))
    assert run.returncode != 0
    assert said in run.stderr and "无法启动" in run.stderr, run.stderr[-2000:]
    assert "Traceback" not in run.stderr


def test_serve_refuses_the_demo_secret_without_its_prefix(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "secret_key").write_text("Zq8" + "kP3vN7wR2xL9mT4bY6cH1jD5" * 2)
    run = _start(
        "serve", _serve_env(tmp_path, GONGHUI_SECRET_KEY=(home / "secret_key").read_text())
    )
    assert run.returncode != 0 and "SECRET_KEY" in run.stderr, run.stderr[-2000:]


def test_a_worker_on_a_real_server_does_not_take_inherited_demo_settings(tmp_path):
    run = _start(
        "worker", _serve_env(tmp_path, DJANGO_SETTINGS_MODULE="gonghui.config.settings.local")
    )
    assert run.returncode != 0 and "DJANGO_SETTINGS_MODULE" in run.stderr, run.stderr[-2000:]


@pytest.mark.django_db(transaction=True)
def test_serve_and_worker_refuse_a_key_that_is_not_the_installations(tmp_path):
    from gonghui.core.models import Installation
    from gonghui.core.services import installation_key_verify
    from tests.test_member_import import _cli_env

    recorded = installation_key_verify()
    assert Installation.objects.get().key_fingerprint == recorded
    assert installation_key_verify() == recorded  # the same key passes again
    database = _cli_env()["DATABASE_URL"]
    for command in ("serve", "worker"):
        run = _start(command, _serve_env(tmp_path, DATABASE_URL=database))
        assert run.returncode != 0, run.stderr[-2000:]
        assert "GONGHUI_ENCRYPTION_KEY" in run.stderr and recorded in run.stderr, run.stderr[-2000:]


@pytest.mark.django_db(transaction=True)
def test_serve_answers_from_several_processes(tmp_path, settings):
    """``gonghui serve`` forks its web processes (gunicorn), each answering on the one port."""
    import http.client
    import socket
    import subprocess
    import sys
    import time

    import psutil

    from gonghui.core.services import installation_key_verify
    from tests.test_member_import import _cli_env

    installation_key_verify()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = _serve_env(
        tmp_path,
        DATABASE_URL=_cli_env()["DATABASE_URL"],
        GONGHUI_ENCRYPTION_KEY=settings.GONGHUI_ENCRYPTION_KEY,
        GONGHUI_ALLOWED_HOSTS="127.0.0.1",
    )
    argv = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "3"]
    server = subprocess.Popen(
        [sys.executable, "-m", "gonghui.cli", *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        status, deadline = None, time.monotonic() + 90
        while status is None and time.monotonic() < deadline and server.poll() is None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/admin/login/")
                status = conn.getresponse().status
            except OSError:
                time.sleep(0.5)
        # The production settings send plain HTTP on to HTTPS: an answer all the same.
        assert status in (200, 301), server.stderr.read() if server.poll() is not None else status
        # The master forks the three one after the other: the first may answer before the last.
        workers, deadline = [], time.monotonic() + 30
        while len(workers) < 3 and time.monotonic() < deadline:
            workers = psutil.Process(server.pid).children()
            time.sleep(0.2)
        assert len(workers) == 3
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_an_installation_of_an_earlier_version_proves_its_key_on_its_data(tmp_path, settings):
    """No fingerprint recorded yet, but members encrypted: a wrong key is refused at once."""
    import secrets

    from django.core.exceptions import ImproperlyConfigured

    from gonghui.core import crypto
    from gonghui.core.models import Installation
    from gonghui.core.services import installation_key_verify
    from tests.conftest import build_tree

    tree = build_tree()
    member_services.member_register(actor=None, org=tree.a1, id_number=A_ID, name="甲会员")
    Installation.objects.all().delete()
    good = settings.GONGHUI_ENCRYPTION_KEY
    settings.GONGHUI_ENCRYPTION_KEY = secrets.token_urlsafe(48)
    crypto.cipher.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="GONGHUI_ENCRYPTION_KEY"):
            installation_key_verify()
        assert not Installation.objects.exists()
    finally:
        settings.GONGHUI_ENCRYPTION_KEY = good
        crypto.cipher.cache_clear()
    installation_key_verify()
    assert Installation.objects.exists()


# -- 7. pages while the database is away -------------------------------------------------


def test_a_lost_database_is_said_in_chinese_and_the_page_retries(client, tree, monkeypatch):
    from django.db.utils import OperationalError

    from gonghui.members.admin import PersonAdmin

    def lost(*args, **kwargs):
        raise OperationalError("connection to server on socket failed")

    client.force_login(tree.town_a)
    monkeypatch.setattr(PersonAdmin, "selector", staticmethod(lost))
    client.raise_request_exception = False
    page = client.get("/admin/members/person/")
    assert page.status_code == 503 and page["Retry-After"]
    text = page.content.decode()
    assert "数据库暂时不可用" in text and 'http-equiv="refresh"' in text
    assert "socket" not in text  # nothing of the error itself
    monkeypatch.undo()
    assert client.get("/admin/members/person/").status_code == 200


def test_error_pages_are_chinese_with_a_way_back(client, tree):
    client.force_login(tree.town_a)
    missing = client.get("/admin/no/such/page/")
    assert missing.status_code == 404
    text = missing.content.decode()
    assert "页面不存在" in text and "返回工作台" in text


# -- 10. login throttling per address, and behind a proxy ---------------------------------------


def _login(client, username, password, address, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, **extra
    )


def test_one_address_trying_many_accounts_is_locked_out(client, tree):
    from tests.conftest import PASSWORD

    for n in range(19):
        assert _login(client, f"guess{n}", "wrong-password", "203.0.113.9").status_code == 200
    assert _login(client, "guess19", "wrong-password", "203.0.113.9").status_code == 429
    # Even a real account with its right password waits, from that address only.
    assert _login(client, "town_a", PASSWORD, "203.0.113.9").status_code == 429
    assert _login(client, "town_a", PASSWORD, "198.51.100.7").status_code == 302


def test_behind_a_proxy_a_stranger_cannot_lock_a_real_user_out(client, tree, settings):
    from tests.conftest import PASSWORD

    settings.GONGHUI_TRUSTED_PROXIES = 1
    proxy = "10.0.0.2"
    for _ in range(6):  # the attacker, behind the same proxy as everybody
        _login(client, "town_a", "wrong-password", proxy, forwarded="203.0.113.9")
    assert _login(client, "town_a", PASSWORD, proxy, forwarded="198.51.100.7").status_code == 302
    client.logout()
    # A forged header does not escape the lockout: the proxy appends the real address.
    answer = _login(client, "town_a", PASSWORD, proxy, forwarded="198.51.100.7, 203.0.113.9")
    assert answer.status_code == 429


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, tree):
    for _ in range(5):
        _login(client, "town_a", "wrong-password", "203.0.113.9", forwarded=f"10.9.9.{_}")
    from tests.conftest import PASSWORD

    assert _login(client, "town_a", PASSWORD, "203.0.113.9", forwarded="1.2.3.4").status_code == 429


# -- 12. Content-Security-Policy everywhere; HSTS and HTTPS in production --------------------------


def test_every_page_carries_a_content_security_policy_without_inline_scripts(client, tree):
    client.force_login(tree.county_staff)
    for url in ("/admin/", "/admin/members/person/", "/admin/login/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["default-src"] == "'self'"
        assert "'unsafe-inline'" not in directives["script-src"]
        assert directives["connect-src"] == "'self'" and directives["frame-ancestors"] == "'none'"


def test_no_template_of_ours_has_an_inline_script_or_handler():
    import re
    from pathlib import Path

    import gonghui

    root = Path(gonghui.__file__).parent
    offenders = []
    for template in root.rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=\"", text):
            offenders.append(str(template.relative_to(root)))
    assert offenders == []


def test_production_insists_on_https_unless_told_otherwise(monkeypatch, tmp_path):
    import importlib
    import secrets

    monkeypatch.setenv("GONGHUI_SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("GONGHUI_ENCRYPTION_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("GONGHUI_ALLOWED_HOSTS", "gh.example.gov.cn")
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@/y")
    module = importlib.reload(importlib.import_module("gonghui.config.settings.production"))
    assert module.SECURE_SSL_REDIRECT and module.SECURE_HSTS_SECONDS >= 31_536_000
    assert module.SESSION_COOKIE_SECURE and module.CSRF_COOKIE_SECURE
    monkeypatch.setenv("GONGHUI_HTTPS", "0")
    module = importlib.reload(module)
    assert not module.SECURE_SSL_REDIRECT and module.SECURE_HSTS_SECONDS == 0


# -- 11. a clear answer instead of an error page ------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_conflict_between_the_forms_check_and_the_write_is_explained(client, monkeypatch):
    import threading

    from django.db import connection

    from gonghui.members.admin import PersonAdmin
    from tests.conftest import build_tree

    tree = build_tree()
    real = PersonAdmin.service_create
    calls = []

    def other_clerk():  # another session, its own connection and transaction
        member_services.member_register(actor=None, org=tree.b1, id_number=A_ID, name="甲会员")
        connection.close()

    def racing(self, actor, data):
        calls.append(1)
        if len(calls) == 2:  # the real write: another union registered the person meanwhile
            thread = threading.Thread(target=other_clerk)
            thread.start()
            thread.join()
        return real(self, actor, data)

    monkeypatch.setattr(PersonAdmin, "service_create", racing)
    client.force_login(tree.clerk_a1)
    answer = client.post(
        reverse("admin:members_person_add"),
        {"name": "甲会员", "id_number_text": A_ID, "org": tree.a1.pk, "status": "active"},
        follow=True,
    )
    assert answer.status_code == 200 and len(calls) == 2
    assert "需由原工会办理会员关系接转" in answer.content.decode()
    assert Membership.objects.get().org == tree.b1  # the clerk's save wrote nothing


def test_a_database_conflict_at_the_write_is_explained(client, tree, people, monkeypatch):
    from django.db import IntegrityError

    from gonghui.members.admin import PersonAdmin

    real = PersonAdmin.service_update
    calls = []

    def racing(self, actor, obj, changes):
        calls.append(1)
        if len(calls) == 2:
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(self, actor, obj, changes)

    monkeypatch.setattr(PersonAdmin, "service_update", racing)
    client.force_login(tree.clerk_a1)
    url = reverse("admin:members_person_change", args=[people[0].pk])
    answer = client.post(
        url, {"name": "甲会员改", "card_number": people[0].card_number}, follow=True
    )
    assert answer.status_code == 200
    assert "刚刚保存了与此冲突的记录" in answer.content.decode()
    assert Person.objects.get(pk=people[0].pk).name == "甲会员"


@pytest.mark.parametrize("query", ["gender=Z", "org=abc", "status=nonsense", "age=x", "o=99"])
def test_an_export_with_a_filter_the_list_refuses_is_explained(client, tree, people, query):
    client.force_login(tree.county_staff)
    answer = client.get("/admin/members/person/export/?" + query, follow=True)
    assert answer.status_code == 200  # the list with a message, or the (empty) roster


# -- 13. what a union may learn and change about a person it does not hold ------------------------


def _answers(actor) -> int:
    from gonghui.core.models import AccessLog

    return AccessLog.objects.filter(actor=actor, action="registry_answer").count()


def test_registering_another_unions_member_names_nobody_and_is_on_record(client, tree, people):
    with pytest.raises(ValidationError) as refused:
        member_services.member_register(
            actor=tree.town_b, org=tree.b1, id_number=A_ID, name="甲会员"
        )
    assert "甲" not in " ".join(refused.value.messages)
    assert _answers(tree.town_b) == 1
    # Through the form, whose check runs the service in a savepoint that is rolled back.
    client.force_login(tree.town_b)
    answer = client.post(
        reverse("admin:members_person_add"),
        {"name": "甲会员", "id_number_text": A_ID, "org": tree.b1.pk, "status": "active"},
    )
    assert answer.status_code == 200 and "其他工会" in answer.content.decode()
    assert _answers(tree.town_b) == 2
    # A union that holds the person is told which union, and nothing is logged.
    with pytest.raises(ValidationError):
        member_services.member_register(
            actor=tree.county_staff, org=tree.b1, id_number=A_ID, name="甲会员"
        )
    assert _answers(tree.county_staff) == 0


def test_a_former_member_of_another_union_joins_only_under_the_registered_name(
    client, tree, people
):
    member_services.membership_transition(
        actor=tree.town_a, membership=people[0].latest_membership, to_status="left"
    )
    before = snapshot(Person, Membership)
    with pytest.raises(ValidationError, match="不一致"):
        member_services.member_register(
            actor=tree.town_b, org=tree.b1, id_number=A_ID, name="别的名字"
        )
    assert snapshot(Person, Membership) == before and _answers(tree.town_b) == 1
    joined = member_services.member_register(
        actor=tree.town_b, org=tree.b1, id_number=A_ID, name="甲会员", ethnicity="汉族"
    )
    person = Person.objects.get(pk=people[0].pk)
    assert joined.person == person and person.name == "甲会员" and person.ethnicity == "汉族"
    # The new union sees the member's years, not where else they were.
    client.force_login(tree.town_b)
    page = client.get(reverse("admin:members_person_change", args=[person.pk])).content.decode()
    assert "其他工会" in page and tree.a1.name not in page


def test_an_import_takes_former_members_of_other_unions_under_their_registered_name(tree, people):
    from gonghui.core.imports.engine import Mode, run_import
    from gonghui.members.imports import MemberRosterSpec
    from tests.rosters import HEADER

    member_services.membership_transition(
        actor=tree.town_a, membership=people[0].latest_membership, to_status="left"
    )
    row = ["冒名者", A_ID, "", "", "", "QS-B-1", "", "否"]
    content = ("\r\n".join([",".join(HEADER), ",".join(row)]) + "\r\n").encode()
    outcome = run_import(
        MemberRosterSpec(),
        content,
        actor=tree.town_b,
        org=tree.b,
        mode=Mode.VALIDATE,
        file_name="名册.csv",
    )
    assert outcome.rejected == 1 and "不一致" in outcome.problems[0].message
    # The check-only run rolled everything back, but not the record of what it told.
    assert _answers(tree.town_b) == 1
    assert Person.objects.get(pk=people[0].pk).name == "甲会员"


def test_answers_about_other_unions_people_are_limited_per_day(tree, people, monkeypatch):
    monkeypatch.setattr(member_services, "DAILY_ANSWERS", 2)
    for _ in range(2):
        with pytest.raises(ValidationError):
            member_services.member_register(
                actor=tree.town_b, org=tree.b1, id_number=A_ID, name="甲会员"
            )
    with pytest.raises(ValidationError, match="明天"):
        member_services.member_register(
            actor=tree.town_b, org=tree.b1, id_number=A_ID, name="甲会员"
        )
    assert _answers(tree.town_b) == 2


def _key_in(home: str) -> str:
    from gonghui.config.home import read_or_create_key

    return read_or_create_key(Path(home), "secret_key")


def test_processes_starting_at_once_share_one_key(tmp_path):
    """The web server and the worker (or parallel test workers) create a home's keys at the
    same moment: they must end up with the same key, readable by the owner only."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(8) as pool:
        keys = set(pool.map(_key_in, [str(tmp_path)] * 32))
    assert len(keys) == 1 and len(next(iter(keys))) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]
