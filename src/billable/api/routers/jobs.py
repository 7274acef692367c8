"""Background work: bulk creation and confirmation, invoice runs, jobs, notifications."""

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import or_, select

from billable.api.deps import ReadBilling, Uow, allow, principal
from billable.api.pagination import Page, paginate
from billable.api.present import sid
from billable.api.schemas import invoices as s
from billable.api.schemas import jobs as js
from billable.api.schemas.common import JobAccepted
from billable.domain.errors import Invalid
from billable.domain.permissions import Permission
from billable.domain.vocabulary import JobState
from billable.identity.users import Principal
from billable.jobs.handlers import HANDLERS
from billable.persistence.lookups import get, refs
from billable.persistence.tables import (
    Contract,
    Invoice,
    InvoiceRun,
    Job,
    JobAttempt,
    Notification,
)
from billable.runs import invoice_runs as runs

router = APIRouter(tags=["jobs"])
BillingWriter = Depends(allow(Permission.WRITE_BILLING))


def _start(
    request: Request, uow: Uow, kind: str, params: dict[str, Any], caller: Principal, total: int
) -> dict[str, str]:
    """Record the job and queue it, together: a job row never waits without a queue entry."""
    job_id = request.app.state.dispatcher().start(uow, kind, params, caller.user_id, total)
    return {"job_id": str(job_id)}


def _check_ids(uow: Uow, model: Any, ids: list[str], field: str, what: str) -> list[str]:
    """The ids, read as every route reads ids ("01" is 1), each known, once, in order."""
    with uow:
        rows = refs(uow.session, model, ids, field, what)
        return list(dict.fromkeys(str(row.id) for row in rows))


@router.post("/invoices/bulk", response_model=JobAccepted, status_code=202)
def bulk_create(
    body: s.BulkCreate, request: Request, uow: Uow, caller: Principal = BillingWriter
) -> dict[str, str]:
    """One draft invoice per contract, created by a background job."""
    ids = _check_ids(uow, Contract, body.contract_ids, "contract_ids", "contract")
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
    ids = _check_ids(uow, Invoice, body.invoice_ids, "invoice_ids", "invoice")
    return _start(request, uow, "bulk_confirm", {"invoice_ids": ids}, caller, len(ids))


@router.post("/invoice-runs", response_model=JobAccepted, status_code=202)
def start_run(
    body: s.RunCreate, request: Request, uow: Uow, caller: Principal = BillingWriter
) -> dict[str, str]:
    """Process a run date in the background; re-running a date creates nothing new."""
    runs.check_run_date(body.run_date, dt.datetime.now(dt.UTC).date())
    return _start(request, uow, "invoice_run", {"run_date": body.run_date.isoformat()}, caller, 0)


def _run(row: InvoiceRun) -> dict[str, Any]:
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
        return paginate(uow.session, select(InvoiceRun), InvoiceRun.id, limit, cursor, _run)


def _progress(row: Job) -> dict[str, int]:
    return {"done": row.progress_done, "total": row.progress_total}


def _summary(row: Job) -> dict[str, Any]:
    return {
        "id": sid(row.id),
        "kind": row.kind,
        "status": row.status,
        "progress": _progress(row),
        "error": row.error,
        "attempt_count": row.attempts,
        "created_at": row.created_at,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
    }


def _attempt(row: JobAttempt) -> dict[str, Any]:
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
    stmt = select(Job)
    if kind is not None:
        if kind not in HANDLERS:
            raise Invalid.field("kind", f"must be one of {', '.join(sorted(HANDLERS))}")
        stmt = stmt.where(Job.kind == kind)
    if status is not None:
        if status not in set(JobState):
            raise Invalid.field("status", f"must be one of {', '.join(JobState)}")
        stmt = stmt.where(Job.status == status)
    if date_from and date_to and date_from > date_to:
        raise Invalid.field("date_to", f"{date_to} is before date_from {date_from}")
    if date_from is not None:
        stmt = stmt.where(Job.created_at >= dt.datetime.combine(date_from, dt.time()))
    if date_to is not None:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())
        stmt = stmt.where(Job.created_at < end)
    with uow:
        return paginate(uow.session, stmt, Job.id, limit, cursor, _summary)


@router.get("/jobs/{ident}", response_model=js.JobOut, dependencies=[ReadBilling])
def get_job(ident: str, uow: Uow) -> dict[str, Any]:
    """A job with its result and every attempt: when, and on which host and process."""
    with uow:
        row = get(uow.session, Job, ident, "job")
        attempts = uow.session.scalars(
            select(JobAttempt).where(JobAttempt.job_id == row.id).order_by(JobAttempt.attempt)
        )
        return {
            **_summary(row),
            "result": row.result,
            "attempts": [_attempt(a) for a in attempts],
        }


@router.get("/notifications", response_model=Page[s.NotificationOut])
def list_notifications(
    uow: Uow, limit: int = 50, cursor: str | None = None, caller: Principal = Depends(principal)
) -> dict[str, Any]:
    """The caller's notifications and those for everyone, oldest first."""
    stmt = select(Notification).where(
        or_(Notification.user_id == caller.user_id, Notification.user_id.is_(None))
    )
    with uow:
        return paginate(
            uow.session,
            stmt,
            Notification.id,
            limit,
            cursor,
            lambda n: {
                "id": sid(n.id),
                "job_id": sid(n.job_id),
                "level": n.level,
                "title": n.title,
                "message": n.message,
                "created_at": n.created_at,
            },
        )
