"""Invoice runs: past runs with what each created, and a run started for a date (a job
whose progress page follows it)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from billable.api.routing import SegmentRouter
from billable.domain.errors import Invalid
from billable.domain.permissions import Permission
from billable.identity.users import Principal
from billable.runs import invoice_runs
from billable.views import jobs as job_views
from billable.web.actions import redirect
from billable.web.forms import date
from billable.web.render import page
from billable.web.session import checked_form, flash_refusal, form_text, get_uow, may

router = SegmentRouter()
Reader = Annotated[Principal, Depends(may(Permission.READ_BILLING))]
Manager = Annotated[Principal, Depends(may(Permission.WRITE_BILLING))]
Form = Annotated[FormData, Depends(checked_form)]
PAGE_SIZE = 50


@router.get("/invoice-runs", response_class=HTMLResponse)
def runs(request: Request, user: Reader, cursor: str | None = None) -> HTMLResponse:
    """The daily schedule and a page of past runs."""
    uow = get_uow(request)
    with uow:
        window = job_views.runs(uow.session, PAGE_SIZE, cursor)
    return page(request, "runs.html.j2", user, window=window, today=dt.date.today().isoformat())


@router.post("/invoice-runs")
def start_run(request: Request, user: Manager, form: Form) -> Response:
    """Start the run of a date in the background and follow its progress."""
    try:
        run_date = date("run_date", form_text(form, "run_date"))
        invoice_runs.check_run_date(run_date, dt.datetime.now(dt.UTC).date())
        job_id = request.app.state.dispatcher().start(
            get_uow(request), "invoice_run", {"run_date": run_date.isoformat()}, user.user_id, 0
        )
    except Invalid as exc:
        flash_refusal(request, exc)
        return redirect("/invoice-runs")
    return redirect(f"/jobs/{job_id}")
