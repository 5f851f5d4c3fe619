"""Imports as background jobs: upload → queued → running (with progress) → done or refused.

The uploaded bytes are kept encrypted in the job row until the worker has run it, and are
decrypted into memory only: no clear copy is ever written to disk, so a worker killed mid-import
leaves nothing personal behind. Progress is written on a connection of its own, committed at
once, because the import itself is one long transaction whose writes nobody sees until it ends.
That connection also holds the job's advisory lock for as long as the worker runs it: when the
worker dies, PostgreSQL drops the connection and the lock with it, and ``import_jobs_sweep``
knows the job will never finish.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

import psycopg
import psycopg.sql
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.crypto import cipher
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.imports.engine import ImportOutcome, Mode, run_import
from gonghui.core.imports.reading import max_bytes, too_big_message
from gonghui.core.imports.spec import ImportSpec
from gonghui.core.imports.workbook import problems_workbook
from gonghui.core.models import ImportJob

UPLOAD_PURPOSE = "import.upload"
WORKBOOK_PURPOSE = "import.error_workbook"
SCREEN_PROBLEMS = 200
# pg_advisory_lock keys of running jobs: this prefix in the upper 32 bits, the job id below.
JOB_LOCK_PREFIX = 7_143_002 << 32

log = logging.getLogger(__name__)


def spec_for(kind: str) -> ImportSpec:
    """The spec of an import kind an installed app declares (``core.workareas.ImportKind``)."""
    from gonghui.core.workareas import import_kinds

    declared = import_kinds().get(kind)
    if declared is None:
        raise DomainError(_("Unknown kind of import."))
    return import_string(declared.spec)()


def import_job_create(
    *,
    actor,
    org,
    kind: str,
    file_name: str,
    content: bytes,
    mode: str = Mode.ALL_OR_NOTHING,
    options: dict | None = None,
) -> ImportJob:
    """Queue an upload for the worker (it starts once this transaction commits)."""
    spec = spec_for(kind)
    require_perm(actor, "core.add_importjob")
    require_perm(actor, spec.permission)
    if mode not in (Mode.ALL_OR_NOTHING, Mode.PARTIAL, Mode.VALIDATE):
        raise DomainError(_("Unknown import mode."))
    if len(content) > max_bytes():
        raise DomainError(too_big_message(len(content)))
    if not content:
        raise DomainError(_("The file is empty."))
    with transaction.atomic():
        require_in_scope(actor, org)
        job = ImportJob.objects.create(
            kind=kind,
            org=org,
            created_by=actor if getattr(actor, "pk", None) else None,
            file_name=Path(file_name).name[:255],
            file_size=len(content),
            mode=mode,
            options=options or {},
            upload=cipher().encrypt_bytes(content, UPLOAD_PURPOSE),
        )
        record_event(
            actor=actor,
            action="import.queue",
            org=org,
            target=job,
            details={"kind": kind, "mode": mode, "file": job.file_name},
        )
        from gonghui.core.tasks import run_import_job

        transaction.on_commit(lambda: run_import_job.defer(job_id=job.pk))
    return job


def _job_lock_key(job_id: int, prefix: int = JOB_LOCK_PREFIX) -> int:
    return prefix | job_id


class JobProgress:
    """Writes ``rows_done`` on its own autocommit connection, at most once a second, and holds
    the job's advisory lock on it while the job runs: an import's, or any background job's
    whose table has the same progress columns (``table``) under its own lock ``prefix``."""

    def __init__(self, job_id: int, table: str = "core_importjob", prefix: int = JOB_LOCK_PREFIX):
        self.job_id, self.table = job_id, table
        self.last = 0.0
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        self.conn = psycopg.connect(**params, autocommit=True)
        (self.locked,) = self.conn.execute(
            "SELECT pg_try_advisory_lock(%s)", (_job_lock_key(job_id, prefix),)
        ).fetchone()

    def __call__(self, done: int, total: int) -> None:
        now = timezone.now().timestamp()
        if now - self.last < 1 and done < total:
            return
        self.last = now
        self.conn.execute(
            psycopg.sql.SQL(
                "UPDATE {} SET rows_done = %s, rows_total = %s, heartbeat_at = now() WHERE id = %s"
            ).format(psycopg.sql.Identifier(self.table)),
            (done, max(total, done), self.job_id),
        )

    def close(self):
        with contextlib.suppress(Exception):
            self.conn.close()  # and the lock with it


def import_job_run(job_id: int) -> ImportJob:
    """Run a queued job to its end. Safe to call twice: only a queued job is started."""
    # The lock first: from the moment the job is "running", its lock says someone runs it.
    progress = JobProgress(job_id)
    try:
        if not progress.locked:  # another worker has it
            return ImportJob.objects.get(pk=job_id)
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=job_id, status=ImportJob.Status.QUEUED)
                .select_related("org", "created_by")
                .first()
            )
            if job is None:
                return ImportJob.objects.get(pk=job_id)
            job.status = ImportJob.Status.RUNNING
            job.started_at = job.heartbeat_at = timezone.now()
            job.save(update_fields=["status", "started_at", "heartbeat_at"])
        try:
            # In memory only: the clear roster never touches the disk.
            content = cipher().decrypt_bytes(bytes(job.upload), UPLOAD_PURPOSE)
            spec = spec_for(job.kind)
            outcome = run_import(
                spec,
                content,
                actor=job.created_by,
                org=job.org,
                mode=job.mode,
                file_name=job.file_name,
                options={**job.options, "job_id": job.pk, "file_name": job.file_name},
                progress=progress,
            )
            workbook = (
                problems_workbook(content, job.file_name, outcome) if not outcome.fatal else None
            )
            del content
        except Exception as exc:
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.FAILED,
                finished_at=timezone.now(),
                upload=None,
                message=_(
                    "The import stopped with an internal error (%(kind)s); nothing was "
                    "imported. Tell the platform administrator."
                )
                % {"kind": type(exc).__name__},
            )
            raise
        return _finish(job, outcome, workbook, spec)
    finally:
        progress.close()


def lock_is_free(job_id: int, prefix: int = JOB_LOCK_PREFIX) -> bool:
    """Nobody holds the job's lock: no worker is running it (any more)."""
    key = _job_lock_key(job_id, prefix)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        (free,) = cursor.fetchone()
        if free:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    return bool(free)


def import_jobs_sweep() -> int:
    """Close the jobs whose worker died (killed, out of memory, the machine restarted): each
    is "running" with nobody holding its lock. Its transaction died with the worker, so nothing
    of it was imported; the job says so and drops the upload. Returns how many were closed."""
    closed = 0
    running = ImportJob.objects.filter(status=ImportJob.Status.RUNNING).values_list("pk", flat=True)
    for job_id in list(running):
        if not lock_is_free(job_id):
            continue
        closed += ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
            status=ImportJob.Status.FAILED,
            finished_at=timezone.now(),
            upload=None,
            message=_(
                "The import was interrupted (the background worker stopped); nothing was "
                "imported. Upload the file again."
            ),
        )
    if closed:
        log.warning("closed %d import jobs whose worker had stopped", closed)
    return closed


def sweep_temp_files() -> int:
    """Remove what a process that died left in temporary folders: the clear copies of uploads
    that versions before this one wrote there, and the memory scratch of an export
    (``core.exports``). Returns how many were removed."""
    from gonghui.core.exports import sweep_scratch

    removed = sweep_scratch()
    for leftover in Path(tempfile.gettempdir()).glob("gonghui-import-*"):
        with contextlib.suppress(OSError):
            if leftover.is_dir() and leftover.stat().st_uid == os.getuid():
                shutil.rmtree(leftover)
                removed += 1
    return removed


def _finish(job: ImportJob, outcome: ImportOutcome, workbook: bytes | None, spec) -> ImportJob:
    job.counts = outcome.counts()
    job.problems = [p.as_dict() for p in outcome.problems[:SCREEN_PROBLEMS]]
    job.message = outcome.fatal or describe(outcome, job.mode, spec)
    if outcome.fatal:
        job.status = ImportJob.Status.REFUSED
    elif job.mode == Mode.VALIDATE:
        job.status = (
            ImportJob.Status.SUCCEEDED if not outcome.rejected else ImportJob.Status.REFUSED
        )
    else:
        job.status = ImportJob.Status.SUCCEEDED if outcome.written else ImportJob.Status.REFUSED
    job.finished_at = timezone.now()
    job.rows_done = job.rows_total = max(job.rows_total, outcome.rows)
    job.upload = None  # the file's purpose is served; keep no copy of it
    job.error_workbook = (
        cipher().encrypt_bytes(workbook, WORKBOOK_PURPOSE) if workbook is not None else None
    )
    job.save()
    return job


def describe(outcome: ImportOutcome, mode: str, spec=None) -> str:
    """The one-line result a clerk reads first, in the words of the kind of list (``spec``)."""
    if outcome.fatal:
        return outcome.fatal
    parts = []
    if mode == Mode.VALIDATE:
        parts.append(
            _("Checked %(rows)d rows: %(valid)d right, %(rejected)d to fix.")
            % {"rows": outcome.rows, "valid": outcome.valid, "rejected": outcome.rejected}
        )
    elif not outcome.written:
        parts.append(
            _(
                "Nothing was imported: %(rejected)d of %(rows)d rows need fixing. Download the "
                "rows to fix, correct them and upload the whole file again."
            )
            % {"rows": outcome.rows, "rejected": outcome.rejected}
        )
    else:
        said = spec.imported_text if spec is not None else _("Imported %(n)d rows.")
        parts.append(str(said) % {"n": outcome.imported})
        if outcome.updated:
            parts.append(_("%(n)d existing members updated.") % {"n": outcome.updated})
        if outcome.rejected:
            parts.append(_("%(n)d rows refused; download them to fix.") % {"n": outcome.rejected})
    if outcome.conflicts:
        said = (
            spec.conflicts_text
            if spec is not None
            else _("%(n)d rows match records already there and were not imported.")
        )
        parts.append(str(said) % {"n": outcome.conflicts})
    if outcome.repaired:
        parts.append(_("%(n)d rows were repaired automatically.") % {"n": outcome.repaired})
    return " ".join(parts)


def import_job_error_workbook(*, actor, job: ImportJob) -> bytes:
    """The refused rows for the uploader (or someone above) to fix; logged as an access."""
    from gonghui.core.access_log import log_access
    from gonghui.core.models import AccessLog

    require_in_scope(actor, job.org)
    if job.error_workbook is None:
        raise DomainError(_("This import has no rows to return."))
    with transaction.atomic():
        log_access(
            actor=actor, action=AccessLog.Action.DOWNLOAD_IMPORT_ERRORS, target=job, org=job.org
        )
    return cipher().decrypt_bytes(bytes(job.error_workbook), WORKBOOK_PURPOSE)


def is_stalled(job: ImportJob) -> bool:
    """Running, but no worker holds the job: it died mid-import, and its transaction (so every
    row) was rolled back with it. The sweep will close the job."""
    return job.status == ImportJob.Status.RUNNING and lock_is_free(job.pk)
