"""Rows as plain, immutable values: what the read side hands out instead of ORM rows."""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import inspect


class Record(SimpleNamespace):
    """A snapshot of one row's columns (plus what its view adds), read by attribute like
    the row was; immutable, and detached from any session."""

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a record is read-only ({name})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a record is read-only ({name})")


#: Per mapped class, the attribute names of its columns (fixed once it is mapped).
_COLUMN_KEYS: dict[type, tuple[str, ...]] = {}


def _column_keys(model: type) -> tuple[str, ...]:
    keys = _COLUMN_KEYS.get(model)
    if keys is None:
        mapper: Any = inspect(model).mapper
        keys = _COLUMN_KEYS[model] = tuple(attr.key for attr in mapper.column_attrs)
    return keys


def record(row: Any, **extra: Any) -> Record:
    """The columns of ORM ``row`` as a :class:`Record`, with ``extra`` attributes."""
    # A loaded row keeps its column values in its __dict__; reading them there skips
    # the instrumented attribute per value (a read side's rows are many). What is not
    # there (expired or deferred) loads as the attribute would.
    loaded = row.__dict__
    values: dict[str, Any] = {
        key: loaded[key] if key in loaded else getattr(row, key) for key in _column_keys(type(row))
    }
    values.update(extra)
    return Record(**values)


def records(rows: Iterable[Any]) -> list[Record]:
    """:func:`record` of each row, in order."""
    return [record(row) for row in rows]


def nested(row: Any, *relations: str) -> Record:
    """``row``'s columns and, for each relation named, its rows' columns (loaded already:
    the view asked for them with the rows, in one query per relation for the page): a
    list of records for a one-to-many relation, one record (or None) for a many-to-one."""
    return record(row, **{name: _related(getattr(row, name)) for name in relations})


def _related(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return records(value)
    return record(value)
