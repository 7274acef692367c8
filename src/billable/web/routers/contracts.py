"""Project contracts: the list (search, customer filter) with Create Project Invoices for
a selection as a background job; one contract with its lines, milestones and Create
Invoice; a job's progress."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from billable.api.routing import SegmentRouter
from billable.billing import invoicing
from billable.domain.errors import Invalid, NotFound
from billable.domain.permissions import Permission
from billable.domain.vocabulary import JobState
from billable.identity.users import Principal
from billable.masterdata.milestones import mark_milestone_ready
from billable.views import contracts as contract_views
from billable.views import erp as erp_views
from billable.views import invoices as invoice_views
from billable.views import jobs as job_views
from billable.views import masterdata as master_views
from billable.views.records import Record
from billable.web.actions import attempt, redirect
from billable.web.forms import date, optional
from billable.web.render import page
from billable.web.session import (
    checked_form,
    flash_refusal,
    form_text,
    form_values,
    get_uow,
    may,
    signed_in,
)

router = SegmentRouter()
Manager = Annotated[Principal, Depends(may(Permission.WRITE_BILLING))]
User = Annotated[Principal, Depends(signed_in)]
Form = Annotated[FormData, Depends(checked_form)]
PAGE_SIZE = 50


@router.get("/contracts", response_class=HTMLResponse)
def contracts(
    request: Request, user: Manager, q: str = "", customer: str = "", cursor: str | None = None
) -> HTMLResponse:
    """A page of contracts, searched by name and filtered by customer."""
    uow = get_uow(request)
    with uow:
        window = contract_views.contracts(
            uow.session, PAGE_SIZE, cursor, optional(customer), optional(q)
        )
        customers = master_views.rows(uow.session, "customer", 500, None).items
    names = {c.id: c.name for c in customers}
    return page(
        request,
        "contracts.html.j2",
        user,
        window=window,
        q=q,
        customer=customer,
        customers=customers,
        names=names,
        today=dt.date.today().isoformat(),
    )


@router.post("/contracts/create-invoices")
def create_project_invoices(request: Request, user: Manager, form: Form) -> Response:
    """Create Project Invoices: one draft per selected contract, as a background job."""
    ids, when = form_values(form, "ids"), form_text(form, "invoice_date")
    try:
        if not ids:
            raise Invalid.field("ids", "select at least one contract")
        invoice_date = date("invoice_date", when) if when else dt.date.today()
        uow = get_uow(request)
        with uow:
            known = job_views.known_ids(uow.session, "contract", ids, "ids")
        params = {"contract_ids": known, "invoice_date": invoice_date.isoformat()}
        job_id = request.app.state.dispatcher().start(
            get_uow(request), "bulk_invoice", params, user.user_id, len(known)
        )
    except Invalid as exc:
        flash_refusal(request, exc)
        return redirect("/contracts")
    return redirect(f"/jobs/{job_id}")


@router.get("/jobs/{ident}", response_class=HTMLResponse)
def job(request: Request, ident: str, user: User) -> HTMLResponse:
    """A job's progress; the page refreshes itself while the job runs."""
    uow = get_uow(request)
    with uow:
        shown = job_views.job(uow.session, ident)
        notes = job_views.job_notifications(uow.session, shown.id)
    running = shown.status in (JobState.QUEUED, JobState.RUNNING)
    return page(request, "job.html.j2", user, job=shown, notes=notes, running=running)


@router.get("/contracts/{ident}", response_class=HTMLResponse)
def contract(
    request: Request, ident: str, user: Manager, cursor: str | None = None
) -> HTMLResponse:
    """A contract: its lines (a page at a time) with due dates and invoiced to date,
    milestones, products, and its fixed-rate agreement."""
    uow = get_uow(request)
    with uow:
        shown = contract_views.contract(uow.session, ident)
        window = contract_views.lines(uow.session, ident, PAGE_SIZE, cursor)
        lines = window.items
        milestones = {
            line.id: contract_views.milestones(uow.session, str(line.id), 500, None).items
            for line in lines
            if line.kind != "product"  # not vocabulary: a contract line's kind
        }
        to_date = invoice_views.invoiced_to_date(uow.session, 0, {line.id for line in lines})
        drafts = invoice_views.invoices(
            uow.session, 50, None, invoice_views.InvoiceFilters(contract_id=str(shown.id))
        ).items
        agreement = _agreement(uow.session, str(shown.id))
    return page(
        request,
        "contract.html.j2",
        user,
        contract=shown,
        window=window,
        lines=lines,
        milestones=milestones,
        to_date=to_date,
        invoices=drafts,
        today=dt.date.today().isoformat(),
        agreement=agreement,
    )


def _agreement(session: Any, contract_id: str) -> Record | None:
    """The contract's fixed-rate agreement, or ``None`` when it has none (the contract
    itself is known: the page read it first)."""
    try:
        return erp_views.fixed_rate_agreement(session, contract_id)
    except NotFound:
        return None


@router.post("/contracts/{ident}/invoices")
def create_invoice(request: Request, ident: str, user: Manager, form: Form) -> Response:
    """Create Invoice: the contract's draft from what is ready up to the date."""
    when = form_text(form, "invoice_date")
    made: list[int] = []

    def run() -> None:
        invoice_date = date("invoice_date", when) if when else None
        made.append(invoicing.create_invoice(get_uow(request), ident, invoice_date))

    answer = attempt(request, f"/contracts/{ident}", run, "Invoice created.")
    return redirect(f"/invoices/{made[0]}") if made else answer


@router.post("/milestones/{ident}/ready")
def milestone_ready(request: Request, ident: str, user: Manager, form: Form) -> Response:
    """Ready to invoice: the milestone goes into the next invoice."""
    back = f"/contracts/{form_text(form, 'contract')}"
    return attempt(
        request,
        back,
        lambda: mark_milestone_ready(get_uow(request), ident, None),
        "The milestone is ready to invoice.",
    )
