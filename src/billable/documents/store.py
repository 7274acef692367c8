"""Issued is immutable (rules.md): an issued invoice's documents are rendered once,
stored with their SHA-256 and served byte for byte ever after; a proforma renders live.

The e-invoices and the print HTML are stored at issue (the HTML in milliseconds; a PDF
takes seconds, too slow for every posting). The PDF is rendered at its first request
from that stored HTML, and Factur-X from it and the stored CII, then stored and never
rendered again: a template or label change after issue changes no issued document
(docs/decisions.md). Invoices issued before the HTML was stored fall back to the
snapshot taken at issue."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from billable.documents import cii, pdf, snapshot, ubl
from billable.domain.documents import DocumentFormat, IssuedDocument, problems
from billable.domain.errors import FieldError, Invalid
from billable.persistence.tables import CustomerInvoice, CustomerInvoiceDocument

MEDIA_TYPES = {
    DocumentFormat.PDF: "application/pdf",
    DocumentFormat.FACTURX: "application/pdf",
    DocumentFormat.UBL: "application/xml",
    DocumentFormat.CII: "application/xml",
}


@dataclass(frozen=True)
class Rendered:
    """A document's bytes, media type and file name."""

    content: bytes
    media_type: str
    filename: str
    sha256: str


def render(doc: IssuedDocument, fmt: DocumentFormat) -> bytes:
    """Render ``doc`` as ``fmt`` (the caller has checked it can be valid)."""
    if fmt is DocumentFormat.UBL:
        return ubl.render(doc)
    if fmt is DocumentFormat.CII:
        return cii.render(doc)
    return pdf.render_facturx(doc) if fmt is DocumentFormat.FACTURX else pdf.render_pdf(doc)


def refuse_invalid(doc: IssuedDocument, fmt: DocumentFormat) -> None:
    """422 naming everything ``doc`` lacks to be a valid ``fmt`` document."""
    found = problems(doc, fmt)
    if found:
        detail = "; ".join(f"{p.field}: {p.reason}" for p in found)
        raise Invalid(
            f"cannot be a valid {fmt.value} document: {detail}",
            tuple(FieldError(p.field, p.reason) for p in found),
        )


def save(
    session: Session, row: CustomerInvoice, fmt: DocumentFormat, data: bytes, flush: bool = True
) -> None:
    """Store a rendering of ``row`` (in the caller's transaction; ``flush`` off leaves
    writing it to the caller's next flush, for many at once)."""
    session.add(
        CustomerInvoiceDocument(
            customer_invoice_id=row.id,
            format=fmt.value,
            media_type=MEDIA_TYPES[fmt],
            content=data,
            sha256=hashlib.sha256(data).hexdigest(),
        )
    )
    if flush:
        session.flush()


def stored(session: Session, row_id: int, fmt: DocumentFormat) -> CustomerInvoiceDocument | None:
    """The stored rendering, if there is one."""
    return session.scalars(
        select(CustomerInvoiceDocument)
        .where(CustomerInvoiceDocument.customer_invoice_id == row_id)
        .where(CustomerInvoiceDocument.format == fmt.value)
    ).first()


def _render_issued(
    session: Session, row: CustomerInvoice, doc: IssuedDocument, fmt: DocumentFormat
) -> bytes:
    """``fmt`` of an issued invoice: a PDF from the print HTML stored at issue, Factur-X
    from that and the CII stored at issue; the snapshot only where nothing was stored."""
    if row.print_html is None or fmt not in (DocumentFormat.PDF, DocumentFormat.FACTURX):
        return render(doc, fmt)
    if fmt is DocumentFormat.PDF:
        return pdf.pdf_of_html(row.print_html)
    xml = stored(session, row.id, DocumentFormat.CII)
    return pdf.facturx_of(doc, row.print_html, xml.content if xml else cii.render(doc))


def _extension(fmt: DocumentFormat) -> str:
    return {DocumentFormat.UBL: "ubl.xml", DocumentFormat.CII: "cii.xml"}.get(fmt, "pdf")


def issued_document(session: Session, row: CustomerInvoice, fmt: DocumentFormat) -> Rendered:
    """The stored ``fmt`` document of an issued invoice, rendered and stored on first
    request; 422 when it cannot be valid. Commits nothing: the caller does."""
    found = stored(session, row.id, fmt)
    if found is None:
        doc = snapshot.from_row(session, row)
        refuse_invalid(doc, fmt)
        try:
            with session.begin_nested():
                save(session, row, fmt, _render_issued(session, row, doc, fmt))
        except IntegrityError:  # rendered by a concurrent request first: serve that one
            pass
        found = stored(session, row.id, fmt)
        assert found is not None
    name = f"{row.number}.{_extension(fmt)}"
    return Rendered(found.content, found.media_type, name, found.sha256)


def proforma_document(doc: IssuedDocument) -> Rendered:
    """A proforma's PDF, rendered live (it is not a legal document and may change)."""
    data = render(doc, DocumentFormat.PDF)
    name = f"proforma-{doc.proforma_number}.pdf"
    return Rendered(data, MEDIA_TYPES[DocumentFormat.PDF], name, hashlib.sha256(data).hexdigest())
