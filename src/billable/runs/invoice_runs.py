"""Automated invoice runs (seeds 000, 002, 004; rules.md "Automated runs and jobs").

A run date walks the contract lines due that day: time-and-material lines whose
schedule has that date, fixed-price lines with a ready milestone dated on or before
it, ready product lines whose own date has come. Lines of one contract due the same
day share one invoice; a contract with nothing to invoice gets none.

A run date is processed once: every contract it handles is recorded in
``invoice_run_contracts`` in the same transaction as its invoice, keyed by
(run date, contract). However many runs of a date start at once, on however many
machines, each contract is invoiced for it at most once; a re-run creates nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from billable.billing.bulk_create import create_invoices, prepare_chunk
from billable.domain.errors import Invalid
from billable.domain.schedule import BillingMethod, LineDue, LineKind, is_due
from billable.domain.vocabulary import JobState, MilestoneState, ProductLineState
from billable.persistence.tables import (
    Contract,
    ContractLine,
    InvoiceRun,
    InvoiceRunContract,
    Milestone,
)
from billable.persistence.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
Progress = Callable[[int, int], None]
CHUNK = 500
#: Contracts per transaction on SQLite: one writer at a time there, so a run commits
#: often and the requests queued meanwhile get their turn between its chunks.
SQLITE_CHUNK = 100


@dataclass
class RunResult:
    """What a run date did."""

    run_date: dt.date
    invoices: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The job result of api.md: invoices created and contracts skipped."""
        return {
            "run_date": self.run_date.isoformat(),
            "invoices_created": [str(i) for i in self.invoices],
            "contracts_skipped": [str(c) for c in self.skipped],
        }


def due_plan(uow: UnitOfWork, run_date: dt.date) -> dict[int, list[int]]:
    """Contract id -> ids of its lines due on ``run_date`` (the domain's ``is_due``)."""
    with uow:
        lines = due_candidates(uow.session, run_date)
    plan: dict[int, list[int]] = defaultdict(list)
    for (line_id, contract_id), line in lines.items():
        if is_due(line, run_date):
            plan[contract_id].append(line_id)
    return {cid: sorted(lines) for cid, lines in sorted(plan.items())}


def due_candidates(session: Session, run_date: dt.date) -> dict[tuple[int, int], LineDue]:
    """(line id, contract id) -> what decides when the line is due, for every line that
    could be due on ``run_date``: scheduled lines, ready product lines, and fixed-price
    lines with a ready milestone dated on or before it. Three queries, however many lines."""
    found: dict[tuple[int, int], LineDue] = {}
    candidates = select(
        ContractLine.id,
        ContractLine.contract_id,
        ContractLine.kind,
        ContractLine.billing_method,
        ContractLine.schedule_frequency,
        ContractLine.schedule_start_date,
        ContractLine.product_status,
        ContractLine.date,
    )
    ready_product = (ContractLine.kind == LineKind.PRODUCT) & (
        ContractLine.product_status == ProductLineState.READY_TO_INVOICE
    )
    for row in session.execute(
        candidates.where(ContractLine.schedule_frequency.is_not(None) | ready_product)
    ):
        found[(row.id, row.contract_id)] = LineDue.of(row)
    milestones: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    for line_id, contract_id, date in session.execute(
        select(ContractLine.id, ContractLine.contract_id, Milestone.date)
        .join(Milestone, Milestone.contract_line_id == ContractLine.id)
        .where(
            ContractLine.billing_method == BillingMethod.FIXED_PRICE,
            Milestone.status == MilestoneState.READY_TO_INVOICE,
            Milestone.date <= run_date,
        )
    ):
        milestones[(line_id, contract_id)].append(date)
    for key, dates in milestones.items():
        base = found.get(key) or LineDue(LineKind.PROJECT, BillingMethod.FIXED_PRICE)
        found[key] = replace(base, ready_milestone_dates=tuple(dates))
    return found


def _done(uow: UnitOfWork, run_date: dt.date, contract_ids: list[int]) -> set[int]:
    return set(
        uow.session.scalars(
            select(InvoiceRunContract.contract_id).where(
                InvoiceRunContract.run_date == run_date,
                InvoiceRunContract.contract_id.in_(contract_ids),
            )
        )
    )


def _run_chunk(
    uow: UnitOfWork,
    run_date: dt.date,
    chunk: dict[int, list[int]],
    result: RunResult,
    index: int,
    job_id: int | None,
) -> None:
    """Invoice one chunk of contracts for ``run_date`` in one transaction."""
    with uow:
        session = uow.session
        prepare_chunk(session, index)
        ids = sorted(chunk)
        # Lock first, then look at what is done: a concurrent run of the same date that
        # got here earlier has committed by the time the locks are ours.
        session.scalars(
            select(Contract.id).where(Contract.id.in_(ids)).order_by(Contract.id).with_for_update()
        ).all()
        finished = session.scalars(
            select(InvoiceRun.status).where(InvoiceRun.run_date == run_date)
        ).first()
        if finished == JobState.SUCCEEDED:
            return  # a concurrent run closed the date while this one was on its way
        done = _done(uow, run_date, ids)
        todo = {cid: lines for cid, lines in chunk.items() if cid not in done}
        if not todo:
            return
        created = create_invoices(session, todo, run_date, skip_empty=True)
        session.execute(
            insert(InvoiceRunContract),
            [
                {
                    "run_date": run_date,
                    "contract_id": cid,
                    "invoice_id": inv,
                    "invoiced": inv is not None,
                    "job_id": job_id,
                }
                for cid, inv in created.invoices.items()
            ],
        )
        uow.commit()
    for cid, inv in created.invoices.items():
        (result.invoices.append(inv) if inv is not None else result.skipped.append(cid))


def run_date(
    make_uow: UowFactory, date: dt.date, progress: Progress | None = None, job_id: int | None = None
) -> RunResult:
    """Process ``date`` (idempotent, safe to run many times at once). A date already
    processed creates nothing: work that became ready since waits for the next date."""
    result = RunResult(date)
    if _open_run(make_uow(), date, job_id) == JobState.SUCCEEDED:
        return result
    plan = due_plan(make_uow(), date)
    contract_ids = list(plan)
    size = chunk_size(make_uow())
    for start in range(0, len(contract_ids), size):
        chunk = {cid: plan[cid] for cid in contract_ids[start : start + size]}
        for attempt in range(3):
            try:
                _run_chunk(make_uow(), date, chunk, result, start // size, job_id)
                break
            except IntegrityError:
                if attempt == 2:  # never mark the date done with contracts left behind
                    raise
                # a concurrent run took some of these contracts: look again
        if progress:
            progress(min(start + size, len(contract_ids)), len(contract_ids))
    _close_run(make_uow(), date, result)
    return result


def chunk_size(uow: UnitOfWork) -> int:
    """Contracts per transaction of a run on ``uow``'s database."""
    return CHUNK if uow.on_postgresql() else SQLITE_CHUNK


def date_outcome(uow: UnitOfWork, date: dt.date, job_id: int) -> RunResult:
    """What job ``job_id`` did for ``date`` over all its attempts, read back from the
    contracts it recorded: the same whether one attempt did it all or a retry finished
    it, and never what a concurrent run of the date did (that run reports it). A draft
    it made that a user deleted since is in neither list: no longer an invoice, and its
    contract was not found with nothing to invoice."""
    R = InvoiceRunContract
    with uow:
        rows = uow.session.execute(
            select(R.contract_id, R.invoice_id, R.invoiced).where(
                R.run_date == date, R.job_id == job_id
            )
        ).all()
    invoices = sorted(invoice for _, invoice, _ in rows if invoice is not None)
    return RunResult(date, invoices, sorted(c for c, _, invoiced in rows if not invoiced))


def _open_run(uow: UnitOfWork, date: dt.date, job_id: int | None) -> str:
    """Record that ``date`` is being processed; returns the date's run status."""
    with uow:
        status = uow.session.scalars(
            select(InvoiceRun.status).where(InvoiceRun.run_date == date)
        ).first()
        if status is not None:
            return status
        uow.session.add(
            InvoiceRun(
                run_date=date,
                status=JobState.RUNNING,
                job_id=job_id,
                invoices_created=0,
                contracts_skipped=0,
            )
        )
        with contextlib.suppress(IntegrityError):  # another run of the date opened it
            uow.commit()
        return JobState.RUNNING


def _close_run(uow: UnitOfWork, date: dt.date, result: RunResult) -> None:
    """Record the run date as done with its totals (over every attempt of the date)."""
    with uow:
        session = uow.session
        run = session.scalars(
            select(InvoiceRun).where(InvoiceRun.run_date == date).with_for_update()
        ).one()
        rows = (
            session.execute(
                select(InvoiceRunContract.invoiced).where(InvoiceRunContract.run_date == date)
            )
            .scalars()
            .all()
        )
        run.invoices_created = sum(1 for invoiced in rows if invoiced)
        run.contracts_skipped = sum(1 for invoiced in rows if not invoiced)
        run.status = JobState.SUCCEEDED
        run.finished_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        uow.commit()


#: How far back a catch-up reaches: after a longer outage, older dates are run by hand.
CATCH_UP_DAYS = 366


def check_run_date(date: dt.date, today: dt.date) -> None:
    """Refuse a run date in the future: a date is processed on or after the day itself
    (and a far-future date would stop the daily catch-up until then)."""
    if date > today:
        raise Invalid.field("run_date", f"{date} is in the future; today is {today}")


def missed_dates(uow: UnitOfWork, today: dt.date) -> list[dt.date]:
    """Run dates to process now, in order: every day after the last completed run date
    up to ``today`` (just ``today`` when no run has completed yet), at most
    ``CATCH_UP_DAYS`` back."""
    with uow:
        last = uow.session.scalars(
            select(InvoiceRun.run_date)
            .where(InvoiceRun.status == JobState.SUCCEEDED, InvoiceRun.run_date <= today)
            .order_by(InvoiceRun.run_date.desc())
        ).first()
        pending = list(
            uow.session.scalars(
                select(InvoiceRun.run_date).where(
                    InvoiceRun.status != JobState.SUCCEEDED, InvoiceRun.run_date <= today
                )
            )
        )
    start = (last + dt.timedelta(days=1)) if last else today
    start = max(start, today - dt.timedelta(days=CATCH_UP_DAYS))
    pending = [d for d in pending if d >= today - dt.timedelta(days=CATCH_UP_DAYS)]
    days = {start + dt.timedelta(days=i) for i in range(max(0, (today - start).days + 1))}
    return sorted(days | set(pending))
