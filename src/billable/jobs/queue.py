"""The procrastinate app: the queue of jobs on PostgreSQL, its worker and periodic tasks.

Every minute one worker sweeps: it retries the jobs of workers whose heartbeat stopped,
deletes those workers' rows, re-queues job rows without a queue entry and starts a
delivery job when outbox messages are due. Each
``billable worker`` also looks at start and every minute for run dates due, so a worker
started late, on any day, runs every missed date in order.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Callable

import procrastinate
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from billable.jobs import records as jobs
from billable.jobs.dispatch import QUEUE
from billable.persistence.db import make_engine, process_name, session_factory
from billable.persistence.uow import UnitOfWork

log = logging.getLogger(__name__)
#: The daily run starts at 00:05 UTC (after midnight, so the day's date is complete).
DAILY_RUN_CRON = "5 0 * * *"
#: Seconds without a heartbeat after which a worker is taken for dead.
STALLED_AFTER = 30.0


def libpq_url(url: str) -> str:
    """``postgresql+psycopg://...`` as the plain libpq URL procrastinate's psycopg wants."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@functools.cache
def _engine(url: str) -> Engine:
    """This process's one engine (and connection pool) on ``url``."""
    return make_engine(url)


@functools.cache
def _uow_factory(url: str) -> Callable[[], UnitOfWork]:
    factory = session_factory(_engine(url))
    return lambda: UnitOfWork(factory)


def build_app(url: str) -> procrastinate.App:
    """A procrastinate app on ``url`` with Billable's tasks registered; its connections
    carry this process's ``application_name``."""
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(
            conninfo=libpq_url(url), kwargs={"application_name": process_name()}
        ),
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
        await sweep(context.app, url)

    return app


async def retry_stalled_jobs(app: procrastinate.App, seconds: float = STALLED_AFTER) -> int:
    """Put back in the queue the jobs of workers that stopped sending heartbeats, and
    delete those workers' rows."""
    stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds)
    count = 0
    for job in stalled:
        await app.job_manager.retry_job(job)
        log.warning(
            "queue job %s of a silent worker retried",
            job.id,
            extra={"event": "job.stalled", "queue_job_id": job.id, "task_kwargs": job.task_kwargs},
        )
        count += 1
    pruned = await app.job_manager.prune_stalled_workers(seconds)
    if pruned:
        log.warning(
            "workers %s silent for %g s: removed", pruned, seconds, extra={"event": "worker.pruned"}
        )
    return count


def _reconcile(url: str, catch_up: bool) -> None:
    from billable.jobs.deliveries import deliver_if_due
    from billable.jobs.dispatch import ProcrastinateDispatcher
    from billable.jobs.scheduler import catch_up_if_due

    dispatcher = ProcrastinateDispatcher(_engine(url))
    dispatcher.reconcile()
    deliver_if_due(_uow_factory(url), dispatcher)  # queued, or due again after a failure
    if catch_up:
        catch_up_if_due(_uow_factory(url), dispatcher)


async def sweep(
    app: procrastinate.App, url: str, stalled_after: float = STALLED_AFTER, catch_up: bool = False
) -> None:
    """One look after the queue: stalled jobs, dead workers, job rows without a queue
    entry, deliveries due (a ``deliver_outbox`` job), and with ``catch_up`` (``billable
    worker`` does it) run dates due."""
    await retry_stalled_jobs(app, stalled_after)
    await asyncio.to_thread(_reconcile, url, catch_up)
