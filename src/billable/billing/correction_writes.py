"""The set-based writes of a corrective invoice: the billed actuals now in force on an
invoice (one recursive query over the chain of corrections), and one corrective detail
per actual (one ``INSERT ... SELECT``, the columns named by
:data:`billable.persistence.rows.CORRECTIVE_DETAIL`)."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import CTE, String, and_, exists, insert, literal, null, select
from sqlalchemy.orm import Session, aliased

from billable.billing.invoicing import mirror_line
from billable.domain.invoice import DetailSource
from billable.domain.money import ZERO
from billable.domain.vocabulary import ActualType
from billable.persistence.rows import CORRECTIVE_DETAIL
from billable.persistence.tables import (
    Actual,
    ContractLine,
    Invoice,
    InvoiceLine,
    InvoiceLineDetail,
)
from billable.persistence.types import Quantity

BILLED = ActualType.BILLED_SALES


class InForce(NamedTuple):
    """A billed actual of the invoice (``origin``) and the one now in force for it."""

    origin: int
    current: int
    contract_line_id: int


def in_force(invoice_id: int) -> CTE:
    """``(origin, current, contract_line_id)`` for each billed actual of ``invoice_id``:
    the billed actual a chain of confirmed corrections has replaced it by (itself when
    uncorrected); none when a correction took it to zero."""
    billed, reversal, successor = aliased(Actual), aliased(Actual), aliased(Actual)
    chain = (
        select(billed.id.label("origin"), billed.id.label("current"))
        .where(
            billed.invoice_id == invoice_id,
            billed.transaction_type == BILLED,
            billed.reverses_actual_id.is_(None),
        )
        .cte("chain", recursive=True)
    )
    # A confirmed correction reverses the billed actual and bills the new figures under
    # the same invoice and detail as the reversal (nothing when corrected to zero).
    step = (
        select(chain.c.origin, successor.id)
        .select_from(chain)
        .join(reversal, reversal.reverses_actual_id == chain.c.current)
        .join(
            successor,
            and_(
                successor.invoice_id == reversal.invoice_id,  # indexed; the detail narrows it
                successor.invoice_line_detail_id == reversal.invoice_line_detail_id,
                successor.transaction_type == BILLED,
                successor.reverses_actual_id.is_(None),
            ),
        )
    )
    chain = chain.union_all(step)
    current, undone = aliased(Actual), aliased(Actual)
    return (
        select(chain.c.origin, chain.c.current, current.contract_line_id)
        .join(current, current.id == chain.c.current)
        .where(~exists().where(undone.reverses_actual_id == chain.c.current))
        .cte("in_force")
    )


def billed_in_force(session: Session, invoice_id: int) -> list[InForce]:
    """The rows of :func:`in_force`, in the order the invoice billed them."""
    forced = in_force(invoice_id)
    rows = session.execute(select(forced).order_by(forced.c.origin)).all()
    return [InForce(*row) for row in rows]


def pending_correction(
    session: Session, invoice_id: int, currents: list[int] | None = None
) -> int | None:
    """A corrective invoice already open on billed actuals in force of ``invoice_id``;
    given ``currents``, on one of those only (a correction naming other details of the
    same invoice may be open beside it)."""
    forced = in_force(invoice_id)
    open_on = select(forced.c.current)
    if currents is not None:
        open_on = open_on.where(forced.c.current.in_(currents))
    return session.scalars(
        select(InvoiceLineDetail.invoice_id)
        .where(InvoiceLineDetail.original_billed_actual_id.in_(open_on))
        .limit(1)
    ).first()


def write_corrective_details(
    session: Session,
    corrective: Invoice,
    original_id: int,
    rows: list[InForce],
    currents: list[int] | None = None,
) -> None:
    """One line per contract line (first billed first) and one detail at quantity 0 per
    billed actual in force (of ``currents`` only, when given), crediting it in full until
    the user sets a quantity."""
    for line_id in dict.fromkeys(r.contract_line_id for r in rows):
        source = session.get(ContractLine, line_id)
        assert source is not None
        session.add(mirror_line(corrective.id, source))
    session.flush()
    forced = in_force(original_id)
    actual, origin, line = aliased(Actual), aliased(InvoiceLineDetail), aliased(InvoiceLine)
    derived: dict[str, Any] = {
        "invoice_id": literal(corrective.id),
        "invoice_line_id": line.id,
        "source": literal(str(DetailSource.CORRECTION), String()),
        "actual_id": null(),
        "original_billed_actual_id": actual.id,
        "transaction_type": literal(str(BILLED), String()),
        "quantity": literal(ZERO, Quantity()),
        "original_quantity": actual.quantity,
        "backing_quantity": null(),
        "backing_tax_share": null(),
        "original_amount": actual.amount,
        "original_tax": actual.tax,
        "amount": -actual.amount,
        "tax": -actual.tax,
        "extended_amount": -(actual.amount + actual.tax),
        "product_line_id": origin.product_line_id,
        "product_name": origin.product_name,
        "write_in_description": origin.write_in_description,
    }
    assert set(derived) == set(CORRECTIVE_DETAIL.derived) - {"id"}
    columns = {**{n: getattr(actual, n) for n in CORRECTIVE_DETAIL.copied}, **derived}
    source_rows = (
        select(*columns.values())
        .select_from(forced)
        .join(actual, actual.id == forced.c.current)
        .join(
            line,
            and_(
                line.invoice_id == corrective.id, line.contract_line_id == actual.contract_line_id
            ),
        )
        .join(origin, origin.id == actual.invoice_line_detail_id, isouter=True)
        .order_by(forced.c.origin)
    )
    if currents is not None:
        source_rows = source_rows.where(forced.c.current.in_(currents))
    session.execute(insert(InvoiceLineDetail).from_select(list(columns), source_rows))
