"""The fixed-rate agreements page of the ERP setup: every contract's agreement, a page
at a time, one set (or replaced) for a contract and one removed, through the use cases
of the API's ``/contracts/{id}/fixed-rate-agreement``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from billable.api.routing import SegmentRouter
from billable.api.schemas import erp as s
from billable.domain.permissions import Permission
from billable.erp import setup as erp_setup
from billable.identity.users import Principal
from billable.views import contracts as contract_views
from billable.views import erp as views
from billable.web.actions import attempt
from billable.web.forms import validated
from billable.web.render import page
from billable.web.session import checked_form, form_text, get_uow, may
from billable.web.setup_pages import shown

router = SegmentRouter()
Setup = Annotated[Principal, Depends(may(Permission.WRITE_ERP_SETUP))]
Form = Annotated[FormData, Depends(checked_form)]
PAGE_SIZE = 50
BACK = "/setup/fixed-rate-agreements"


@router.get(BACK, response_class=HTMLResponse)
def agreements(request: Request, user: Setup, cursor: str | None = None) -> HTMLResponse:
    """The agreements, a page at a time, and the form to set one."""
    uow = get_uow(request)
    with uow:
        window = views.fixed_rate_agreements(uow.session, PAGE_SIZE, cursor)
        contracts = contract_views.contracts(uow.session, 500, None).items
    return page(
        request,
        "accounting/fixed_rates.html.j2",
        user,
        window=window,
        contracts=contracts,
        shown=shown,
    )


@router.post(BACK)
def set_agreement(request: Request, user: Setup, form: Form) -> Response:
    """Set or replace one contract's agreement (the API's PUT)."""
    contract = form_text(form, "contract")
    names = ("currency", "rate", "reference")
    data = {n: form_text(form, n) for n in names if form_text(form, n)}

    def run() -> None:
        body = validated(s.FixedRateAgreementIn, data, exclude_unset=False)
        erp_setup.set_fixed_rate_agreement(get_uow(request), contract, body)

    return attempt(request, BACK, run, "Fixed-rate agreement saved.")


@router.post(BACK + "/{contract}/remove")
def remove(request: Request, contract: str, user: Setup, form: Form) -> Response:
    """Remove one contract's agreement: the exchange rates apply again."""
    return attempt(
        request,
        BACK,
        lambda: erp_setup.remove_fixed_rate_agreement(get_uow(request), contract),
        "Fixed-rate agreement removed.",
    )
