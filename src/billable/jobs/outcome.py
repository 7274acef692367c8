"""What a handler hands back: the job's result and the notification that reports it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from billable.domain.vocabulary import NotificationLevel
from billable.persistence.tables import Job
from billable.persistence.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]

#: Keys of job results as the API reports them: counts and lists, not states.
CONFIRMED = "confirmed"  # not vocabulary: a job result's key, how many were confirmed
POSTED = "posted"  # not vocabulary: a job result's key, the proposals posted
FAILED = "failed"  # not vocabulary: a job result's key, what failed and why


class Outcome(NamedTuple):
    """A finished job: its result, and the notification's title, message and level
    (``error`` when the job reports failures among its items)."""

    result: dict[str, Any]
    title: str
    message: str
    level: NotificationLevel = NotificationLevel.INFO


Handler = Callable[[UowFactory, Job], Outcome]
