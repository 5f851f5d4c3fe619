"""The member back office as users meet it: scope on list, search, detail, export, imports and
transfers; masking and the access log; nothing personal in clear at rest."""

from __future__ import annotations

import datetime
import io

import pytest
import python_calamine
from django.db import connection
from django.urls import reverse

from gonghui.core.imports.engine import run_import
from gonghui.core.imports.jobs import import_job_create, import_job_run
from gonghui.core.models import AccessLog, ImportJob
from gonghui.members import services
from gonghui.members.imports import MemberRosterSpec
from gonghui.members.models import Membership, MembershipTransfer, Person
from tests.conftest import make_org, snapshot
from tests.rosters import id_number, person_row, write_csv

MISSING_PK = 987654321
A_ID = id_number(datetime.date(1984, 4, 4), 41)
B_ID = id_number(datetime.date(1985, 5, 5), 52)
A_PHONE, B_PHONE = "13911112222", "13833334444"


@pytest.fixture
def people(tree):
    a = services.member_register(
        actor=None,
        org=tree.a1,
        id_number=A_ID,
        name="甲会员",
        phone=A_PHONE,
        joined_on=datetime.date(2020, 1, 1),
    )
    b = services.member_register(
        actor=None,
        org=tree.b1,
        id_number=B_ID,
        name="乙会员",
        phone=B_PHONE,
        joined_on=datetime.date(2020, 1, 1),
    )
    return a.person, b.person


def _change(pk):
    return reverse("admin:members_person_change", args=[pk])


def _action(pk, name):
    return reverse(f"admin:members_person_{name}", args=[pk])


LIST = "/admin/members/person/"


def test_township_lists_and_finds_only_its_own_members(client, tree, people):
    a, b = people
    client.force_login(tree.town_a)
    page = client.get(LIST).content.decode()
    assert "甲会员" in page and "乙会员" not in page
    for query in (B_ID, "乙会员", f"乙会员{B_ID[-4:]}", B_PHONE, b.card_number, "yhy"):
        response = client.get(LIST, {"q": query})
        assert response.context["cl"].result_count == 0, query
    for query in (
        A_ID,
        A_ID.lower(),
        "甲会员",
        f"甲会员{A_ID[-4:]}",
        A_PHONE,
        a.card_number,
        "jhy",
    ):
        response = client.get(LIST, {"q": query})
        assert response.context["cl"].result_count == 1, query


def test_member_page_of_another_township_answers_as_missing(client, tree, people):
    _a, b = people
    client.force_login(tree.town_a)
    before = snapshot(Person, Membership, AccessLog)
    body = {"name": "改名", "to_status": "left", "to_org": "QS-A-1"}
    for name in ("change", "reveal", "transition", "transfer"):
        got = client.post(_action(b.pk, name), body)
        missing = client.post(_action(MISSING_PK, name), body)
        assert got.status_code == missing.status_code, name
        assert got.headers.get("Location", "").replace(str(b.pk), "X") == missing.headers.get(
            "Location", ""
        ).replace(str(MISSING_PK), "X"), name
    assert client.get(_change(b.pk)).status_code == client.get(_change(MISSING_PK)).status_code
    assert snapshot(Person, Membership, AccessLog) == before


def test_member_page_shows_the_id_masked_and_history(client, tree, people):
    a, _b = people
    client.force_login(tree.town_a)
    page = client.get(_change(a.pk)).content.decode()
    assert A_ID not in page and A_PHONE not in page
    assert f"{A_ID[:4]}**********{A_ID[-4:]}" in page
    assert "甲公司工会委员会" in page


def test_full_id_only_with_the_permission_and_always_logged(client, tree, people):
    a, _b = people
    client.force_login(tree.town_a)
    assert client.post(_action(a.pk, "reveal")).status_code == 403
    assert not AccessLog.objects.exists()
    client.force_login(tree.county_staff)
    page = client.post(_action(a.pk, "reveal")).content.decode()
    assert A_ID in page and A_PHONE in page
    log = AccessLog.objects.get(action="view_id_number", target_id=str(a.pk), details={})
    assert log.actor == tree.county_staff


def _export(client, **params):
    response = client.get(LIST + "export/", params)
    assert response.status_code == 200, response.status_code
    data = response.content
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python()


def test_export_is_scoped_masked_and_unmasked_only_when_allowed(client, tree, people):
    client.force_login(tree.town_a)
    rows = _export(client)
    assert [r[0] for r in rows[1:]] == ["甲会员"]
    assert rows[1][1] == f"{A_ID[:4]}**********{A_ID[-4:]}"
    assert client.get(LIST + "export/", {"unmasked": "1"}).status_code == 403
    client.force_login(tree.county_staff)
    rows = _export(client, unmasked="1", org=tree.b.pk)
    assert [(r[0], r[1], r[5]) for r in rows[1:]] == [("乙会员", B_ID, B_PHONE)]
    assert AccessLog.objects.filter(action="export_unmasked", actor=tree.county_staff).count() == 1
    # The export re-imports: its header is the template's.
    assert rows[0][:2] == ["姓名", "身份证号"]


def test_filters_narrow_the_roster(client, tree, people):
    client.force_login(tree.county_staff)
    assert client.get(LIST, {"org": tree.a.pk}).context["cl"].result_count == 1
    assert client.get(LIST, {"status": "current"}).context["cl"].result_count == 2
    assert client.get(LIST, {"age": "35-44"}).context["cl"].result_count == 2
    assert client.get(LIST, {"age": "0-34"}).context["cl"].result_count == 0
    assert (
        client.get(
            LIST,
            {"org": tree.b1.pk},
        )
        .context["cl"]
        .result_count
        == 1
    )


def test_list_page_query_count_does_not_grow_with_rows(
    client, tree, django_assert_max_num_queries, tmp_path
):
    run_import(
        MemberRosterSpec(),
        write_csv(tmp_path / "r.csv", [person_row(n, "QS-A-1") for n in range(40)]),
        actor=None,
        org=tree.a,
    )
    client.force_login(tree.county_staff)
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200


def test_transfers_are_seen_by_both_sides_and_nobody_else(client, tree, people):
    a, _b = people
    c = make_org(tree.county, "QS-C", "丙镇总工会", 5, "township")
    from gonghui.accounts.models import Role
    from gonghui.accounts.services import user_create

    town_c = user_create(
        actor=None, username="town_c", password="Test-pass-2025", org=c, role=Role.TOWNSHIP_STAFF
    )
    transfer = services.transfer_start(
        actor=tree.clerk_a1, membership=a.latest_membership, to_org=tree.b1
    )
    url = reverse("admin:members_membershiptransfer_change", args=[transfer.pk])
    for user, visible in ((tree.clerk_a1, True), (tree.town_b, True), (town_c, False)):
        client.force_login(user)
        listing = client.get("/admin/members/membershiptransfer/")
        assert (listing.context["cl"].result_count == 1) == visible
        assert (client.get(url).status_code == 200) == visible
    client.force_login(town_c)
    answer = reverse("admin:members_membershiptransfer_answer", args=[transfer.pk])
    assert client.post(answer, {"decision": "accept"}).status_code == 404
    client.force_login(tree.town_b)
    client.post(answer, {"decision": "accept"})
    assert MembershipTransfer.objects.get().status == "accepted"


def test_import_jobs_are_scoped(client, tree, tmp_path):
    path = write_csv(
        tmp_path / "r.csv", [person_row(1, "QS-A-1"), person_row(2, "QS-A-1", id="123")]
    )
    job = import_job_create(
        actor=tree.town_a,
        org=tree.a,
        kind="members",
        file_name="r.csv",
        content=path.read_bytes(),
        mode="partial",
    )
    import_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.upload is None and job.error_workbook is not None
    base = f"/admin/core/importjob/{job.pk}/"
    client.force_login(tree.town_b)
    assert client.get("/admin/core/importjob/").context["cl"].result_count == 0
    for suffix in ("change/", "status/", "problems/"):
        assert client.get(base + suffix).status_code == 404, suffix
    client.force_login(tree.town_a)
    assert client.get(base + "status/").json()["finished"] is True
    assert client.get(base + "problems/").status_code == 200
    assert AccessLog.objects.filter(action="download_import_errors").count() == 1


def test_no_id_number_or_phone_in_clear_anywhere_in_the_database(client, tree, tmp_path, caplog):
    rows = [person_row(n, "QS-A-1") for n in range(1, 6)]
    bad = person_row(
        9,
        "QS-A-1",
        id=rows[0][1][:-1] + ("0" if rows[0][1][-1] != "0" else "1"),
        phone="1391234567",
    )  # wrong check digit, phone one digit short
    path = write_csv(tmp_path / "r.csv", [*rows, bad])
    job = import_job_create(
        actor=tree.town_a,
        org=tree.a,
        kind="members",
        file_name="r.csv",
        content=path.read_bytes(),
        mode="partial",
    )
    import_job_run(job.pk)
    client.force_login(tree.town_a)
    page = client.get(f"/admin/core/importjob/{job.pk}/change/").content.decode()
    person = Person.objects.first()
    client.post(_change(person.pk), {"name": "新名字", "new_phone": "13999998888"})
    secrets = [r[1] for r in rows] + [r[4] for r in rows] + [bad[1], bad[4], "13999998888"]
    secrets += [s[:6] + "19" + s[8:] for s in ()]
    dump = _dump_database()
    for secret in secrets:
        assert secret not in dump, secret
        assert secret not in page
        assert secret not in caplog.text
    assert Person.objects.count() == 5


def _dump_database() -> str:
    """Every row of every table of ours, as PostgreSQL prints it."""
    out = io.StringIO()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        for (table,) in cursor.fetchall():
            with cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
                for chunk in copy:
                    out.write(bytes(chunk).decode("utf-8", "replace"))
    return out.getvalue()


def test_access_log_is_for_platform_admins(client, tree, people):
    client.force_login(tree.county_staff)
    client.post(_action(people[0].pk, "reveal"))
    assert client.get("/admin/core/accesslog/").status_code == 403
    client.force_login(tree.admin)
    page = client.get("/admin/core/accesslog/")
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1


def test_a_member_is_registered_through_the_form_and_a_bad_number_is_explained(client, tree):
    client.force_login(tree.clerk_a1)
    add = reverse("admin:members_person_add")
    before = snapshot(Person, Membership)
    bad = client.post(
        add,
        {
            "name": "新会员",
            "id_number_text": A_ID[:-1] + "0" if A_ID[-1] != "0" else A_ID[:-1] + "1",
            "org": tree.a1.pk,
            "status": "active",
            "card_number": "",
        },
    )
    assert bad.status_code == 200
    assert "校验位不正确" in bad.content.decode()
    assert snapshot(Person, Membership) == before
    other = client.post(
        add,
        {
            "name": "新会员",
            "id_number_text": A_ID,
            "org": tree.b1.pk,
            "status": "active",
            "card_number": "",
        },
    )
    assert other.status_code == 200  # B's union is not among the clerk's choices
    assert snapshot(Person, Membership) == before
    good = client.post(
        add,
        {
            "name": "新会员",
            "id_number_text": A_ID.lower(),
            "org": tree.a1.pk,
            "status": "active",
            "phone_text": "139 1111 2222",
            "card_number": "",
            "joined_on": "2024-03-01",
        },
    )
    assert good.status_code == 302, good.content.decode()[:2000]
    person = Person.objects.get()
    assert person.latest_membership.org == tree.a1
    assert person.phone_last4 == "2222"
