"""What each kind of job does, and running one attempt of a job to its end.

Every handler works in chunks, one transaction each, recording in that transaction
what it finished, so a retry after a crash carries on where the last committed chunk
ended and never does a chunk twice. While an attempt runs, a heartbeat says its
process is alive; every start, retry, failure and finish is logged and counted.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator

from sqlalchemy.exc import OperationalError

from billable.documents import delivery
from billable.domain.audit import SYSTEM
from billable.domain.errors import DomainError
from billable.domain.vocabulary import NotificationLevel
from billable.jobs import records as jobs
from billable.jobs.bulk import bulk_confirm, bulk_invoice
from billable.jobs.outcome import FAILED, Handler, Outcome, UowFactory
from billable.jobs.posting import post_invoice_proposals
from billable.jobs.run_jobs import catch_up, invoice_run
from billable.observability.metrics import JOB_SECONDS, JOBS
from billable.persistence import auditing
from billable.persistence.db import process_name
from billable.persistence.tables import Job

log = logging.getLogger("billable.jobs")
__all__ = ["HANDLERS", "Outcome", "bulk_confirm", "bulk_invoice", "execute"]


def deliver_outbox(make_uow: UowFactory, job: Job) -> Outcome:
    """Send every due delivery of the outbox (issued documents by email or archive)."""
    result = delivery.deliver_due(make_uow)
    return Outcome(
        {"sent": result.sent, FAILED: {str(k): v for k, v in result.failed.items()}},
        "Customer documents delivered",
        f"{len(result.sent)} sent, {len(result.failed)} failed (retried later)",
        NotificationLevel.ERROR if result.failed else NotificationLevel.INFO,
    )


HANDLERS: dict[str, Handler] = {
    "invoice_run": invoice_run,
    "invoice_run_catch_up": catch_up,
    "bulk_invoice": bulk_invoice,
    "bulk_confirm": bulk_confirm,
    "post_invoice_proposals": post_invoice_proposals,
    "deliver_outbox": deliver_outbox,
}


@contextlib.contextmanager
def _heartbeat(make_uow: UowFactory, job_id: int, attempt: int) -> Iterator[None]:
    """Beat every ``HEARTBEAT_SECONDS`` on a thread while the block runs."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(jobs.HEARTBEAT_SECONDS):
            try:
                jobs.heartbeat(make_uow(), job_id, attempt)
            except Exception:  # a missed beat is not a failed job; the next one tries
                log.warning("heartbeat of job %s failed", job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"billable-heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _log(event: str, job: Job, started: float, level: int = logging.INFO, **extra: object) -> None:
    fields = {
        "event": event,
        "job_id": job.id,
        "kind": job.kind,
        "attempt": job.attempts,
        "worker": process_name(),
        "duration_ms": round((time.monotonic() - started) * 1000),
        **extra,
    }
    log.log(level, "job %s %s %s", job.id, job.kind, event.removeprefix("job."), extra=fields)


def _done(job: Job, started: float, outcome: str) -> None:
    JOBS.labels(job.kind, outcome).inc()
    JOB_SECONDS.labels(job.kind, outcome).observe(time.monotonic() - started)


def execute(make_uow: UowFactory, job_id: int) -> None:
    """Run job ``job_id`` to the end. A refusal fails the job; a database outage is
    raised so the queue retries it; anything else fails the job with its message."""
    job = jobs.claim(make_uow(), job_id)
    if job is None:
        return
    attempt, started = job.attempts, time.monotonic()
    _log("job.started", job, started)
    with _heartbeat(make_uow, job_id, attempt):
        try:
            # The job's own writes are the system's (a command running one inline
            # keeps its own name): one audit event per chunk it commits.
            with auditing.acting_unless_attributed(SYSTEM, f"job {job.kind}"):
                outcome = HANDLERS[job.kind](make_uow, job)
        except DomainError as exc:
            jobs.fail(make_uow(), job_id, exc.detail, attempt)
            _log("job.failed", job, started, logging.WARNING, error=exc.detail)
            _done(job, started, jobs.AttemptOutcome.FAILED)
            return
        except OperationalError as exc:
            with contextlib.suppress(Exception):  # the database may be gone altogether
                jobs.interrupt(make_uow(), job_id, attempt, str(exc).splitlines()[0])
            _log("job.retry", job, started, logging.WARNING, error=type(exc).__name__)
            _done(job, started, jobs.AttemptOutcome.INTERRUPTED)
            raise
        except Exception as exc:  # a job must end in a state a user can read
            log.exception("job %s failed", job_id, extra={"event": "job.error", "job_id": job_id})
            jobs.fail(make_uow(), job_id, f"{type(exc).__name__}: {exc}", attempt)
            _log("job.failed", job, started, logging.ERROR, error=type(exc).__name__)
            _done(job, started, jobs.AttemptOutcome.FAILED)
            return
    jobs.finish(
        make_uow(), job_id, outcome.result, outcome.title, outcome.message, attempt, outcome.level
    )
    _log("job.finished", job, started)
    _done(job, started, jobs.AttemptOutcome.SUCCEEDED)
