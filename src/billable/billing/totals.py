"""An invoice's stored totals, recomputed from its details in SQL, for one invoice or many.

The rule is the domain's (:func:`billable.domain.invoice.detail_figures`,
:func:`~billable.domain.invoice.line_totals`, :func:`~billable.domain.invoice.header_totals`):
each detail contributes figures by billing type, a line sums the counted ones
(``COUNTED_BILLING_TYPES``), the header sums its lines. Here the same statement is
made over sets of rows: creation, refresh, editing and corrections all use it, so
"chargeable only" is summed in one place. SQL never rounds; it only adds amounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, literal, select, update
from sqlalchemy.orm import Session

from billable.domain.invoice import COUNTED_BILLING_TYPES
from billable.domain.money import ZERO
from billable.persistence.tables import Actual, Invoice, InvoiceLine, InvoiceLineDetail

D, IL = InvoiceLineDetail, InvoiceLine


def _zero() -> Any:
    return literal(ZERO, IL.amount.type)


def _counted(billing_type: Any) -> Any:
    return billing_type.in_(sorted(COUNTED_BILLING_TYPES))


def _moved_by_corrections(ids: Sequence[int]) -> Any:
    """Per line, what corrective details that change the billing type add to the sum of
    their own figures, by :func:`detail_figures`: the original figures counted by the
    new type, less the original figures counted by the original's type.

    Only corrective details are read (``original_billed_actual_id`` is set on them
    alone), and the original's type is looked up for those only.
    """
    original_type = (
        select(Actual.billing_type)
        .where(Actual.id == D.original_billed_actual_id)
        .scalar_subquery()
    )

    def moved(column: Any) -> Any:
        by_new = case((_counted(D.billing_type), column), else_=_zero())
        by_original = case((_counted(original_type), column), else_=_zero())
        return func.sum(by_new - by_original)

    return (
        select(
            D.invoice_line_id.label("line_id"),
            moved(D.original_amount).label("amount"),
            moved(D.original_tax).label("tax"),
        )
        .where(
            D.invoice_id.in_(ids),
            D.original_billed_actual_id.is_not(None),
            original_type != D.billing_type,
        )
        .group_by(D.invoice_line_id)
        .subquery("moved")
    )


def update_totals(session: Session, ids: Sequence[int]) -> None:
    """Line and header totals of invoices ``ids`` from their details; bumps each version."""
    if not ids:
        return
    zero = _zero()
    session.execute(
        update(IL).where(IL.invoice_id.in_(ids)).values(amount=zero, tax=zero, extended_amount=zero)
    )
    # Each detail's own figures, counted by its own billing type ...
    own = (
        select(
            D.invoice_line_id.label("line_id"),
            func.sum(D.amount).label("amount"),
            func.sum(D.tax).label("tax"),
        )
        .where(D.invoice_id.in_(ids), _counted(D.billing_type))
        .group_by(D.invoice_line_id)
        .subquery("own")
    )
    _add_to_lines(session, own)
    # ... then what corrections that change a billing type move between the types.
    _add_to_lines(session, _moved_by_corrections(ids))
    _update_headers(session, ids)


def _add_to_lines(session: Session, sums: Any) -> None:
    """Add per-line ``sums`` (line_id, amount, tax) to the lines' totals."""
    amount, tax = IL.amount + sums.c.amount, IL.tax + sums.c.tax
    session.execute(
        update(IL)
        .where(IL.id == sums.c.line_id)
        .values(amount=amount, tax=tax, extended_amount=amount + tax)
        .execution_options(synchronize_session=False)
    )


def _update_headers(session: Session, ids: Sequence[int]) -> None:
    """Header totals as sums of line totals (``header_totals``): discount and freight are
    unsupported and zero, so pre-freight is the detail amount and the total adds tax."""
    zero = _zero()
    session.execute(
        update(Invoice)
        .where(Invoice.id.in_(ids))
        .values(
            detail_amount=zero,
            discount_amount=zero,
            pre_freight_amount=zero,
            freight_amount=zero,
            total_tax=zero,
            total_amount=zero,
            version=Invoice.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    heads = (
        select(
            IL.invoice_id.label("invoice_id"),
            func.sum(IL.amount).label("amount"),
            func.sum(IL.tax).label("tax"),
        )
        .where(IL.invoice_id.in_(ids))
        .group_by(IL.invoice_id)
        .subquery()
    )
    session.execute(
        update(Invoice)
        .where(Invoice.id == heads.c.invoice_id)
        .values(
            detail_amount=heads.c.amount,
            pre_freight_amount=heads.c.amount,
            total_tax=heads.c.tax,
            total_amount=heads.c.amount + heads.c.tax,
        )
        .execution_options(synchronize_session=False)
    )


def recalculate(session: Session, invoice: Invoice) -> None:
    """:func:`update_totals` for one invoice a use case holds as an ORM row: its pending
    changes are flushed first, and it and its lines are read back afterwards (in place,
    so they keep working after the unit of work closes, as the use case expects)."""
    session.flush()
    update_totals(session, [invoice.id])
    fresh = {"populate_existing": True}
    session.execute(select(Invoice).where(Invoice.id == invoice.id).execution_options(**fresh))
    session.execute(
        select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).execution_options(**fresh)
    )
