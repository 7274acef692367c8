"""What the proposal steps read of the journal's side, as plain rows in a fixed number
of queries per chunk (no ORM object per row): the unbilled sales actuals an invoice's
confirmation consumed, those of them still waiting for the integration journal (one
anti-join), and their current posted sales transactions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Row, and_, select
from sqlalchemy.orm import Session, aliased

from billable.domain.vocabulary import ActualType, PostedTransactionState
from billable.erp.journal import SALES_LINE
from billable.persistence.lookups import in_chunks
from billable.persistence.tables import Actual, PostedTransaction

#: A row of a few columns, read by attribute (no ORM object, no type processing of
#: columns not asked for).
PlainRow: TypeAlias = "Row[*tuple[Any, ...]]"

#: What the proposal steps read of a consumed actual: plain rows, not ORM objects.
CONSUMED_COLUMNS = (Actual.id, Actual.project_id, Actual.transaction_class, Actual.date)
#: What they read of a posted sales transaction (the WIP reversed, the line's groups).
POSTED_COLUMNS = (
    PostedTransaction.id,
    PostedTransaction.actual_id,
    PostedTransaction.accrued,
    PostedTransaction.currency,
    PostedTransaction.parts,
    PostedTransaction.transaction_class,
    PostedTransaction.exchange_rate,
    PostedTransaction.sales_tax_group,
    PostedTransaction.item_sales_tax_group,
)


def _is_current_sale() -> Any:
    """The one condition of a posted transaction a proposal line and its WIP reversal
    follow: the current posted sales transaction."""
    return and_(
        PostedTransaction.kind == SALES_LINE,
        PostedTransaction.status == PostedTransactionState.POSTED,
    )


def consumed_by(session: Session, invoice_ids: Sequence[int]) -> dict[int, list[PlainRow]]:
    """Per invoice of ``invoice_ids``, the unbilled sales actuals its confirmation
    consumed (those its reversal rows point at), oldest first: rows of
    :data:`CONSUMED_COLUMNS`."""
    return _consumed(session, invoice_ids)


def unposted_consumed(session: Session, invoice_ids: Sequence[int]) -> dict[int, list[PlainRow]]:
    """Per invoice, the consumed unbilled sales of a project (what the integration
    journal takes) without a current posted sales transaction: one anti-join, no rows
    read for those that have one. Rows of :data:`CONSUMED_COLUMNS`, oldest first."""
    has_sale = (
        select(PostedTransaction.id)
        .where(PostedTransaction.actual_id == Actual.id, _is_current_sale())
        .exists()
    )
    return _consumed(session, invoice_ids, Actual.project_id.is_not(None), ~has_sale)


def _consumed(
    session: Session, invoice_ids: Sequence[int], *conditions: ColumnElement[bool]
) -> dict[int, list[PlainRow]]:
    """The consumed actuals of each invoice that meet ``conditions``, oldest first."""
    reversal = aliased(Actual)
    out: dict[int, list[PlainRow]] = {ident: [] for ident in invoice_ids}
    for chunk in in_chunks(invoice_ids):
        rows = session.execute(
            select(reversal.invoice_id, *CONSUMED_COLUMNS)
            .join(reversal, reversal.reverses_actual_id == Actual.id)
            .where(
                reversal.invoice_id.in_(chunk),
                reversal.transaction_type == ActualType.UNBILLED_SALES,
                *conditions,
            )
            .order_by(Actual.id)
        )
        for row in rows:
            out[row[0]].append(row)  # type: ignore[index]  # a reversal carries its invoice
    return out


def posted_sales(session: Session, actual_ids: Sequence[int]) -> dict[int, PlainRow]:
    """The current posted sales transaction of each of ``actual_ids`` that has one:
    rows of :data:`POSTED_COLUMNS`."""
    out: dict[int, PlainRow] = {}
    for chunk in in_chunks(actual_ids):
        rows = session.execute(
            select(*POSTED_COLUMNS).where(
                PostedTransaction.actual_id.in_(chunk), _is_current_sale()
            )
        )
        out.update({row.actual_id: row for row in rows})
    return out


def posted_sales_of(session: Session, invoice_ids: Sequence[int]) -> dict[int, PlainRow]:
    """:func:`posted_sales` of the actuals the invoices' confirmations consumed, by a
    join from their reversal rows (the consumed actuals themselves are not read)."""
    reversal = aliased(Actual)
    out: dict[int, PlainRow] = {}
    for chunk in in_chunks(invoice_ids):
        rows = session.execute(
            select(*POSTED_COLUMNS)
            .join(reversal, reversal.reverses_actual_id == PostedTransaction.actual_id)
            .where(
                reversal.invoice_id.in_(chunk),
                reversal.transaction_type == ActualType.UNBILLED_SALES,
                _is_current_sale(),
            )
        )
        out.update({row.actual_id: row for row in rows})
    return out
