"""What a database failure means to whoever reports it (the API, the CLI), so they
need not know the database library's exceptions."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.exc import (
    IntegrityError,
    OperationalError,
    SQLAlchemyError,
    StatementError,
)
from sqlalchemy.orm.exc import StaleDataError

#: Every failure of the database layer (catch this, then ask :func:`meaning`).
DatabaseError = SQLAlchemyError


class Failure(StrEnum):
    """The kinds of database failure a caller answers differently."""

    #: A concurrent transaction took the same row or number first (a unique key).
    CONCURRENT_INSERT = "concurrent_insert"
    #: A row changed under a versioned update (optimistic locking).
    STALE = "stale"
    #: A value cannot be stored exactly (ExactDecimal refuses, never rounds).
    UNSTORABLE = "unstorable"
    #: The database is busy or unreachable.
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Meaning:
    """A database failure's kind and, for an unstorable value, why."""

    failure: Failure
    reason: str = ""


def meaning(exc: BaseException) -> Meaning | None:
    """What ``exc`` means, or ``None`` when it is a fault to report as one."""
    if isinstance(exc, IntegrityError):
        return Meaning(Failure.CONCURRENT_INSERT)
    if isinstance(exc, StaleDataError):
        return Meaning(Failure.STALE)
    if isinstance(exc, OperationalError):
        return Meaning(Failure.UNAVAILABLE)
    if isinstance(exc, StatementError) and isinstance(exc.orig, ValueError | TypeError):
        return Meaning(Failure.UNSTORABLE, str(exc.orig))
    return None
