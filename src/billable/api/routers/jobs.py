"""Background work: bulk creation and confirmation, invoice runs, jobs, notifications."""

import datetime as dt
from typing import Any

from fastapi import Depends, Request

from billable.api.deps import ReadBilling, Uow, allow, principal
from billable.api.pagination import Page, page
from billable.api.present import sid
from billable.api.routing import SegmentRouter
from billable.api.schemas import invoices as s
from billable.api.schemas import jobs as js
from billable.api.schemas.common import JobAccepted
from billable.domain.errors import Invalid
from billable.domain.permissions import Permission
from billable.domain.vocabulary import JobState
from billable.identity.users import Principal
from billable.jobs.handlers import HANDLERS
from billable.runs import invoice_runs as runs
from billable.views import jobs as views
from billable.views.records import Record

router = SegmentRouter(tags=["jobs"])
BillingWriter = Depends(allow(Permission.WRITE_BILLING))


def _start(
    request: Request, uow: Uow, kind: str, params: dict[str, Any], caller: Principal, total: int
) -> dict[str, str]:
    """Record the job and queue it, together: a job row never waits without a queue entry."""
    job_id = request.app.state.dispatcher().start(uow, kind, params, caller.user_id, total)
    return {"job_id": str(job_id)}


def _check_ids(uow: Uow, ids: list[str], field: str, what: str) -> list[str]:
    """The ids, read as every route reads ids ("01" is 1), each known, once, in order."""
    with uow:
        return views.known_ids(uow.session, what, ids, field)


@router.post("/invoices/bulk", response_model=JobAccepted, status_code=202)
def bulk_create(
    body: s.BulkCreate, request: Request, uow: Uow, caller: Principal = BillingWriter
) -> dict[str, str]:
    """One draft invoice per contract, created by a background job."""
    ids = _check_ids(uow, body.contract_ids, "contract_ids", "contract")
    date = body.invoice_date or dt.date.today()
    return _start(
        request,
        uow,
        "bulk_invoice",
        {"contract_ids": ids, "invoice_date": date.isoformat()},
        caller,
        len(ids),
    )


@router.post("/invoices/bulk-confirm", response_model=JobAccepted, status_code=202)
def bulk_confirm(
    body: s.BulkConfirm, request: Request, uow: Uow, caller: Principal = BillingWriter
) -> dict[str, str]:
    """Confirm many invoices in a background job (set-based)."""
    ids = _check_ids(uow, body.invoice_ids, "invoice_ids", "invoice")
    return _start(request, uow, "bulk_confirm", {"invoice_ids": ids}, caller, len(ids))


@router.post("/invoice-runs", response_model=JobAccepted, status_code=202)
def start_run(
    body: s.RunCreate, request: Request, uow: Uow, caller: Principal = BillingWriter
) -> dict[str, str]:
    """Process a run date in the background; re-running a date creates nothing new."""
    runs.check_run_date(body.run_date, dt.datetime.now(dt.UTC).date())
    return _start(request, uow, "invoice_run", {"run_date": body.run_date.isoformat()}, caller, 0)


def _run(row: Record) -> dict[str, Any]:
    return {
        "id": sid(row.id),
        "run_date": row.run_date,
        "status": row.status,
        "job_id": sid(row.job_id),
        "invoices_created": row.invoices_created,
        "contracts_skipped": row.contracts_skipped,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
    }


@router.get("/invoice-runs", response_model=Page[s.RunOut], dependencies=[ReadBilling])
def list_runs(uow: Uow, limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
    with uow:
        found = views.runs(uow.session, limit, cursor)
    return page(found, _run)


def _summary(row: Record) -> dict[str, Any]:
    return {
        "id": sid(row.id),
        "kind": row.kind,
        "status": row.status,
        "progress": {"done": row.progress_done, "total": row.progress_total},
        "error": row.error,
        "attempt_count": row.attempts,
        "created_at": row.created_at,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
    }


def _attempt(row: Record) -> dict[str, Any]:
    return {
        "attempt": row.attempt,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "heartbeat_at": row.heartbeat_at,
        "host": row.host,
        "pid": row.pid,
        "worker": f"{row.host}:{row.pid}",
        "outcome": row.outcome,
        "error": row.error,
    }


@router.get("/jobs", response_model=Page[js.JobSummary], dependencies=[ReadBilling])
def list_jobs(
    uow: Uow,
    kind: str | None = None,
    status: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Jobs oldest first; ``date_from`` / ``date_to`` (inclusive) filter by creation day."""
    if kind is not None and kind not in HANDLERS:
        raise Invalid.field("kind", f"must be one of {', '.join(sorted(HANDLERS))}")
    if status is not None and status not in set(JobState):
        raise Invalid.field("status", f"must be one of {', '.join(JobState)}")
    if date_from and date_to and date_from > date_to:
        raise Invalid.field("date_to", f"{date_to} is before date_from {date_from}")
    with uow:
        found = views.jobs(
            uow.session,
            limit,
            cursor,
            kind=kind,
            status=status,
            date_from=date_from,
            date_to=date_to,
        )
    return page(found, _summary)


@router.get("/jobs/{ident}", response_model=js.JobOut, dependencies=[ReadBilling])
def get_job(ident: str, uow: Uow) -> dict[str, Any]:
    """A job with its result and every attempt: when, and on which host and process."""
    with uow:
        row = views.job(uow.session, ident)
        attempts = views.job_attempts(uow.session, row.id)
    return {**_summary(row), "result": row.result, "attempts": [_attempt(a) for a in attempts]}


@router.get("/notifications", response_model=Page[s.NotificationOut])
def list_notifications(
    uow: Uow, limit: int = 50, cursor: str | None = None, caller: Principal = Depends(principal)
) -> dict[str, Any]:
    """The caller's notifications and those for everyone, oldest first."""
    with uow:
        found = views.notifications(uow.session, caller.user_id, limit, cursor)
    return page(
        found,
        lambda n: {
            "id": sid(n.id),
            "job_id": sid(n.job_id),
            "level": n.level,
            "title": n.title,
            "message": n.message,
            "created_at": n.created_at,
        },
    )
