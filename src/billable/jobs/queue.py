"""The procrastinate app: the queue of jobs on PostgreSQL, its worker and periodic tasks."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

import procrastinate
from sqlalchemy.engine import make_url

from billable.jobs import records as jobs
from billable.persistence.db import make_engine, session_factory
from billable.persistence.uow import UnitOfWork

QUEUE = "billable"
#: The daily run starts at 00:05 UTC (after midnight, so the day's date is complete).
DAILY_RUN_CRON = "5 0 * * *"


def libpq_url(url: str) -> str:
    """``postgresql+psycopg://...`` as the plain libpq URL procrastinate's psycopg wants."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@functools.cache
def _uow_factory(url: str) -> Callable[[], UnitOfWork]:
    factory = session_factory(make_engine(url))
    return lambda: UnitOfWork(factory)


def build_app(url: str) -> procrastinate.App:
    """A procrastinate app on ``url`` with Billable's tasks registered."""
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=libpq_url(url)),
    )

    @app.task(
        name="billable.run_job",
        queue=QUEUE,
        retry=procrastinate.RetryStrategy(max_attempts=10, wait=5),
    )
    def run_job(job_id: int) -> None:
        from billable.jobs.handlers import execute

        execute(_uow_factory(url), job_id)

    @app.periodic(cron=DAILY_RUN_CRON, periodic_id="daily-invoice-run")
    @app.task(name="billable.daily_run", queue=QUEUE, queueing_lock="daily-invoice-run")
    def daily_run(timestamp: int) -> None:
        today = dt.datetime.fromtimestamp(timestamp, dt.UTC).date()
        job_id = jobs.enqueue(
            _uow_factory(url)(), "invoice_run_catch_up", {"today": today.isoformat()}, None
        )
        from billable.jobs.handlers import execute

        execute(_uow_factory(url), job_id)

    @app.periodic(cron="* * * * *", periodic_id="retry-stalled-jobs")
    @app.task(
        name="billable.retry_stalled", queue=QUEUE, queueing_lock="retry-stalled", pass_context=True
    )
    async def retry_stalled(context: procrastinate.JobContext, timestamp: int) -> None:
        await retry_stalled_jobs(context.app)

    return app


async def retry_stalled_jobs(app: procrastinate.App, seconds: float = 30) -> int:
    """Put back in the queue the jobs of workers that stopped sending heartbeats."""
    stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds)
    count = 0
    for job in stalled:
        await app.job_manager.retry_job(job)
        count += 1
    return count
