"""Invoices as shown: the list and its filters, one invoice with its lines and their
details, a detail alone, and what each line's contract line has been invoiced to date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased

from billable.domain.invoice import BillingType
from billable.domain.vocabulary import ActualType, InvoiceState, PaymentState
from billable.persistence.lookups import get, parse_id
from billable.persistence.tables import Actual, Invoice, InvoiceLine, InvoiceLineDetail
from billable.views.milestone_progress import progress_of
from billable.views.pagination import Window, check_range, encode_cursor, window
from billable.views.records import Record, record, records

#: How many details each line of an invoice shows; the rest are read page by page from
#: ``GET /invoice-lines/{id}/details`` (the line's ``details_next_cursor`` continues).
#: Bounded so that an invoice of 10,000 details reads, and answers, as fast as one of ten.
DETAILS_PER_LINE = 50


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
    found = session.execute(
        _invoiced_to_date_read(None in contract_line_ids), {"known": known, "invoice": invoice_id}
    )
    sums = {line_id: Decimal(value or 0) for line_id, value in found}
    return {i: sums.get(i, Decimal(0)) for i in contract_line_ids}


@cache
def _invoiced_to_date_read(with_no_line: bool) -> Select[int | None, Decimal]:
    """Per contract line of ``known`` (and, ``with_no_line``, the sales on no contract
    line), its net chargeable billed sales on confirmed invoices other than
    ``invoice`` (built once)."""
    which = [Actual.contract_line_id.in_(bindparam("known", expanding=True))]
    if with_no_line:  # a line without a contract line sums those too
        which.append(Actual.contract_line_id.is_(None))
    return (
        select(Actual.contract_line_id, func.coalesce(func.sum(Actual.amount), 0))
        .where(
            or_(*which),
            Actual.transaction_type == ActualType.BILLED_SALES,
            Actual.billing_type == BillingType.CHARGEABLE,
            Actual.invoice_id != bindparam("invoice"),
        )
        .group_by(Actual.contract_line_id)
    )


def invoice(
    session: Session, ident: int | str, paged_line: str = "", after: str = ""
) -> InvoiceView:
    """One invoice with its lines and each line's first details (404 if unknown): four
    queries, however many lines and details it has. With ``paged_line`` and ``after`` (a
    line's ``details_next_cursor``), that line shows instead the page of details after
    the cursor (the web page's "Show more details"); totals stay the line's whole ones."""
    row = get(session, Invoice, ident, "invoice")
    lines = _line_views(session, row, row.id, by_line=False)
    if paged_line and after:
        lines = [
            _paged(session, view, after) if str(view.line.id) == paged_line else view
            for view in lines
        ]
    return InvoiceView(record(row), lines)


def _paged(session: Session, view: LineView, after: str) -> LineView:
    """``view`` with the page of its details after ``after`` in place of the first."""
    shown = line_details(session, view.line.id, DETAILS_PER_LINE, after)
    return replace(view, details=shown.items, details_next_cursor=shown.next_cursor)


def line(session: Session, ident: int | str) -> LineView:
    """One invoice line with its first details (404 if unknown), as the invoice shows it."""
    found = get(session, InvoiceLine, ident, "invoice line")
    header = get(session, Invoice, found.invoice_id, "invoice")
    (view,) = _line_views(session, header, found.id, by_line=True)
    return view


def line_details(
    session: Session, ident: int | str, limit: int, cursor: str | None
) -> Window[Record]:
    """A page of one invoice line's details in id order (404 if the line is unknown)."""
    found = get(session, InvoiceLine, ident, "invoice line")
    stmt = select(InvoiceLineDetail).where(InvoiceLineDetail.invoice_line_id == found.id)
    return window(session, stmt, InvoiceLineDetail.id, limit, cursor, records)


def _line_views(session: Session, header: Invoice, key: int, by_line: bool) -> list[LineView]:
    """The lines of invoice ``key`` (or, ``by_line``, line ``key`` alone), each with its
    detail count and its first :data:`DETAILS_PER_LINE` details: two queries, whatever
    the number of either (:func:`_line_reads`)."""
    lines_read, details_read = _line_reads(by_line)
    lines = session.execute(lines_read, {"key": key}).all()
    progress = _milestone_progress(session, header.id)
    shown: dict[int, list[Record]] = defaultdict(list)
    for found in session.scalars(details_read, {"key": key}):
        figures = progress.get(found.milestone_id) if found.milestone_id else None
        shown[found.invoice_line_id].append(record(found, milestone_progress=figures))
    to_date = invoiced_to_date(session, header.id, {item.contract_line_id for item, *_ in lines})
    views = []
    for item, total, first_hidden in lines:
        details = shown.get(item.id, [])
        more = encode_cursor(details[-1].id) if first_hidden is not None and details else None
        views.append(
            LineView(
                record(item), header.currency, to_date[item.contract_line_id], details, total, more
            )
        )
    return views


@cache
def _line_reads(by_line: bool) -> tuple[Select[Any], Select[Any]]:
    """The two reads of :func:`_line_views` for the lines of invoice ``key`` (or line
    ``key``), built once: an invoice is read far more often than these are worth
    building anew (an alias and two correlated subqueries).

    Per line, the count and the id of the first detail not shown (the bound) are
    correlated subqueries the index on ``invoice_line_id`` answers alone (on SQLite it
    holds the ids in line, id order); the details are then a range of that index per
    line, ``id < bound``. So 10,000 details on a line cost reading 51 rows, not 10,000
    (a window function numbering the rows would read and sort all of them)."""
    D, L, B = InvoiceLineDetail, InvoiceLine, aliased(InvoiceLineDetail)
    which = (L.id if by_line else L.invoice_id) == bindparam("key")
    count = select(func.count()).where(B.invoice_line_id == L.id).correlate(L).scalar_subquery()
    bound = (
        select(B.id)
        .where(B.invoice_line_id == L.id)
        .order_by(B.id)
        .offset(DETAILS_PER_LINE)
        .limit(1)
        .correlate(L)
        .scalar_subquery()
    )
    lines = select(L, count.label("count"), bound.label("bound")).where(which).order_by(L.id)
    details = (
        select(D)
        .join(L, L.id == D.invoice_line_id)
        .where(which, D.id < func.coalesce(bound, _NO_BOUND))
        .order_by(D.id)
    )
    return lines, details


def _milestone_progress(session: Session, invoice_id: int) -> dict[int, Any]:
    """The progress of every milestone billed on the invoice, from all its milestone
    details (not only the shown ones): the amount on this invoice sums them all."""
    D = InvoiceLineDetail
    billed = session.execute(
        select(D.milestone_id, D.amount).where(
            D.invoice_id == invoice_id, D.milestone_id.is_not(None)
        )
    ).all()
    return progress_of(session, invoice_id, ((m, amount) for m, amount in billed)) if billed else {}


#: Larger than any id: the bound of a line whose details are all shown.
_NO_BOUND = 2**63 - 1


def detail(session: Session, ident: int | str) -> Record:
    """One invoice line detail, or 404; a progress milestone's with its progress."""
    found = get(session, InvoiceLineDetail, ident, "invoice line detail")
    progress = progress_of(session, found.invoice_id, [(found.milestone_id, found.amount)])
    shown = progress.get(found.milestone_id) if found.milestone_id else None
    return record(found, milestone_progress=shown)
