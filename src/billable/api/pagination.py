"""Cursor pagination: ``{"items": [...], "next_cursor": null|string}`` ordered by id."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.orm import Session

from billable.domain.errors import Invalid

T = TypeVar("T")
MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    """One page of a collection."""

    items: list[T]
    next_cursor: str | None


def _decode(cursor: str) -> int:
    try:
        value = int(base64.urlsafe_b64decode(cursor.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        value = -1
    if not 0 <= value < 2**63:
        raise Invalid.field("cursor", "is not a cursor this API issued")
    return value


def _encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode()


def paginate(
    session: Session,
    stmt: Select[Any],
    id_column: Any,
    limit: int,
    cursor: str | None,
    present: Callable[[Any], Any] | None = None,
    *,
    present_page: Callable[[Sequence[Any]], list[Any]] | None = None,
) -> dict[str, Any]:
    """Run ``stmt`` after ``cursor``, ``limit`` rows, presenting each with ``present`` (or
    the whole page at once with ``present_page``, to batch lookups)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid.field("limit", f"must be between 1 and {MAX_LIMIT}")
    if cursor:
        stmt = stmt.where(id_column > _decode(cursor))
    if present_page is None:
        if present is None:
            raise TypeError("paginate needs present or present_page")
        each = present
        present_page = lambda page: [each(row) for row in page]  # noqa: E731
    rows: Sequence[Any] = session.scalars(stmt.order_by(id_column).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": present_page(rows),
        "next_cursor": _encode(rows[-1].id) if more and rows else None,
    }
