"""Entries (time, expense, material, fee) and the actuals they become, as shown."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from billable.domain.errors import NotFound
from billable.domain.permissions import EVERYONE, EntryScope
from billable.domain.vocabulary import ActualType, SourceKind
from billable.persistence.lookups import get, in_chunks, parse_id
from billable.persistence.tables import Actual, Entry, InvoiceLineDetail
from billable.views.pagination import Window, window
from billable.views.records import Record, record, records

#: The id filters of the actuals list, by column.
ACTUAL_FILTERS = ("contract_id", "contract_line_id", "project_id", "source_id")


def entries(
    session: Session,
    kind: str,
    limit: int,
    cursor: str | None,
    project_id: str | None = None,
    status: str | None = None,
    scope: EntryScope = EVERYONE,
) -> Window[Record]:
    """A page of one kind's entries in ``scope`` (a team member's: their own); filters:
    project, status."""
    stmt = select(Entry).where(Entry.kind == kind)
    if not scope.everyone:
        # A team member linked to no resource sees none (-1 names no resource).
        stmt = stmt.where(Entry.resource_id == (scope.resource_id or -1))
    if project_id is not None:
        stmt = stmt.where(Entry.project_id == (parse_id(project_id) or -1))
    if status is not None:
        stmt = stmt.where(Entry.status == status)
    return window(session, stmt, Entry.id, limit, cursor, records)


def entry(session: Session, kind: str, ident: int | str, scope: EntryScope = EVERYONE) -> Record:
    """One entry of ``kind``; another kind's id, or an entry outside ``scope``, is as
    unknown as a missing one (404)."""
    what = f"{kind} entry"
    row = get(session, Entry, ident, what)
    if row.kind != kind or not scope.sees(row.resource_id):
        raise NotFound(f"no {what} with id {ident}")
    return record(row)


def entries_by_id(session: Session, idents: Sequence[int]) -> list[Record]:
    """The entries ``idents`` name, in that order (a bulk request's result), read in
    chunks of ids so that no statement takes more parameters than the database allows."""
    found: dict[int, Record] = {}
    for chunk in in_chunks(idents):
        rows = session.scalars(select(Entry).where(Entry.id.in_(chunk)))
        found.update((row.id, record(row)) for row in rows)
    return [found[ident] for ident in idents]


def actual_records(session: Session, rows: Sequence[Actual]) -> list[Record]:
    """Actuals as shown, each with ``shown_invoice_id``: the invoice it is billed on, or
    for an unbilled one the draft invoice it waits on; one query for the whole page."""
    waiting = [
        r.id
        for r in rows
        if r.invoice_id is None and r.transaction_type == ActualType.UNBILLED_SALES
    ]
    on_drafts: dict[int, int] = {}
    if waiting:
        found = session.execute(_drafts_of_actuals(), {"ids": waiting})
        on_drafts = {actual_id: invoice_id for actual_id, invoice_id in found if actual_id}
    return [record(row, shown_invoice_id=row.invoice_id or on_drafts.get(row.id)) for row in rows]


@cache
def _drafts_of_actuals() -> Select[int | None, int]:
    """The invoice each of actuals ``ids`` is a detail on (built once)."""
    return select(InvoiceLineDetail.actual_id, InvoiceLineDetail.invoice_id).where(
        InvoiceLineDetail.actual_id.in_(bindparam("ids", expanding=True))
    )


def actuals(
    session: Session,
    limit: int,
    cursor: str | None,
    filters: dict[str, str | None],
    transaction_type: str | None = None,
    source_kind: SourceKind | None = None,
) -> Window[Record]:
    """A page of actuals; ``filters`` by the id columns of :data:`ACTUAL_FILTERS`, and
    by what wrote them: ``source_kind`` with ``source_id`` names one entry's actuals
    (entries of each kind are numbered apart, so an id alone may name another kind's)."""
    stmt = select(Actual)
    if source_kind is not None:
        stmt = stmt.where(Actual.source_kind == source_kind)
    for name in ACTUAL_FILTERS:
        value = filters.get(name)
        if value is not None:
            stmt = stmt.where(getattr(Actual, name) == (parse_id(value) or -1))
    if transaction_type is not None:
        stmt = stmt.where(Actual.transaction_type == transaction_type)
    return window(
        session, stmt, Actual.id, limit, cursor, lambda rows: actual_records(session, rows)
    )


def actual(session: Session, ident: int | str) -> Record:
    """One actual as shown, or 404."""
    found = get(session, Actual, ident, "actual")  # not vocabulary: the noun of its 404
    return actual_records(session, [found])[0]
