"""Invoices as shown: the list and its filters, one invoice with its lines and their
details, a detail alone, and what each line's contract line has been invoiced to date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from billable.domain.invoice import BillingType
from billable.domain.vocabulary import ActualType, InvoiceState, PaymentState
from billable.persistence.lookups import get, parse_id
from billable.persistence.tables import Actual, Invoice, InvoiceLine, InvoiceLineDetail
from billable.views.milestone_progress import progress_of
from billable.views.pagination import Window, check_range, window
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


@dataclass(frozen=True)
class InvoiceFilters:
    """What a list of invoices may be narrowed by (ids as the wire sends them)."""

    contract_id: str | None = None
    customer_id: str | None = None
    project_invoice_status: InvoiceState | None = None
    status: PaymentState | None = None
    corrects_invoice_id: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def invoices(
    session: Session,
    limit: int,
    cursor: str | None,
    filters: InvoiceFilters | None = None,
) -> Window[Record]:
    """A page of invoice headers, by id, matching every filter given."""
    given = filters or InvoiceFilters()
    check_range(given.date_from, given.date_to)
    stmt = select(Invoice)
    for column, value in (
        (Invoice.contract_id, given.contract_id),
        (Invoice.customer_id, given.customer_id),
        (Invoice.corrects_invoice_id, given.corrects_invoice_id),
    ):
        if value is not None:
            stmt = stmt.where(column == (parse_id(value) or -1))
    if given.project_invoice_status is not None:
        stmt = stmt.where(Invoice.project_invoice_status == given.project_invoice_status)
    if given.status is not None:
        stmt = stmt.where(Invoice.status == given.status)
    if given.date_from is not None:
        stmt = stmt.where(Invoice.invoice_date >= given.date_from)
    if given.date_to is not None:
        stmt = stmt.where(Invoice.invoice_date <= given.date_to)
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
    rows = session.scalars(
        select(InvoiceLineDetail)
        .where(InvoiceLineDetail.invoice_id == row.id)
        .order_by(InvoiceLineDetail.id)
    ).all()
    progress = progress_of(session, row.id, ((d.milestone_id, d.amount) for d in rows))
    details: dict[int, list[Record]] = defaultdict(list)
    for found in rows:
        shown = progress.get(found.milestone_id) if found.milestone_id else None
        details[found.invoice_line_id].append(record(found, milestone_progress=shown))
    to_date = invoiced_to_date(session, row.id, {line.contract_line_id for line in lines})
    return InvoiceView(
        record(row),
        [
            LineView(record(line), to_date[line.contract_line_id], details.get(line.id, []))
            for line in lines
        ],
    )


def detail(session: Session, ident: int | str) -> Record:
    """One invoice line detail, or 404; a progress milestone's with its progress."""
    found = get(session, InvoiceLineDetail, ident, "invoice line detail")
    progress = progress_of(session, found.invoice_id, [(found.milestone_id, found.amount)])
    shown = progress.get(found.milestone_id) if found.milestone_id else None
    return record(found, milestone_progress=shown)
