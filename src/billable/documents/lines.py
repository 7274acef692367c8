"""The lines of a customer document, as the proposal's format sections print them
(seed 003, "Format invoice proposals"): a detail section gives one line per transaction,
a summary section one line per tax (an e-invoice line carries one VAT category and
rate); lines in no section follow the proposal's invoice format, summed per
transaction class when it is summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.domain.documents import DocumentLine, LineTax, VatCategory, period
from billable.domain.money import ZERO
from billable.domain.proposal_format import PrintMode
from billable.erp.proposal_reads import PlainRow
from billable.persistence.lookups import in_chunks
from billable.persistence.tables import (
    InvoiceProposal,
    InvoiceProposalLine,
    InvoiceProposalSection,
    TaxCode,
)

TaxCodes = Mapping[str, TaxCode]
#: The columns of a proposal line a document prints, read as plain rows (attributes named
#: as the line's), not ORM objects: a chunk of documents prints thousands.
LINE_COLUMNS = (
    InvoiceProposalLine.id,
    InvoiceProposalLine.proposal_id,
    InvoiceProposalLine.section_id,
    InvoiceProposalLine.description,
    InvoiceProposalLine.transaction_class,
    InvoiceProposalLine.quantity,
    InvoiceProposalLine.unit,
    InvoiceProposalLine.price,
    InvoiceProposalLine.amount,
    InvoiceProposalLine.taxes,
    InvoiceProposalLine.date,
)


def _taxes(line: PlainRow, codes: TaxCodes) -> tuple[LineTax, ...]:
    out = []
    for tax in line.taxes or []:
        row = codes.get(tax["code"])
        out.append(
            LineTax(
                code=tax["code"],
                category=VatCategory(row.vat_category if row else VatCategory.STANDARD),
                rate=Decimal(str(tax["rate"])),
                amount=Decimal(str(tax["amount"])),
                exemption_reason=row.exemption_reason if row else None,
            )
        )
    return tuple(out)


def _detail(section: str, line: PlainRow, codes: TaxCodes) -> DocumentLine:
    return DocumentLine(
        description=line.description or line.transaction_class.capitalize(),
        quantity=line.quantity,
        unit=line.unit,
        price=line.price,
        amount=line.amount,
        taxes=_taxes(line, codes),
        section=section,
        period=(line.date, line.date),
    )


def _summed(title: str, lines: Sequence[PlainRow], codes: TaxCodes) -> DocumentLine:
    """One summed line: quantity 1 at the total, so price times quantity is the amount."""
    amount = sum((line.amount for line in lines), ZERO)
    taxes: dict[str, LineTax] = {}
    for line in lines:
        for tax in _taxes(line, codes):
            seen = taxes.get(tax.code)
            taxes[tax.code] = (
                tax
                if seen is None
                else LineTax(
                    tax.code, tax.category, tax.rate, seen.amount + tax.amount, tax.exemption_reason
                )
            )
    return DocumentLine(
        description=title,
        quantity=Decimal(1),
        unit="each",
        price=amount,
        amount=amount,
        taxes=tuple(taxes.values()),
        section=title,
        period=period(line.date for line in lines),
    )


def _summary(title: str, lines: Sequence[PlainRow], codes: TaxCodes) -> list[DocumentLine]:
    # Lines taxed alike sum together; each tax signature gets its own line.
    groups: dict[tuple[tuple[str, str], ...], list[PlainRow]] = {}
    for line in lines:
        key = tuple(sorted((t["code"], str(t["rate"])) for t in line.taxes or []))
        groups.setdefault(key, []).append(line)
    return [_summed(title, group, codes) for group in groups.values()]


def _block(title: str, mode: str, lines: Sequence[PlainRow], codes: TaxCodes) -> list[DocumentLine]:
    if not lines:
        return []
    if mode == PrintMode.DETAIL:
        return [_detail(title, line, codes) for line in lines]
    return _summary(title, lines, codes)


def document_lines(session: Session, proposal: InvoiceProposal) -> list[DocumentLine]:
    """The proposal's lines as its customer document prints them, sections first."""
    return lines_of_many(session, [proposal])[proposal.id]


def lines_of_many(
    session: Session, proposals: Sequence[InvoiceProposal]
) -> dict[int, list[DocumentLine]]:
    """:func:`document_lines` of many proposals, by id: their lines, sections and tax
    codes read in three queries."""
    ids = [p.id for p in proposals]
    lines: dict[int, list[PlainRow]] = {i: [] for i in ids}
    sections: dict[int, list[InvoiceProposalSection]] = {i: [] for i in ids}
    for chunk in in_chunks(ids):
        stmt = select(*LINE_COLUMNS).where(InvoiceProposalLine.proposal_id.in_(chunk))
        for line in session.execute(stmt.order_by(InvoiceProposalLine.id)):
            lines[line.proposal_id].append(line)
        for section in session.scalars(
            select(InvoiceProposalSection)
            .where(InvoiceProposalSection.proposal_id.in_(chunk))
            .order_by(InvoiceProposalSection.position, InvoiceProposalSection.id)
        ):
            sections[section.proposal_id].append(section)
    used = {t["code"] for rows in lines.values() for line in rows for t in line.taxes or []}
    codes = {
        row.code: row for row in session.scalars(select(TaxCode).where(TaxCode.code.in_(used)))
    }
    return {p.id: _arranged(p, lines[p.id], sections[p.id], codes) for p in proposals}


def _arranged(
    proposal: InvoiceProposal,
    lines: list[PlainRow],
    sections: list[InvoiceProposalSection],
    codes: TaxCodes,
) -> list[DocumentLine]:
    out: list[DocumentLine] = []
    for section in sections:
        chosen = [line for line in lines if line.section_id == section.id]
        out += _block(section.name, section.mode, chosen, codes)
    rest = [line for line in lines if line.section_id is None]
    if proposal.invoice_format == PrintMode.DETAIL:
        out += _block("", PrintMode.DETAIL, rest, codes)
    else:
        by_class: dict[str, list[PlainRow]] = {}
        for line in rest:
            by_class.setdefault(line.transaction_class, []).append(line)
        for cls, group in by_class.items():
            out += _block(cls.capitalize(), PrintMode.SUMMARY, group, codes)
    return out


def transaction_dates(session: Session, proposal: InvoiceProposal) -> list[dt.date]:
    """Every transaction date on the proposal (for the invoice period)."""
    return dates_of_many(session, [proposal])[proposal.id]


def dates_of_many(
    session: Session, proposals: Sequence[InvoiceProposal]
) -> dict[int, list[dt.date]]:
    """:func:`transaction_dates` of many proposals, by id, in one query per chunk."""
    out: dict[int, list[dt.date]] = {p.id: [] for p in proposals}
    for chunk in in_chunks(list(out)):
        rows = session.execute(
            select(InvoiceProposalLine.proposal_id, InvoiceProposalLine.date).where(
                InvoiceProposalLine.proposal_id.in_(chunk)
            )
        )
        for ident, date in rows:
            out[ident].append(date)
    return out
