"""The integration journal and posted transactions as shown: journals with their lines
(each draft line with the rate in force now) and the posted transactions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billable.erp import posted_transactions
from billable.erp.journal import line_parts, line_rate_at
from billable.persistence.lookups import get
from billable.persistence.tables import (
    IntegrationJournal,
    IntegrationJournalLine,
    LegalEntity,
    PostedTransaction,
)
from billable.views.erp import RatesInForce
from billable.views.pagination import Window, window
from billable.views.records import Record, record, records


@dataclass(frozen=True)
class JournalView:
    """A journal header and its lines in id order."""

    journal: Record
    lines: list[Record]


def _in_force(
    rates: RatesInForce, line: IntegrationJournalLine, accounting: str
) -> Callable[[], Decimal]:
    return lambda: rates.rate(line.contract_id, line.currency, accounting, line.date)


def _lines(
    session: Session, lines: Sequence[IntegrationJournalLine], accounting: str
) -> list[Record]:
    """Lines with ``rate`` (a :class:`~billable.erp.journal.LineRate`) and ``parts``
    (their distribution's amounts, ``None`` when undistributed); the rates for all of
    them in two queries."""
    rates = RatesInForce(
        session,
        {line.contract_id for line in lines if line.exchange_rate is None},
        {(line.currency, accounting) for line in lines if line.exchange_rate is None},
    )
    return [
        record(
            line,
            rate=line_rate_at(line, _in_force(rates, line, accounting)),
            parts=line_parts(line) if line.distribution else None,
        )
        for line in lines
    ]


def _accounting_currency(session: Session, legal_entity_id: int) -> str:
    entity = session.get(LegalEntity, legal_entity_id)
    assert entity is not None  # a foreign key
    return entity.accounting_currency


def journal(session: Session, ident: int | str) -> JournalView:
    """One journal with its lines, or 404."""
    row = get(session, IntegrationJournal, ident, "integration journal")
    accounting = _accounting_currency(session, row.legal_entity_id)
    return JournalView(record(row), _lines(session, row.lines, accounting))


def journal_line(session: Session, ident: int | str) -> Record:
    """One journal line as its journal shows it, or 404."""
    line = get(session, IntegrationJournalLine, ident, "integration journal line")
    parent = get(session, IntegrationJournal, line.journal_id, "integration journal")
    return _lines(session, [line], _accounting_currency(session, parent.legal_entity_id))[0]


def _summaries(session: Session, rows: Sequence[IntegrationJournal]) -> list[Record]:
    counts: dict[int, int] = {}
    if rows:
        found = session.execute(
            select(IntegrationJournalLine.journal_id, func.count())
            .where(IntegrationJournalLine.journal_id.in_([row.id for row in rows]))
            .group_by(IntegrationJournalLine.journal_id)
        )
        counts = {ident: int(count) for ident, count in found}
    return [record(row, line_count=counts.get(row.id, 0)) for row in rows]


def line_count(session: Session, journal_id: int | str) -> int:
    """How many lines a journal has (404 for an unknown journal)."""
    row = get(session, IntegrationJournal, journal_id, "integration journal")
    return int(_summaries(session, [row])[0].line_count)


def journals(
    session: Session, limit: int, cursor: str | None, status: str | None = None
) -> Window[Record]:
    """A page of journals, each with how many lines it has; filter: status."""
    stmt = select(IntegrationJournal)
    if status is not None:
        stmt = stmt.where(IntegrationJournal.status == status)
    return window(
        session, stmt, IntegrationJournal.id, limit, cursor, lambda r: _summaries(session, r)
    )


def transactions(
    session: Session,
    limit: int,
    cursor: str | None,
    project_id: str | None = None,
    actual_id: str | None = None,
    status: str | None = None,
) -> Window[Record]:
    """A page of posted transactions; filters: project, actual, status."""
    stmt = posted_transactions.transactions_query(project_id, actual_id, status)
    return window(session, stmt, PostedTransaction.id, limit, cursor, records)


def transaction(session: Session, ident: int | str) -> Record:
    """One posted transaction, or 404."""
    return record(get(session, PostedTransaction, ident, "posted transaction"))
