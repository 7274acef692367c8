"""Invoices: the list and its filters; one invoice with its lines and details grouped by
billing type, inline edits, new and deleted details, refresh, in review, confirm, correct."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from billable.api.routing import SegmentRouter
from billable.api.schemas import invoices as s
from billable.billing import confirming, editing, invoicing
from billable.documents import customer_invoices
from billable.domain.invoice import EDITABLE_DETAIL_FIELDS, BillingType
from billable.domain.lifecycle import INVOICE
from billable.domain.permissions import Permission
from billable.domain.vocabulary import InvoiceState, TransactionClass
from billable.identity.users import Principal
from billable.views import invoices as invoice_views
from billable.web.actions import attempt
from billable.web.forms import choice, optional, validated
from billable.web.render import DETAIL_GROUPS, page
from billable.web.session import checked_form, form_text, get_uow, may

router = SegmentRouter()
Reader = Annotated[Principal, Depends(may(Permission.READ_BILLING))]
Manager = Annotated[Principal, Depends(may(Permission.WRITE_BILLING))]
Form = Annotated[FormData, Depends(checked_form)]
PAGE_SIZE = 50


@router.get("/invoices", response_class=HTMLResponse)
def invoices(
    request: Request, user: Reader, status: str = "", contract: str = "", cursor: str | None = None
) -> HTMLResponse:
    """A page of invoices, filtered by status and contract."""
    wanted = choice("status", status, InvoiceState) if status else None
    uow = get_uow(request)
    with uow:
        window = invoice_views.invoices(
            uow.session,
            PAGE_SIZE,
            cursor,
            invoice_views.InvoiceFilters(
                contract_id=optional(contract), project_invoice_status=wanted
            ),
        )
    return page(
        request,
        "invoices.html.j2",
        user,
        window=window,
        status=status,
        contract=contract,
        states=list(InvoiceState),
    )


@router.get("/invoices/{ident}", response_class=HTMLResponse)
def invoice(
    request: Request, ident: str, user: Reader, dialog: str = "", line: str = "", after: str = ""
) -> HTMLResponse:
    """One invoice: header, totals, a section per line with its details by billing type,
    a page of details per line (``line`` and ``after`` page one line further)."""
    uow = get_uow(request)
    with uow:
        shown = invoice_views.invoice(uow.session, ident, line, after)
    state = shown.invoice.project_invoice_status
    actions = INVOICE.actions_from(state)
    return page(
        request,
        "invoice.html.j2",
        user,
        view=shown,
        paged_line=line if after else "",
        inv=shown.invoice,
        groups=DETAIL_GROUPS,
        editable="edit" in actions,
        actions=actions,
        fields=EDITABLE_DETAIL_FIELDS,
        billing_types=list(BillingType),
        classes=list(TransactionClass),
        dialog=dialog,
    )


def _back(ident: str) -> str:
    return f"/invoices/{ident}"


@router.post("/invoices/{ident}")
def edit_header(request: Request, ident: str, user: Manager, form: Form) -> Response:
    """Save the header: name, description, bill-to name."""
    fields: dict[str, Any] = {
        "name": form_text(form, "name"),
        "description": form_text(form, "description"),
        "bill_to": {"name": form_text(form, "bill_to.name")},
    }
    return attempt(
        request,
        _back(ident),
        lambda: editing.update_invoice(get_uow(request), ident, fields),
        "Invoice saved.",
    )


@router.post("/invoices/{ident}/in-review")
def in_review(request: Request, ident: str, user: Manager, form: Form) -> Response:
    """In review (or back to draft)."""
    wanted = InvoiceState.DRAFT if form_text(form, "back") else InvoiceState.IN_REVIEW
    fields = {"project_invoice_status": wanted}
    return attempt(
        request,
        _back(ident),
        lambda: editing.update_invoice(get_uow(request), ident, fields),
        "In review." if wanted == InvoiceState.IN_REVIEW else "Back to draft.",
    )


@router.post("/invoices/{ident}/refresh")
def refresh(request: Request, ident: str, user: Manager, form: Form) -> Response:
    """Refresh Invoice Line Transactions: take in what became ready since creation."""
    return attempt(
        request,
        _back(ident),
        lambda: invoicing.refresh_invoice(get_uow(request), ident),
        "Invoice line transactions refreshed.",
    )


@router.post("/invoices/{ident}/confirm")
def confirm(request: Request, ident: str, user: Manager, form: Form) -> Response:
    """Confirm: one-way; billed actuals, reversals and the invoice proposal are written."""
    return attempt(
        request,
        _back(ident),
        lambda: confirming.confirm_invoice(get_uow(request), ident),
        "Invoice confirmed.",
    )


def _detail_fields(form: FormData) -> dict[str, Any]:
    """The posted detail fields, checked by the API's DetailPatch."""
    names = ("quantity", "billing_type", "description", "external_description", "tax")
    return validated(s.DetailPatch, {n: form_text(form, n) for n in names if n in form})


@router.post("/invoice-line-details/{ident}")
def edit_detail(request: Request, ident: str, user: Manager, form: Form) -> Response:
    """Save a detail's quantity, billing type, descriptions and tax; totals follow."""
    invoice_id = form_text(form, "invoice")

    def run() -> None:
        editing.update_detail(get_uow(request), ident, _detail_fields(form))

    return attempt(request, _back(invoice_id) + f"#detail-{ident}", run, "Detail saved.")


@router.post("/invoice-line-details/{ident}/delete")
def delete_detail(request: Request, ident: str, user: Manager, form: Form) -> Response:
    """Delete a detail: its actual goes back to the backlog."""
    return attempt(
        request,
        _back(form_text(form, "invoice")),
        lambda: editing.delete_detail(get_uow(request), ident),
        "Detail deleted.",
    )


@router.post("/invoice-lines/{ident}/details")
def new_detail(request: Request, ident: str, user: Manager, form: Form) -> Response:
    """New detail on a line: a manual one of the line's classes."""

    def run() -> None:
        data = {
            "transaction_class": form_text(form, "transaction_class"),
            "quantity": form_text(form, "quantity"),
            "description": form_text(form, "description"),
            "external_description": form_text(form, "description"),
        }
        data.update({n: form_text(form, n) for n in ("price", "date") if form_text(form, n)})
        editing.add_detail(get_uow(request), ident, validated(s.DetailCreate, data))

    return attempt(request, _back(form_text(form, "invoice")), run, "Detail added.")


@router.post("/invoice-lines/{ident}/delete")
def delete_line(request: Request, ident: str, user: Manager, form: Form) -> Response:
    """Delete an invoice line (a product line goes back to ready)."""
    return attempt(
        request,
        _back(form_text(form, "invoice")),
        lambda: editing.delete_line(get_uow(request), ident),
        "Line deleted.",
    )


@router.get("/invoices/{ident}/pdf")
def proforma_pdf(request: Request, ident: str, user: Reader) -> Response:
    """The proforma's PDF, marked PRO FORMA, as the API renders it."""
    rendered = customer_invoices.proforma_pdf(get_uow(request), ident)
    headers = {"Content-Disposition": f'inline; filename="{rendered.filename}"'}
    return Response(rendered.content, media_type=rendered.media_type, headers=headers)
