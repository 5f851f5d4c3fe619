"""Imports as background jobs: upload → queued → running (with progress) → done or refused.

The uploaded bytes are kept encrypted in the job row until the worker has run it. Progress is
written on a connection of its own, committed at once, because the import itself is one long
transaction whose writes nobody sees until it ends.
"""

from __future__ import annotations

import contextlib
import datetime
import tempfile
from pathlib import Path

import psycopg
from django.conf import settings
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
STALLED_AFTER = datetime.timedelta(minutes=2)


def spec_for(kind: str) -> ImportSpec:
    path = settings.GONGHUI_IMPORT_SPECS.get(kind)
    if path is None:
        raise DomainError(_("Unknown kind of import."))
    return import_string(path)()


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


class _Progress:
    """Writes ``rows_done`` on its own autocommit connection, at most once a second."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.last = 0.0
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        self.conn = psycopg.connect(**params, autocommit=True)

    def __call__(self, done: int, total: int) -> None:
        now = timezone.now().timestamp()
        if now - self.last < 1 and done < total:
            return
        self.last = now
        self.conn.execute(
            "UPDATE core_importjob SET rows_done = %s, rows_total = %s, heartbeat_at = now() "
            "WHERE id = %s",
            (done, max(total, done), self.job_id),
        )

    def close(self):
        with contextlib.suppress(Exception):
            self.conn.close()


def import_job_run(job_id: int) -> ImportJob:
    """Run a queued job to its end. Safe to call twice: only a queued job is started."""
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
    progress = _Progress(job.pk)
    try:
        with tempfile.TemporaryDirectory(prefix="gonghui-import-") as tmp:
            path = Path(tmp) / "upload"
            path.write_bytes(cipher().decrypt_bytes(bytes(job.upload), UPLOAD_PURPOSE))
            spec = spec_for(job.kind)
            outcome = run_import(
                spec,
                path,
                actor=job.created_by,
                org=job.org,
                mode=job.mode,
                file_name=job.file_name,
                options={**job.options, "job_id": job.pk, "file_name": job.file_name},
                progress=progress,
            )
            workbook = (
                problems_workbook(path, job.file_name, outcome) if not outcome.fatal else None
            )
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
    finally:
        progress.close()
    return _finish(job, outcome, workbook)


def _finish(job: ImportJob, outcome: ImportOutcome, workbook: bytes | None) -> ImportJob:
    job.counts = outcome.counts()
    job.problems = [p.as_dict() for p in outcome.problems[:SCREEN_PROBLEMS]]
    job.message = outcome.fatal or describe(outcome, job.mode)
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


def describe(outcome: ImportOutcome, mode: str) -> str:
    """The one-line result a clerk reads first."""
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
        parts.append(_("Imported %(n)d people.") % {"n": outcome.imported})
        if outcome.updated:
            parts.append(_("%(n)d existing members updated.") % {"n": outcome.updated})
        if outcome.rejected:
            parts.append(_("%(n)d rows refused; download them to fix.") % {"n": outcome.rejected})
    if outcome.conflicts:
        parts.append(
            _("%(n)d people are members of another union and were not imported.")
            % {"n": outcome.conflicts}
        )
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
    """Running, but nobody has reported progress for a while: the worker died mid-import, and
    its transaction (so every row) was rolled back with it."""
    beat = job.heartbeat_at or job.started_at
    return (
        job.status == ImportJob.Status.RUNNING
        and beat is not None
        and (timezone.now() - beat > STALLED_AFTER)
    )
