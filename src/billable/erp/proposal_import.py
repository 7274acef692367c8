"""Import from staging (seed 003): the lines of waiting invoice proposals.

A proposal's lines arrive only once every time-and-material transaction on it has been
posted through the integration journal. Those transactions are the unbilled sales
actuals its invoice's confirmation consumed (the reversal rows it wrote point at them);
each needs a current posted sales transaction. Then one line per chargeable billed
sales actual of the invoice, its tax groups and dimensions taken from where the ERP
keeps them: the posted transaction (time and material), the milestone's on-account
transaction, the corrected proposal line (corrections), else the defaults.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.domain.errors import Conflict
from billable.domain.lifecycle import PROPOSAL
from billable.domain.money import ZERO
from billable.domain.vocabulary import (
    ActualType,
    BillingType,
    DetailSource,
    PostedTransactionState,
)
from billable.erp import defaults as erp_defaults
from billable.erp.journal import SALES_LINE
from billable.erp.proposals import WAITING
from billable.persistence.lookups import get
from billable.persistence.tables import (
    Actual,
    ContractLine,
    InvoiceLineDetail,
    InvoiceProposal,
    InvoiceProposalLine,
    Milestone,
    PostedTransaction,
)
from billable.persistence.uow import UnitOfWork


def consumed_actuals(session: Session, invoice_id: int) -> list[Actual]:
    """The unbilled sales actuals the confirmation of ``invoice_id`` consumed."""
    reversed_ids = select(Actual.reverses_actual_id).where(
        Actual.invoice_id == invoice_id,
        Actual.transaction_type == ActualType.UNBILLED_SALES,
        Actual.reverses_actual_id.is_not(None),
    )
    return list(
        session.scalars(select(Actual).where(Actual.id.in_(reversed_ids)).order_by(Actual.id))
    )


def posted_sales(session: Session, actual_ids: list[int]) -> dict[int, PostedTransaction]:
    """The current posted sales transaction of each of ``actual_ids`` that has one."""
    if not actual_ids:
        return {}
    rows = session.scalars(
        select(PostedTransaction).where(
            PostedTransaction.actual_id.in_(actual_ids),
            PostedTransaction.kind == SALES_LINE,
            PostedTransaction.status == PostedTransactionState.POSTED,
        )
    )
    return {row.actual_id: row for row in rows}


def waiting_for(session: Session, proposal: InvoiceProposal) -> list[Actual]:
    """The transactions on the proposal the integration journal takes (every consumed
    unbilled sale of a project: time and material, but also a credited milestone or
    product back in the backlog) not yet posted. Posting before them would leave the
    WIP the journal accrues for them afterwards never reversed."""
    journaled = [
        a for a in consumed_actuals(session, proposal.invoice_id) if a.project_id is not None
    ]
    posted = posted_sales(session, [a.id for a in journaled])
    return [a for a in journaled if a.id not in posted]


@dataclass(frozen=True)
class _Attributes:
    sales_tax_group: str | None
    item_sales_tax_group: str | None
    dimensions: dict[str, Any]


def _defaults(session: Session, billed: Actual) -> _Attributes:
    line = session.get(ContractLine, billed.contract_line_id) if billed.contract_line_id else None
    dimensions = dict(line.dimensions or {}) if line is not None and line.dimensions else {}
    return _Attributes(
        erp_defaults.billing_sales_tax_group(session, billed.project_id, billed.contract_id),
        erp_defaults.billing_item_tax_group(
            session, billed.transaction_class, billed.category_id, billed.product_id
        ),
        dimensions or erp_defaults.project_dimensions(session, billed.project_id),
    )


def _corrected_line(
    session: Session, billed: Actual, detail: InvoiceLineDetail | None
) -> InvoiceProposalLine | None:
    """On a correction: the proposal line of the billed actual it corrects, if proposed."""
    if detail is None or detail.source != DetailSource.CORRECTION:
        return None
    corrected = billed.reverses_actual_id or detail.original_billed_actual_id
    return session.scalars(
        select(InvoiceProposalLine).where(InvoiceProposalLine.billed_actual_id == corrected)
    ).first()


def _attributes(
    session: Session,
    billed: Actual,
    detail: InvoiceLineDetail | None,
    before: InvoiceProposalLine | None,
    posted: dict[int, PostedTransaction],
) -> _Attributes:
    """Where the line's tax groups and dimensions come from (module docstring)."""
    if detail is not None and detail.source == DetailSource.CORRECTION:
        if before is not None:
            return _Attributes(
                before.sales_tax_group, before.item_sales_tax_group, dict(before.dimensions)
            )
    elif detail is not None and detail.actual_id in posted:
        row = posted[detail.actual_id]
        parts = row.parts or []
        # One line, one dimension set: the first part's (the journal's split stays on
        # the WIP it reverses; see docs/decisions.md).
        dimensions = dict(parts[0].get("dimensions") or {}) if parts else {}
        return _Attributes(row.sales_tax_group, row.item_sales_tax_group, dimensions)
    elif billed.milestone_id is not None:
        milestone = session.get(Milestone, billed.milestone_id)
        if milestone is not None:
            # The on-account transaction's groups as they are: defaulted when it was made,
            # so None means the accountant cleared them (no tax), not "default again".
            fallback = _defaults(session, billed)
            return _Attributes(
                milestone.sales_tax_group,
                milestone.item_sales_tax_group,
                dict(milestone.dimensions or {}) or fallback.dimensions,
            )
    return _defaults(session, billed)


def _line(
    session: Session,
    proposal: InvoiceProposal,
    billed: Actual,
    attributes: _Attributes,
    before: InvoiceProposalLine | None,
) -> InvoiceProposalLine:
    # A reversal of a billed actual credits exactly the tax its proposal line charged,
    # code by code, not today's rates.
    if billed.reverses_actual_id is not None and before is not None:
        taxes = _negated_taxes(before.taxes)
    else:
        found = erp_defaults.taxes(
            session,
            billed.amount,
            billed.currency,
            attributes.sales_tax_group,
            attributes.item_sales_tax_group,
        )
        taxes = erp_defaults.tax_json(found)
    return InvoiceProposalLine(
        proposal_id=proposal.id,
        billed_actual_id=billed.id,
        invoice_line_detail_id=billed.invoice_line_detail_id,
        milestone_id=billed.milestone_id,
        transaction_class=billed.transaction_class,
        description=billed.external_description or billed.description,
        date=billed.date,
        quantity=billed.quantity,
        unit=billed.unit,
        price=billed.price,
        amount=billed.amount,
        tax=sum((Decimal(t["amount"]) for t in taxes), ZERO),
        taxes=taxes,
        sales_tax_group=attributes.sales_tax_group,
        item_sales_tax_group=attributes.item_sales_tax_group,
        dimensions=attributes.dimensions,
    )


def _negated_taxes(taxes: list[dict[str, str]]) -> list[dict[str, str]]:
    """Stored tax lines with their amounts negated (a zero stays unsigned)."""
    return [
        {**tax, "amount": str(-Decimal(tax["amount"]) or Decimal(tax["amount"]))} for tax in taxes
    ]


def import_lines(session: Session, proposal: InvoiceProposal) -> None:
    """Write the lines of a proposal whose transactions are all posted, and make it
    ready (in the caller's transaction; the caller checked :func:`waiting_for`)."""
    target = PROPOSAL.next_state(proposal.status, "import")
    consumed = consumed_actuals(session, proposal.invoice_id)
    posted = posted_sales(session, [a.id for a in consumed])
    billed_rows = session.scalars(
        select(Actual)
        .where(
            Actual.invoice_id == proposal.invoice_id,
            Actual.transaction_type == ActualType.BILLED_SALES,
            Actual.billing_type == BillingType.CHARGEABLE,
        )
        .order_by(Actual.id)
    ).all()
    for billed in billed_rows:
        detail = session.get(InvoiceLineDetail, billed.invoice_line_detail_id)
        before = _corrected_line(session, billed, detail)
        attributes = _attributes(session, billed, detail, before, posted)
        session.add(_line(session, proposal, billed, attributes, before))
    proposal.status = target
    proposal.imported_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    session.flush()


def _describe(waiting: list[Actual]) -> str:
    shown = ", ".join(f"{a.id} ({a.transaction_class}, {a.date.isoformat()})" for a in waiting[:10])
    more = f" and {len(waiting) - 10} more" if len(waiting) > 10 else ""
    return f"actuals {shown}{more}"


def import_one(uow: UnitOfWork, ident: str) -> int:
    """Selective import from staging: the lines of one proposal now, or 409 naming the
    transactions it waits for."""
    with uow:
        session = uow.session
        proposal = get(session, InvoiceProposal, ident, "invoice proposal", lock=True)
        PROPOSAL.next_state(proposal.status, "import")
        waiting = waiting_for(session, proposal)
        if waiting:
            raise Conflict(
                f"invoice proposal {proposal.number} waits for {len(waiting)} "
                "unbilled sales transactions not yet posted through the integration "
                f"journal: {_describe(waiting)}"
            )
        import_lines(session, proposal)
        uow.commit()
        return proposal.id


@dataclass(frozen=True)
class ImportResult:
    """What a periodic import did: proposals made ready, proposals still waiting."""

    imported: list[int]
    waiting: list[int]


def import_all(uow: UnitOfWork) -> ImportResult:
    """The periodic import from staging: every waiting proposal whose transactions are
    all posted gets its lines, in one transaction; the others keep waiting."""
    imported: list[int] = []
    still: list[int] = []
    with uow:
        session = uow.session
        proposals = session.scalars(
            select(InvoiceProposal)
            .where(InvoiceProposal.status == WAITING)
            .order_by(InvoiceProposal.id)
            .with_for_update()
        ).all()
        for proposal in proposals:
            if waiting_for(session, proposal):
                still.append(proposal.id)
            else:
                import_lines(session, proposal)
                imported.append(proposal.id)
        uow.commit()
    return ImportResult(imported, still)
