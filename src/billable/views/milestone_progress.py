"""The billing status a progress milestone's detail shows (seed 001): the amount on
this invoice, the amount invoiced to date, and what remains."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billable.domain.invoice import BillingType
from billable.domain.vocabulary import ActualType
from billable.persistence.tables import Actual, Milestone

#: The milestone kind billed in parts (the other, ``fixed``, bills in full).
PROGRESS = "progress"  # not vocabulary: a milestone's kind


@dataclass(frozen=True)
class MilestoneProgress:
    """A progress milestone seen from one invoice. ``invoiced_to_date`` is what
    confirmed invoices other than this one billed of it (net of their corrections, as a
    line's ``invoiced_to_date``); ``remaining`` is what neither those nor this invoice
    bill: ``amount - invoiced_to_date - on_this_invoice``."""

    amount: Decimal
    on_this_invoice: Decimal
    invoiced_to_date: Decimal
    remaining: Decimal


def progress_of(
    session: Session, invoice_id: int, on_invoice: Iterable[tuple[int | None, Decimal]]
) -> dict[int, MilestoneProgress]:
    """Milestone id -> its progress, for the progress milestones among ``on_invoice``
    (``(milestone_id, detail amount)`` of an invoice's details): two queries, however
    many details."""
    here: dict[int, Decimal] = {}
    for milestone_id, amount in on_invoice:
        if milestone_id is not None:
            here[milestone_id] = here.get(milestone_id, Decimal(0)) + amount
    if not here:
        return {}
    amounts = dict(
        session.execute(
            select(Milestone.id, Milestone.amount).where(
                Milestone.id.in_(list(here)), Milestone.kind == PROGRESS
            )
        ).all()
    )
    if not amounts:
        return {}
    billed = dict(
        session.execute(
            select(Actual.milestone_id, func.coalesce(func.sum(Actual.amount), 0))
            .where(
                Actual.milestone_id.in_(list(amounts)),
                Actual.transaction_type == ActualType.BILLED_SALES,
                Actual.billing_type == BillingType.CHARGEABLE,
                Actual.invoice_id != invoice_id,
            )
            .group_by(Actual.milestone_id)
        ).all()
    )
    found = {}
    for ident, amount in amounts.items():
        to_date = Decimal(billed.get(ident) or 0)
        found[ident] = MilestoneProgress(
            amount, here[ident], to_date, amount - to_date - here[ident]
        )
    return found
