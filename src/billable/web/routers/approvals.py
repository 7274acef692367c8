"""Approvals: submitted entries of one kind, filtered; approve or reject many at once
through the bulk approval use case (all or nothing)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from billable.api.routing import SegmentRouter
from billable.billing import entries
from billable.domain.errors import Invalid
from billable.domain.permissions import Permission
from billable.domain.vocabulary import EntryState, TransactionClass
from billable.identity.users import Principal
from billable.views import entries as entry_views
from billable.views import masterdata as master_views
from billable.web.actions import attempt
from billable.web.forms import choice, optional
from billable.web.render import page
from billable.web.session import checked_form, form_text, form_values, get_uow, may

router = SegmentRouter()
Approver = Annotated[Principal, Depends(may(Permission.APPROVE_ENTRIES))]
Form = Annotated[FormData, Depends(checked_form)]
PAGE_SIZE = 50
KINDS = (
    TransactionClass.TIME,
    TransactionClass.EXPENSE,
    TransactionClass.MATERIAL,
    TransactionClass.FEE,
)


@router.get("/approvals", response_class=HTMLResponse)
def approvals(
    request: Request,
    user: Approver,
    kind: str = TransactionClass.TIME,
    project: str = "",
    cursor: str | None = None,
) -> HTMLResponse:
    """Submitted entries of ``kind`` waiting for approval, a page at a time."""
    shown_kind = choice("kind", kind, TransactionClass)
    uow = get_uow(request)
    with uow:
        window = entry_views.entries(
            uow.session, shown_kind, PAGE_SIZE, cursor, optional(project), EntryState.SUBMITTED
        )
        projects = master_views.rows(uow.session, "project", 500, None).items
        resources = {
            r.id: r.name for r in master_views.rows(uow.session, "resource", 500, None).items
        }
    return page(
        request,
        "approvals.html.j2",
        user,
        window=window,
        kind=shown_kind,
        kinds=KINDS,
        project=project,
        projects=projects,
        resources=resources,
    )


@router.post("/approvals")
def decide(request: Request, user: Approver, form: Form) -> Response:
    """Approve or reject the selected entries, all or none."""
    kind = choice("kind", form_text(form, "kind"), TransactionClass)
    action = form_text(form, "action")
    ids = form_values(form, "ids")
    back = f"/approvals?kind={kind}"

    def run() -> None:
        if action not in ("approve", "reject"):
            raise Invalid.field("action", "must be approve or reject")
        if not ids:
            raise Invalid.field("ids", "select at least one entry")
        entries.transition_entries(get_uow(request), kind, ids, action)

    verb = "Approved" if action == "approve" else "Rejected"
    return attempt(
        request, back, run, f"{verb} {len(ids)} {'entry' if len(ids) == 1 else 'entries'}."
    )
