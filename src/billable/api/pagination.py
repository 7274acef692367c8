"""Cursor pagination: ``{"items": [...], "next_cursor": null|string}`` ordered by id.

The read side (:mod:`billable.views.pagination`) reads the page; this only shows it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from billable.views.pagination import Window

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a collection."""

    items: list[T]
    next_cursor: str | None


def page(found: Window[Any], present: Callable[[Any], Any]) -> dict[str, Any]:
    """A page body: each item presented, the cursor as the read side issued it."""
    return {"items": [present(item) for item in found.items], "next_cursor": found.next_cursor}
