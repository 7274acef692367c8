"""Posting invoice proposals, set-based: the one implementation for one proposal (a
set of one, :func:`billable.erp.proposal_posting.post_proposal`) and for every ready
one (the periodic job, in chunks).

Per chunk: the rows every voucher is built from are read once for all (legal entities
and their posting profiles, rates in force, proposal lines, consumed actuals and their
posted transactions); the domain's ``invoice_posting`` builds each proposal's voucher
(it rounds, so it runs in Python); the ledger writes them all in two multi-row inserts
with consecutive numbers; one statement marks the proposals posted; and the customer
invoices are issued, numbered per legal entity in the proposals' order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.documents import issuing
from billable.domain.errors import Invalid
from billable.domain.invoice_posting import WipReversal, invoice_posting, voucher_totals
from billable.domain.lifecycle import PROPOSAL
from billable.domain.postings import Voucher
from billable.domain.pricing import TransactionClass
from billable.erp import defaults as erp_defaults
from billable.erp import ledger as general_ledger
from billable.erp.defaults import RateKey
from billable.erp.proposal_reads import PlainRow, consumed_by, posted_sales
from billable.erp.proposals import POSTED, invoiced_lines_of
from billable.erp.setup import posting_profile
from billable.persistence import auditing
from billable.persistence.lookups import in_chunks
from billable.persistence.tables import (
    CustomerInvoice,
    InvoiceProposal,
    InvoiceProposalLine,
    LegalEntity,
)

#: What posting reads of a proposal line (:func:`billable.erp.proposals.invoiced_lines_of`).
LINE_COLUMNS = (
    InvoiceProposalLine.proposal_id,
    InvoiceProposalLine.transaction_class,
    InvoiceProposalLine.amount,
    InvoiceProposalLine.taxes,
    InvoiceProposalLine.dimensions,
)
#: The source type of proposal vouchers (GET /vouchers?source_type=invoice_proposal).
SOURCE_TYPE = "invoice_proposal"


def _reversals(
    proposal: InvoiceProposal,
    consumed: Sequence[PlainRow],
    posted: Mapping[int, PlainRow],
) -> list[WipReversal]:
    """The WIP to reverse: each consumed actual's accrued posted transaction, per part,
    at its own amount and rate."""
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


@dataclass(frozen=True)
class _Posted:
    """A proposal's voucher (by the domain) and the rate it was posted at."""

    proposal: InvoiceProposal
    voucher: Voucher
    rate: Decimal
    entity: LegalEntity


def _vouchers(session: Session, proposals: Sequence[InvoiceProposal]) -> list[_Posted]:
    """Every proposal's voucher, built by ``invoice_posting`` from rows read once for
    all: legal entities and their profiles, rates in force, lines, consumed actuals and
    their posted transactions."""
    entities = {
        row.id: row
        for row in session.scalars(
            select(LegalEntity).where(LegalEntity.id.in_({p.legal_entity_id for p in proposals}))
        )
    }
    profiles = {ident: posting_profile(session, entity) for ident, entity in entities.items()}
    keys = {
        p.id: RateKey(
            p.contract_id,
            p.currency,
            entities[p.legal_entity_id].accounting_currency,
            p.invoice_date,
        )
        for p in proposals
    }
    rates = erp_defaults.rates_in_force(session, list(set(keys.values())))
    # Plain rows of the columns posting reads, not ORM objects: a chunk holds thousands.
    lines: dict[int, list[PlainRow]] = {p.id: [] for p in proposals}
    for chunk in in_chunks([p.id for p in proposals]):
        stmt = select(*LINE_COLUMNS).where(InvoiceProposalLine.proposal_id.in_(chunk))
        for line in session.execute(stmt.order_by(InvoiceProposalLine.id)):
            lines[line.proposal_id].append(line)
    consumed = consumed_by(session, [p.invoice_id for p in proposals])
    posted = posted_sales(session, [a.id for rows in consumed.values() for a in rows])
    out = []
    for p in proposals:
        entity = entities[p.legal_entity_id]
        accounting = currency(entity.accounting_currency, "accounting_currency")
        voucher = invoice_posting(
            profiles[entity.id],
            invoiced_lines_of(lines[p.id]),
            _reversals(p, consumed[p.invoice_id], posted),
            currency(p.currency),
            accounting,
            rates[keys[p.id]],
        )
        out.append(_Posted(p, voucher, rates[keys[p.id]], entity))
    return out


def _mark_posted(session: Session, done: Sequence[_Posted], voucher_ids: Mapping[int, int]) -> None:
    """The proposals' posted state, rate, accounting totals and voucher: one statement
    executed for them all."""
    table: Table = InvoiceProposal.__table__  # type: ignore[assignment]
    now, by = auditing.now(), auditing.actor_name()
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            voucher_id=bindparam("b_voucher"),
            exchange_rate=bindparam("b_rate"),
            total_amount_accounting=bindparam("b_amount"),
            total_tax_accounting=bindparam("b_tax"),
            posted_at=now,
            posted_by=by,
            status=POSTED,
            version=table.c.version + 1,
        )
    )
    rows = []
    for d in done:
        figures = voucher_totals(d.voucher)
        rows.append(
            {
                "b_id": d.proposal.id,
                "b_voucher": voucher_ids.get(d.proposal.id),
                "b_rate": d.rate,
                "b_amount": figures.amount,
                "b_tax": figures.tax,
            }
        )
    session.connection().execute(stmt, rows)
    # Refreshed in one read, not one lazy load per proposal when issuing reads them.
    session.scalars(
        select(InvoiceProposal)
        .where(InvoiceProposal.id.in_([d.proposal.id for d in done]))
        .execution_options(populate_existing=True)
    ).all()


def post_proposals(
    session: Session, proposals: Sequence[InvoiceProposal]
) -> dict[int, CustomerInvoice]:
    """Post ready proposals in the caller's transaction: per proposal one voucher (none
    when nothing was billed and no WIP is reversed) and its customer invoice, issued in
    the proposals' order. 409 if any may not be posted from its state, 422 if any
    refuses (no rate in force, a voucher the ledger refuses): then nothing is written.
    Returns the customer invoices by proposal id."""
    if not proposals:
        return {}
    for p in proposals:
        PROPOSAL.next_state(p.status, "post")
    done = _vouchers(session, proposals)
    with_lines = [d for d in done if d.voucher.lines]
    ids = general_ledger.post_vouchers(
        session,
        [
            general_ledger.Entry(
                d.voucher,
                d.proposal.invoice_date,
                SOURCE_TYPE,
                str(d.proposal.id),
                legal_entity=d.entity,
            )
            for d in with_lines
        ],
    )
    _mark_posted(session, done, {d.proposal.id: i for d, i in zip(with_lines, ids, strict=True)})
    # Written through Core, so the unit of work sees no rows: name them for the trail.
    auditing.record(session, "invoice_proposal", [p.id for p in proposals], {"status": POSTED})
    return issuing.issue_many(session, proposals)
