"""Use cases for issued customer invoices: list and read them, and fetch their documents
(``GET /customer-invoices/{id}/pdf|ubl|cii|facturx``) and the proforma's PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from billable.documents import proforma, store
from billable.domain.documents import DocumentFormat, DocumentKind
from billable.domain.errors import Invalid
from billable.persistence.lookups import get, parse_id
from billable.persistence.tables import (
    CustomerInvoice,
    CustomerInvoiceDocument,
    Invoice,
)
from billable.persistence.uow import UnitOfWork

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


def customer_invoice(session: Session, ident: str | int) -> CustomerInvoice:
    """The customer invoice ``ident`` or a 404."""
    return get(session, CustomerInvoice, ident, "customer invoice")


def documents_of(session: Session, row: CustomerInvoice) -> list[CustomerInvoiceDocument]:
    """The renderings stored so far, by format."""
    return list(
        session.scalars(
            select(CustomerInvoiceDocument)
            .where(CustomerInvoiceDocument.customer_invoice_id == row.id)
            .order_by(CustomerInvoiceDocument.format)
        )
    )


def document(uow: UnitOfWork, ident: str, fmt: DocumentFormat) -> store.Rendered:
    """An issued invoice's document, stored on first request and then served as stored."""
    with uow:
        row = customer_invoice(uow.session, ident)
        rendered = store.issued_document(uow.session, row, fmt)
        uow.commit()
        return rendered


def proforma_pdf(uow: UnitOfWork, invoice_id: str) -> store.Rendered:
    """The PDF of a proforma invoice (draft, in review or confirmed), marked PRO FORMA
    and rendered live: it is the project manager's document and may still change."""
    with uow:
        invoice = get(uow.session, Invoice, invoice_id, "invoice")
        return store.proforma_document(proforma.from_invoice(uow.session, invoice))
