"""The daily invoice run on the embedded default (SQLite): a thread in ``billable serve``.

On PostgreSQL the run is a procrastinate periodic task of ``billable worker`` instead
(``jobs/queue.py``). Either way it starts a catch-up job, so days missed while nothing
ran are processed in order, and a date already done is never done again.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from billable.jobs import records as jobs
from billable.jobs.dispatch import Dispatcher
from billable.persistence.uow import UnitOfWork
from billable.runs import invoice_runs as runs

log = logging.getLogger(__name__)


def start_daily_runs(
    make_uow: Callable[[], UnitOfWork], dispatcher: Dispatcher, every_seconds: float = 3600.0
) -> threading.Event:
    """Check now and then every ``every_seconds`` for run dates due (UTC); returns an event
    that stops the thread when set."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                today = dt.datetime.now(dt.UTC).date()
                if runs.missed_dates(make_uow(), today):
                    job_id = jobs.enqueue(
                        make_uow(), "invoice_run_catch_up", {"today": today.isoformat()}, None
                    )
                    dispatcher.dispatch(job_id)
            except Exception:  # a failed check is retried at the next tick
                log.exception("daily invoice run check failed")
            stop.wait(every_seconds)

    threading.Thread(target=loop, name="billable-daily-run", daemon=True).start()
    return stop
