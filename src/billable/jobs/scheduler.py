"""The daily invoice run, and catching up on the run dates nothing processed.

A run date is due from ``DAILY_RUN_AT`` UTC of its day. Whoever schedules (the thread
of ``billable serve`` on SQLite; ``billable worker`` on PostgreSQL, at start and every
minute) starts one catch-up job when dates are due and none is unfinished; the job
processes every missed date in order, and a date already done is never done again.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from sqlalchemy import select

from billable.domain.audit import SYSTEM
from billable.jobs import records as jobs
from billable.jobs.dispatch import Dispatcher
from billable.persistence import auditing
from billable.persistence.tables import Job
from billable.persistence.uow import UnitOfWork
from billable.runs import invoice_runs as runs

log = logging.getLogger(__name__)
UowFactory = Callable[[], UnitOfWork]
#: The daily run starts at 00:05 UTC (after midnight, so the day's date is complete).
DAILY_RUN_AT = dt.time(0, 5)
CATCH_UP = "invoice_run_catch_up"


def due_day(now: dt.datetime | None = None) -> dt.date:
    """The latest run date due at ``now`` (UTC): today from 00:05, else yesterday."""
    now = now or dt.datetime.now(dt.UTC)
    today = now.date()
    return today if now.time() >= DAILY_RUN_AT else today - dt.timedelta(days=1)


def catch_up_if_due(
    make_uow: UowFactory, dispatcher: Dispatcher, today: dt.date | None = None
) -> int | None:
    """Start a catch-up job up to ``today`` (default :func:`due_day`) when run dates are
    missed and no catch-up job is unfinished; its id, or None."""
    today = today or due_day()
    if not runs.missed_dates(make_uow(), today):
        return None
    with make_uow() as uow:
        unfinished = uow.session.scalars(
            select(Job.id).where(Job.kind == CATCH_UP, Job.status.in_(jobs.RUNNABLE))
        ).first()
    if unfinished is not None:
        return None  # it runs, or is resumed by whoever looks after left-behind jobs
    with auditing.acting_unless_attributed(SYSTEM, "scheduler catch-up"):
        job_id = dispatcher.start(make_uow(), CATCH_UP, {"today": today.isoformat()}, None, 0)
    log.info(
        "run dates up to %s are due: catch-up job %s",
        today,
        job_id,
        extra={"event": "run.catch_up", "job_id": job_id, "today": today.isoformat()},
    )
    return job_id


def start_daily_runs(
    make_uow: UowFactory, dispatcher: Dispatcher, every_seconds: float = 3600.0
) -> threading.Event:
    """Check now and then every ``every_seconds`` for run dates due (UTC); returns an event
    that stops the thread when set."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                catch_up_if_due(make_uow, dispatcher)
            except Exception:  # a failed check is retried at the next tick
                log.exception("daily invoice run check failed")
            stop.wait(every_seconds)

    threading.Thread(target=loop, name="billable-daily-run", daemon=True).start()
    return stop
