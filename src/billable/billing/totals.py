"""Recompute an invoice's stored totals from its details with the domain's arithmetic."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from billable.domain.invoice import BillingType, DetailFigures, header_totals, line_totals
from billable.persistence.tables import Actual, Invoice, InvoiceLine, InvoiceLineDetail


def recalculate(session: Session, invoice: Invoice) -> None:
    """Set line amount, tax and extended amount, and the header totals, from the details."""
    session.flush()
    figures: dict[int, list[DetailFigures]] = defaultdict(list)
    original = aliased(Actual)
    for (
        line_id,
        amount,
        tax,
        billing_type,
        original_amount,
        original_tax,
        original_type,
    ) in session.execute(
        select(
            InvoiceLineDetail.invoice_line_id,
            InvoiceLineDetail.amount,
            InvoiceLineDetail.tax,
            InvoiceLineDetail.billing_type,
            InvoiceLineDetail.original_amount,
            InvoiceLineDetail.original_tax,
            original.billing_type,
        )
        .outerjoin(original, original.id == InvoiceLineDetail.original_billed_actual_id)
        .where(InvoiceLineDetail.invoice_id == invoice.id)
    ):
        if original_type is not None and original_type != billing_type:
            # A corrective detail whose billing type changed: confirming it reverses the
            # original billed actual (its own billing type) and bills the new quantity (the
            # new one), so the credit and the new charge count each by its own type.
            assert original_amount is not None and original_tax is not None
            figures[line_id].append(
                DetailFigures(-original_amount, -original_tax, BillingType(original_type))
            )
            amount, tax = original_amount + amount, original_tax + tax
        figures[line_id].append(DetailFigures(amount, tax, BillingType(billing_type)))
    totals = []
    for line in session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)):
        line_total = line_totals(figures[line.id])
        line.amount, line.tax = line_total.amount, line_total.tax
        line.extended_amount = line_total.extended_amount
        totals.append(line_total)
    header = header_totals(totals)
    invoice.detail_amount = header.detail_amount
    invoice.discount_amount = header.discount_amount
    invoice.pre_freight_amount = header.pre_freight_amount
    invoice.freight_amount = header.freight_amount
    invoice.total_tax = header.total_tax
    invoice.total_amount = header.total_amount
