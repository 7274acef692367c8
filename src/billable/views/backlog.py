"""A contract's billing backlog as shown: its open actuals and milestones."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from billable.billing import backlog as billing_backlog
from billable.persistence.lookups import get
from billable.persistence.tables import Actual, Contract
from billable.views.contracts import milestone_records
from billable.views.entries import actual_records
from billable.views.pagination import Window, check_range, window
from billable.views.records import Record


@dataclass(frozen=True)
class Backlog:
    """What waits to be invoiced on one contract, oldest first."""

    actuals: list[Record]
    milestones: list[Record]


def backlog_actuals(
    session: Session, limit: int, cursor: str | None, filters: billing_backlog.BacklogFilters
) -> Window[Record]:
    """A page, by id, of the open backlog actuals across contracts that match
    ``filters``; each as :func:`billable.views.entries.actual_records` shows it (the draft
    it waits on read once for the page)."""
    check_range(filters.date_from, filters.date_to)
    stmt = billing_backlog.backlog_actuals_query(filters)
    return window(
        session, stmt, Actual.id, limit, cursor, lambda rows: actual_records(session, rows)
    )


def backlog(session: Session, contract_id: str) -> Backlog:
    """The backlog of a contract (404 for an unknown one). Which rows are open is the
    billing rule (:func:`billable.billing.backlog.backlog`, shared with marking rows
    ready); this shapes them in a bounded number of queries."""
    contract = get(session, Contract, contract_id, "contract")
    actuals, milestones = billing_backlog.backlog(session, contract.id)
    return Backlog(actual_records(session, actuals), milestone_records(session, milestones))


def backlog_milestones(session: Session, contract_id: str) -> list[Record]:
    """A contract's open milestones, whole (a contract has few; 404 for an unknown
    contract): what the backlog page shows beside its page of actuals."""
    contract = get(session, Contract, contract_id, "contract")
    return milestone_records(session, billing_backlog.backlog_milestones(session, contract.id))
