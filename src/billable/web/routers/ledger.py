"""Vouchers, the trial balance and the milestones invoiced on account, read by project
accountants (and managers)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from billable.api.routing import SegmentRouter
from billable.domain.permissions import Permission
from billable.erp import ledger as general_ledger
from billable.identity.users import Principal
from billable.views import contracts as contract_views
from billable.views import erp as views
from billable.web.accounting_forms import shown_dimensions
from billable.web.forms import date, optional
from billable.web.render import page
from billable.web.session import get_uow, may

router = SegmentRouter()
Reader = Annotated[Principal, Depends(may(Permission.READ_LEDGER))]
PAGE_SIZE = 50


@router.get("/vouchers", response_class=HTMLResponse)
def vouchers(
    request: Request, user: Reader, account: str = "", cursor: str | None = None
) -> HTMLResponse:
    """Vouchers with their lines, a page at a time; filter: an account posted to."""
    uow = get_uow(request)
    with uow:
        window = views.vouchers(uow.session, PAGE_SIZE, cursor, None, None, optional(account))
    return page(request, "accounting/vouchers.html.j2", user, window=window, account=account)


@router.get("/trial-balance", response_class=HTMLResponse)
def trial_balance(request: Request, user: Reader, on: str = "") -> HTMLResponse:
    """Debit, credit and balance per account up to a date (default today)."""
    day = date("on", on) if on.strip() else dt.datetime.now(dt.UTC).date()
    uow = get_uow(request)
    with uow:
        report = general_ledger.trial_balance(uow.session, day, None)
        uow.commit()  # the default legal entity, if it was just made (as the API does)
    return page(request, "accounting/trial_balance.html.j2", user, report=report)


@router.get("/on-account", response_class=HTMLResponse)
def on_account(request: Request, user: Reader, cursor: str | None = None) -> HTMLResponse:
    """The milestones invoiced on account, a page at a time, read-only: the amount
    billed before delivery and the on-account transaction's groups and dimensions."""
    uow = get_uow(request)
    with uow:
        window = contract_views.on_account_milestones(uow.session, PAGE_SIZE, cursor)
    return page(
        request,
        "accounting/on_account.html.j2",
        user,
        window=window,
        shown_dimensions=shown_dimensions,
    )
