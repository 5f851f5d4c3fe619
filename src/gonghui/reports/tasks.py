"""The worker's part in the precomputed figures (``reports.figurestore``)."""

from procrastinate.contrib.django import app

from gonghui.reports import figurestore


@app.periodic(cron="* * * * *")
@app.task(queue="housekeeping", queueing_lock="drain_figures")
def drain_figures_every_minute(timestamp: int) -> None:
    # Marks a page did not ask for yet (a quiet night's imports) are drained all the same.
    figurestore.drain_all()


@app.task(queue="housekeeping", queueing_lock="drain_figures_now")
def drain_figures() -> None:
    figurestore.drain_all()
