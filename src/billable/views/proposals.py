"""Invoice proposals as shown: lines and totals in both currencies, the format
sections, the lines in no section, and the print settings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from billable.domain.errors import Conflict, Invalid
from billable.domain.lifecycle import PROPOSAL
from billable.domain.vocabulary import ProposalState
from billable.erp import print_management, proposal_format
from billable.erp.printout import render_printout
from billable.erp.proposals import Totals, totals_at
from billable.persistence.lookups import get, parse_id
from billable.persistence.tables import InvoiceProposal, InvoiceProposalLine, PrintSetting
from billable.views.erp import RatesInForce, accounting_currencies
from billable.views.pagination import Window, window, window_of
from billable.views.records import Record, record, records


@dataclass(frozen=True)
class ProposalView:
    """A proposal header, its lines, and its totals (:class:`Totals`)."""

    proposal: Record
    lines: list[Record]
    totals: Totals


def _rate(
    rates: RatesInForce, row: InvoiceProposal, codes: dict[int, str]
) -> Callable[[], Decimal]:
    code = codes[row.legal_entity_id]
    return lambda: rates.rate(row.contract_id, row.currency, code, row.invoice_date)


def _proposals(session: Session, rows: Sequence[InvoiceProposal]) -> list[ProposalView]:
    """Proposals with their lines and totals: three queries for any page."""
    codes = accounting_currencies(session)
    waiting = [row for row in rows if row.status != ProposalState.POSTED]
    rates = RatesInForce(
        session,
        {row.contract_id for row in waiting},
        {(row.currency, codes[row.legal_entity_id]) for row in waiting},
    )
    return [
        ProposalView(
            record(row),
            records(row.lines),
            totals_at(row, codes[row.legal_entity_id], _rate(rates, row, codes)),
        )
        for row in rows
    ]


def proposals(
    session: Session,
    limit: int,
    cursor: str | None,
    invoice_id: str | None = None,
    status: str | None = None,
) -> Window[ProposalView]:
    """A page of proposals, oldest first; filters: invoice, status (422 if unknown)."""
    stmt = select(InvoiceProposal).options(selectinload(InvoiceProposal.lines))
    if invoice_id is not None:
        key = parse_id(invoice_id)
        if key is None:
            raise Invalid.field("invoice_id", f"'{invoice_id}' is not an id")
        stmt = stmt.where(InvoiceProposal.invoice_id == key)
    if status is not None:
        if status not in PROPOSAL.states():
            known = ", ".join(sorted(PROPOSAL.states()))
            raise Invalid.field("status", f"'{status}' is not one of {known}")
        stmt = stmt.where(InvoiceProposal.status == status)
    return window(
        session, stmt, InvoiceProposal.id, limit, cursor, lambda r: _proposals(session, r)
    )


def proposal(session: Session, ident: int | str) -> ProposalView:
    """One proposal with its lines and totals, or 404."""
    return _proposals(session, [get(session, InvoiceProposal, ident, "invoice proposal")])[0]


@dataclass(frozen=True)
class SectionView:
    """A format section and its lines, in the proposal's currency."""

    section: Record
    lines: list[Record]
    currency: str


def sections(
    session: Session, proposal_id: str, limit: int, cursor: str | None
) -> Window[SectionView]:
    """A page of a proposal's format sections in print order (404 for an unknown
    proposal). A proposal has a handful of sections: they are read whole, and paged in
    print order."""
    code = proposal_format.proposal(session, proposal_id).currency
    found = [
        SectionView(record(row), records(lines), code)
        for row, lines in proposal_format.sections(session, proposal_id)
    ]
    return window_of(found, limit, cursor)


def section(session: Session, proposal_id: str, section_id: str) -> SectionView:
    """One section of a proposal, or 404."""
    code = proposal_format.proposal(session, proposal_id).currency
    row, lines = proposal_format.section(session, proposal_id, section_id)
    return SectionView(record(row), records(lines), code)


def available_lines(
    session: Session, proposal_id: str, limit: int, cursor: str | None
) -> tuple[str, Window[Record]]:
    """The proposal's currency and a page of its lines in no section, by id."""
    row = proposal_format.proposal(session, proposal_id)
    stmt = proposal_format.available_lines_query(row.id)
    return row.currency, window(session, stmt, InvoiceProposalLine.id, limit, cursor, records)


def invoice_format(session: Session, proposal_id: str) -> Record:
    """A proposal's header (for its invoice format), or 404."""
    return record(proposal_format.proposal(session, proposal_id))


def print_settings(
    session: Session,
    limit: int,
    cursor: str | None,
    level: str | None = None,
    target_id: str | None = None,
) -> Window[Record]:
    """A page of the print settings set at some level; filters: level, target."""
    stmt = print_management.settings_query(level, target_id)
    return window(session, stmt, PrintSetting.id, limit, cursor, records)


def print_setting(session: Session, ident: int) -> Record:
    """One print setting (just written: it exists)."""
    row = session.get(PrintSetting, ident)
    assert row is not None  # settings are only removed by DELETE
    return record(row)


def resolved_print(session: Session, proposal_id: str) -> Record:
    """A proposal's effective print settings and the level each comes from."""
    row = proposal_format.proposal(session, proposal_id)
    found = print_management.resolved(session, row)
    return Record(proposal_id=row.id, values=dict(found.values), sources=dict(found.sources))


@dataclass(frozen=True)
class Printout:
    """A proposal's printout: the HTML, the file name, and where it goes."""

    html: str
    filename: str
    destination: str


def printout(session: Session, proposal_id: str, pro_forma: bool | None) -> Printout:
    """The printout, pro forma by default until the proposal is posted; an invoice
    printout of a proposal not posted is refused (409)."""
    row = proposal_format.proposal(session, proposal_id)
    posted = row.status == ProposalState.POSTED
    sample = not posted if pro_forma is None else pro_forma
    if not sample and not posted:
        raise Conflict(
            f"invoice proposal {row.number} is {row.status}: only a posted proposal "
            "prints as an invoice; ask for pro_forma=true"
        )
    html = render_printout(session, row, sample)
    destination = print_management.resolved(session, row).values["destination"]
    return Printout(html, f"invoice-{row.number}.html", destination)
