"""A long export goes to the background worker with the progress page an import has: the file
is its asker's alone, kept encrypted for a day, written from the rows the list showed and read
again through the asker's scope; a worker that dies leaves a job that says so."""

from __future__ import annotations

import datetime
import io

import pytest
import python_calamine
from django.urls import reverse
from django.utils import timezone

from gonghui.core import exportjobs
from gonghui.core.crypto import cipher
from gonghui.core.models import AccessLog, ExportJob
from gonghui.core.selectors import export_jobs_visible_to
from gonghui.members import services
from gonghui.members.exports import export_job_write
from tests.test_members_admin import A_ID, B_ID

LIST = "/admin/members/person/"


@pytest.fixture
def people(tree):
    return [
        services.member_register(
            actor=None,
            org=org,
            id_number=number,
            name=name,
            joined_on=datetime.date(2020, 1, 1),
        ).person
        for org, number, name in ((tree.a1, A_ID, "甲会员"), (tree.b1, B_ID, "乙会员"))
    ]


@pytest.fixture
def background(monkeypatch, django_capture_on_commit_callbacks):
    # Every export counts as long here; the worker's task is run by the test itself.
    monkeypatch.setattr(exportjobs, "INLINE_ROWS", 0)
    deferred = []
    monkeypatch.setattr(
        "gonghui.core.tasks.run_export_job.defer", lambda **kw: deferred.append(kw["job_id"])
    )
    return deferred


def rows_of(content: bytes) -> list:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_index(0).to_python()


def test_a_long_export_is_written_in_the_background_and_waits_for_its_asker(
    client,
    tree,
    people,
    background,
    django_capture_on_commit_callbacks,
):
    client.force_login(tree.county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.get(LIST + "export/", {"unmasked": "1"})
    job = ExportJob.objects.get()
    assert asked.status_code == 302 and asked["Location"].endswith(f"/exportjob/{job.pk}/change/")
    assert background == [job.pk] and job.status == "queued" and job.rows_total == 2
    waiting = client.get(asked["Location"])
    assert waiting.status_code == 200 and 'id="gh-progress"' in waiting.content.decode()
    status = client.get(reverse("admin:core_exportjob_status", args=[job.pk])).json()
    assert status["finished"] is False and status["rows_total"] == 2

    done = exportjobs.export_job_run(job.pk)  # what the worker's task does
    assert done.status == "succeeded" and done.rows_done == 2 and done.params == {}
    assert done.expires_at - done.finished_at == exportjobs.KEEP
    # Kept encrypted: the stored bytes are not the workbook.
    stored = bytes(done.content)
    assert not stored.startswith(b"PK")
    plain = cipher().decrypt_bytes(stored, f"export.{done.pk}")
    assert plain.startswith(b"PK")
    page = client.get(reverse("admin:core_exportjob_change", args=[job.pk])).content.decode()
    assert 'data-testid="export-file"' in page and "已写入 2 行" in page
    got = client.get(reverse("admin:core_exportjob_file", args=[job.pk]))
    assert "no-store" in got["Cache-Control"]
    rows = rows_of(got.content)
    assert sorted((r[0], r[1]) for r in rows[1:]) == [("乙会员", B_ID), ("甲会员", A_ID)]
    assert AccessLog.objects.filter(action="export_unmasked", actor=tree.county_staff).exists()
    assert exportjobs.export_job_run(job.pk).status == "succeeded"  # a second call: nothing

    # Nobody else sees it or its file, not even above the asker.
    client.force_login(tree.town_a)
    assert not export_jobs_visible_to(tree.town_a).exists()
    for name in ("change", "file", "status"):
        url = reverse(f"admin:core_exportjob_{name}", args=[job.pk])
        assert client.get(url).status_code in (302, 404)
    client.force_login(tree.county_staff)
    for odd in ("abc", "²", "99999999999999999999"):
        assert client.get(f"/admin/core/exportjob/{odd}/change/").status_code == 404, odd
    with pytest.raises(Exception, match="不是您发起的"):
        exportjobs.export_job_content(actor=tree.town_a, job=done)

    # A day later the sweep drops the file; the page says so and offers no download.
    assert exportjobs.export_jobs_sweep(now=timezone.now() + datetime.timedelta(days=2)) == 1
    done.refresh_from_db()
    assert done.content is None and "已删除" in done.message
    client.force_login(tree.county_staff)
    again = client.get(reverse("admin:core_exportjob_file", args=[job.pk]), follow=True)
    assert "重新导出" in again.content.decode()


def test_the_worker_writes_only_what_the_asker_may_still_see(tree, people):
    a, b = people
    job = ExportJob.objects.create(
        kind="members",
        title="会员名册",
        org=tree.a,
        created_by=tree.town_a,
        params={"ids": [a.pk, b.pk]},  # 乙's id forged into 甲镇's job
        rows_total=2,
    )
    out = io.BytesIO()
    seen = []
    assert export_job_write(job, out, lambda done, total: seen.append((done, total))) == 1
    assert [r[0] for r in rows_of(out.getvalue())[1:]] == ["甲会员"]


def test_unmasked_needs_its_permission_before_any_job_and_a_dead_worker_is_told(
    client,
    tree,
    people,
    background,
):
    client.force_login(tree.town_a)
    assert client.get(LIST + "export/", {"unmasked": "1"}).status_code == 403
    assert not ExportJob.objects.exists()
    with pytest.raises(Exception, match="未知的导出类型"):
        exportjobs.export_job_create(actor=tree.town_a, kind="nothing", ids=[])
    # A job left "running" with no worker holding it: the sweep closes it, the page says why.
    job = ExportJob.objects.create(
        kind="members", title="会员名册", org=tree.a, created_by=tree.town_a, status="running"
    )
    assert exportjobs.is_stalled(job)
    assert exportjobs.export_jobs_sweep() == 1
    job.refresh_from_db()
    assert job.status == "failed" and "中断" in job.message
    page = client.get(reverse("admin:core_exportjob_change", args=[job.pk])).content.decode()
    assert "中断" in page
