"""Format invoice proposal (seed 003): group a proposal's lines into ordered sections that
print in detail or in summary, and choose how the remaining lines print.

Every change locks the proposal row first (``FOR UPDATE`` on PostgreSQL; SQLite
transactions are ``BEGIN IMMEDIATE``), so two edits of one proposal's sections, or an
edit and the posting, queue instead of interleaving. Only the lifecycle decides whether
a proposal may still be formatted: ``PROPOSAL.next_state(status, "format")``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from billable.domain.errors import Invalid, NotFound
from billable.domain.lifecycle import PROPOSAL
from billable.domain.proposal_format import moved
from billable.persistence.lookups import get, parse_id
from billable.persistence.tables import (
    InvoiceProposal,
    InvoiceProposalLine,
    InvoiceProposalSection,
)
from billable.persistence.uow import UnitOfWork

Fields = Mapping[str, Any]
Section = tuple[InvoiceProposalSection, list[InvoiceProposalLine]]


def proposal(session: Session, ident: int | str, *, lock: bool = False) -> InvoiceProposal:
    """The proposal ``ident`` or a 404."""
    return get(session, InvoiceProposal, ident, "invoice proposal", lock=lock)


def _formattable(session: Session, ident: int | str) -> InvoiceProposal:
    row = proposal(session, ident, lock=True)
    PROPOSAL.next_state(row.status, "format")  # 409 once posted
    return row


def _ordered(session: Session, proposal_id: int) -> list[InvoiceProposalSection]:
    stmt = (
        select(InvoiceProposalSection)
        .where(InvoiceProposalSection.proposal_id == proposal_id)
        .order_by(InvoiceProposalSection.position, InvoiceProposalSection.id)
    )
    return list(session.scalars(stmt))


def _section(session: Session, row: InvoiceProposal, ident: str) -> InvoiceProposalSection:
    key = parse_id(ident)
    found = session.get(InvoiceProposalSection, key) if key is not None else None
    if found is None or found.proposal_id != row.id:
        raise NotFound(f"no section with id {ident} on invoice proposal {row.number}")
    return found


def sections(session: Session, proposal_id: int | str) -> list[Section]:
    """The proposal's sections in print order, each with its lines (by id)."""
    row = proposal(session, proposal_id)
    lines = session.scalars(
        select(InvoiceProposalLine)
        .where(InvoiceProposalLine.proposal_id == row.id)
        .where(InvoiceProposalLine.section_id.is_not(None))
        .order_by(InvoiceProposalLine.id)
    )
    grouped: dict[int, list[InvoiceProposalLine]] = {}
    for line in lines:
        grouped.setdefault(line.section_id or 0, []).append(line)
    return [(s, grouped.get(s.id, [])) for s in _ordered(session, row.id)]


def section(session: Session, proposal_id: int | str, section_id: int | str) -> Section:
    """One section of the proposal with its lines, or a 404."""
    row = proposal(session, proposal_id)
    found = _section(session, row, str(section_id))
    return next(s for s in sections(session, row.id) if s[0].id == found.id)


def available_lines_query(proposal_id: int) -> Select[InvoiceProposalLine]:
    """The proposal's lines in no section ("Available transactions"), by id."""
    return (
        select(InvoiceProposalLine)
        .where(InvoiceProposalLine.proposal_id == proposal_id)
        .where(InvoiceProposalLine.section_id.is_(None))
        .order_by(InvoiceProposalLine.id)
    )


def _checked_lines(
    session: Session, row: InvoiceProposal, idents: Sequence[Any], own: int | None
) -> list[InvoiceProposalLine]:
    """The lines ``idents`` name: each a line of ``row``, given once, in no section other
    than ``own``; else a 422 naming ``line_ids[i]``."""
    stmt = select(InvoiceProposalLine).where(InvoiceProposalLine.proposal_id == row.id)
    by_id = {line.id: line for line in session.scalars(stmt)}
    names = {s.id: s.name for s in _ordered(session, row.id)}
    chosen: dict[int, InvoiceProposalLine] = {}
    for index, ident in enumerate(idents):
        field, key = f"line_ids[{index}]", parse_id(ident)
        line = by_id.get(key) if key is not None else None
        if line is None:
            raise Invalid.field(field, f"no line with id {ident} on invoice proposal {row.number}")
        if line.id in chosen:
            raise Invalid.field(field, f"line {ident} is given twice")
        if line.section_id is not None and line.section_id != own:
            name = names.get(line.section_id, "")
            raise Invalid.field(field, f"line {ident} is already in the section '{name}'")
        chosen[line.id] = line
    return list(chosen.values())


def _include(
    session: Session, target: InvoiceProposalSection, lines: list[InvoiceProposalLine]
) -> None:
    """Make ``lines`` exactly the section's lines; the others go back to available."""
    keep = {line.id for line in lines}
    for line in session.scalars(
        select(InvoiceProposalLine).where(InvoiceProposalLine.section_id == target.id)
    ):
        if line.id not in keep:
            line.section_id = None
    for line in lines:
        line.section_id = target.id


def _renumber(ordered: list[InvoiceProposalSection]) -> None:
    # Positions stay 1..n without gaps whatever was added, moved or removed.
    for position, row in enumerate(ordered, start=1):
        row.position = position


def create_section(uow: UnitOfWork, proposal_id: str, fields: Fields) -> int:
    """A new last section ``{name, mode, line_ids}``; its id."""
    with uow:
        row = _formattable(uow.session, proposal_id)
        lines = _checked_lines(uow.session, row, fields.get("line_ids", []), None)
        count = uow.session.scalar(
            select(func.count())
            .select_from(InvoiceProposalSection)
            .where(InvoiceProposalSection.proposal_id == row.id)
        )
        new = InvoiceProposalSection(
            proposal_id=row.id, name=fields["name"], mode=fields["mode"], position=(count or 0) + 1
        )
        uow.session.add(new)
        uow.session.flush()
        _include(uow.session, new, lines)
        uow.commit()
        return new.id


def update_section(uow: UnitOfWork, proposal_id: str, section_id: str, fields: Fields) -> None:
    """Rename, change the mode, replace the lines or ``move`` a section up or down."""
    with uow:
        row = _formattable(uow.session, proposal_id)
        target = _section(uow.session, row, section_id)
        lines = None
        if "line_ids" in fields:
            lines = _checked_lines(uow.session, row, fields["line_ids"], target.id)
        ordered = _ordered(uow.session, row.id)
        if "move" in fields:
            ids = moved([s.id for s in ordered], target.id, fields["move"])
            ordered = sorted(ordered, key=lambda s: ids.index(s.id))
        for name in ("name", "mode"):
            if name in fields:
                setattr(target, name, fields[name])
        if lines is not None:
            _include(uow.session, target, lines)
        _renumber(ordered)
        uow.commit()


def delete_section(uow: UnitOfWork, proposal_id: str, section_id: str) -> None:
    """Remove a section; its lines become available again and the later sections move up."""
    with uow:
        row = _formattable(uow.session, proposal_id)
        target = _section(uow.session, row, section_id)
        uow.session.execute(
            update(InvoiceProposalLine)
            .where(InvoiceProposalLine.section_id == target.id)
            .values(section_id=None)
        )
        uow.session.delete(target)
        uow.session.flush()
        _renumber([s for s in _ordered(uow.session, row.id) if s.id != target.id])
        uow.commit()


def set_invoice_format(uow: UnitOfWork, proposal_id: str, invoice_format: str) -> None:
    """How lines in no section print: ``detail`` or ``summary``."""
    with uow:
        row = _formattable(uow.session, proposal_id)
        row.invoice_format = invoice_format
        uow.commit()
