"""The proforma invoice's document (the project manager's review copy, marked PRO
FORMA), rendered live from the proforma itself: one line per detail, non-chargeable
and complimentary details printed at zero and not billed. Once its proposal has lines,
the proforma prints them as the proposal's format sections do, with its taxes."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.documents import content
from billable.domain.documents import (
    DocumentLine,
    IssuedDocument,
    LineTax,
    VatCategory,
    period,
    tax_breakdown,
)
from billable.domain.invoice import BillingType
from billable.domain.money import ZERO
from billable.persistence.tables import (
    Invoice,
    InvoiceLineDetail,
    InvoiceProposal,
    InvoiceProposalLine,
)


def _detail_line(detail: InvoiceLineDetail, minor_units: int) -> DocumentLine:
    billed = detail.billing_type == BillingType.CHARGEABLE
    # A proforma detail knows its tax, not the codes behind it: its rate is implied.
    rate = (
        (detail.tax * 100 / detail.amount).quantize(Decimal("0.01")).normalize()
        if detail.amount
        else ZERO
    )
    taxes = (LineTax("", VatCategory.STANDARD, rate, detail.tax),) if detail.tax else ()
    return DocumentLine(
        description=detail.external_description or detail.description or detail.transaction_class,
        quantity=detail.quantity,
        unit=detail.unit,
        price=detail.price,
        amount=detail.amount if billed else ZERO,
        taxes=taxes if billed else (),
        billed=billed,
        section=detail.line.name if detail.line is not None else "",
        period=(detail.date, detail.date),
    )


def from_invoice(session: Session, invoice: Invoice) -> IssuedDocument:
    """The proforma's document: its proposal's when that has lines, else its details."""
    proposal = session.scalars(
        select(InvoiceProposal).where(InvoiceProposal.invoice_id == invoice.id)
    ).first()
    if proposal is not None:
        has_lines = session.scalars(
            select(InvoiceProposalLine.id).where(InvoiceProposalLine.proposal_id == proposal.id)
        ).first()
        if has_lines is not None:
            return content.from_proposal(session, proposal)
    minor = currency(invoice.currency).minor_units
    details = session.scalars(
        select(InvoiceLineDetail)
        .where(InvoiceLineDetail.invoice_id == invoice.id)
        .order_by(InvoiceLineDetail.invoice_line_id, InvoiceLineDetail.id)
    )
    lines = tuple(_detail_line(detail, minor) for detail in details)
    breakdown = tuple(tax_breakdown(lines))
    base = content.preview_of(session, invoice)
    return dataclasses.replace(
        base,
        lines=lines,
        breakdown=breakdown,
        total_net=sum((line.amount for line in lines if line.billed), ZERO),
        total_tax=sum((row.tax_amount for row in breakdown), ZERO),
        period=period(line.period[0] for line in lines if line.period),
    )
