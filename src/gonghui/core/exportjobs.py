"""Large exports in the background worker, shown with the progress page an import has.

A list export of more than ``INLINE_ROWS`` rows (a county's roster: 64,748 rows took 35 s in
the request) becomes an ``ExportJob``: the records' ids as the list showed them at the click,
written by the worker through the export the app declares (``WorkAreaApp.exports``), the
progress on its own connection under the job's advisory lock (``imports.jobs.JobProgress``:
the import's mechanism, so a dead worker is noticed the same way), the workbook kept encrypted
for the one who asked until ``KEEP`` has passed.
"""

from __future__ import annotations

import datetime
import io
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from gonghui.core.access import require_perm
from gonghui.core.crypto import cipher
from gonghui.core.errors import DomainError
from gonghui.core.imports.jobs import JobProgress, lock_is_free
from gonghui.core.models import ExportJob

log = logging.getLogger(__name__)

# Lists up to this many rows are written in the request (a few seconds); longer ones go to
# the worker.
INLINE_ROWS = 5_000
KEEP = datetime.timedelta(hours=24)
EXPORT_PURPOSE = "export"
# pg_advisory_lock keys of running exports: their own prefix beside the imports'.
EXPORT_LOCK_PREFIX = 7_143_003 << 32


def _purpose(job: ExportJob) -> str:
    # The job's id is bound into the ciphertext: bytes copied onto another row do not open.
    return f"{EXPORT_PURPOSE}.{job.pk}"


def export_job_create(*, actor, kind: str, ids: list[int], options: dict | None = None):
    """Queue an export of the records ``ids`` (read through the caller's scoped selector) for
    the worker; the job page shows its progress."""
    from gonghui.core.tasks import run_export_job
    from gonghui.core.workareas import export_kinds

    spec = export_kinds().get(kind)
    if spec is None:
        raise DomainError(_("Unknown kind of export."))
    require_perm(actor, spec.permission)
    if getattr(actor, "org", None) is None:
        raise DomainError(_("Your account belongs to no organisation."))
    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=kind,
            title=spec.title,
            org=actor.org,
            created_by=actor,
            params={"ids": list(ids), **(options or {})},
            rows_total=len(ids),
        )
        transaction.on_commit(lambda: run_export_job.defer(job_id=job.pk))
    return job


def export_job_run(job_id: int) -> ExportJob:
    """Write a queued export to its end (the worker's task). Safe to call twice."""
    from gonghui.core.workareas import export_kinds

    progress = JobProgress(job_id, table="core_exportjob", prefix=EXPORT_LOCK_PREFIX)
    try:
        if not progress.locked:
            return ExportJob.objects.get(pk=job_id)
        with transaction.atomic():
            job = (
                ExportJob.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, status=ExportJob.Status.QUEUED)
                .first()
            )
            if job is None:
                return ExportJob.objects.get(pk=job_id)
            job.status = ExportJob.Status.RUNNING
            job.started_at = job.heartbeat_at = timezone.now()
            job.save(update_fields=["status", "started_at", "heartbeat_at"])
        try:
            spec = export_kinds()[job.kind]
            out = io.BytesIO()  # in memory: the clear workbook never touches the disk
            rows = import_string(spec.write)(job, out, progress)
            content = cipher().encrypt_bytes(out.getvalue(), _purpose(job))
            del out
        except Exception as exc:
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJob.Status.FAILED,
                finished_at=timezone.now(),
                params={},
                message=_(
                    "The export stopped with an internal error (%(kind)s). Ask for it again; "
                    "if it fails again, tell the platform administrator."
                )
                % {"kind": type(exc).__name__},
            )
            log.exception("export job %s failed", job.pk)
            raise
        now = timezone.now()
        stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.SUCCEEDED,
            finished_at=now,
            rows_done=rows,
            rows_total=rows,
            content=content,
            params={},  # the ids are no longer needed
            file_name=f"{job.title}-{stamp}.xlsx",
            expires_at=now + KEEP,
            message=_("%(n)d rows written.") % {"n": rows},
        )
        return ExportJob.objects.get(pk=job.pk)
    finally:
        progress.close()


def export_job_content(*, actor, job: ExportJob) -> bytes:
    """The finished workbook, for the one who asked for it, until it expires."""
    if job.created_by_id != getattr(actor, "pk", None):
        raise DomainError(_("This export is not yours."))
    if job.status != ExportJob.Status.SUCCEEDED or job.content is None:
        raise DomainError(_("This export has no file (any more): ask for it again."))
    return cipher().decrypt_bytes(bytes(job.content), _purpose(job))


def export_jobs_sweep(now: datetime.datetime | None = None) -> int:
    """Close exports whose worker died, and drop the files of those past their time. Returns
    how many jobs were changed."""
    now = now or timezone.now()
    changed = 0
    for job_id in ExportJob.objects.filter(status=ExportJob.Status.RUNNING).values_list(
        "pk", flat=True
    ):
        if lock_is_free(job_id, EXPORT_LOCK_PREFIX):
            changed += ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).update(
                status=ExportJob.Status.FAILED,
                finished_at=now,
                params={},
                message=_("The background worker stopped during this export. Ask for it again."),
            )
    changed += (
        ExportJob.objects.filter(expires_at__lt=now)
        .exclude(content=None)
        .update(content=None, message=_("The file was kept for 24 hours and is now deleted."))
    )
    return changed


def is_stalled(job: ExportJob) -> bool:
    return job.status == ExportJob.Status.RUNNING and lock_is_free(job.pk, EXPORT_LOCK_PREFIX)
