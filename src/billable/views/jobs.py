"""Background work as shown: invoice runs, jobs and notifications; and the check that
the ids a bulk request names are known, before a job is queued for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from billable.persistence.lookups import get, refs
from billable.persistence.tables import (
    Contract,
    Invoice,
    InvoiceRun,
    Job,
    JobAttempt,
    Notification,
)
from billable.views.pagination import Window, window
from billable.views.records import Record, record, records

#: What bulk requests name, by the word their refusals use.
_TARGETS: dict[str, Any] = {"contract": Contract, "invoice": Invoice}


def known_ids(session: Session, what: str, ids: list[str], field: str) -> list[str]:
    """The ids, read as every route reads ids ("01" is 1), each known, once, in order;
    an unknown one is refused (422 on ``field[index]``)."""
    rows = refs(session, _TARGETS[what], ids, field, what)
    return list(dict.fromkeys(str(row.id) for row in rows))


def runs(session: Session, limit: int, cursor: str | None) -> Window[Record]:
    """A page of invoice runs, oldest first."""
    return window(session, select(InvoiceRun), InvoiceRun.id, limit, cursor, records)


def job(session: Session, ident: int | str) -> Record:
    """One job, or 404."""
    return record(get(session, Job, ident, "job"))


def jobs(
    session: Session,
    limit: int,
    cursor: str | None,
    *,
    kind: str | None = None,
    status: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Window[Record]:
    """A page of jobs, oldest first; ``date_from`` / ``date_to`` (inclusive) filter by the
    day a job was created. The caller has checked the filters' values."""
    stmt = select(Job)
    if kind is not None:
        stmt = stmt.where(Job.kind == kind)
    if status is not None:
        stmt = stmt.where(Job.status == status)
    if date_from is not None:
        stmt = stmt.where(Job.created_at >= dt.datetime.combine(date_from, dt.time()))
    if date_to is not None:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())
        stmt = stmt.where(Job.created_at < end)
    return window(session, stmt, Job.id, limit, cursor, records)


def job_attempts(session: Session, job_id: int) -> list[Record]:
    """Every attempt of a job, first to last: when, and on which host and process."""
    stmt = select(JobAttempt).where(JobAttempt.job_id == job_id).order_by(JobAttempt.attempt)
    return records(session.scalars(stmt))


def notifications(
    session: Session, user_id: int | None, limit: int, cursor: str | None
) -> Window[Record]:
    """A page of the notifications for ``user_id`` and those for everyone, oldest first."""
    stmt = select(Notification).where(
        or_(Notification.user_id == user_id, Notification.user_id.is_(None))
    )
    return window(session, stmt, Notification.id, limit, cursor, records)


def job_notifications(session: Session, job_id: int) -> list[Record]:
    """The notifications a job left, in order."""
    stmt = select(Notification).where(Notification.job_id == job_id).order_by(Notification.id)
    return records(session.scalars(stmt))


def latest_notifications(session: Session, count: int) -> list[Record]:
    """The ``count`` newest notifications, newest first."""
    stmt = select(Notification).order_by(Notification.id.desc()).limit(count)
    return records(session.scalars(stmt))
