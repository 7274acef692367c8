"""Use cases for the milestones of fixed-price lines: planning them within the line's
amount, with their on-account attributes and tax, and making them ready to invoice."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain.errors import Conflict, Invalid
from billable.domain.lifecycle import MILESTONE
from billable.domain.money import ZERO, exact_amount, prorate
from billable.domain.vocabulary import MilestoneState
from billable.erp import fields as erp_fields
from billable.erp.milestone_accounting import default_attributes, group_tax
from billable.persistence.lookups import get
from billable.persistence.tables import Contract, ContractLine, Milestone
from billable.persistence.uow import UnitOfWork

Fields = Mapping[str, Any]
#: The on-account attributes a new milestone may name instead of taking the defaults.
ON_ACCOUNT_FIELDS = ("sales_tax_group", "item_sales_tax_group", "dimensions")


def planned_amount(session: Session, line_id: int) -> Decimal:
    """The sum of the amounts of a line's milestones (zero without any)."""
    total = session.scalar(
        select(func.coalesce(func.sum(Milestone.amount), 0)).where(
            Milestone.contract_line_id == line_id
        )
    )
    return total or ZERO


def create_milestone(uow: UnitOfWork, line_id: str, fields: Fields) -> int:
    """A fixed or progress milestone on a fixed-price project line."""
    with uow:
        session = uow.session
        line = get(session, ContractLine, line_id, "contract line", lock=True)
        if line.billing_method != "fixed_price":
            raise Invalid.field("contract_line_id", "milestones belong to fixed-price lines")
        contract = session.get(Contract, line.contract_id)
        assert contract is not None and line.amount is not None
        cur = currency(contract.currency)
        amount = exact_amount(fields["amount"], cur, "amount")
        planned = planned_amount(session, line.id)
        if planned + amount > line.amount:
            raise Invalid.field(
                "amount",
                f"milestones would total {planned + amount}, above the line's {line.amount}",
            )
        milestone = Milestone(
            contract_line_id=line.id,
            name=fields["name"],
            description=fields.get("description") or "",
            date=fields["date"],
            amount=amount,
            tax=ZERO,
            kind=fields["kind"],
            status=MilestoneState.NOT_READY,
            ready_amount=ZERO,
            ready_tax=ZERO,
            invoiced_amount=ZERO,
        )
        default_attributes(session, milestone, line)
        given = {k: fields[k] for k in ON_ACCOUNT_FIELDS if fields.get(k) is not None}
        erp_fields.check(session, given)
        for name, value in given.items():
            setattr(milestone, name, value)
        # A typed tax wins; without one the tax follows the on-account groups.
        milestone.tax = (
            exact_amount(fields["tax"], cur, "tax")
            if fields.get("tax") is not None
            else group_tax(session, milestone, cur.code)
        )
        session.add(milestone)
        session.flush()
        ident = milestone.id
        uow.commit()
    return ident


def mark_milestone_ready(uow: UnitOfWork, ident: str, amount: Decimal | None) -> int:
    """Make a milestone ready to invoice; a progress milestone takes the part to bill now."""
    with uow:
        session = uow.session
        milestone = get(session, Milestone, ident, "milestone", lock=True)  # not vocabulary: a noun
        remaining = milestone.amount - milestone.invoiced_amount
        if milestone.kind == "progress":
            if amount is None:
                raise Invalid.field("amount", "a progress milestone needs the amount to bill")
            if amount <= 0 or amount > remaining:
                raise Invalid.field("amount", f"must be above 0 and at most {remaining}")
            line = session.get(ContractLine, milestone.contract_line_id)
            owner = session.get(Contract, line.contract_id) if line else None
            assert owner is not None
            milestone.ready_amount = exact_amount(amount, currency(owner.currency), "amount")
        else:
            if amount is not None and amount != milestone.amount:
                raise Invalid.field("amount", "a fixed milestone is billed in full")
            milestone.ready_amount = milestone.amount
        if remaining <= 0:
            raise Conflict("the milestone is fully invoiced")
        milestone.status = MILESTONE.next_state(milestone.status, "mark_ready")
        line = session.get(ContractLine, milestone.contract_line_id)
        contract = session.get(Contract, line.contract_id) if line else None
        assert contract is not None
        milestone.ready_tax = milestone_tax(milestone, contract.currency)
        uow.commit()
    return milestone.id


def milestone_tax(milestone: Milestone, currency_code: str) -> Decimal:
    """Tax of the part of a milestone billed now (prorated for progress milestones)."""
    return prorate(milestone.tax, milestone.ready_amount, milestone.amount, currency(currency_code))
