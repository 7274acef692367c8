"""What waits for whom: the counts a role's dashboard shows, each one query."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billable.billing.backlog import open_backlog_condition
from billable.domain.vocabulary import EntryState, InvoiceState, JobState, ProposalState
from billable.persistence.tables import Actual, Contract, Entry, Invoice, InvoiceProposal, Job


@dataclass(frozen=True)
class ReadyBacklog:
    """One contract's ready backlog: how many actuals wait, in the contract's currency."""

    contract_id: int
    contract_name: str
    currency: str
    actuals: int
    amount: object


@dataclass(frozen=True)
class Waiting:
    """The dashboard's counts."""

    entries_to_approve: int
    draft_invoices: int
    in_review_invoices: int
    proposals_waiting: int
    jobs_running: int
    ready_backlog: list[ReadyBacklog]


def _count(session: Session, model: object, *where: object) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


def waiting(session: Session, backlog_rows: int = 10) -> Waiting:
    """The counts, and the ``backlog_rows`` contracts with the largest ready backlog."""
    ready = session.execute(
        select(
            Contract.id,
            Contract.name,
            Contract.currency,
            func.count(Actual.id),
            func.coalesce(func.sum(Actual.amount), 0),
        )
        .join(Contract, Contract.id == Actual.contract_id)
        .where(open_backlog_condition(), Actual.ready_to_invoice.is_(True))
        .group_by(Contract.id, Contract.name, Contract.currency)
        .order_by(func.count(Actual.id).desc(), Contract.id)
        .limit(backlog_rows)
    )
    return Waiting(
        entries_to_approve=_count(session, Entry, Entry.status == EntryState.SUBMITTED),
        draft_invoices=_count(
            session, Invoice, Invoice.project_invoice_status == InvoiceState.DRAFT
        ),
        in_review_invoices=_count(
            session, Invoice, Invoice.project_invoice_status == InvoiceState.IN_REVIEW
        ),
        proposals_waiting=_count(
            session, InvoiceProposal, InvoiceProposal.status == ProposalState.WAITING
        ),
        jobs_running=_count(session, Job, Job.status.in_((JobState.QUEUED, JobState.RUNNING))),
        ready_backlog=[ReadyBacklog(*row) for row in ready],
    )
