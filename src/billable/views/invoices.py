"""Invoices as shown: the list and its filters, one invoice with its lines and their
details, a detail alone, and what each line's contract line has been invoiced to date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from billable.domain.invoice import BillingType
from billable.domain.vocabulary import ActualType
from billable.persistence.lookups import get, parse_id
from billable.persistence.tables import Actual, Invoice, InvoiceLine, InvoiceLineDetail
from billable.views.pagination import Window, encode_cursor, window
from billable.views.records import Record, record, records

#: How many details each line of an invoice shows; the rest are read page by page from
#: ``GET /invoice-lines/{id}/details`` (the line's ``details_next_cursor`` continues).
#: Bounded so that an invoice of 10,000 details reads, and answers, as fast as one of ten.
DETAILS_PER_LINE = 100


@dataclass(frozen=True)
class LineView:
    """An invoice line, its first details, how many it has, where the next page of them
    starts, and its contract line's net chargeable amount on the other confirmed
    invoices."""

    line: Record
    currency: str
    invoiced_to_date: Decimal
    details: list[Record]
    detail_count: int
    details_next_cursor: str | None


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
    """One invoice with its lines and each line's first details (404 if unknown): four
    queries, however many lines and details it has."""
    row = get(session, Invoice, ident, "invoice")
    lines: Sequence[InvoiceLine] = session.scalars(
        select(InvoiceLine).where(InvoiceLine.invoice_id == row.id).order_by(InvoiceLine.id)
    ).all()
    return InvoiceView(
        record(row), _line_views(session, row, lines, InvoiceLineDetail.invoice_id == row.id)
    )


def line(session: Session, ident: int | str) -> LineView:
    """One invoice line with its first details (404 if unknown), as the invoice shows it."""
    found = get(session, InvoiceLine, ident, "invoice line")
    header = get(session, Invoice, found.invoice_id, "invoice")
    (view,) = _line_views(session, header, [found], InvoiceLineDetail.invoice_line_id == found.id)
    return view


def line_details(
    session: Session, ident: int | str, limit: int, cursor: str | None
) -> Window[Record]:
    """A page of one invoice line's details in id order (404 if the line is unknown)."""
    found = get(session, InvoiceLine, ident, "invoice line")
    stmt = select(InvoiceLineDetail).where(InvoiceLineDetail.invoice_line_id == found.id)
    return window(session, stmt, InvoiceLineDetail.id, limit, cursor, records)


def _line_views(
    session: Session,
    header: Invoice,
    lines: Sequence[InvoiceLine],
    details_of: ColumnElement[bool],
) -> list[LineView]:
    """The lines' views: the first :data:`DETAILS_PER_LINE` details of each line and its
    count in one query (numbered per line by a window function), whatever their number."""
    D = InvoiceLineDetail
    ranked = (
        select(
            D.id,
            func.row_number().over(partition_by=D.invoice_line_id, order_by=D.id).label("position"),
            func.count().over(partition_by=D.invoice_line_id).label("count"),
        )
        .where(details_of)
        .subquery()
    )
    shown: dict[int, list[Record]] = defaultdict(list)
    counts: dict[int, int] = {}
    for found, count in session.execute(
        select(D, ranked.c.count)
        .join(ranked, ranked.c.id == D.id)
        .where(ranked.c.position <= DETAILS_PER_LINE)
        .order_by(D.id)
    ):
        shown[found.invoice_line_id].append(record(found))
        counts[found.invoice_line_id] = count
    to_date = invoiced_to_date(session, header.id, {item.contract_line_id for item in lines})
    views = []
    for item in lines:
        details, count = shown.get(item.id, []), counts.get(item.id, 0)
        more = encode_cursor(details[-1].id) if count > len(details) else None
        views.append(
            LineView(
                record(item), header.currency, to_date[item.contract_line_id], details, count, more
            )
        )
    return views


def detail(session: Session, ident: int | str) -> Record:
    """One invoice line detail, or 404."""
    return record(get(session, InvoiceLineDetail, ident, "invoice line detail"))
