"""Posting the integration journal (seed 003): per line, the cost (project cost against
payroll allocation or the cost offset) or the unbilled sale's work in progress (WIP sales
value against accrued revenue), and a posted transaction per line.

Set-based, one implementation for one journal and for many (:func:`post_journals`;
:func:`post_journal` is a set of one): a journal posts in chunks of lines, each in its
own transaction, read in one query and written in a few statements whatever its size.
Vouchers group by journal, date and chunk (docs/decisions.md, "Journal vouchers"): each
voucher holds the lines of one date, each line names the posted transaction it records.
The figures are the domain's (:mod:`billable.erp.journal_lines`), computed once per
distinct rate, split and voucher, never in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from billable.domain.lifecycle import JOURNAL
from billable.domain.postings import PostingProfile, Voucher
from billable.domain.vocabulary import PostedTransactionState
from billable.erp import defaults as erp_defaults
from billable.erp import ledger
from billable.erp.journal_lines import (
    SALES_LINE,
    Figures,
    LineRow,
    check_journal,
    line_rows,
    stored_parts,
    transaction_voucher,
)
from billable.erp.setup import posting_profile
from billable.persistence import auditing
from billable.persistence.lookups import get, insert_rows
from billable.persistence.tables import (
    IntegrationJournal,
    IntegrationJournalLine,
    LegalEntity,
    PostedTransaction,
)
from billable.persistence.uow import UnitOfWork

__all__ = ["SOURCE_TYPE", "post_journal", "post_journals", "stored_parts", "transaction_voucher"]

#: ``source_type`` of the vouchers a journal posts (``source_id``: the journal's id).
SOURCE_TYPE = "integration_journal"
#: Journal lines a posting transaction takes (each commits whole).
POST_CHUNK = 5_000
L = IntegrationJournalLine


def _date_ranges(session: Session, journal_id: int, chunk: int) -> list[tuple[dt.date, dt.date]]:
    """The unposted lines' dates cut into ranges of about ``chunk`` lines (a date with
    more is a range of its own; it posts in several chunks)."""
    counts = session.execute(
        select(L.date, func.count())
        .where(L.journal_id == journal_id, L.exchange_rate.is_(None))
        .group_by(L.date)
        .order_by(L.date)
    ).all()
    ranges: list[tuple[dt.date, dt.date]] = []
    size = 0
    for day, count in counts:
        if ranges and size + count <= chunk:
            ranges[-1] = (ranges[-1][0], day)
            size += count
        else:
            ranges.append((day, day))
            size = count
    return ranges


def _transaction(row: LineRow, figures: Figures, entity: LegalEntity) -> dict[str, Any]:
    """The posted transaction of one line (its voucher set once the voucher is written)."""
    return {
        "actual_id": row.actual_id,
        "journal_line_id": row.id,
        "legal_entity_id": entity.id,
        "kind": row.kind,
        "transaction_class": row.transaction_class,
        "project_id": row.project_id,
        "contract_id": row.contract_id,
        "date": row.date,
        "quantity": row.quantity,
        "currency": row.currency,
        "amount": row.amount,
        "accrued": figures.voucher is not None and row.kind == SALES_LINE,
        "exchange_rate": figures.rate,
        "sales_tax_group": row.sales_tax_group,
        "item_sales_tax_group": row.item_sales_tax_group,
        "parts": stored_parts(figures.parts),
        "voucher_id": None,
        "status": PostedTransactionState.POSTED,
    }


def _write_chunk(
    session: Session,
    journal: IntegrationJournal,
    entity: LegalEntity,
    rows: Sequence[LineRow],
    figures: Sequence[Figures],
) -> int:
    """Write a chunk's posted transactions, its vouchers (one per date) and the lines'
    rates; the number of vouchers."""
    transactions = [_transaction(r, f, entity) for r, f in zip(rows, figures, strict=True)]
    insert_rows(session, PostedTransaction, transactions)
    found = session.execute(
        select(PostedTransaction.journal_line_id, PostedTransaction.id).where(
            PostedTransaction.actual_id.in_([r.actual_id for r in rows]),
            PostedTransaction.status == PostedTransactionState.POSTED,
        )
    )
    ids = {line_id: ident for line_id, ident in found}
    by_date: dict[dt.date, list[tuple[int, Voucher]]] = {}
    for row, figure in zip(rows, figures, strict=True):
        if figure.voucher is not None:
            by_date.setdefault(row.date, []).append((ids[row.id], figure.voucher))
    entries = [
        ledger.Entry(
            Voucher(tuple(line for _, v in pairs for line in v.lines)),
            day,
            SOURCE_TYPE,
            str(journal.id),
            tuple(ident for ident, v in pairs for _ in v.lines),
        )
        for day, pairs in by_date.items()
    ]
    voucher_ids = ledger.post_vouchers(session, entries, entity)
    for entry, voucher_id in zip(entries, voucher_ids, strict=True):
        session.execute(
            update(PostedTransaction)
            .where(PostedTransaction.id.in_(set(entry.links)))
            .values(voucher_id=voucher_id)
            .execution_options(synchronize_session=False)
        )
    by_rate: dict[Any, list[int]] = {}
    for row, figure in zip(rows, figures, strict=True):
        by_rate.setdefault(figure.rate, []).append(row.id)
    for rate, line_ids in by_rate.items():
        session.execute(
            update(L)
            .where(L.id.in_(line_ids))
            .values(exchange_rate=rate)
            .execution_options(synchronize_session=False)
        )
    return len(entries)


def _post_chunk(
    session: Session,
    journal: IntegrationJournal,
    profile: PostingProfile,
    day_range: tuple[dt.date, dt.date],
    chunk: int,
) -> tuple[int, int]:
    """Post the next ``chunk`` unposted lines of ``day_range``: (lines, vouchers)."""
    entity = erp_defaults.entity_of(session, journal.legal_entity_id)
    rows = line_rows(
        session,
        (
            L.journal_id == journal.id,
            L.exchange_rate.is_(None),
            L.date.between(*day_range),
        ),
        chunk,
    )
    if not rows:
        return 0, 0
    figures = Figures.of_rows(session, rows, entity, profile)
    return len(rows), _write_chunk(session, journal, entity, rows, figures)


def _open(session: Session, journal_id: int | str) -> tuple[IntegrationJournal, str]:
    """The journal, locked, and the state posting leads it to (409 once posted)."""
    journal = get(session, IntegrationJournal, str(journal_id), "integration journal", lock=True)
    return journal, JOURNAL.next_state(journal.status, "post")


def _finish(session: Session, journal: IntegrationJournal, target: str) -> None:
    journal.status = target
    journal.posted_at, journal.posted_by = auditing.now(), auditing.actor_name()


def _post_one(
    uow: UnitOfWork,
    journal_id: int | str,
    chunk: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    """Post one journal in chunks; the vouchers written."""
    with uow:  # refusals first, before anything is written
        session = uow.session
        journal, _ = _open(session, journal_id)
        entity = erp_defaults.entity_of(session, journal.legal_entity_id)
        check_journal(session, journal.id, entity, posting_profile(session, entity))
        ranges = _date_ranges(session, journal.id, chunk)
    written = lines = 0
    pending = list(ranges)
    while True:
        with uow:
            session = uow.session
            journal, target = _open(session, journal_id)  # 409 if another post finished it
            entity = erp_defaults.entity_of(session, journal.legal_entity_id)
            profile = posting_profile(session, entity)
            done = vouchers = 0
            while pending and not done:
                done, vouchers = _post_chunk(session, journal, profile, pending[0], chunk)
                if done < chunk:  # the range is through
                    pending.pop(0)
            if not pending:
                _finish(session, journal, target)
            lines += done
            written += vouchers
            if progress:
                progress(lines, written)
            uow.commit()
        if not pending:
            return written


def post_journals(
    uow: UnitOfWork,
    journal_ids: Sequence[int | str],
    chunk: int = POST_CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Post draft journals, each in chunks of ``chunk`` lines that commit whole; returns
    the number of vouchers written.

    Each line posts at the rate in force (a cost in accounting currency at 1; a sale at
    its contract's fixed-rate agreement, else the rate on its date). Before anything is
    written, a missing rate or posting profile account is a 422 naming the line; a posted
    journal is a 409. A kill between chunks leaves the journal draft with whole chunks
    posted; posting it again posts the rest, each line once (its rate marks it posted).
    ``progress(lines, vouchers)`` runs inside each chunk's transaction, before its commit.
    """
    return sum(_post_one(uow, ident, chunk, progress) for ident in journal_ids)


def post_journal(uow: UnitOfWork, journal_id: str) -> int:
    """Post one draft journal (:func:`post_journals`, a set of one); the vouchers written."""
    return post_journals(uow, [journal_id])
