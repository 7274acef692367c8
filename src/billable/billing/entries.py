"""Use cases for time, expense, material-usage and fee entries: enter, edit, submit,
approve (which writes the actuals) and reject, one entry or many at once.

Every write is set-based and all-or-nothing: the bulk routes and the one-entry routes
call the same functions, one entry being a set of one (``single=True`` only decides how
a refusal is reported).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from billable.billing.approval import insert_actuals, price_entries
from billable.billing.day_hours import refuse_overbooked
from billable.billing.entry_fields import FIELDS, References, check_new, resolve
from billable.billing.refusals import Refusals
from billable.domain.entry_rules import check_approvable
from billable.domain.errors import Conflict, DomainError, Invalid, NotFound
from billable.domain.lifecycle import ENTRY
from billable.domain.permissions import EVERYONE, EntryScope
from billable.domain.vocabulary import EntryState, TransactionClass
from billable.persistence.lookups import get, in_chunks, parse_id
from billable.persistence.tables import Entry
from billable.persistence.uow import UnitOfWork

Fields = Mapping[str, Any]

#: The columns a new entry row is written with, and the default of each optional one.
_NEW_ROW: dict[str, Any] = {
    "resource_id": None,
    "task_id": None,
    "role_id": None,
    "category_id": None,
    "product_id": None,
    "unit_price": None,
    "internal_comment": "",
    "external_comment": "",
    "description": "",
}


def _new_row(kind: str, fields: Fields, refs: References, scope: EntryScope) -> dict[str, Any]:
    """The row of one new entry, or :class:`Invalid` listing every refused field (and
    :class:`Forbidden` for a team member naming another resource)."""
    status = fields.get("status") or EntryState.DRAFT
    own = {name: value for name, value in fields.items() if name != "status"}
    errors = check_new(kind, fields)
    try:
        resolved = resolve(kind, own, refs)
    except Invalid as refused:
        errors.extend(refused.errors)
        resolved = {}
    if errors:
        raise Invalid("; ".join(f"{e.field}: {e.message}" for e in errors), tuple(errors))
    row = {**_NEW_ROW, **resolved, "kind": kind, "status": EntryState(status)}
    # A team member's entry is their resource's, also for the kinds that name none.
    row["resource_id"] = scope.resource_for_new(row["resource_id"])
    return row


def create_entries(
    uow: UnitOfWork,
    kind: str,
    items: Sequence[Fields],
    *,
    scope: EntryScope = EVERYONE,
    single: bool = False,
) -> list[int]:
    """Enter many entries of one kind, each draft or straight submitted, all or none:
    any refused item refuses the request, every item's errors named by its index.
    ``scope`` is whose entries the caller may enter (a team member: their own)."""
    scope.resource_for_new(None)  # a team member linked to no resource enters nothing
    refusals = Refusals("items")
    with uow:
        session = uow.session
        refs = References(session, items)
        rows = []
        for index, fields in enumerate(items):
            try:
                rows.append((index, _new_row(kind, fields, refs, scope)))
            except DomainError as refused:
                refusals.add(index, "", refused)
        if kind == TransactionClass.TIME:
            for index, overbooked in refuse_overbooked(session, rows):
                refusals.add(index, "", overbooked)
        refusals.raise_any(single)
        idents: list[int] = []
        if rows:
            # On the table: the ORM's bulk insert would split the rows by their None columns.
            table = cast(Table, Entry.__table__)
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            idents = list(session.scalars(stmt, [row for _, row in rows]))
        uow.commit()
    return idents


def create_entry(
    uow: UnitOfWork, kind: str, fields: Fields, *, scope: EntryScope = EVERYONE
) -> int:
    """Enter a time, expense, material or fee entry, as a draft or straight submitted."""
    return create_entries(uow, kind, [fields], scope=scope, single=True)[0]


def update_entry(
    uow: UnitOfWork, kind: str, ident: str, fields: Fields, *, scope: EntryScope = EVERYONE
) -> int:
    """Edit a draft or rejected entry. Status changes go through the actions. An entry
    outside ``scope`` is as unknown as a missing one (404)."""
    if "status" in fields:
        raise Invalid.field("status", "use the submit, approve and reject actions")
    with uow:
        session = uow.session
        entry = _load(session, kind, ident, scope)
        ENTRY.next_state(entry.status, "edit")
        allowed, _ = FIELDS[kind]
        merged = {**{name: getattr(entry, name) for name in allowed}, **fields}
        resolved = resolve(kind, merged, References(session, [merged]))
        if "resource_id" in resolved:
            scope.resource_for_new(resolved["resource_id"])  # not onto another's resource
        if kind == TransactionClass.TIME:
            for _, refused in refuse_overbooked(session, [(0, resolved)], exclude=[entry.id]):
                raise refused
        for name, value in resolved.items():
            setattr(entry, name, value)
        uow.commit()
    return entry.id


def _load(session: Session, kind: str, ident: str, scope: EntryScope) -> Entry:
    """Entry ``ident`` of ``kind``; 404 for an unknown id, an entry of another kind or
    one outside the caller's scope (so ids do not tell whose entries exist)."""
    entry = get(session, Entry, ident, f"{kind} entry")
    if entry.kind != kind or not scope.sees(entry.resource_id):
        raise NotFound(f"no {kind} entry with id {ident}")
    return entry


def _locked(session: Session, keys: Sequence[int | None]) -> dict[int, Any]:
    """The entries ``keys`` name, as rows, locked until commit (PostgreSQL)."""
    found: dict[int, Any] = {}
    columns = Entry.__table__.columns
    for chunk in in_chunks(sorted({k for k in keys if k is not None})):
        stmt = select(*columns).where(Entry.id.in_(chunk)).with_for_update()
        found.update((row.id, row) for row in session.execute(stmt))
    return found


def _moves(
    session: Session,
    kind: str,
    idents: Sequence[Any],
    action: str,
    refusals: Refusals,
    scope: EntryScope,
) -> list[tuple[int, Any, str]]:
    """``(index, entry, target state)`` of each entry ``action`` may move; the others
    are refused: unknown (or outside ``scope``), of another kind, named twice, or in a
    state that forbids it."""
    keys = [parse_id(ident) for ident in idents]
    found = _locked(session, keys)
    seen: set[int] = set()
    moves = []
    for index, (ident, key) in enumerate(zip(idents, keys, strict=True)):
        entry = found.get(key) if key is not None else None
        if entry is None or entry.kind != kind or not scope.sees(entry.resource_id):
            refusals.add(index, "", NotFound(f"no {kind} entry with id {ident}"))
        elif entry.id in seen:
            refusals.add(index, "", Invalid(f"{kind} entry {ident} is listed twice"))
        else:
            seen.add(entry.id)
            try:
                moves.append((index, entry, ENTRY.next_state(entry.status, action)))
            except Conflict as refused:
                refusals.add(index, f"{kind} entry {ident}", refused)
    return moves


def transition_entries(
    uow: UnitOfWork,
    kind: str,
    idents: Sequence[Any],
    action: str,
    *,
    scope: EntryScope = EVERYONE,
    single: bool = False,
) -> list[int]:
    """Submit, recall, approve or reject entries, all or none. Approval writes their
    actuals in the same transaction, so an entry is never approved without them (or
    they without it), and refuses entries dated after today (UTC)."""
    refusals = Refusals("ids")
    with uow:
        session = uow.session
        moves = _moves(session, kind, idents, action, refusals, scope)
        rows: list[dict[str, Any]] = []
        if action == "approve":
            moves = _not_in_future(kind, idents, moves, refusals)
        if action == "approve" and moves:
            priced = price_entries(session, [entry for _, entry, _ in moves])
            for index, entry, _ in moves:
                if entry.id in priced.refused:
                    refusals.add(index, f"{kind} entry {idents[index]}", priced.refused[entry.id])
            rows = priced.rows
        refusals.raise_any(single)
        insert_actuals(session, rows)
        _set_states(session, [(entry.id, target) for _, entry, target in moves])
        uow.commit()
    return [entry.id for _, entry, _ in moves]


def _set_states(session: Session, moves: Sequence[tuple[int, str]]) -> None:
    """Give each entry its new state, one UPDATE per target state and chunk."""
    by_target: dict[str, list[int]] = {}
    for ident, target in moves:
        by_target.setdefault(target, []).append(ident)
    for target, idents in by_target.items():
        for chunk in in_chunks(idents):
            session.execute(
                update(Entry)
                .where(Entry.id.in_(chunk))
                .values(status=EntryState(target))
                .execution_options(synchronize_session=False)
            )


def _not_in_future(
    kind: str, idents: Sequence[Any], moves: list[tuple[int, Any, str]], refusals: Refusals
) -> list[tuple[int, Any, str]]:
    """The moves whose entry is dated today or before; the others are refused."""
    today = dt.datetime.now(dt.UTC).date()
    kept = []
    for index, entry, target in moves:
        try:
            check_approvable(entry.date, today)
        except DomainError as refused:
            refusals.add(index, f"{kind} entry {idents[index]}", refused)
            continue
        kept.append((index, entry, target))
    return kept


def transition(
    uow: UnitOfWork, kind: str, ident: str, action: str, *, scope: EntryScope = EVERYONE
) -> int:
    """Submit, recall, approve or reject one entry (a set of one)."""
    return transition_entries(uow, kind, [ident], action, scope=scope, single=True)[0]
