"""Invoice routes: create, read, edit, delete, refresh, confirm and correct; lines and
their details."""

from typing import Any

from fastapi import Response

from billable.api import present_billing as present
from billable.api.deps import ReadBilling, Uow, WriteBilling
from billable.api.pagination import Page, page
from billable.api.routing import SegmentRouter
from billable.api.schemas import invoices as s
from billable.api.schemas.common import QueryDate
from billable.billing import confirming, drafts, editing, invoicing
from billable.domain.vocabulary import InvoiceState, PaymentState
from billable.persistence.uow import UnitOfWork
from billable.views import invoices as views

router = SegmentRouter(tags=["invoices"])


def _show(uow: UnitOfWork, ident: int | str) -> dict[str, Any]:
    with uow:
        view = views.invoice(uow.session, ident)
    return present.invoice(view)


@router.post(
    "/contracts/{ident}/invoices",
    response_model=s.InvoiceOut,
    status_code=201,
    dependencies=[WriteBilling],
)
def create_invoice(ident: str, uow: Uow, body: s.InvoiceCreate | None = None) -> dict[str, Any]:
    invoice_id = invoicing.create_invoice(uow, ident, body.invoice_date if body else None)
    return _show(uow, invoice_id)


@router.get("/invoices", response_model=Page[s.InvoiceSummary], dependencies=[ReadBilling])
def list_invoices(
    uow: Uow,
    limit: int = 50,
    cursor: str | None = None,
    contract_id: str | None = None,
    customer_id: str | None = None,
    project_invoice_status: InvoiceState | None = None,
    status: PaymentState | None = None,
    corrects_invoice_id: str | None = None,
    date_from: QueryDate | None = None,
    date_to: QueryDate | None = None,
) -> dict[str, Any]:
    """Invoice headers by id. Filters: contract, customer, `project_invoice_status`
    (draft, in_review, confirmed), payment `status` (active, paid), the invoice
    corrected, and the invoice date from/to (inclusive, `YYYY-MM-DD`)."""
    filters = views.InvoiceFilters(
        contract_id=contract_id,
        customer_id=customer_id,
        project_invoice_status=project_invoice_status,
        status=status,
        corrects_invoice_id=corrects_invoice_id,
        date_from=date_from,
        date_to=date_to,
    )
    with uow:
        found = views.invoices(uow.session, limit, cursor, filters)
    return page(found, present.invoice_summary)


@router.get("/invoices/{ident}", response_model=s.InvoiceOut, dependencies=[ReadBilling])
def get_invoice(ident: str, uow: Uow) -> dict[str, Any]:
    return _show(uow, ident)


@router.delete(
    "/invoices/{ident}",
    status_code=204,
    dependencies=[WriteBilling],
    summary="Delete a draft or in-review invoice",
)
def delete_invoice(ident: str, uow: Uow) -> Response:
    """Delete a draft or in-review invoice: its details go back to the billing backlog
    (their actuals invoiceable again), its milestones and product lines back to ready
    to invoice, all in one transaction. A confirmed invoice is 409: correct it."""
    drafts.delete_invoice(uow, ident)
    return Response(status_code=204)


@router.patch("/invoices/{ident}", response_model=s.InvoiceOut, dependencies=[WriteBilling])
def patch_invoice(ident: str, body: s.InvoicePatch, uow: Uow) -> dict[str, Any]:
    editing.update_invoice(uow, ident, body.model_dump(exclude_unset=True))
    return _show(uow, ident)


@router.post("/invoices/{ident}/refresh", response_model=s.InvoiceOut, dependencies=[WriteBilling])
def refresh(ident: str, uow: Uow) -> dict[str, Any]:
    invoicing.refresh_invoice(uow, ident)
    return _show(uow, ident)


@router.post("/invoices/{ident}/confirm", response_model=s.InvoiceOut, dependencies=[WriteBilling])
def confirm(ident: str, uow: Uow) -> dict[str, Any]:
    confirming.confirm_invoice(uow, ident)
    return _show(uow, ident)


@router.post(
    "/invoices/{ident}/correct",
    response_model=s.InvoiceOut,
    status_code=201,
    dependencies=[WriteBilling],
)
def correct(ident: str, uow: Uow, body: s.CorrectIn | None = None) -> dict[str, Any]:
    """A draft corrective invoice. Without ``details``, every detail billed now at
    quantity 0; with them, only those details, at the quantities named."""
    named = None
    if body is not None and body.details is not None:
        named = [(d.detail_id, d.quantity) for d in body.details]
    corrective_id = confirming.correct_invoice(
        uow, ident, body.invoice_date if body else None, named
    )
    return _show(uow, corrective_id)


@router.get("/invoice-line-details/{ident}", response_model=s.DetailOut, dependencies=[ReadBilling])
def get_detail(ident: str, uow: Uow) -> dict[str, Any]:
    with uow:
        row = views.detail(uow.session, ident)
    return present.detail(row)


@router.patch(
    "/invoice-line-details/{ident}", response_model=s.DetailOut, dependencies=[WriteBilling]
)
def patch_detail(ident: str, body: s.DetailPatch, uow: Uow) -> dict[str, Any]:
    editing.update_detail(uow, ident, body.model_dump(exclude_unset=True))
    return get_detail(ident, uow)


@router.delete("/invoice-line-details/{ident}", status_code=204, dependencies=[WriteBilling])
def delete_detail(ident: str, uow: Uow) -> Response:
    editing.delete_detail(uow, ident)
    return Response(status_code=204)


@router.post(
    "/invoice-lines/{ident}/details",
    response_model=s.DetailOut,
    status_code=201,
    dependencies=[WriteBilling],
)
def add_detail(ident: str, body: s.DetailCreate, uow: Uow) -> dict[str, Any]:
    detail_id = editing.add_detail(uow, ident, body.model_dump(exclude_unset=True))
    return get_detail(str(detail_id), uow)


@router.delete("/invoice-lines/{ident}", status_code=204, dependencies=[WriteBilling])
def delete_line(ident: str, uow: Uow) -> Response:
    editing.delete_line(uow, ident)
    return Response(status_code=204)


@router.get("/invoice-lines/{ident}", response_model=s.LineOut, dependencies=[ReadBilling])
def get_line(ident: str, uow: Uow) -> dict[str, Any]:
    """An invoice line with its totals and its first details; the rest by page from
    ``GET /invoice-lines/{id}/details``."""
    with uow:
        view = views.line(uow.session, ident)
    return present.line(view)


@router.patch("/invoice-lines/{ident}", response_model=s.LineOut, dependencies=[WriteBilling])
def patch_line(ident: str, body: s.LinePatch, uow: Uow) -> dict[str, Any]:
    """Rename a project-based line of a draft or in-review invoice (seed 001)."""
    drafts.update_line(uow, ident, body.model_dump(exclude_unset=True))
    return get_line(ident, uow)


@router.get(
    "/invoice-lines/{ident}/details",
    response_model=Page[s.DetailOut],
    dependencies=[ReadBilling],
)
def list_line_details(
    ident: str, uow: Uow, limit: int = 50, cursor: str | None = None
) -> dict[str, Any]:
    """A page of an invoice line's details, in id order."""
    with uow:
        found = views.line_details(uow.session, ident, limit, cursor)
    return page(found, present.detail)
