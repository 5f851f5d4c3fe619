"""Imports in the real background worker: a killed worker leaves no half-import behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

from gonghui.core.imports.jobs import import_job_create, is_stalled
from gonghui.core.models import ImportJob
from gonghui.members.models import Membership, Person
from tests.conftest import build_tree
from tests.rosters import person_row, write_csv
from tests.test_member_import import _cli_env

pytestmark = pytest.mark.slow


def _other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_nothing_behind(tmp_path, tmp_path_factory, client):
    started = time.time()
    tree = build_tree()
    rows = [person_row(n, "QS-A-1") for n in range(60000)]
    path = write_csv(tmp_path / "big.csv", rows)
    job = import_job_create(
        actor=tree.town_a,
        org=tree.a,
        kind="members",
        file_name="big.csv",
        content=path.read_bytes(),
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "gonghui.cli", "worker"],
        env=_cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == ImportJob.Status.RUNNING and job.rows_done > 0:
                break
            assert job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
            time.sleep(0.2)
        else:
            pytest.fail("the worker did not start the import")
        assert job.rows_done < 60000
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    # PostgreSQL rolls the killed worker's transaction back once it sees the socket close.
    deadline = time.monotonic() + 30
    while _other_backends() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert Person.objects.count() == 0
    assert Membership.objects.count() == 0
    job.refresh_from_db()
    # Nobody holds the job any more: its page says so at once.
    assert job.status == ImportJob.Status.RUNNING and is_stalled(job)
    client.force_login(tree.town_a)
    page = client.get(f"/admin/core/importjob/{job.pk}/change/").content.decode()
    assert "后台任务在导入过程中中断" in page
    # Not a byte of the clear roster was written to the temporary folder.
    # Every test folder of the session aside: a parallel test worker may write the same rows.
    tests_root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        tests_root = tests_root.parent
    assert _clear_copies(started, path.read_bytes()[-200:], skip=(tests_root,)) == []
    # The next worker closes the job when it starts.
    again = subprocess.Popen(
        [sys.executable, "-m", "gonghui.cli", "worker"],
        env=_cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == ImportJob.Status.FAILED:
                break
            time.sleep(0.2)
    finally:
        os.killpg(again.pid, signal.SIGKILL)
        again.wait()
    assert job.status == ImportJob.Status.FAILED and job.upload is None
    assert "请重新上传" in job.message


def _clear_copies(since: float, needle: bytes, skip=()) -> list[str]:
    """Files in the temporary folder written since ``since`` that hold ``needle`` (the test's
    own folder, where it wrote the roster, and the suite's database aside)."""
    from django.conf import settings

    skip = [Path(p).resolve() for p in (*skip, settings.GONGHUI_HOME)]
    found = []
    for path in Path(tempfile.gettempdir()).rglob("*"):
        if any(path.resolve().is_relative_to(s) for s in skip):
            continue
        try:
            recent = path.is_file() and path.stat().st_mtime >= since
            if recent and path.stat().st_size < 1 << 26 and needle in path.read_bytes():
                found.append(str(path))
        except OSError:
            continue
    return found


def test_the_sweep_closes_only_jobs_nobody_runs(transactional_db):
    from gonghui.core.imports.jobs import JobProgress, import_jobs_sweep

    tree = build_tree()
    jobs = [
        import_job_create(
            actor=tree.town_a, org=tree.a, kind="members", file_name=f"{n}.csv", content=b"x"
        )
        for n in range(2)
    ]
    ImportJob.objects.update(status=ImportJob.Status.RUNNING)
    held = JobProgress(jobs[0].pk)  # a live worker holds the first
    try:
        assert held.locked
        assert import_jobs_sweep() == 1
    finally:
        held.close()
    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {jobs[0].pk: "running", jobs[1].pk: "failed"}
