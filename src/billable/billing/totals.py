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

from sqlalchemy import case, func, literal, select, union_all, update
from sqlalchemy.orm import Session

from billable.domain.invoice import COUNTED_BILLING_TYPES
from billable.domain.money import ZERO
from billable.persistence.tables import Actual, Invoice, InvoiceLine, InvoiceLineDetail

D, IL = InvoiceLineDetail, InvoiceLine


def _zero() -> Any:
    return literal(ZERO, IL.amount.type)


def _contributions(ids: Sequence[int]) -> Any:
    """Every detail's figures by billing type, as :func:`detail_figures` gives them.

    A corrective detail whose billing type differs from its original billed actual's
    moves the original figures over: its own part is the corrected figures (original
    plus the detail's negative or positive change) by the new type, and a second part
    credits the original by the original's type. Every other detail has one part,
    its own figures; the credit part is only read for corrective details.
    """
    original_type = (
        select(Actual.billing_type)
        .where(Actual.id == D.original_billed_actual_id)
        .scalar_subquery()
    )
    changed = (D.original_billed_actual_id.is_not(None), original_type != D.billing_type)

    def moved(column: Any) -> Any:
        # Nested so the original's type is looked up only for corrective details.
        return case((changed[0], case((changed[1], column), else_=_zero())), else_=_zero())

    own = select(
        D.invoice_line_id.label("line_id"),
        (D.amount + moved(D.original_amount)).label("amount"),
        (D.tax + moved(D.original_tax)).label("tax"),
        D.billing_type.label("billing_type"),
    ).where(D.invoice_id.in_(ids))
    credit = select(
        D.invoice_line_id,
        -moved(D.original_amount),
        -moved(D.original_tax),
        original_type,
    ).where(D.invoice_id.in_(ids), changed[0])
    return union_all(own, credit).subquery("contributions")


def update_totals(session: Session, ids: Sequence[int]) -> None:
    """Line and header totals of invoices ``ids`` from their details; bumps each version."""
    if not ids:
        return
    zero = _zero()
    session.execute(
        update(IL).where(IL.invoice_id.in_(ids)).values(amount=zero, tax=zero, extended_amount=zero)
    )
    parts = _contributions(ids)
    sums = (
        select(
            parts.c.line_id,
            func.sum(parts.c.amount).label("amount"),
            func.sum(parts.c.tax).label("tax"),
        )
        .where(parts.c.billing_type.in_(sorted(COUNTED_BILLING_TYPES)))
        .group_by(parts.c.line_id)
        .subquery()
    )
    session.execute(
        update(IL)
        .where(IL.id == sums.c.line_id)
        .values(amount=sums.c.amount, tax=sums.c.tax, extended_amount=sums.c.amount + sums.c.tax)
        .execution_options(synchronize_session=False)
    )
    _update_headers(session, ids)


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
