"""Invoice proposals for project accountants: waiting / ready / posted and why one
waits, Import from staging (all or selected), Format invoice proposal (sections Detail /
Summary with their lines, Move up / Move down, Print preview), and Post with the
Posting and Print invoice check boxes (seed 003)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from billable.api.routing import SegmentRouter
from billable.documents import delivery
from billable.domain.errors import Invalid
from billable.domain.permissions import Permission
from billable.domain.vocabulary import ProposalState
from billable.erp import proposal_format, proposal_import, proposal_posting
from billable.identity.users import Principal
from billable.views import proposal_waits
from billable.views import proposals as views
from billable.web.actions import attempt
from billable.web.forms import choice, optional
from billable.web.render import page
from billable.web.session import checked_form, form_text, form_values, get_uow, may

router = SegmentRouter()
Reader = Annotated[Principal, Depends(may(Permission.READ_LEDGER))]
Accountant = Annotated[Principal, Depends(may(Permission.POST_LEDGER))]
Form = Annotated[FormData, Depends(checked_form)]
PAGE_SIZE = 50
MODES = ("detail", "summary")  # the format's modes, the API's Mode


@router.get("/proposals", response_class=HTMLResponse)
def proposals(
    request: Request, user: Reader, status: str = "", cursor: str | None = None
) -> HTMLResponse:
    """Invoice proposals, filtered by status, each waiting one with why it waits."""
    shown = optional(status)
    if shown is not None:
        choice("status", shown, ProposalState)
    uow = get_uow(request)
    with uow:
        window = views.proposals(uow.session, PAGE_SIZE, cursor, None, shown)
        reasons = proposal_waits.waiting_reasons(uow.session, [v.proposal.id for v in window.items])
    return page(
        request,
        "accounting/proposals.html.j2",
        user,
        window=window,
        reasons=reasons,
        status=status,
        states=list(ProposalState),
        waiting=ProposalState.WAITING,
    )


@router.post("/proposals/import")
def import_from_staging(request: Request, user: Accountant, form: Form) -> Response:
    """Import from staging: every selected proposal (or, with none selected, every
    waiting one whose transactions are posted)."""
    ids = form_values(form, "ids")
    uow = get_uow(request)
    if not ids:
        return attempt(
            request, "/proposals", lambda: proposal_import.import_all(uow), "Imported from staging."
        )

    def run() -> None:
        for ident in ids:
            proposal_import.import_one(uow, ident)

    return attempt(request, "/proposals", run, f"Imported {len(ids)} selected from staging.")


#: The sub-lists a proposal's page shows whole (its sections, its lines in none).
SUB_LIST = 500


@router.get("/proposals/{ident}", response_class=HTMLResponse)
def proposal(request: Request, ident: str, user: Reader) -> HTMLResponse:
    """Format invoice proposal: the proposal, its sections and the lines in none."""
    uow = get_uow(request)
    with uow:
        view = views.proposal(uow.session, ident)
        # A proposal has a handful of sections; the page shows them all.
        sections = views.sections(uow.session, ident, SUB_LIST, None).items
        _, lines = views.available_lines(uow.session, ident, SUB_LIST, None)
        available = lines.items
        reasons = proposal_waits.waiting_reasons(uow.session, [view.proposal.id])
    status = view.proposal.status
    return page(
        request,
        "accounting/proposal.html.j2",
        user,
        view=view,
        sections=sections,
        available=available,
        modes=MODES,
        reason=reasons.get(view.proposal.id),
        formattable=status != ProposalState.POSTED,
        postable=status == ProposalState.READY,
        waiting=status == ProposalState.WAITING,
    )


@router.post("/proposals/{ident}/import")
def import_one(request: Request, ident: str, user: Accountant, form: Form) -> Response:
    """Selective import from staging of this proposal."""
    return attempt(
        request,
        f"/proposals/{ident}",
        lambda: proposal_import.import_one(get_uow(request), ident),
        "Imported from staging.",
    )


@router.post("/proposals/{ident}/sections")
def add_section(request: Request, ident: str, user: Accountant, form: Form) -> Response:
    """A new section, last, with the lines included."""

    def run() -> None:
        name = form_text(form, "name").strip()
        if not name:
            raise Invalid.field("name", "give the section a name")
        mode = form_text(form, "mode")
        if mode not in MODES:
            raise Invalid.field("mode", "must be detail or summary")
        fields = {"name": name, "mode": mode, "line_ids": form_values(form, "line_ids")}
        proposal_format.create_section(get_uow(request), ident, fields)

    return attempt(request, f"/proposals/{ident}", run, "Section added.")


@router.post("/proposals/{ident}/sections/{section_id}")
def change_section(
    request: Request, ident: str, section_id: str, user: Accountant, form: Form
) -> Response:
    """Move a section up or down, or delete it."""
    action = form_text(form, "action")
    uow = get_uow(request)

    def run() -> None:
        if action == "delete":
            proposal_format.delete_section(uow, ident, section_id)
        elif action in ("up", "down"):
            proposal_format.update_section(uow, ident, section_id, {"move": action})
        else:
            raise Invalid.field("action", "must be up, down or delete")

    done = "Section removed." if action == "delete" else f"Section moved {action}."
    return attempt(request, f"/proposals/{ident}", run, done)


@router.post("/proposals/{ident}/format")
def invoice_format(request: Request, ident: str, user: Accountant, form: Form) -> Response:
    """How the lines in no section print."""

    def run() -> None:
        mode = form_text(form, "invoice_format")
        if mode not in MODES:
            raise Invalid.field("invoice_format", "must be detail or summary")
        proposal_format.set_invoice_format(get_uow(request), ident, mode)

    return attempt(request, f"/proposals/{ident}", run, "Invoice format saved.")


@router.get("/proposals/{ident}/preview", response_class=HTMLResponse)
def preview(request: Request, ident: str, user: Reader) -> HTMLResponse:
    """Print preview: the printout as it would print (pro forma until posted)."""
    uow = get_uow(request)
    with uow:
        found = views.printout(uow.session, ident, None)
    return HTMLResponse(found.html)


@router.post("/proposals/{ident}/post")
def post(request: Request, ident: str, user: Accountant, form: Form) -> Response:
    """Post (Posting checked) or show as a pro forma (unchecked); Print invoice prints."""
    posting = form_text(form, "posting") == "on"
    printing = form_text(form, "print") == "on"
    done = "Proposal posted." if posting else "Pro forma shown; nothing was posted."
    uow = get_uow(request)

    def run() -> None:
        outcome = proposal_posting.post_proposal(uow, ident, posting, printing)
        # As the API does: the customer invoice issued goes where print management says.
        issued = outcome.customer_invoice_id
        if issued and delivery.has_queued(uow, issued):
            request.app.state.dispatcher().start(uow, "deliver_outbox", {}, user.user_id, 0)

    return attempt(request, f"/proposals/{ident}", run, done + (" Printed." if printing else ""))
