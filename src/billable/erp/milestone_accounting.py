"""A billing milestone as an on-account transaction (seed 003, "Manage the financial
attributes of billing milestones"): its sales tax group, item sales tax group and
financial dimensions default on creation and stay editable until its invoice proposal
exists; its tax follows its groups unless someone typed one.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from billable.billing.totals import recalculate
from billable.currencies import currency
from billable.domain.errors import Conflict
from billable.domain.money import exact_amount, prorate
from billable.domain.vocabulary import DetailSource, InvoiceState, MilestoneState, TransactionClass
from billable.erp import defaults as erp_defaults
from billable.erp import fields as erp_fields
from billable.persistence.lookups import get
from billable.persistence.tables import (
    Contract,
    ContractLine,
    Invoice,
    InvoiceLineDetail,
    InvoiceProposal,
    Milestone,
)
from billable.persistence.uow import UnitOfWork

Fields = Mapping[str, Any]

NOUN = "milestone"  # not vocabulary: what a refusal calls the row it did not find


def default_attributes(session: Session, milestone: Milestone, line: ContractLine) -> None:
    """Default a new milestone's groups (sales by the parameter's method from the line's
    project, contract and customer; item the "fixed price milestone item sales tax
    group" parameter) and dimensions (its contract line's)."""
    milestone.sales_tax_group = erp_defaults.billing_sales_tax_group(
        session, line.project_id, line.contract_id
    )
    milestone.item_sales_tax_group = erp_defaults.billing_item_tax_group(
        session, TransactionClass.MILESTONE, None, None
    )
    milestone.dimensions = dict(line.dimensions) if line.dimensions else None


def group_tax(session: Session, milestone: Milestone, currency_code: str) -> Decimal:
    """The tax of the whole milestone from its groups, rounded per tax code."""
    return erp_defaults.tax_amount(
        session,
        milestone.amount,
        currency_code,
        milestone.sales_tax_group,
        milestone.item_sales_tax_group,
    )


def locked(session: Session, milestone: Milestone) -> bool:
    """True once the milestone is on a confirmed invoice: its invoice proposal exists (or
    will, on confirmation), so its on-account attributes are fixed."""
    if milestone.status == MilestoneState.CUSTOMER_INVOICE_POSTED:
        return True
    on_invoice = select(InvoiceLineDetail.invoice_id).where(
        InvoiceLineDetail.milestone_id == milestone.id
    )
    confirmed = exists().where(
        Invoice.id.in_(on_invoice), Invoice.project_invoice_status == InvoiceState.CONFIRMED
    )
    proposed = exists().where(InvoiceProposal.invoice_id.in_(on_invoice))
    return bool(session.scalar(select(confirmed)) or session.scalar(select(proposed)))


def update_milestone(uow: UnitOfWork, ident: str, fields: Fields) -> int:
    """Change a milestone's sales tax group, item sales tax group, dimensions or tax
    until its invoice is confirmed (409 after). Changing a group recomputes the tax from
    the groups unless ``tax`` is given too; a draft invoice carrying the milestone takes
    the new tax at once (its detail and totals)."""
    with uow:
        session = uow.session
        milestone = get(session, Milestone, ident, NOUN, lock=True)
        if locked(session, milestone):
            raise Conflict(
                "the milestone is on a confirmed invoice: its tax groups, dimensions and "
                "tax are fixed once the invoice proposal exists"
            )
        line = session.get(ContractLine, milestone.contract_line_id)
        contract = session.get(Contract, line.contract_id) if line else None
        assert contract is not None
        erp_fields.check(session, fields)
        for name in ("sales_tax_group", "item_sales_tax_group"):
            if name in fields:
                setattr(milestone, name, fields[name])
        if "dimensions" in fields:
            milestone.dimensions = erp_fields.dimensions(session, fields["dimensions"])
        cur = currency(contract.currency)
        if fields.get("tax") is not None:
            milestone.tax = exact_amount(fields["tax"], cur, "tax")
        elif "sales_tax_group" in fields or "item_sales_tax_group" in fields:
            milestone.tax = group_tax(session, milestone, cur.code)
        if milestone.status != MilestoneState.NOT_READY:  # billed part's tax follows whole's
            milestone.ready_tax = prorate(
                milestone.tax, milestone.ready_amount, milestone.amount, cur
            )
        _refresh_draft(session, milestone)
        uow.commit()
    return milestone.id


def _refresh_draft(session: Session, milestone: Milestone) -> None:
    """Give the open (draft or in review) invoice detail of ``milestone`` its current tax."""
    for detail in session.scalars(
        select(InvoiceLineDetail).where(InvoiceLineDetail.milestone_id == milestone.id)
    ):
        invoice = session.get(Invoice, detail.invoice_id)
        if invoice is None or invoice.project_invoice_status == InvoiceState.CONFIRMED:
            continue
        if detail.source != DetailSource.MILESTONE or detail.tax == milestone.ready_tax:
            continue
        detail.tax = milestone.ready_tax
        detail.extended_amount = detail.amount + detail.tax
        recalculate(session, invoice)
