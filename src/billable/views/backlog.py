"""A contract's billing backlog as shown: its open actuals and milestones."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from billable.billing import backlog as billing_backlog
from billable.persistence.lookups import get
from billable.persistence.tables import Contract
from billable.views.contracts import milestone_records
from billable.views.entries import actual_records
from billable.views.records import Record


@dataclass(frozen=True)
class Backlog:
    """What waits to be invoiced on one contract, oldest first."""

    actuals: list[Record]
    milestones: list[Record]


def backlog(session: Session, contract_id: str) -> Backlog:
    """The backlog of a contract (404 for an unknown one). Which rows are open is the
    billing rule (:func:`billable.billing.backlog.backlog`, shared with marking rows
    ready); this shapes them in a bounded number of queries."""
    contract = get(session, Contract, contract_id, "contract")
    actuals, milestones = billing_backlog.backlog(session, contract.id)
    return Backlog(actual_records(session, actuals), milestone_records(session, milestones))
