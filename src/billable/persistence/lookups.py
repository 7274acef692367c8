"""Helpers every use case shares: loading by id, reference checks, number sequences."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from billable.domain.errors import Invalid, NotFound
from billable.persistence.tables import Base, Sequence

T = TypeVar("T", bound=Base)

#: Rows per ``IN (...)`` list: well under every database's bound-parameter limit.
CHUNK = 5000


def get(session: Session, model: type[T], ident: int | str, what: str, *, lock: bool = False) -> T:
    """The row ``ident`` of ``model``, or 404 naming ``what``. ``lock`` takes a row lock."""
    key = parse_id(ident)
    found = None
    if key is not None:
        stmt = select(model).where(model.id == key)  # type: ignore[attr-defined]
        if lock:
            stmt = stmt.with_for_update()
        found = session.scalars(stmt).one_or_none()
    if found is None:
        raise NotFound(f"no {what} with id {ident}")
    return found


def ref(session: Session, model: type[T], ident: Any, field: str, what: str) -> T:
    """A referenced row for input ``field``; an unknown id is invalid input (422)."""
    key = parse_id(ident)
    found = session.get(model, key) if key is not None else None
    if found is None:
        raise Invalid.field(field, f"no {what} with id {ident}")
    return found


def refs(
    session: Session,
    model: type[T],
    idents: Iterable[Any],
    field: str,
    what: str,
    *,
    lock: bool = False,
) -> list[T]:
    """The rows ``idents`` name, in order; any unknown id is invalid input (422) on
    ``field[index]``. ``lock`` takes row locks."""
    idents = list(idents)
    keys = [parse_id(i) for i in idents]
    stmt = select(model).where(model.id.in_([k for k in keys if k is not None]))  # type: ignore[attr-defined]
    found = {row.id: row for row in session.scalars(stmt.with_for_update() if lock else stmt)}  # type: ignore[attr-defined]
    rows = []
    for index, (ident, key) in enumerate(zip(idents, keys, strict=True)):
        if key not in found:
            raise Invalid.field(f"{field}[{index}]", f"no {what} with id {ident}")
        rows.append(found[key])
    return rows


#: The digits an id is written with. ``str.isdigit`` and ``int`` also take "²", "①"
#: and other scripts' digits ("٣" is 3), which would name another row.
ID_DIGITS = frozenset("0123456789")


def parse_id(ident: Any) -> int | None:
    """Ids are strings of ASCII digits on the wire (at most 18); anything else names
    nothing."""
    if isinstance(ident, bool):
        return None
    if isinstance(ident, int):
        return ident
    if isinstance(ident, str) and 0 < len(ident) < 19 and ID_DIGITS.issuperset(ident):
        return int(ident)
    return None


def next_number(session: Session, name: str) -> int:
    """The next value of a gap-free sequence, inside the caller's transaction."""
    return reserve_numbers(session, name, 1)


def reserve_numbers(session: Session, name: str, count: int) -> int:
    """Reserve ``count`` consecutive values of a gap-free sequence; returns the first.

    The row update holds a lock until commit, so concurrent transactions queue and
    a rolled-back one gives its numbers back: no gaps, no duplicates.
    """
    if count < 1:
        raise ValueError("reserve at least one number")
    value = session.execute(
        update(Sequence)
        .where(Sequence.name == name)
        .values(next_value=Sequence.next_value + count)
        .returning(Sequence.next_value)
    ).scalar_one_or_none()
    if value is None:
        session.add(Sequence(name=name, next_value=count))
        session.flush()
        return 1
    return int(value) - count + 1


def in_chunks(values: Iterable[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    """``values`` in lists of at most ``size``, for ``IN (...)`` queries."""
    chunk: list[Any] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column values) into ``model``'s table, through Core.

    Asked to return the ids, SQLAlchemy batches an executemany into multi-row ``VALUES``
    statements ("insertmanyvalues") on both databases; without it psycopg sends one
    statement per row. No ORM object is made per row.
    """
    if not rows:
        return
    table = cast(Table, model.__table__)
    session.execute(insert(table).returning(table.c.id), rows).all()
