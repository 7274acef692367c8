"""What each kind of job does. Every handler works in chunks, one transaction each,
recording in that transaction what it finished, so a retry after a crash carries on
where the last committed chunk ended and never does a chunk twice."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import OperationalError

from billable.billing.bulk_confirm import confirm_in_chunks
from billable.billing.bulk_create import create_invoices, prepare_chunk
from billable.documents import delivery
from billable.domain.errors import DomainError
from billable.erp import proposal_posting
from billable.jobs import records as jobs
from billable.persistence.tables import Job
from billable.persistence.uow import UnitOfWork
from billable.runs import invoice_runs as runs

log = logging.getLogger(__name__)
UowFactory = Callable[[], UnitOfWork]
Outcome = tuple[dict[str, Any], str, str]
CHUNK = 200


def _progress(make_uow: UowFactory, job_id: int) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        uow = make_uow()
        with uow:
            jobs.record_progress(uow, job_id, done, total)
            uow.commit()

    return report


def invoice_run(make_uow: UowFactory, job: Job) -> Outcome:
    """Process one run date (``params.run_date``)."""
    date = dt.date.fromisoformat(job.params["run_date"])
    result = runs.run_date(make_uow, date, _progress(make_uow, job.id), job.id)
    return (
        result.as_dict(),
        f"Invoice run {date}",
        f"{len(result.invoices)} invoices created, {len(result.skipped)} contracts "
        "had nothing to invoice",
    )


def catch_up(make_uow: UowFactory, job: Job) -> Outcome:
    """Process every missed run date up to ``params.today``, in order."""
    today = dt.date.fromisoformat(job.params["today"])
    dates = runs.missed_dates(make_uow(), today)
    created = 0
    for date in dates:
        created += len(runs.run_date(make_uow, date).invoices)
    return (
        {"run_dates": [d.isoformat() for d in dates], "invoices_created": created},
        "Daily invoice run",
        f"{len(dates)} run dates processed, {created} invoices",
    )


def bulk_invoice(make_uow: UowFactory, job: Job) -> Outcome:
    """One invoice per contract of ``params.contract_ids`` (manual bulk creation);
    ``params.chunk`` (optional) sets how many contracts each transaction takes."""
    ids = [int(i) for i in job.params["contract_ids"]]
    date = dt.date.fromisoformat(job.params["invoice_date"])
    size = int(job.params.get("chunk", CHUNK))
    done: dict[str, str | None] = dict((job.result or {}).get("invoices", {}))
    for start in range(0, len(ids), size):
        if all(str(i) in done for i in ids[start : start + size]):
            continue
        uow = make_uow()
        with uow:
            # What is done is what the job row says under its lock: another execution of
            # this job (its worker taken for dead by the queue) may have done more since.
            current = uow.session.get(Job, job.id, with_for_update=True)
            done = dict(((current.result if current else None) or {}).get("invoices", {}))
            chunk = [i for i in ids[start : start + size] if str(i) not in done]
            if not chunk:
                continue
            prepare_chunk(uow.session, start // size)
            created = create_invoices(uow.session, dict.fromkeys(chunk), date, skip_empty=False)
            done.update({str(c): str(i) for c, i in created.invoices.items()})
            jobs.record_progress(uow, job.id, len(done), len(ids), {"invoices": done})
            uow.commit()
    return ({"invoices": done}, "Invoices created", f"{len(done)} invoices created in bulk")


def bulk_confirm(make_uow: UowFactory, job: Job) -> Outcome:
    """Confirm ``params.invoice_ids``; those already confirmed are left as they are."""
    ids = [int(i) for i in job.params["invoice_ids"]]
    holder: list[UnitOfWork] = []

    def make() -> UnitOfWork:
        holder[:] = [make_uow()]
        return holder[0]

    def progress(done: int, total: int, confirmed: int) -> None:
        jobs.record_progress(holder[0], job.id, done, total, {"confirmed": confirmed})

    confirmed = confirm_in_chunks(make, ids, CHUNK, progress)
    return ({"confirmed": confirmed}, "Invoices confirmed", f"{confirmed} invoices confirmed")


def post_invoice_proposals(make_uow: UowFactory, job: Job) -> Outcome:
    """Post every ready invoice proposal, each in its own transaction; refusals are
    reported in the result and the notification, the others stay posted."""
    result = proposal_posting.post_ready(make_uow, _progress(make_uow, job.id))
    failed = "".join(f"; {number}: {why}" for number, why in result.failed.items())
    return (
        result.as_dict(),
        "Invoice proposals posted",
        f"{len(result.posted)} invoice proposals posted, {len(result.failed)} failed{failed}",
    )


def deliver_outbox(make_uow: UowFactory, job: Job) -> Outcome:
    """Send every due delivery of the outbox (issued documents by email or archive)."""
    result = delivery.deliver_due(make_uow)
    return (
        {"sent": result.sent, "failed": {str(k): v for k, v in result.failed.items()}},
        "Customer documents delivered",
        f"{len(result.sent)} sent, {len(result.failed)} failed (retried later)",
    )


HANDLERS: dict[str, Callable[[UowFactory, Job], Outcome]] = {
    "invoice_run": invoice_run,
    "invoice_run_catch_up": catch_up,
    "bulk_invoice": bulk_invoice,
    "bulk_confirm": bulk_confirm,
    "post_invoice_proposals": post_invoice_proposals,
    "deliver_outbox": deliver_outbox,
}


def execute(make_uow: UowFactory, job_id: int) -> None:
    """Run job ``job_id`` to the end. A refusal fails the job; a database outage is
    raised so the queue retries it; anything else fails the job with its message."""
    job = jobs.claim(make_uow(), job_id)
    if job is None:
        return
    try:
        result, title, message = HANDLERS[job.kind](make_uow, job)
    except DomainError as exc:
        jobs.fail(make_uow(), job_id, exc.detail)
        return
    except OperationalError:
        raise
    except Exception as exc:  # a job must end in a state a user can read
        log.exception("job %s failed", job_id)
        jobs.fail(make_uow(), job_id, f"{type(exc).__name__}: {exc}")
        return
    jobs.finish(make_uow(), job_id, result, title, message)
