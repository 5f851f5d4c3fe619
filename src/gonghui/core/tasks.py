"""Housekeeping that the background worker runs on a schedule."""

from django.core.management import call_command
from procrastinate.contrib.django import app


@app.periodic(cron="17 3 * * *")
@app.task(queue="housekeeping", queueing_lock="clear_expired_sessions")
def clear_expired_sessions(timestamp: int) -> None:
    # Expired sessions of shared office computers would otherwise pile up in the database.
    call_command("clearsessions")


@app.periodic(cron="* * * * *")
@app.task(queue="housekeeping", queueing_lock="import_jobs_sweep")
def close_interrupted_imports(timestamp: int) -> None:
    # A worker that died mid-import (another machine's, or this one's before a restart).
    from gonghui.core.imports.jobs import import_jobs_sweep

    import_jobs_sweep()


@app.task(queue="imports")
def run_import_job(job_id: int) -> None:
    from gonghui.core.imports.jobs import import_job_run

    import_job_run(job_id)


@app.task(queue="imports")
def run_export_job(job_id: int) -> None:
    from gonghui.core.exportjobs import export_job_run

    export_job_run(job_id)


@app.periodic(cron="* * * * *")
@app.task(queue="housekeeping", queueing_lock="export_jobs_sweep")
def sweep_export_jobs(timestamp: int) -> None:
    # Exports whose worker died, and finished files past their 24 hours.
    from gonghui.core.exportjobs import export_jobs_sweep

    export_jobs_sweep()


@app.periodic(cron="23 * * * *")
@app.task(queue="housekeeping", queueing_lock="reconcile_counties")
def reconcile_counties(timestamp: int) -> None:
    # A row written while its org moved to another county can keep the old one (core.county).
    from gonghui.core.county import reconcile

    reconcile()
