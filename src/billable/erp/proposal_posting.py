"""Posting invoice proposals (seed 003): one proposal from its page (posting on, or a
pro forma that writes nothing), and the periodic "Post invoice proposals" job that
posts every ready one, each in its own transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.documents import issuing
from billable.domain.errors import DomainError, Invalid
from billable.domain.invoice_posting import WipReversal, invoice_posting, voucher_totals
from billable.domain.lifecycle import PROPOSAL
from billable.domain.pricing import TransactionClass
from billable.domain.vocabulary import ProposalState
from billable.erp import defaults as erp_defaults
from billable.erp import ledger as general_ledger
from billable.erp.printout import render_printout
from billable.erp.proposal_import import consumed_actuals, posted_sales
from billable.erp.proposals import invoiced_lines
from billable.erp.setup import posting_profile
from billable.persistence import auditing
from billable.persistence.lookups import get
from billable.persistence.tables import InvoiceProposal, LegalEntity
from billable.persistence.uow import UnitOfWork

#: The source type of proposal vouchers (GET /vouchers?source_type=invoice_proposal).
SOURCE_TYPE = "invoice_proposal"
READY = sorted(PROPOSAL.sources_of("post"))


@dataclass(frozen=True)
class PostOutcome:
    """What ``POST /invoice-proposals/{id}/post`` did: ``pro_forma`` when nothing was
    written; ``printout`` (HTML) when a printout was asked for."""

    proposal_id: int
    pro_forma: bool
    printout: str | None = None
    #: Why the customer invoice it issues (or would issue) cannot be a valid e-invoice.
    warnings: list[dict[str, Any]] = field(default_factory=list)
    customer_invoice_id: int | None = None

    @property
    def printed(self) -> bool:
        """Whether a printout was made."""
        return self.printout is not None


def _reversals(session: Session, proposal: InvoiceProposal) -> list[WipReversal]:
    """The WIP to reverse: each consumed actual's accrued posted transaction, per part,
    at its own amount and rate."""
    consumed = consumed_actuals(session, proposal.invoice_id)
    posted = posted_sales(session, [a.id for a in consumed])
    out: list[WipReversal] = []
    for actual in consumed:
        row = posted.get(actual.id)
        if row is None or not row.accrued:
            continue
        if row.currency != proposal.currency:
            raise Invalid.field(
                "currency",
                f"posted transaction {row.id} is in {row.currency}, the proposal in "
                f"{proposal.currency}",
            )
        for part in row.parts:
            out.append(
                WipReversal(
                    TransactionClass(row.transaction_class),
                    Decimal(str(part["amount"])),
                    row.exchange_rate,
                    erp_defaults.dimensions_of(part.get("dimensions")),
                )
            )
    return out


def _post(session: Session, proposal: InvoiceProposal, target: str) -> None:
    entity = session.get(LegalEntity, proposal.legal_entity_id)
    assert entity is not None  # a foreign key
    accounting = currency(entity.accounting_currency, "accounting_currency")
    rate = erp_defaults.rate_in_force(
        session, proposal.contract_id, proposal.currency, accounting.code, proposal.invoice_date
    )
    voucher = invoice_posting(
        posting_profile(session, entity),
        invoiced_lines(proposal),
        _reversals(session, proposal),
        currency(proposal.currency),
        accounting,
        rate,
    )
    # A proposal with nothing billed and no WIP to reverse posts without a voucher.
    row = (
        general_ledger.post_voucher(
            session, voucher, proposal.invoice_date, SOURCE_TYPE, str(proposal.id), entity
        )
        if voucher.lines
        else None
    )
    figures = voucher_totals(voucher)
    proposal.voucher_id = row.id if row is not None else None
    proposal.exchange_rate = rate
    proposal.total_amount_accounting = figures.amount
    proposal.total_tax_accounting = figures.tax
    proposal.posted_at, proposal.posted_by = auditing.now(), auditing.actor_name()
    proposal.status = target


def post_proposal(uow: UnitOfWork, ident: str | int, posting: bool, print_: bool) -> PostOutcome:
    """Post a ready proposal (one voucher, then immutable), or with ``posting`` off a
    pro forma: the same checks, nothing written. Waiting or posted: 409."""
    with uow:
        session = uow.session
        proposal = get(session, InvoiceProposal, str(ident), "invoice proposal", lock=True)
        target = PROPOSAL.next_state(proposal.status, "post")
        issued = None
        if posting:
            _post(session, proposal, target)
            issued = issuing.issue(session, proposal)
        # A pro forma says beforehand what the invoice it would issue lacks.
        warnings = issued.problems if issued else issuing.warnings(session, proposal)
        # Printed after posting, inside the transaction: the printout shows what was posted.
        printout = render_printout(session, proposal, pro_forma=not posting) if print_ else None
        if posting:
            uow.commit()
        ident_issued = issued.id if issued else None
        return PostOutcome(proposal.id, not posting, printout, warnings, ident_issued)


@dataclass
class PostReadyResult:
    """What the periodic posting did: numbers posted, those someone else posted while it
    ran, and why the others failed."""

    posted: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    posted_meanwhile: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The job's result."""
        return {
            "posted": self.posted,  # not vocabulary: a key of the job's result
            "failed": self.failed,  # not vocabulary: a key of the job's result
            "posted_meanwhile": self.posted_meanwhile,
        }


def ready_proposals(uow: UnitOfWork) -> list[tuple[int, str]]:
    """The (id, number) of every ready proposal, oldest first."""
    with uow:
        rows = uow.session.execute(
            select(InvoiceProposal.id, InvoiceProposal.number)
            .where(InvoiceProposal.status.in_(READY))
            .order_by(InvoiceProposal.id)
        ).all()
        return [(ident, number) for ident, number in rows]


def _status(uow: UnitOfWork, ident: int) -> str | None:
    with uow:
        return uow.session.scalar(select(InvoiceProposal.status).where(InvoiceProposal.id == ident))


def post_ready(
    make_uow: Callable[[], UnitOfWork],
    progress: Callable[[int, int], None] | None = None,
) -> PostReadyResult:
    """Post every ready proposal, each in its own transaction: a refusal leaves the
    others posted and is reported with its reason. A retry skips those posted."""
    todo = ready_proposals(make_uow())
    result = PostReadyResult()
    for done, (ident, number) in enumerate(todo, start=1):
        try:
            post_proposal(make_uow(), ident, posting=True, print_=False)
            result.posted.append(number)
        except DomainError as exc:
            # Posted by hand since the list was read.
            if _status(make_uow(), ident) == ProposalState.POSTED:
                result.posted_meanwhile.append(number)
            else:
                result.failed[number] = exc.detail
        if progress:
            progress(done, len(todo))
    return result
