"""The integration journal for project accountants: Import from staging, the lines
(billing tax groups and dimensions editable while draft), Distribute Amounts, Post;
and the posted transactions with Adjust accounting (seed 003)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from billable.api.routing import SegmentRouter
from billable.domain.permissions import Permission
from billable.domain.vocabulary import JournalState, PostedTransactionState
from billable.erp import journal as integration_journal
from billable.erp import journal_posting, posted_transactions
from billable.identity.users import Principal
from billable.views import journal as views
from billable.web.accounting_forms import dimensions, shares, shown_dimensions
from billable.web.actions import attempt, redirect
from billable.web.render import page
from billable.web.session import checked_form, form_text, get_uow, may

router = SegmentRouter()
Reader = Annotated[Principal, Depends(may(Permission.READ_LEDGER))]
Accountant = Annotated[Principal, Depends(may(Permission.POST_LEDGER))]
Form = Annotated[FormData, Depends(checked_form)]
PAGE_SIZE = 50


@router.get("/journals", response_class=HTMLResponse)
def journals(request: Request, user: Reader, cursor: str | None = None) -> HTMLResponse:
    """The integration journals, a page at a time."""
    uow = get_uow(request)
    with uow:
        window = views.journals(uow.session, PAGE_SIZE, cursor)
    return page(request, "accounting/journals.html.j2", user, window=window)


@router.post("/journals/import")
def import_from_staging(request: Request, user: Accountant, form: Form) -> Response:
    """Import from staging: a new draft journal with every actual not yet journaled."""
    created: list[int] = []

    def run() -> None:
        created.append(integration_journal.import_from_staging(get_uow(request)))

    answer = attempt(request, "/journals", run, "Imported from staging.")
    return redirect(f"/journals/{created[0]}") if created else answer


@router.get("/journals/{ident}", response_class=HTMLResponse)
def journal(request: Request, ident: str, user: Reader) -> HTMLResponse:
    """One journal and its lines."""
    uow = get_uow(request)
    with uow:
        view = views.journal(uow.session, ident)
    return page(
        request,
        "accounting/journal.html.j2",
        user,
        view=view,
        draft=view.journal.status == JournalState.DRAFT,
        shown_dimensions=shown_dimensions,
    )


@router.post("/journals/{ident}/post")
def post(request: Request, ident: str, user: Accountant, form: Form) -> Response:
    """Post a draft journal: its vouchers, all or nothing."""
    return attempt(
        request,
        f"/journals/{ident}",
        lambda: journal_posting.post_journal(get_uow(request), ident),
        "Journal posted.",
    )


@router.post("/journals/{ident}/lines/{line_id}")
def update_line(
    request: Request, ident: str, line_id: str, user: Accountant, form: Form
) -> Response:
    """Change a draft line's billing tax groups and dimensions."""

    def run() -> None:
        fields = {
            "sales_tax_group": form_text(form, "sales_tax_group").strip() or None,
            "item_sales_tax_group": form_text(form, "item_sales_tax_group").strip() or None,
            "dimensions": dimensions("dimensions", form_text(form, "dimensions")),
        }
        integration_journal.update_line(get_uow(request), line_id, fields)

    return attempt(request, f"/journals/{ident}", run, f"Line {line_id} saved.")


@router.post("/journals/{ident}/lines/{line_id}/distribute")
def distribute(
    request: Request, ident: str, line_id: str, user: Accountant, form: Form
) -> Response:
    """Distribute Amounts: a draft line's amount over dimension sets by percent."""

    def run() -> None:
        found = shares("shares", form_text(form, "shares"))
        integration_journal.distribute_line(get_uow(request), line_id, found)

    return attempt(request, f"/journals/{ident}", run, f"Line {line_id} distributed.")


@router.get("/posted-transactions", response_class=HTMLResponse)
def transactions(request: Request, user: Reader, cursor: str | None = None) -> HTMLResponse:
    """Posted transactions, a page at a time, each with Adjust accounting."""
    uow = get_uow(request)
    with uow:
        window = views.transactions(uow.session, PAGE_SIZE, cursor)
    return page(
        request,
        "accounting/transactions.html.j2",
        user,
        window=window,
        posted=PostedTransactionState.POSTED,
        shown_dimensions=shown_dimensions,
    )


@router.post("/posted-transactions/{ident}/adjust")
def adjust(request: Request, ident: str, user: Accountant, form: Form) -> Response:
    """Adjust accounting: new dimensions for all of a posted transaction's amount."""

    def run() -> None:
        found = dimensions("dimensions", form_text(form, "dimensions"))
        posted_transactions.adjust_accounting(get_uow(request), ident, found, None)

    return attempt(request, "/posted-transactions", run, f"Transaction {ident} adjusted.")
