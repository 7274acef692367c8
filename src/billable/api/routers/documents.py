"""Customer documents routes (issue 10): payment terms, customer invoices with their
PDF and e-invoice documents, delivery and the outbox.

No ``from __future__ import annotations``: the collection factory reads body types at
definition time.
"""

import datetime as dt
from typing import Any

from fastapi import Request, Response

from billable.api import present_documents as show
from billable.api.deps import PostLedger, ReadBilling, ReadLedger, Uow, WriteErpSetup, WriteUow
from billable.api.pagination import Page, page
from billable.api.routers.masterdata import collection
from billable.api.routing import SegmentRouter
from billable.api.schemas import documents as s
from billable.api.schemas.common import JobAccepted
from billable.documents import customer_invoices, delivery, payment_terms, store
from billable.domain.documents import DocumentFormat
from billable.identity.users import Principal
from billable.persistence.uow import UnitOfWork
from billable.views import documents as views

router = SegmentRouter()


TAG = "customer documents"

collection(
    "/payment-terms",
    TAG,
    payment_terms.KIND,
    s.PaymentTermsIn,
    s.PaymentTermsPatch,
    s.PaymentTermsOut,
    show.payment_terms,
    on=router,
    write=WriteErpSetup,
)


def _file(rendered: store.Rendered) -> Response:
    headers = {
        "Content-Disposition": f'attachment; filename="{rendered.filename}"',
        "X-Content-SHA256": rendered.sha256,
    }
    return Response(rendered.content, media_type=rendered.media_type, headers=headers)


def _show(uow: UnitOfWork, ident: str) -> dict[str, Any]:
    with uow:
        found = views.customer_invoice(uow.session, ident)
    return show.customer_invoice(found)


@router.get(
    "/customer-invoices",
    response_model=Page[s.CustomerInvoiceOut],
    tags=[TAG],
    dependencies=[ReadLedger],
)
def list_customer_invoices(
    uow: Uow,
    legal_entity_id: str | None = None,
    customer_id: str | None = None,
    contract_id: str | None = None,
    kind: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Issued customer invoices and credit notes, oldest first."""
    ids = {"legal_entity_id": legal_entity_id, "customer_id": customer_id}
    with uow:
        found = views.customer_invoices(
            uow.session,
            {**ids, "contract_id": contract_id},
            limit,
            cursor,
            kind,
            date_from,
            date_to,
        )
    return page(found, show.customer_invoice)


@router.get(
    "/customer-invoices/{ident}",
    response_model=s.CustomerInvoiceOut,
    tags=[TAG],
    dependencies=[ReadLedger],
)
def get_customer_invoice(ident: str, uow: Uow) -> dict[str, Any]:
    """One issued customer invoice or credit note."""
    return _show(uow, ident)


def _document_route(fmt: DocumentFormat, summary: str) -> None:
    media = store.MEDIA_TYPES[fmt]

    @router.get(
        f"/customer-invoices/{{ident}}/{fmt.value}",
        tags=[TAG],
        dependencies=[ReadLedger],
        summary=summary,
        response_class=Response,
        responses={200: {"content": {media: {}}}},
    )
    def fetch(ident: str, uow: WriteUow) -> Response:
        """The stored document; 422 naming what it lacks when it cannot be valid."""
        return _file(customer_invoices.document(uow, ident, fmt))


_document_route(DocumentFormat.PDF, "The issued invoice's PDF, byte for byte as first rendered")
_document_route(DocumentFormat.UBL, "UBL 2.1 (Peppol BIS Billing 3.0) Invoice or CreditNote")
_document_route(DocumentFormat.CII, "UN/CEFACT CII D16B, EN 16931 profile")
_document_route(DocumentFormat.FACTURX, "Factur-X (PDF/A-3b with factur-x.xml, EN 16931)")


@router.get(
    "/invoices/{ident}/pdf",
    tags=[TAG],
    dependencies=[ReadBilling],
    summary="The proforma invoice's PDF, marked PRO FORMA, rendered live",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def proforma_pdf(ident: str, uow: Uow) -> Response:
    """The proforma invoice's PDF (draft, in review or confirmed), marked PRO FORMA."""
    return _file(customer_invoices.proforma_pdf(uow, ident))


@router.post(
    "/customer-invoices/{ident}/send",
    response_model=JobAccepted,
    status_code=202,
    tags=[TAG],
)
def send_customer_invoice(
    ident: str,
    request: Request,
    uow: Uow,
    body: s.SendIn | None = None,
    caller: Principal = PostLedger,
) -> dict[str, str]:
    """Email the issued invoice (PDF, and UBL when the customer takes e-invoices) to
    ``to`` or its billing email, through the outbox: once per document and recipient."""
    delivery.request_send(uow, ident, body.to if body else None)
    dispatcher = request.app.state.dispatcher()
    job_id = dispatcher.start(
        uow, "deliver_outbox", {"customer_invoice_id": ident}, caller.user_id, 0
    )
    return {"job_id": str(job_id)}


@router.get("/outbox", response_model=Page[s.OutboxOut], tags=[TAG], dependencies=[ReadLedger])
def list_outbox(
    uow: Uow,
    customer_invoice_id: str | None = None,
    status: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Deliveries of issued documents, oldest first; filters: customer_invoice_id, status."""
    with uow:
        found = views.outbox(uow.session, limit, cursor, customer_invoice_id, status)
    return page(found, show.outbox_message)
