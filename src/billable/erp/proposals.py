"""Invoice proposals (seed 003): the header made when a proforma invoice is confirmed,
and what a proposal shows (lines, totals in transaction and accounting currency).

Importing lines is :mod:`billable.erp.proposal_import`; posting is
:mod:`billable.erp.proposal_posting`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, insert, literal, select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain.errors import DomainError
from billable.domain.invoice_posting import AccountingTotals, InvoicedLine, accounting_totals
from billable.domain.lifecycle import PROPOSAL
from billable.domain.money import ZERO
from billable.domain.pricing import TransactionClass
from billable.domain.tax import TaxLine
from billable.domain.vocabulary import ProposalState
from billable.erp.defaults import entity_of, rate_in_force
from billable.erp.proposal_reads import PlainRow
from billable.erp.setup import default_legal_entity
from billable.persistence.tables import (
    Contract,
    Invoice,
    InvoiceProposal,
    InvoiceProposalLine,
    LegalEntity,
)

#: A new proposal waits for its lines (the state the "import" action leaves).
WAITING = ProposalState.WAITING
assert WAITING in PROPOSAL.sources_of("import")
POSTED = PROPOSAL.target_of("post", ProposalState.READY)


def open_proposal(session: Session, invoice: Invoice) -> InvoiceProposal:
    """The proposal of a just-confirmed invoice, in the caller's transaction: same
    number, waiting, in the contract's legal entity (None: the default one)."""
    contract = session.get(Contract, invoice.contract_id)
    assert contract is not None  # a foreign key
    proposal = InvoiceProposal(
        invoice_id=invoice.id,
        number=invoice.number,
        legal_entity_id=entity_of(session, contract.legal_entity_id).id,
        contract_id=invoice.contract_id,
        customer_id=invoice.customer_id,
        currency=invoice.currency,
        invoice_date=invoice.invoice_date,
        status=WAITING,
        invoice_format="detail",
    )
    session.add(proposal)
    session.flush()
    return proposal


def open_proposals(session: Session, invoice_ids: list[int]) -> None:
    """:func:`open_proposal` for many confirmed invoices at once (``INSERT ... SELECT``)."""
    if not invoice_ids:
        return
    default = default_legal_entity(session).id
    columns = {
        "invoice_id": Invoice.id,
        "number": Invoice.number,
        "legal_entity_id": func.coalesce(Contract.legal_entity_id, literal(default)),
        "contract_id": Invoice.contract_id,
        "customer_id": Invoice.customer_id,
        "currency": Invoice.currency,
        "invoice_date": Invoice.invoice_date,
        "status": literal(WAITING),
        "invoice_format": literal("detail"),
        "version": literal(1),
    }
    source = (
        select(*columns.values())
        .select_from(Invoice)
        .join(Contract, Contract.id == Invoice.contract_id)
        .where(Invoice.id.in_(invoice_ids))
    )
    session.execute(insert(InvoiceProposal).from_select(list(columns), source))


def tax_lines_of(line: InvoiceProposalLine | PlainRow) -> tuple[TaxLine, ...]:
    """A proposal line's stored tax lines as domain values (an ORM line or a row of its
    ``amount`` and ``taxes``)."""
    return tuple(
        TaxLine(t["code"], Decimal(t["rate"]), line.amount, Decimal(t["amount"]))
        for t in line.taxes
    )


def invoiced_lines(proposal: InvoiceProposal) -> list[InvoicedLine]:
    """The proposal's lines as posting needs them (their WIP is reversed separately)."""
    return invoiced_lines_of(proposal.lines)


def invoiced_lines_of(
    lines: Sequence[InvoiceProposalLine] | Sequence[PlainRow],
) -> list[InvoicedLine]:
    """Proposal lines as posting needs them (their WIP is reversed separately): ORM
    lines, or rows of their class, amount, taxes and dimensions."""
    return [
        InvoicedLine(
            TransactionClass(line.transaction_class),
            line.amount,
            tax_lines_of(line),
            dimensions=tuple(sorted((line.dimensions or {}).items())),
        )
        for line in lines
    ]


@dataclass(frozen=True)
class Totals:
    """What a proposal shows: totals in its currency and, when a rate is known, in the
    legal entity's accounting currency."""

    amount: Decimal
    tax: Decimal
    accounting_currency: str
    exchange_rate: Decimal | None
    accounting: AccountingTotals | None

    @property
    def total(self) -> Decimal:
        """Amount plus tax in the proposal's currency."""
        return self.amount + self.tax


def totals(session: Session, proposal: InvoiceProposal) -> Totals:
    """A proposal's totals (:func:`totals_at`), the rate looked up in the database."""
    entity = session.get(LegalEntity, proposal.legal_entity_id)
    assert entity is not None  # a foreign key
    code = entity.accounting_currency
    return totals_at(
        proposal,
        code,
        lambda: rate_in_force(
            session, proposal.contract_id, proposal.currency, code, proposal.invoice_date
        ),
    )


def totals_at(proposal: InvoiceProposal, code: str, rate: Callable[[], Decimal]) -> Totals:
    """A proposal's totals, ``code`` its legal entity's accounting currency. Until posted,
    the accounting figures follow the rate in force now, ``rate()`` (a fixed-rate
    agreement switched on applies to pending proposals, seed 003); once posted, they are
    the stored ones. No rate in force (``rate()`` refuses): no accounting figures."""
    amount = sum((line.amount for line in proposal.lines), ZERO)
    tax = sum((line.tax for line in proposal.lines), ZERO)
    if proposal.status == POSTED:
        assert proposal.total_amount_accounting is not None
        assert proposal.total_tax_accounting is not None
        stored = AccountingTotals(proposal.total_amount_accounting, proposal.total_tax_accounting)
        return Totals(amount, tax, code, proposal.exchange_rate, stored)
    try:
        in_force = rate()
    except DomainError:
        return Totals(amount, tax, code, None, None)
    live = accounting_totals(invoiced_lines(proposal), in_force, currency(code))
    return Totals(amount, tax, code, in_force, live)
