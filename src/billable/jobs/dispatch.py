"""Dispatchers hand a recorded job to whatever runs it.

SQLite (the embedded default): a thread in this process, no extra service; on start it
picks up jobs left queued or running by a previous process. PostgreSQL: procrastinate,
so any number of ``billable worker`` processes on any number of machines share jobs.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import Engine

from billable.jobs.handlers import execute
from billable.jobs.records import runnable_jobs
from billable.persistence.db import session_factory
from billable.persistence.uow import UnitOfWork

log = logging.getLogger(__name__)


class Dispatcher(Protocol):
    """Something that will run a recorded job."""

    def dispatch(self, job_id: int) -> None:
        """Run job ``job_id`` (now or soon)."""


class InProcessDispatcher:
    """Runs jobs one after another on a daemon thread of this process."""

    def __init__(self, make_uow: Callable[[], UnitOfWork]) -> None:
        self._make_uow = make_uow
        self._queue: queue.Queue[int] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="billable-jobs", daemon=True)
        self._started = False
        self._lock = threading.Lock()

    def _start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
            for job_id in runnable_jobs(self._make_uow()):
                self._queue.put(job_id)  # left behind by a process that stopped
            self._thread.start()

    def dispatch(self, job_id: int) -> None:
        self._start()
        self._queue.put(job_id)

    def wait_idle(self) -> None:
        """Block until every dispatched job has run (the CLI and tests use it)."""
        self._queue.join()

    def _loop(self) -> None:
        while True:
            job_id = self._queue.get()
            try:
                execute(self._make_uow, job_id)
            except Exception:  # keep the thread alive; the job stays runnable
                log.exception("job %s stopped; it will be retried at the next start", job_id)
            finally:
                self._queue.task_done()


class ProcrastinateDispatcher:
    """Defers jobs to procrastinate's queue in PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        from billable.jobs.queue import build_app

        self._app = build_app(engine.url.render_as_string(hide_password=False))

    def dispatch(self, job_id: int) -> None:
        with self._app.open():
            self._app.tasks["billable.run_job"].defer(job_id=job_id)


def dispatcher_for(engine: Engine) -> Dispatcher:
    """The dispatcher that suits ``engine``'s database."""
    if engine.dialect.name == "postgresql":
        return ProcrastinateDispatcher(engine)
    factory = session_factory(engine)
    return InProcessDispatcher(lambda: UnitOfWork(factory))
