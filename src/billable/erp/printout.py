"""The invoice printout of a proposal (seed 003, "Format and print invoice proposals"):
HTML from a Jinja2 template, autoescaped. Sections print in their order, in detail (every
line) or summary (one summed row); lines in no section follow the proposal's invoice
format. Amounts are Decimals formatted to the currency's minor unit, never floats."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain.money import ZERO, Currency, format_decimal
from billable.domain.proposal_format import PrintMode
from billable.erp.print_management import resolved
from billable.persistence.tables import (
    Invoice,
    InvoiceProposal,
    InvoiceProposalLine,
    InvoiceProposalSection,
)

TEMPLATE = "printout.html.j2"


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("billable", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def money_text(value: Decimal, code: Currency) -> str:
    """``value`` with thousands separators and exactly the currency's minor unit
    ("1,000.00"; "1,000" in JPY); more decimals than that are shown, never rounded away."""
    plain = Decimal(format_decimal(value, code.minor_units))
    return f"{plain:,f}"


@dataclass
class _Block:
    """One printed group: a section, or the lines in no section."""

    title: str
    mode: str
    rows: list[dict[str, str]] = field(default_factory=list)


def _line_row(line: InvoiceProposalLine, code: Currency) -> dict[str, str]:
    return {
        "description": line.description,
        "date": line.date.isoformat(),
        "quantity": format_decimal(line.quantity),
        "unit": line.unit,
        "price": money_text(line.price, code),
        "amount": money_text(line.amount, code),
        "tax": money_text(line.tax, code),
    }


def _summary_row(title: str, lines: list[InvoiceProposalLine], code: Currency) -> dict[str, str]:
    return {
        "description": title,
        "quantity": format_decimal(sum((line.quantity for line in lines), ZERO)),
        "amount": money_text(sum((line.amount for line in lines), ZERO), code),
        "tax": money_text(sum((line.tax for line in lines), ZERO), code),
    }


def _block(title: str, mode: str, lines: list[InvoiceProposalLine], code: Currency) -> _Block:
    block = _Block(title, mode)
    if mode == PrintMode.DETAIL:
        block.rows = [_line_row(line, code) for line in lines]
    elif lines:
        block.rows = [_summary_row(title, lines, code)]
    return block


def _unsectioned(mode: str, lines: list[InvoiceProposalLine], code: Currency) -> _Block:
    """Lines in no section: in detail, or summed per transaction class (time, expense...)."""
    if mode == PrintMode.DETAIL:
        return _block("Transactions", mode, lines, code)
    by_class: dict[str, list[InvoiceProposalLine]] = {}
    for line in lines:
        by_class.setdefault(line.transaction_class, []).append(line)
    rows = [_summary_row(cls.capitalize(), group, code) for cls, group in by_class.items()]
    return _Block("Transactions", mode, rows)


def _tax_by_code(lines: Iterable[InvoiceProposalLine], code: Currency) -> list[dict[str, str]]:
    totals: dict[str, Decimal] = {}
    for line in lines:
        for tax in line.taxes or []:
            totals[tax["code"]] = totals.get(tax["code"], ZERO) + Decimal(str(tax["amount"]))
    return [{"code": c, "amount": money_text(a, code)} for c, a in sorted(totals.items())]


def _bill_to(session: Session, proposal: InvoiceProposal) -> dict[str, Any]:
    """The proforma invoice's bill-to: the address the customer is billed at."""
    invoice = session.get(Invoice, proposal.invoice_id)
    if invoice is None:  # the foreign key makes this impossible; say so if it happens
        raise LookupError(f"invoice proposal {proposal.number} has no invoice")
    place = " ".join(p for p in (invoice.bill_to_postal_code, invoice.bill_to_city) if p)
    lines = [invoice.bill_to_street, place, invoice.bill_to_country]
    return {"name": invoice.bill_to_name, "lines": [text for text in lines if text]}


def render_printout(session: Session, proposal: InvoiceProposal, pro_forma: bool) -> str:
    """The proposal's invoice printout as HTML; ``pro_forma`` marks it "PRO FORMA" (a
    sample invoice: printed without posting). Reads only; the caller's transaction."""
    code = currency(proposal.currency)
    lines = list(
        session.scalars(
            select(InvoiceProposalLine)
            .where(InvoiceProposalLine.proposal_id == proposal.id)
            .order_by(InvoiceProposalLine.id)
        )
    )
    stmt = select(InvoiceProposalSection).where(InvoiceProposalSection.proposal_id == proposal.id)
    blocks = [
        _block(s.name, s.mode, [line for line in lines if line.section_id == s.id], code)
        for s in session.scalars(
            stmt.order_by(InvoiceProposalSection.position, InvoiceProposalSection.id)
        )
    ]
    rest = [line for line in lines if line.section_id is None]
    if rest:
        blocks.append(_unsectioned(proposal.invoice_format, rest, code))
    amount = sum((line.amount for line in lines), ZERO)
    tax = sum((line.tax for line in lines), ZERO)
    settings = resolved(session, proposal)
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            pro_forma=pro_forma,
            number=proposal.number,
            invoice_date=proposal.invoice_date.isoformat(),
            currency=proposal.currency,
            bill_to=_bill_to(session, proposal),
            blocks=blocks,
            report_format=settings.values["report_format"],
            tax_by_code=_tax_by_code(lines, code),
            totals={
                "amount": money_text(amount, code),
                "tax": money_text(tax, code),
                "total": money_text(amount + tax, code),
            },
            footer_text=settings.values["footer_text"],
        )
    )
