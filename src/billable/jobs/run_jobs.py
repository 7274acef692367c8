"""Invoice runs as jobs: one run date, or every missed date in order (catch-up).

Results and progress are read back from what the dates recorded
(``invoice_run_contracts``), so a run cut off and resumed reports what an
uninterrupted run would have, and its progress only moves forward.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import func, select

from billable.domain.vocabulary import JobState
from billable.jobs import records as jobs
from billable.jobs.outcome import Outcome, UowFactory
from billable.persistence.tables import InvoiceRun, InvoiceRunContract, Job
from billable.runs import invoice_runs as runs


def _contracts_done(make_uow: UowFactory, date: dt.date) -> set[int]:
    with make_uow() as uow:
        return set(
            uow.session.scalars(
                select(InvoiceRunContract.contract_id).where(InvoiceRunContract.run_date == date)
            )
        )


def _run_progress(make_uow: UowFactory, job_id: int, date: dt.date) -> Callable[[int, int], None]:
    """Progress of a run date over all its attempts: contracts done of those due."""
    done = _contracts_done(make_uow, date)
    total = len(done | set(runs.due_plan(make_uow(), date)))

    def report(_done: int, _total: int) -> None:
        uow = make_uow()
        with uow:
            count = uow.session.scalar(
                select(func.count()).where(InvoiceRunContract.run_date == date)
            )
            jobs.record_progress(uow, job_id, int(count or 0), total)
            uow.commit()

    report(len(done), total)
    return report


def invoice_run(make_uow: UowFactory, job: Job) -> Outcome:
    """Process one run date (``params.run_date``)."""
    date = dt.date.fromisoformat(job.params["run_date"])
    runs.run_date(make_uow, date, _run_progress(make_uow, job.id, date), job.id)
    # What every attempt of this job did (a re-run of a done date creates nothing, and
    # reports nothing; a concurrent run reports what it did itself).
    result = runs.date_outcome(make_uow(), date, job.id)
    return Outcome(
        result.as_dict(),
        f"Invoice run {date}",
        f"{len(result.invoices)} invoices created, {len(result.skipped)} contracts "
        "had nothing to invoice",
    )


def _catch_up_dates(make_uow: UowFactory, job: Job) -> list[dt.date]:
    """The dates this catch-up job processes: fixed by its first attempt, so a retry
    neither drops the dates an earlier attempt finished nor adds new ones."""
    dates = runs.missed_dates(make_uow(), dt.date.fromisoformat(job.params["today"]))
    uow = make_uow()
    with uow:
        current = uow.session.get(Job, job.id, with_for_update=True)
        recorded = ((current.result if current else None) or {}).get("run_dates")
        if recorded is not None:
            return [dt.date.fromisoformat(d) for d in recorded]
        jobs.record_progress(
            uow, job.id, 0, len(dates), {"run_dates": [d.isoformat() for d in dates]}
        )
        uow.commit()
    return dates


def _dates_done(make_uow: UowFactory, dates: list[dt.date]) -> int:
    with make_uow() as uow:
        return int(
            uow.session.scalar(
                select(func.count()).where(
                    InvoiceRun.run_date.in_(dates), InvoiceRun.status == JobState.SUCCEEDED
                )
            )
            or 0
        )


def catch_up(make_uow: UowFactory, job: Job) -> Outcome:
    """Process every missed run date up to ``params.today``, in order."""
    dates = _catch_up_dates(make_uow, job)
    for date in dates:
        runs.run_date(make_uow, date, job_id=job.id)
        done = _dates_done(make_uow, dates)
        uow = make_uow()
        with uow:
            jobs.record_progress(uow, job.id, done, len(dates))
            uow.commit()
    created = sum(len(runs.date_outcome(make_uow(), d, job.id).invoices) for d in dates)
    return Outcome(
        {"run_dates": [d.isoformat() for d in dates], "invoices_created": created},
        "Daily invoice run",
        f"{len(dates)} run dates processed, {created} invoices",
    )
