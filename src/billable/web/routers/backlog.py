"""The billing backlog of a contract: what waits to be invoiced, filtered, its actuals a
page at a time; many marked Ready to Invoice or Not ready at once.

Across contracts at once is not offered yet: the read side answers per contract today."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from billable.api.routing import SegmentRouter
from billable.billing import backlog as billing_backlog
from billable.domain.errors import Invalid
from billable.domain.permissions import Permission
from billable.domain.vocabulary import TransactionClass
from billable.identity.users import Principal
from billable.views import backlog as backlog_views
from billable.views import contracts as contract_views
from billable.views.pagination import Window
from billable.web.actions import attempt
from billable.web.forms import choice, date, optional
from billable.web.render import page
from billable.web.session import checked_form, form_text, form_values, get_uow, may

router = SegmentRouter()
Manager = Annotated[Principal, Depends(may(Permission.WRITE_BILLING))]
Form = Annotated[FormData, Depends(checked_form)]
PAGE_SIZE = 50


@router.get("/backlog", response_class=HTMLResponse)
def backlog(
    request: Request,
    user: Manager,
    contract: str = "",
    cls: str = "",
    date_from: str = "",
    date_to: str = "",
    cursor: str | None = None,
) -> HTMLResponse:
    """One contract's open actuals, narrowed by class and dates, a page at a time (by
    id, the views' cursor), and its open milestones."""
    filters = billing_backlog.BacklogFilters(
        transaction_class=choice("cls", cls, TransactionClass) if optional(cls) else None,
        date_from=date("date_from", date_from) if optional(date_from) else None,
        date_to=date("date_to", date_to) if optional(date_to) else None,
    )
    uow = get_uow(request)
    with uow:
        contracts = contract_views.contracts(uow.session, 500, None).items
        chosen = optional(contract) or (str(contracts[0].id) if contracts else None)
        milestones = backlog_views.backlog_milestones(uow.session, chosen) if chosen else []
        window = (
            backlog_views.backlog_actuals(
                uow.session, PAGE_SIZE, cursor, replace(filters, contract_id=chosen)
            )
            if chosen
            else Window([], None)
        )
    return page(
        request,
        "backlog.html.j2",
        user,
        contracts=contracts,
        contract=chosen,
        window=window,
        actuals=window.items,
        milestones=milestones,
        classes=list(TransactionClass),
        cls=cls,
        date_from=date_from,
        date_to=date_to,
    )


@router.post("/backlog")
def mark(request: Request, user: Manager, form: Form) -> Response:
    """Mark the selected actuals and milestones Ready to Invoice or Not ready."""
    contract, action = form_text(form, "contract"), form_text(form, "action")
    actual_ids, milestone_ids = form_values(form, "actual_ids"), form_values(form, "milestone_ids")

    def run() -> None:
        if not actual_ids and not milestone_ids:
            raise Invalid.field("actual_ids", "select at least one row")
        billing_backlog.set_ready(
            get_uow(request), actual_ids, milestone_ids, ready=action == "set_ready"
        )

    count = len(actual_ids) + len(milestone_ids)
    said = "Ready to invoice" if action == "set_ready" else "Not ready"
    return attempt(request, f"/backlog?contract={contract}", run, f"{said}: {count} rows.")
