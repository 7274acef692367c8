"""The billing backlog: unbilled sales actuals not on any invoice, and milestones not yet
invoiced; marking them ready or not ready, and setting billing types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, or_, select
from sqlalchemy.orm import Session, aliased

from billable.domain.errors import Conflict, Invalid
from billable.domain.invoice import BillingType
from billable.domain.lifecycle import MILESTONE
from billable.domain.vocabulary import ActualType, MilestoneState, TransactionClass
from billable.persistence.lookups import get, parse_id, refs
from billable.persistence.tables import (
    Actual,
    Contract,
    ContractLine,
    InvoiceLineDetail,
    Milestone,
)
from billable.persistence.uow import UnitOfWork


@cache
def open_backlog_condition() -> ColumnElement[bool]:
    """An unbilled sales actual still in the backlog: not a reversal, not reversed, and on
    no invoice line detail. Built once: an SQL expression is immutable, and building
    this one (an alias and two correlated subqueries) costs more than reading a
    contract's backlog with it."""
    reversal = aliased(Actual)
    return and_(
        Actual.transaction_type == ActualType.UNBILLED_SALES,
        Actual.reverses_actual_id.is_(None),
        ~exists().where(reversal.reverses_actual_id == Actual.id),
        ~exists().where(InvoiceLineDetail.actual_id == Actual.id),
    )


def invoiceable_condition(invoice_date: dt.date) -> ColumnElement[bool]:
    """Backlog actuals that an invoice dated ``invoice_date`` takes (rules.md)."""
    return and_(
        open_backlog_condition(),
        Actual.ready_to_invoice.is_(True),
        Actual.date <= invoice_date,
    )


@dataclass(frozen=True)
class BacklogFilters:
    """What the billing backlog across contracts may be narrowed by (ids as given on
    the wire; an id that is not one matches nothing)."""

    customer_id: str | None = None
    project_id: str | None = None
    contract_id: str | None = None
    transaction_class: TransactionClass | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    ready_to_invoice: bool | None = None


def backlog_actuals_query(filters: BacklogFilters) -> Select[Actual]:
    """The open backlog actuals of every contract that match ``filters``: the same rule
    (:func:`open_backlog_condition`) as one contract's backlog and marking rows ready."""
    stmt = select(Actual).where(open_backlog_condition())
    for column, value in (
        (Actual.project_id, filters.project_id),
        (Actual.contract_id, filters.contract_id),
    ):
        if value is not None:
            stmt = stmt.where(column == (parse_id(value) or -1))
    if filters.customer_id is not None:
        of_customer = select(Contract.id).where(
            Contract.customer_id == (parse_id(filters.customer_id) or -1)
        )
        stmt = stmt.where(Actual.contract_id.in_(of_customer))
    if filters.transaction_class is not None:
        stmt = stmt.where(Actual.transaction_class == filters.transaction_class)
    if filters.date_from is not None:
        stmt = stmt.where(Actual.date >= filters.date_from)
    if filters.date_to is not None:
        stmt = stmt.where(Actual.date <= filters.date_to)
    if filters.ready_to_invoice is not None:
        stmt = stmt.where(Actual.ready_to_invoice.is_(filters.ready_to_invoice))
    return stmt


def backlog(session: Session, contract_id: int) -> tuple[list[Actual], list[Milestone]]:
    """The backlog of one contract: actuals, and milestones not yet (fully) invoiced."""
    actuals = session.scalars(_contract_actuals(), {"contract_id": contract_id}).all()
    return list(actuals), backlog_milestones(session, contract_id)


@cache
def _contract_actuals() -> Select[Actual]:
    """One contract's (``contract_id``) open backlog actuals, by date (built once)."""
    return (
        select(Actual)
        .where(Actual.contract_id == bindparam("contract_id"), open_backlog_condition())
        .order_by(Actual.date, Actual.id)
    )


def backlog_milestones(session: Session, contract_id: int) -> list[Milestone]:
    """One contract's milestones not yet (fully) invoiced, by date."""
    return list(session.scalars(_contract_milestones(), {"contract_id": contract_id}).all())


@cache
def _contract_milestones() -> Select[Milestone]:
    """One contract's (``contract_id``) milestones still to bill, by date (built once)."""
    return (
        select(Milestone)
        .join(ContractLine, ContractLine.id == Milestone.contract_line_id)
        .where(
            ContractLine.contract_id == bindparam("contract_id"),
            or_(
                Milestone.status.in_((MilestoneState.NOT_READY, MilestoneState.READY_TO_INVOICE)),
                # A progress milestone billed in part still has its remainder to bill.
                and_(
                    Milestone.status == MilestoneState.CUSTOMER_INVOICE_POSTED,
                    Milestone.amount > Milestone.invoiced_amount,
                ),
            ),
        )
        .order_by(Milestone.date, Milestone.id)
    )


def _backlog_actuals(session: Session, ids: Sequence[str]) -> list[Actual]:
    rows = refs(session, Actual, ids, "actual_ids", "actual", lock=True)  # not vocabulary: a noun
    found = [a.id for a in rows]
    in_backlog = set(
        session.scalars(select(Actual.id).where(Actual.id.in_(found), open_backlog_condition()))
    )
    for index, actual in enumerate(rows):
        if actual.id not in in_backlog:
            raise Conflict(
                f"actual {actual.id} (actual_ids[{index}]) is not an unbilled sales actual "
                "in the backlog"
            )
    return rows


def set_ready(
    uow: UnitOfWork, actual_ids: Sequence[str], milestone_ids: Sequence[str], ready: bool
) -> None:
    """Mark backlog actuals and milestones ready (or not ready) to invoice, all or none."""
    with uow:
        session = uow.session
        for actual in _backlog_actuals(session, actual_ids):
            actual.ready_to_invoice = ready
        for index, raw in enumerate(milestone_ids):
            milestone = session.get(Milestone, parse_id(raw) or 0, with_for_update=True)
            if milestone is None:
                raise Invalid.field(f"milestone_ids[{index}]", f"no milestone with id {raw}")
            wanted = MilestoneState.READY_TO_INVOICE if ready else MilestoneState.NOT_READY
            if milestone.status == wanted:
                continue
            if ready and milestone.amount - milestone.invoiced_amount <= 0:
                raise Conflict(f"milestone {milestone.id} is fully invoiced")
            if ready and milestone.kind == "progress":
                raise Invalid.field(
                    f"milestone_ids[{index}]",
                    "a progress milestone needs the amount to "
                    "bill: POST /milestones/{id}/ready-to-invoice with {amount}",
                )
            milestone.status = MILESTONE.next_state(
                milestone.status, "mark_ready" if ready else "mark_not_ready"
            )
            if ready:  # fixed milestones bill in full; progress ones came with an amount
                milestone.ready_amount, milestone.ready_tax = milestone.amount, milestone.tax
        uow.commit()


def set_billing_type(uow: UnitOfWork, actual_id: str, billing_type: BillingType) -> int:
    """Set the billing type of an unbilled sales actual not yet on an invoice."""
    with uow:
        session = uow.session
        actual = get(session, Actual, actual_id, "actual", lock=True)  # not vocabulary: a noun
        if actual.transaction_type != ActualType.UNBILLED_SALES:
            raise Conflict("only an unbilled sales actual has a billing type to set")
        _backlog_actuals(session, [str(actual.id)])
        actual.billing_type = billing_type.value
        uow.commit()
    return actual.id
