"""Cursor pagination of lists: ordered by id, ``limit`` rows after the cursor's id.

The cursor is the last id of the page before, opaque on the wire (base64)."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

from billable.domain.errors import Invalid
from billable.persistence.lookups import parse_id

T = TypeVar("T")
MAX_LIMIT = 500


@dataclass(frozen=True)
class Window(Generic[T]):
    """One page of a list and the cursor of the next (``None``: this is the last)."""

    items: list[T]
    next_cursor: str | None


def decode_cursor(cursor: str) -> int:
    """The id a cursor stands for; a cursor this API did not issue is refused (422)."""
    try:
        value = parse_id(base64.urlsafe_b64decode(cursor.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        value = None
    if value is None:
        raise Invalid.field("cursor", "is not a cursor this API issued")
    return value


def encode_cursor(last_id: int) -> str:
    """The cursor that continues after ``last_id``."""
    return base64.urlsafe_b64encode(str(last_id).encode()).decode()


def check_limit(limit: int) -> None:
    """Refuse a page size out of 1..MAX_LIMIT (422 on ``limit``)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid.field("limit", f"must be between 1 and {MAX_LIMIT}")


def check_range(date_from: dt.date | None, date_to: dt.date | None) -> None:
    """Refuse a date range that ends before it starts (422 on ``date_to``)."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise Invalid.field("date_to", f"must not be before date_from ({date_from.isoformat()})")


def window(
    session: Session,
    stmt: Select[Any],
    id_column: Any,
    limit: int,
    cursor: str | None,
    snapshot: Callable[[Sequence[Any]], list[T]],
) -> Window[T]:
    """Run ``stmt`` after ``cursor`` for ``limit`` rows, one query, and turn the page of
    ORM rows into values with ``snapshot`` (which reads the page's related rows in a
    bounded number of queries, whatever the page size)."""
    check_limit(limit)
    if cursor:
        stmt = stmt.where(id_column > decode_cursor(cursor))
    # The page's ids first (one more tells whether a page follows), then its rows by
    # id: the rows' eager loads then see exactly the page, one batch of ``limit`` ids.
    ids = list(
        session.scalars(stmt.with_only_columns(id_column).order_by(id_column).limit(limit + 1))
    )
    more = len(ids) > limit
    ids = ids[:limit]
    rows: Sequence[Any] = (
        session.scalars(stmt.where(id_column.in_(ids)).order_by(id_column)).all() if ids else []
    )
    return Window(snapshot(rows), encode_cursor(ids[-1]) if more else None)


def window_of(ordered: Sequence[T], limit: int, cursor: str | None) -> Window[T]:
    """A page of a list already in its shown order (a proposal's sections in print
    order, where ids are not the order): ``limit`` items after the cursor's position.

    For short sub-lists read whole: the page shape is the one every list answers, the
    cursor a position rather than an id."""
    check_limit(limit)
    start = decode_cursor(cursor) if cursor else 0
    page = list(ordered[start : start + limit])
    more = start + limit < len(ordered)
    return Window(page, encode_cursor(start + limit) if more else None)
