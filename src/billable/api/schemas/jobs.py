"""Background jobs as the API shows them: status, progress, result and attempts."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from billable.api.schemas.common import Timestamp


class Progress(BaseModel):
    done: int
    total: int


class AttemptOut(BaseModel):
    """One execution of a job: when, and where (``worker`` is ``HOST:PID``, ``host`` and
    ``pid`` apart). ``outcome`` is null while it runs, and stays null when its process
    died (a later attempt carried on)."""

    attempt: int
    started_at: Timestamp
    finished_at: Timestamp | None
    heartbeat_at: Timestamp
    host: str
    pid: int
    worker: str
    outcome: str | None
    error: str | None


class JobOut(BaseModel):
    id: str
    kind: str
    status: str
    progress: Progress
    result: dict[str, Any] | None
    error: str | None
    attempt_count: int
    attempts: list[AttemptOut]
    created_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None


class JobSummary(BaseModel):
    """A job in a list: without its result and attempts (``GET /jobs/{id}`` has them)."""

    id: str
    kind: str
    status: str
    progress: Progress
    error: str | None
    attempt_count: int
    created_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None
