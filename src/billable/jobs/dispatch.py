"""Dispatchers hand a recorded job to whatever runs it.

SQLite (the embedded default): a thread in this process, no extra service. It starts
with the process (``serve``'s start-up), resumes in the background every job left
unfinished by a process that died, and looks again every ``SWEEP_SECONDS``, when it
also starts a delivery job if outbox messages are due (``jobs/deliveries.py``).

PostgreSQL: procrastinate, so any number of ``billable worker`` processes on any number
of machines share jobs. A job's row and its queue entry are written in one transaction
on the process's one connection pool (SQLAlchemy's); no job row is left without a queue
entry, and :meth:`ProcrastinateDispatcher.reconcile` re-queues any that predates this.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import Engine, bindparam, text
from sqlalchemy.orm import Session

from billable.jobs import records as jobs
from billable.jobs.deliveries import deliver_if_due
from billable.jobs.handlers import execute
from billable.persistence.db import session_factory
from billable.persistence.uow import UnitOfWork

log = logging.getLogger(__name__)
UowFactory = Callable[[], UnitOfWork]
#: How often the in-process dispatcher looks for jobs another process left behind.
SWEEP_SECONDS = 10.0
#: The procrastinate queue every Billable job goes on (the worker listens to it).
QUEUE = "billable"
RUN_JOB_TASK = "billable.run_job"
#: Put on the in-process queue to stop its thread.
STOP = -1


class Dispatcher(Protocol):
    """Something that will run a recorded job."""

    def start(
        self, uow: UnitOfWork, kind: str, params: dict[str, Any], user_id: int | None, total: int
    ) -> int:
        """Record a job and have it run (now or soon); its id."""

    def dispatch(self, job_id: int) -> None:
        """Run the recorded job ``job_id`` (now or soon)."""

    def start_up(self) -> None:
        """Begin dispatching in this process: resume what was left unfinished."""

    def shut_down(self) -> None:
        """Stop dispatching in this process (a running job finishes its chunk first)."""


class InProcessDispatcher:
    """Runs jobs one after another on a daemon thread of this process."""

    def __init__(self, make_uow: UowFactory, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self._make_uow = make_uow
        self._sweep_seconds = sweep_seconds
        self._queue: queue.Queue[int] = queue.Queue()
        self._pending: set[int] = set()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def start_up(self) -> None:
        """Start the thread (once); it first resumes the jobs left behind."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(
                    target=self._loop, name="billable-jobs", daemon=True
                )
                self._thread.start()

    def shut_down(self) -> None:
        """Stop the thread after the job it runs (jobs still queued resume at next start)."""
        self._stop.set()
        self._queue.put(STOP)

    def start(
        self, uow: UnitOfWork, kind: str, params: dict[str, Any], user_id: int | None, total: int
    ) -> int:
        """Record a job and queue it on the thread."""
        job_id = jobs.enqueue(uow, kind, params, user_id, total)
        self.dispatch(job_id)
        return job_id

    def dispatch(self, job_id: int) -> None:
        """Queue ``job_id`` on the thread (once, however often it is asked)."""
        self.start_up()
        with self._lock:
            if job_id in self._pending:
                return
            self._pending.add(job_id)
        self._queue.put(job_id)

    def wait_idle(self) -> None:
        """Block until every dispatched job has run (the CLI and tests use it)."""
        self._queue.join()

    def _sweep(self) -> None:
        try:
            for job_id in jobs.resumable_jobs(self._make_uow()):
                self.dispatch(job_id)  # left behind by a process that stopped
        except Exception:  # the next sweep looks again
            log.exception("looking for unfinished jobs failed", extra={"event": "job.sweep"})
        try:
            deliver_if_due(self._make_uow, self)  # queued, or due again after a failure
        except Exception:  # the next sweep looks again
            log.exception("looking for due deliveries failed", extra={"event": "job.sweep"})

    def _loop(self) -> None:
        self._sweep()
        while not self._stop.is_set():
            try:
                job_id = self._queue.get(timeout=self._sweep_seconds)
            except queue.Empty:
                self._sweep()
                continue
            if job_id == STOP:
                self._queue.task_done()
                return
            with self._lock:
                self._pending.discard(job_id)
            try:
                execute(self._make_uow, job_id)
            except Exception:  # keep the thread alive; the job stays runnable
                log.exception(
                    "job %s stopped; a later sweep retries it",
                    job_id,
                    extra={"event": "job.retry", "job_id": job_id},
                )
            finally:
                self._queue.task_done()


_DEFER = text(
    "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, 0, NULL, NULL, "
    "CAST(:args AS jsonb), NULL)::procrastinate_job_to_defer_v1])"
)
_ORPHANS = text(
    "SELECT j.id FROM jobs j WHERE j.status IN :runnable AND NOT EXISTS ("
    " SELECT 1 FROM procrastinate_jobs p WHERE p.task_name = :task"
    " AND p.status IN ('todo', 'doing') AND (p.args->>'job_id')::bigint = j.id)"
    " ORDER BY j.id"
).bindparams(bindparam("runnable", expanding=True))


class ProcrastinateDispatcher:
    """Defers jobs to procrastinate's queue in PostgreSQL, through SQLAlchemy's pool."""

    def __init__(self, engine: Engine) -> None:
        factory = session_factory(engine)
        self._make_uow: UowFactory = lambda: UnitOfWork(factory)
        self._queue_name = QUEUE

    def queue_in(self, session: Session, job_id: int) -> None:
        """Add the queue entry of ``job_id`` in ``session``'s transaction."""
        session.execute(
            _DEFER,
            {
                "queue": self._queue_name,
                "task": RUN_JOB_TASK,
                "args": json.dumps({"job_id": job_id}),
            },
        )

    def start(
        self, uow: UnitOfWork, kind: str, params: dict[str, Any], user_id: int | None, total: int
    ) -> int:
        """Record a job and its queue entry, in one transaction."""
        return jobs.enqueue(uow, kind, params, user_id, total, queue_in=self.queue_in)

    def dispatch(self, job_id: int) -> None:
        """Add a queue entry for an already recorded job."""
        uow = self._make_uow()
        with uow:
            self.queue_in(uow.session, job_id)
            uow.commit()

    def start_up(self) -> None:
        """Re-queue, in the background, jobs left without a queue entry."""
        threading.Thread(target=self.reconcile, name="billable-reconcile", daemon=True).start()

    def shut_down(self) -> None:
        """Nothing to stop: workers run the jobs."""

    def reconcile(self) -> list[int]:
        """Queue again every unfinished job that has no queue entry waiting or running
        and no live attempt (e.g. one a killed ``billable invoice-run`` left behind);
        the ids re-queued."""
        try:
            with self._make_uow() as uow:
                orphans = set(
                    uow.session.scalars(
                        _ORPHANS, {"task": RUN_JOB_TASK, "runnable": list(jobs.RUNNABLE)}
                    )
                )
            requeued = [j for j in jobs.resumable_jobs(self._make_uow()) if j in orphans]
            for job_id in requeued:
                self.dispatch(job_id)
                log.warning(
                    "job %s had no queue entry: queued again",
                    job_id,
                    extra={"event": "job.requeued", "job_id": job_id},
                )
            return requeued
        except Exception:  # the next sweep looks again
            log.exception("reconciling jobs with the queue failed", extra={"event": "job.sweep"})
            return []


def dispatcher_for(engine: Engine) -> Dispatcher:
    """The dispatcher that suits ``engine``'s database."""
    if engine.dialect.name == "postgresql":
        return ProcrastinateDispatcher(engine)
    factory = session_factory(engine)
    return InProcessDispatcher(lambda: UnitOfWork(factory))
