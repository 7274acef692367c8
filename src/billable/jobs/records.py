"""Background job bookkeeping: enqueue, claim, heartbeat, progress, finish, notify.

The job rows are the truth users read (``GET /jobs/{id}``); a queue (procrastinate on
PostgreSQL, a thread in-process on SQLite) only decides *when* a job runs. Handlers
do their work in chunks, each chunk one transaction that also records its progress,
so a killed worker leaves every chunk done or not done, and a retry carries on.

Every execution is an attempt row naming its process (host, pid) with a heartbeat: a
job ``running`` whose last attempt's heartbeat stopped, or whose process on this host
is gone, was left behind by a process that died, and any process may resume it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from billable.domain.errors import Conflict
from billable.domain.vocabulary import AttemptOutcome, JobState, NotificationLevel
from billable.persistence.tables import Job, JobAttempt, Notification
from billable.persistence.uow import UnitOfWork

log = logging.getLogger("billable.jobs")
UowFactory = Callable[[], UnitOfWork]
#: Called inside the transaction that records a job, to queue it in that same transaction.
QueueIn = Callable[[Session, int], None]
#: States from which a job may be (re)started: a crash leaves it "running".
RUNNABLE = (JobState.QUEUED, JobState.RUNNING)
#: A running attempt writes a heartbeat this often ...
HEARTBEAT_SECONDS = 5.0
#: ... and one silent for this long belongs to a process that died.
STALE_AFTER_SECONDS = 30.0
#: A job that has started this often without ending is failed, not retried again.
MAX_ATTEMPTS = 20


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def enqueue(
    uow: UnitOfWork,
    kind: str,
    params: dict[str, Any],
    user_id: int | None,
    total: int = 0,
    queue_in: QueueIn | None = None,
) -> int:
    """Record a queued job, and with ``queue_in`` queue it in the same transaction (no
    job row without its queue entry, or the reverse). Without it, the caller runs the
    job itself or hands its id to a dispatcher after commit."""
    with uow:
        job = Job(
            kind=kind,
            status=JobState.QUEUED,
            params=params,
            user_id=user_id,
            progress_done=0,
            progress_total=total,
            attempts=0,
        )
        uow.session.add(job)
        uow.session.flush()
        ident = job.id
        if queue_in is not None:
            queue_in(uow.session, ident)
        uow.commit()
    return ident


def _notify(session: Session, job: Job, level: NotificationLevel, title: str, message: str) -> None:
    session.add(
        Notification(user_id=job.user_id, job_id=job.id, level=level, title=title, message=message)
    )


def claim(uow: UnitOfWork, job_id: int) -> Job | None:
    """Mark a job running and record the attempt (this process, now; its number is the
    returned job's ``attempts``); None when it is already finished, or failed here
    because it has started too often."""
    with uow:
        job = uow.session.get(Job, job_id, with_for_update=True)
        if job is None or job.status not in RUNNABLE:
            return None
        if job.attempts >= MAX_ATTEMPTS:
            job.status, job.finished_at = JobState.FAILED, _now()
            job.error = f"gave up after {job.attempts} attempts"
            _notify(uow.session, job, NotificationLevel.ERROR, _failed_title(job), job.error)
            uow.commit()
            return None
        now = _now()
        job.status = JobState.RUNNING
        job.attempts += 1
        job.started_at = job.started_at or now
        attempt = JobAttempt(
            job_id=job.id,
            attempt=job.attempts,
            host=socket.gethostname(),
            pid=os.getpid(),
            started_at=now,
            heartbeat_at=now,
        )
        uow.session.add(attempt)
        uow.commit()
        return job


def heartbeat(uow: UnitOfWork, job_id: int, attempt: int) -> None:
    """Say that ``attempt`` of the job is still running."""
    with uow:
        uow.session.execute(
            update(JobAttempt)
            .where(JobAttempt.job_id == job_id, JobAttempt.attempt == attempt)
            .values(heartbeat_at=_now())
        )
        uow.commit()


def record_progress(
    uow: UnitOfWork, job_id: int, done: int, total: int, result: dict[str, Any] | None = None
) -> None:
    """Set progress (and the partial result, when given) in the caller's transaction.
    Progress never goes backwards: a retry that counts again from the start shows the
    furthest any attempt got until it passes it."""
    furthest = case((Job.progress_done > done, Job.progress_done), else_=done)
    values: dict[str, Any] = {
        "progress_done": furthest,
        "progress_total": case((furthest > total, furthest), else_=total),
    }
    if result is not None:
        values["result"] = result
    uow.session.execute(update(Job).where(Job.id == job_id).values(**values))
    log.info(
        "job %s progress %s/%s",
        job_id,
        done,
        total,
        extra={"event": "job.progress", "job_id": job_id, "done": done, "total": total},
    )


def _end_attempt(
    session: Session, job_id: int, attempt: int | None, outcome: str, error: str | None
) -> None:
    if attempt is None:
        return
    session.execute(
        update(JobAttempt)
        .where(JobAttempt.job_id == job_id, JobAttempt.attempt == attempt)
        .values(finished_at=_now(), heartbeat_at=_now(), outcome=outcome, error=error)
    )


def finish(
    uow: UnitOfWork,
    job_id: int,
    result: dict[str, Any],
    title: str,
    message: str,
    attempt: int | None = None,
    level: NotificationLevel = NotificationLevel.INFO,
) -> None:
    """Mark a job succeeded and leave a notification (``level`` ``error`` when the job
    reports failures among its items), together."""
    with uow:
        job = uow.session.get(Job, job_id, with_for_update=True)
        if job is None:
            raise Conflict(f"job {job_id} vanished")
        _end_attempt(uow.session, job_id, attempt, AttemptOutcome.SUCCEEDED, None)
        if job.status == JobState.SUCCEEDED:
            uow.commit()
            return  # another attempt finished it (and notified) first
        job.status, job.result, job.finished_at = JobState.SUCCEEDED, result, _now()
        job.progress_done = job.progress_total = max(job.progress_total, job.progress_done)
        _notify(uow.session, job, level, title, message)
        uow.commit()


def _failed_title(job: Job) -> str:
    return f"{job.kind.replace('_', ' ')} failed"


def fail(uow: UnitOfWork, job_id: int, error: str, attempt: int | None = None) -> None:
    """Mark a job failed (its finished chunks stay done) and notify, at level error."""
    with uow:
        job = uow.session.get(Job, job_id, with_for_update=True)
        if job is None:
            return
        _end_attempt(uow.session, job_id, attempt, AttemptOutcome.FAILED, error)
        if job.status != JobState.SUCCEEDED:  # else a concurrent attempt finished it
            job.status, job.error, job.finished_at = JobState.FAILED, error, _now()
            _notify(uow.session, job, NotificationLevel.ERROR, _failed_title(job), error)
        uow.commit()


def interrupt(uow: UnitOfWork, job_id: int, attempt: int, error: str) -> None:
    """Record that an attempt stopped on a database outage; the job stays runnable."""
    with uow:
        _end_attempt(uow.session, job_id, attempt, AttemptOutcome.INTERRUPTED, error)
        uow.commit()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


@dataclass(frozen=True)
class _LastAttempt:
    host: str
    pid: int
    heartbeat_at: dt.datetime
    finished_at: dt.datetime | None


def _left_behind(attempt: _LastAttempt | None, now: dt.datetime) -> bool:
    """Whether the process of a running job's last attempt is gone."""
    if attempt is None or attempt.finished_at is not None:
        return True  # never started here, or ended without finishing the job
    if (now - attempt.heartbeat_at).total_seconds() > STALE_AFTER_SECONDS:
        return True
    on_this_host = attempt.host == socket.gethostname()
    return on_this_host and attempt.pid != os.getpid() and not _process_alive(attempt.pid)


def resumable_jobs(uow: UnitOfWork) -> list[int]:
    """Jobs to run now, oldest first: queued, or running without a live process (its
    heartbeat stopped, or its process on this host is gone)."""
    with uow:
        rows = uow.session.execute(
            select(Job.id, Job.status).where(Job.status.in_(RUNNABLE)).order_by(Job.id)
        ).all()
        running = [ident for ident, status in rows if status != JobState.QUEUED]
        last = {
            job_id: _LastAttempt(host, pid, beat, finished)
            for job_id, host, pid, beat, finished in uow.session.execute(
                select(
                    JobAttempt.job_id,
                    JobAttempt.host,
                    JobAttempt.pid,
                    JobAttempt.heartbeat_at,
                    JobAttempt.finished_at,
                )
                .join(Job, (Job.id == JobAttempt.job_id) & (Job.attempts == JobAttempt.attempt))
                .where(JobAttempt.job_id.in_(running))
            )
        }
    now = _now()
    return [
        ident
        for ident, status in rows
        if status == JobState.QUEUED or _left_behind(last.get(ident), now)
    ]
