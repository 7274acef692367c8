"""Customer documents as shown: the issued customer invoices and credit notes (the list
and its filters, one of them) with the documents stored for each, and the outbox.

A customer invoice's record carries ``documents``: the format and digest of each
rendering stored so far, read for a whole page in one query (never the content)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from billable.domain.documents import DocumentKind
from billable.domain.errors import Invalid
from billable.persistence.lookups import get, parse_id
from billable.persistence.tables import CustomerInvoice, CustomerInvoiceDocument, OutboxMessage
from billable.views.pagination import Window, window
from billable.views.records import Record, record, records

#: The id columns a customer invoice list filters on.
FILTERS = ("legal_entity_id", "customer_id", "contract_id")


def query(
    ids: dict[str, str | None],
    kind: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Select[Any]:
    """Customer invoices, filtered by legal entity, customer, contract, kind and issue
    dates; an unknown kind is a 422 naming ``kind``."""
    stmt = select(CustomerInvoice)
    for name in FILTERS:
        value = ids.get(name)
        if value is not None:
            stmt = stmt.where(getattr(CustomerInvoice, name) == (parse_id(value) or -1))
    if kind is not None:
        if kind not in {k.value for k in DocumentKind}:
            raise Invalid.field("kind", f"'{kind}' is not one of invoice, credit_note")
        stmt = stmt.where(CustomerInvoice.kind == kind)
    if date_from is not None:
        stmt = stmt.where(CustomerInvoice.issue_date >= date_from)
    if date_to is not None:
        stmt = stmt.where(CustomerInvoice.issue_date <= date_to)
    return stmt


def _with_documents(session: Session, rows: Sequence[CustomerInvoice]) -> list[Record]:
    """Each customer invoice as a record with its stored documents by format: one query
    for all of them, selecting the format and digest only (the content can be large)."""
    stored: dict[int, list[Record]] = defaultdict(list)
    if rows:
        found = session.execute(
            select(
                CustomerInvoiceDocument.customer_invoice_id,
                CustomerInvoiceDocument.format,
                CustomerInvoiceDocument.sha256,
            )
            .where(CustomerInvoiceDocument.customer_invoice_id.in_([row.id for row in rows]))
            .order_by(CustomerInvoiceDocument.customer_invoice_id, CustomerInvoiceDocument.format)
        )
        for owner, fmt, sha256 in found:
            stored[owner].append(Record(format=fmt, sha256=sha256))
    return [record(row, documents=stored.get(row.id, [])) for row in rows]


def customer_invoices(
    session: Session,
    ids: dict[str, str | None],
    limit: int,
    cursor: str | None,
    kind: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Window[Record]:
    """A page of customer invoices with their documents; filters: the ids of
    :data:`FILTERS`, ``kind`` and the issue dates (see :func:`query`)."""
    stmt = query(ids, kind, date_from, date_to)
    return window(
        session, stmt, CustomerInvoice.id, limit, cursor, lambda r: _with_documents(session, r)
    )


def customer_invoice(session: Session, ident: int | str) -> Record:
    """One customer invoice with its documents, or 404."""
    return _with_documents(session, [get(session, CustomerInvoice, ident, "customer invoice")])[0]


def outbox(
    session: Session,
    limit: int,
    cursor: str | None,
    customer_invoice_id: str | None = None,
    status: str | None = None,
) -> Window[Record]:
    """A page of the outbox; filters: the customer invoice delivered, the status."""
    stmt = select(OutboxMessage)
    if customer_invoice_id is not None:
        stmt = stmt.where(
            OutboxMessage.customer_invoice_id == (parse_id(customer_invoice_id) or -1)
        )
    if status is not None:
        stmt = stmt.where(OutboxMessage.status == status)
    return window(session, stmt, OutboxMessage.id, limit, cursor, records)
