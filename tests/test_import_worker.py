"""Imports in the real background worker: a killed worker leaves no half-import behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils import timezone

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
def test_a_worker_killed_mid_import_leaves_nothing_behind(tmp_path, client):
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
    assert job.status == ImportJob.Status.RUNNING and not is_stalled(job)
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    job.refresh_from_db()
    assert is_stalled(job)
    client.force_login(tree.town_a)
    page = client.get(f"/admin/core/importjob/{job.pk}/change/").content.decode()
    assert "后台任务在导入过程中中断" in page
