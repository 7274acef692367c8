"""Deliveries run by themselves: whoever sweeps in the background (the job thread of
``billable serve`` on SQLite, ``billable worker`` on PostgreSQL) starts one
``deliver_outbox`` job when outbox messages are due (queued, or past their backoff
after a failure) and no such job is queued or running."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import select

from billable.documents import delivery
from billable.jobs import records as jobs
from billable.persistence.tables import Job
from billable.persistence.uow import UnitOfWork

log = logging.getLogger(__name__)
UowFactory = Callable[[], UnitOfWork]
DELIVER = "deliver_outbox"


class Starter(Protocol):
    """What starts a job: every dispatcher (``jobs/dispatch.py`` sweeps with this
    module, so it is named by what it does, not imported)."""

    def start(
        self, uow: UnitOfWork, kind: str, params: dict[str, Any], user_id: int | None, total: int
    ) -> int:
        """Record a job and have it run (now or soon); its id."""


def deliver_if_due(make_uow: UowFactory, dispatcher: Starter) -> int | None:
    """Start a delivery job when messages are due and none is unfinished; its id, or
    None. Two sweeps racing may both start one; the outbox claim still sends once."""
    with make_uow() as uow:
        due = delivery.due_count(uow.session)
        unfinished = uow.session.scalars(
            select(Job.id).where(Job.kind == DELIVER, Job.status.in_(jobs.RUNNABLE))
        ).first()
    if not due or unfinished is not None:
        return None
    job_id = dispatcher.start(make_uow(), DELIVER, {}, None, 0)
    log.info(
        "%s deliveries due: delivery job %s",
        due,
        job_id,
        extra={"event": "delivery.due", "job_id": job_id, "due": due},
    )
    return job_id
