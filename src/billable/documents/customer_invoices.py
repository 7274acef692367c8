"""Use cases for issued customer invoices: find one, and fetch its documents
(``GET /customer-invoices/{id}/pdf|ubl|cii|facturx``) and the proforma's PDF."""

from __future__ import annotations

from sqlalchemy.orm import Session

from billable.documents import proforma, store
from billable.domain.documents import DocumentFormat
from billable.persistence.lookups import get
from billable.persistence.tables import CustomerInvoice, Invoice
from billable.persistence.uow import UnitOfWork


def customer_invoice(session: Session, ident: str | int) -> CustomerInvoice:
    """The customer invoice ``ident`` or a 404."""
    return get(session, CustomerInvoice, ident, "customer invoice")


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
