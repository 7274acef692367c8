"""What a database failure means to whoever reports it (the API, the CLI), so they
need not know the database library's exceptions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

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
    #: A name (or code, or account number) that another row of the kind has already.
    DUPLICATE_NAME = "duplicate_name"
    #: A row changed under a versioned update (optimistic locking).
    STALE = "stale"
    #: A value cannot be stored exactly (ExactDecimal refuses, never rounds).
    UNSTORABLE = "unstorable"
    #: The database is busy or unreachable.
    UNAVAILABLE = "unavailable"


#: Unique columns a user chooses the value of; a clash on one is a duplicate name, not
#: a race. Numbers the system hands out (invoices, vouchers) are races.
CHOSEN_KEYS = frozenset({"name", "code"})
CHOSEN_COLUMNS = frozenset({("ledger_accounts", "number")})
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (\w+)\.(\w+)$")
_POSTGRES_KEY = re.compile(r"Key \((\w+)\)=\((.*)\) already exists")


@dataclass(frozen=True)
class Meaning:
    """A database failure's kind and, for an unstorable value or a duplicate name, why;
    ``field`` names the input a duplicate came from."""

    failure: Failure
    reason: str = ""
    field: str = ""


def meaning(exc: BaseException) -> Meaning | None:
    """What ``exc`` means, or ``None`` when it is a fault to report as one."""
    if isinstance(exc, IntegrityError):
        return _duplicate(exc) or Meaning(Failure.CONCURRENT_INSERT)
    if isinstance(exc, StaleDataError):
        return Meaning(Failure.STALE)
    if isinstance(exc, OperationalError):
        return Meaning(Failure.UNAVAILABLE)
    if isinstance(exc, StatementError) and isinstance(exc.orig, ValueError | TypeError):
        return Meaning(Failure.UNSTORABLE, str(exc.orig))
    return None


def _duplicate(exc: IntegrityError) -> Meaning | None:
    """A unique violation on a column the user chose, as "a role named X exists"."""
    table, column, value = _unique_key(exc)
    if not column or not (column in CHOSEN_KEYS or (table, column) in CHOSEN_COLUMNS):
        return None
    if value is None:
        value = _bound(exc.statement or "", exc.params, column)
    kind = _singular(table)
    shown = f" {value}" if value is not None else ""  # SQLite may not say
    said = f"named{shown}" if column == "name" else f"with {column}{shown}"
    article = "an" if kind[:1] in "aeiou" else "a"
    return Meaning(Failure.DUPLICATE_NAME, f"{article} {kind} {said} exists already", column)


def _unique_key(exc: IntegrityError) -> tuple[str, str, Any]:
    """The table, column and (when the database says) value of a unique violation."""
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    if diag is not None:  # PostgreSQL
        found = _POSTGRES_KEY.search(diag.message_detail or "")
        if getattr(orig, "sqlstate", None) == "23505" and found:
            return diag.table_name or "", found.group(1), found.group(2)
        return "", "", None
    found = _SQLITE_UNIQUE.search(str(orig))
    return (found.group(1), found.group(2), None) if found else ("", "", None)


_INSERT_COLUMNS = re.compile(r"^\s*INSERT INTO \S+ \(([^)]*)\) VALUES", re.IGNORECASE)
_UPDATE_COLUMNS = re.compile(r"^\s*UPDATE \S+ SET (.*?) WHERE", re.IGNORECASE | re.DOTALL)


def _bound(statement: str, params: Any, column: str) -> Any:
    """The value bound to ``column`` in a single-row INSERT or UPDATE, if it can be
    told (SQLite names the column of a unique violation, not the value)."""
    if isinstance(params, dict):
        return params.get(column)
    if not isinstance(params, tuple | list) or (params and isinstance(params[0], tuple | list)):
        return None
    found = _INSERT_COLUMNS.match(statement)
    if found:
        names = [name.strip().strip('"') for name in found.group(1).split(",")]
    else:
        found = _UPDATE_COLUMNS.match(statement)
        if not found:
            return None
        names = [part.split("=")[0].strip().strip('"') for part in found.group(1).split(",")]
    return params[names.index(column)] if column in names[: len(params)] else None


def _singular(table: str) -> str:
    words = table.replace("_", " ")
    if words.endswith("ies"):
        return words[:-3] + "y"
    return words.removesuffix("s")
