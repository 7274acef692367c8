"""Invoices as shown: the list and its filters, one invoice with its lines and their
details, a detail alone, and what each line's contract line has been invoiced to date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from billable.domain.invoice import BillingType
from billable.domain.vocabulary import ActualType
from billable.persistence.lookups import get, parse_id
from billable.persistence.tables import Actual, Invoice, InvoiceLine, InvoiceLineDetail
from billable.views.pagination import Window, window
from billable.views.records import Record, record, records


@dataclass(frozen=True)
class LineView:
    """An invoice line, its details, and its contract line's net chargeable amount on
    the other confirmed invoices."""

    line: Record
    invoiced_to_date: Decimal
    details: list[Record]


@dataclass(frozen=True)
class InvoiceView:
    """An invoice header and its lines in id order."""

    invoice: Record
    lines: list[LineView]


def invoices(
    session: Session,
    limit: int,
    cursor: str | None,
    contract_id: str | None = None,
    project_invoice_status: str | None = None,
    corrects_invoice_id: str | None = None,
) -> Window[Record]:
    """A page of invoice headers; filters: contract, status, the invoice corrected."""
    stmt = select(Invoice)
    if contract_id is not None:
        stmt = stmt.where(Invoice.contract_id == (parse_id(contract_id) or -1))
    if project_invoice_status is not None:
        stmt = stmt.where(Invoice.project_invoice_status == project_invoice_status)
    if corrects_invoice_id is not None:
        stmt = stmt.where(Invoice.corrects_invoice_id == (parse_id(corrects_invoice_id) or -1))
    return window(session, stmt, Invoice.id, limit, cursor, records)


def invoiced_to_date(
    session: Session, invoice_id: int, contract_line_ids: set[int | None]
) -> dict[int | None, Decimal]:
    """Contract line id -> its net chargeable amount on confirmed invoices other than
    ``invoice_id`` (billed chargeable sales), one query for every line of an invoice."""
    if not contract_line_ids:
        return {}
    known = [i for i in contract_line_ids if i is not None]
    which = [Actual.contract_line_id.in_(known)]
    if None in contract_line_ids:  # a line without a contract line sums those too
        which.append(Actual.contract_line_id.is_(None))
    found = session.execute(
        select(Actual.contract_line_id, func.coalesce(func.sum(Actual.amount), 0))
        .where(
            or_(*which),
            Actual.transaction_type == ActualType.BILLED_SALES,
            Actual.billing_type == BillingType.CHARGEABLE,
            Actual.invoice_id != invoice_id,
        )
        .group_by(Actual.contract_line_id)
    )
    sums = {line_id: Decimal(value or 0) for line_id, value in found}
    return {i: sums.get(i, Decimal(0)) for i in contract_line_ids}


def invoice(session: Session, ident: int | str) -> InvoiceView:
    """One invoice with its lines and details (404 if unknown): four queries, however
    many lines and details it has."""
    row = get(session, Invoice, ident, "invoice")
    lines: Sequence[InvoiceLine] = session.scalars(
        select(InvoiceLine).where(InvoiceLine.invoice_id == row.id).order_by(InvoiceLine.id)
    ).all()
    details: dict[int, list[Record]] = defaultdict(list)
    for found in session.scalars(
        select(InvoiceLineDetail)
        .where(InvoiceLineDetail.invoice_id == row.id)
        .order_by(InvoiceLineDetail.id)
    ):
        details[found.invoice_line_id].append(record(found))
    to_date = invoiced_to_date(session, row.id, {line.contract_line_id for line in lines})
    return InvoiceView(
        record(row),
        [
            LineView(record(line), to_date[line.contract_line_id], details.get(line.id, []))
            for line in lines
        ],
    )


def detail(session: Session, ident: int | str) -> Record:
    """One invoice line detail, or 404."""
    return record(get(session, InvoiceLineDetail, ident, "invoice line detail"))
