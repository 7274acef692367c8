"""Background job bookkeeping: enqueue, claim, progress, finish, notify.

The job rows are the truth users read (``GET /jobs/{id}``); a queue (procrastinate on
PostgreSQL, a thread in-process on SQLite) only decides *when* a job runs. Handlers
do their work in chunks, each chunk one transaction that also records its progress,
so a killed worker leaves every chunk done or not done, and a retry carries on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update

from billable.domain.errors import Conflict
from billable.persistence.tables import Job, Notification
from billable.persistence.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
#: States from which a job may be (re)started: a crash leaves it "running".
RUNNABLE = ("queued", "running")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def enqueue(
    uow: UnitOfWork, kind: str, params: dict[str, Any], user_id: int | None, total: int = 0
) -> int:
    """Record a queued job; the caller hands its id to a dispatcher after commit."""
    with uow:
        job = Job(
            kind=kind,
            status="queued",
            params=params,
            user_id=user_id,
            progress_done=0,
            progress_total=total,
            attempts=0,
        )
        uow.session.add(job)
        uow.session.flush()
        ident = job.id
        uow.commit()
    return ident


def claim(uow: UnitOfWork, job_id: int) -> Job | None:
    """Mark a job running (one more attempt); None when it is already finished."""
    with uow:
        job = uow.session.get(Job, job_id, with_for_update=True)
        if job is None or job.status not in RUNNABLE:
            return None
        job.status = "running"
        job.attempts += 1
        job.started_at = job.started_at or _now()
        uow.commit()
        return job


def record_progress(
    uow: UnitOfWork, job_id: int, done: int, total: int, result: dict[str, Any] | None = None
) -> None:
    """Set progress (and the partial result, when given) in the caller's transaction."""
    values: dict[str, Any] = {"progress_done": done, "progress_total": total}
    if result is not None:
        values["result"] = result
    uow.session.execute(update(Job).where(Job.id == job_id).values(**values))


def finish(uow: UnitOfWork, job_id: int, result: dict[str, Any], title: str, message: str) -> None:
    """Mark a job succeeded and leave a notification, together."""
    with uow:
        job = uow.session.get(Job, job_id, with_for_update=True)
        if job is None:
            raise Conflict(f"job {job_id} vanished")
        if job.status == "succeeded":
            return  # another attempt finished it (and notified) first
        job.status, job.result, job.finished_at = "succeeded", result, _now()
        job.progress_done = job.progress_total
        uow.session.add(
            Notification(
                user_id=job.user_id, job_id=job.id, level="info", title=title, message=message
            )
        )
        uow.commit()


def fail(uow: UnitOfWork, job_id: int, error: str) -> None:
    """Mark a job failed (its finished chunks stay done) and notify."""
    with uow:
        job = uow.session.get(Job, job_id, with_for_update=True)
        if job is None or job.status == "succeeded":
            return  # a concurrent attempt finished it: this one's failure is moot
        job.status, job.error, job.finished_at = "failed", error, _now()
        uow.session.add(
            Notification(
                user_id=job.user_id,
                job_id=job.id,
                level="error",
                title=f"{job.kind.replace('_', ' ')} failed",
                message=error,
            )
        )
        uow.commit()


def runnable_jobs(uow: UnitOfWork) -> list[int]:
    """Jobs queued, or left running by a process that died (in-process recovery)."""
    with uow:
        return list(
            uow.session.scalars(select(Job.id).where(Job.status.in_(RUNNABLE)).order_by(Job.id))
        )
