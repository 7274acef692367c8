"""What a customer document says: built live from a proposal (the proforma, and the
invoice about to be issued) and kept as a snapshot on the issued customer invoice, so
the same :class:`IssuedDocument` feeds every renderer either way."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.documents.lines import document_lines, transaction_dates
from billable.domain.documents import (
    DocumentKind,
    DocumentLine,
    IssuedDocument,
    LineTax,
    Party,
    Reference,
    TaxSubtotal,
    Terms,
    VatCategory,
    document_kind,
    due_date,
    period,
    tax_breakdown,
)
from billable.domain.money import ZERO, format_decimal
from billable.erp.print_management import resolved
from billable.persistence.tables import (
    Contract,
    Customer,
    CustomerInvoice,
    Invoice,
    InvoiceProposal,
    LegalEntity,
)


def seller_of(entity: LegalEntity) -> Party:
    """The legal entity as the seller."""
    return Party(
        name=entity.name,
        registered_name=entity.registered_name,
        street=entity.address_street or "",
        city=entity.address_city or "",
        postal_code=entity.address_postal_code or "",
        country=entity.address_country or "",
        vat_id=entity.vat_id,
        company_id=entity.company_id,
        email=entity.email,
        endpoint_scheme=entity.endpoint_scheme,
        endpoint_id=entity.endpoint_id,
        iban=entity.iban,
        bic=entity.bic,
    )


def buyer_of(customer: Customer, invoice: Invoice) -> Party:
    """The customer as the buyer, at the proforma's bill-to address."""
    return Party(
        name=invoice.bill_to_name or customer.name,
        registered_name=customer.name,
        street=invoice.bill_to_street,
        city=invoice.bill_to_city,
        postal_code=invoice.bill_to_postal_code,
        country=invoice.bill_to_country,
        vat_id=customer.vat_id,
        email=customer.billing_email,
        endpoint_scheme=customer.endpoint_scheme,
        endpoint_id=customer.endpoint_id,
    )


def _terms(contract: Contract, customer: Customer) -> Terms | None:
    row = contract.payment_terms or customer.payment_terms
    return Terms(row.code, row.name, row.net_days) if row is not None else None


def corrected_invoice(session: Session, invoice: Invoice) -> CustomerInvoice | None:
    """The issued customer invoice of the proforma ``invoice`` corrects, if any."""
    if invoice.corrects_invoice_id is None:
        return None
    return session.scalars(
        select(CustomerInvoice).where(CustomerInvoice.invoice_id == invoice.corrects_invoice_id)
    ).first()


def from_proposal(
    session: Session, proposal: InvoiceProposal, number: str | None = None
) -> IssuedDocument:
    """The document ``proposal`` issues (numbered ``number``), or without a number its
    proforma, marked pro forma. Reads only."""
    invoice = session.get(Invoice, proposal.invoice_id)
    contract = session.get(Contract, proposal.contract_id)
    customer = session.get(Customer, proposal.customer_id)
    entity = session.get(LegalEntity, proposal.legal_entity_id)
    assert invoice and contract and customer and entity  # foreign keys
    lines = tuple(document_lines(session, proposal))
    breakdown = tuple(tax_breakdown(lines))
    net = sum((line.amount for line in lines if line.billed), ZERO)
    tax = sum((t.tax_amount for t in breakdown), ZERO)
    corrects = corrected_invoice(session, invoice)
    terms = _terms(contract, customer)
    settings = resolved(session, proposal).values
    return IssuedDocument(
        number=number or proposal.number,
        kind=document_kind(net + tax, invoice.corrects_invoice_id is not None),
        issue_date=proposal.invoice_date,
        due_date=due_date(proposal.invoice_date, terms.net_days if terms else None),
        currency=proposal.currency,
        minor_units=currency(proposal.currency).minor_units,
        language=customer.language or "en",
        seller=seller_of(entity),
        buyer=buyer_of(customer, invoice),
        lines=lines,
        breakdown=breakdown,
        total_net=net,
        total_tax=tax,
        proforma_number=proposal.number,
        terms=terms,
        corrects=Reference(corrects.number, corrects.issue_date) if corrects else None,
        period=period(transaction_dates(session, proposal)),
        footer_text=settings["footer_text"],
        report_format=settings["report_format"],
        pro_forma=number is None,
    )


# -- the snapshot kept on the customer invoice ------------------------------------------


def _text(value: Decimal, minor_units: int = 0) -> str:
    """Plain text: amounts with at least the currency's decimals, others trimmed."""
    return format_decimal(value, minor_units)


def party_json(party: Party) -> dict[str, Any]:
    """A party as the API and the snapshot show it."""
    endpoint = (
        {"scheme": party.endpoint_scheme, "id": party.endpoint_id}
        if party.endpoint_scheme and party.endpoint_id
        else None
    )
    return {
        "name": party.name,
        "registered_name": party.registered_name,
        "address": {
            "street": party.street,
            "city": party.city,
            "postal_code": party.postal_code,
            "country": party.country,
        },
        "vat_id": party.vat_id,
        "company_id": party.company_id,
        "email": party.email,
        "endpoint": endpoint,
        "iban": party.iban,
        "bic": party.bic,
    }


def party_from(data: Mapping[str, Any]) -> Party:
    """The party a snapshot holds."""
    endpoint = data.get("endpoint") or {}
    return Party(
        name=data["name"],
        registered_name=data.get("registered_name"),
        vat_id=data.get("vat_id"),
        company_id=data.get("company_id"),
        email=data.get("email"),
        endpoint_scheme=endpoint.get("scheme"),
        endpoint_id=endpoint.get("id"),
        iban=data.get("iban"),
        bic=data.get("bic"),
        **data["address"],
    )


def line_json(line: DocumentLine, minor_units: int) -> dict[str, Any]:
    """A document line as the API and the snapshot show it."""
    return {
        "section": line.section,
        "description": line.description,
        "quantity": _text(line.quantity),
        "unit": line.unit,
        "price": _text(line.price),
        "amount": _text(line.amount, minor_units),
        "billed": line.billed,
        "period": [d.isoformat() for d in line.period] if line.period else None,
        "taxes": [
            {
                "code": t.code,
                "vat_category": t.category.value,
                "rate": _text(t.rate),
                "amount": _text(t.amount, minor_units),
                "exemption_reason": t.exemption_reason,
            }
            for t in line.taxes
        ],
    }


def line_from(data: Mapping[str, Any]) -> DocumentLine:
    """The line a snapshot holds."""
    days = data.get("period")
    return DocumentLine(
        description=data["description"],
        quantity=Decimal(data["quantity"]),
        unit=data["unit"],
        price=Decimal(data["price"]),
        amount=Decimal(data["amount"]),
        billed=data["billed"],
        section=data["section"],
        period=(dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[1])) if days else None,
        taxes=tuple(
            LineTax(
                t["code"],
                VatCategory(t["vat_category"]),
                Decimal(t["rate"]),
                Decimal(t["amount"]),
                t.get("exemption_reason"),
            )
            for t in data["taxes"]
        ),
    )


def subtotal_json(subtotal: TaxSubtotal, minor_units: int) -> dict[str, Any]:
    """One row of the tax breakdown."""
    return {
        "vat_category": subtotal.category.value,
        "rate": _text(subtotal.rate),
        "taxable_amount": _text(subtotal.taxable_amount, minor_units),
        "tax_amount": _text(subtotal.tax_amount, minor_units),
        "exemption_reason": subtotal.exemption_reason,
    }


def from_row(session: Session, row: CustomerInvoice) -> IssuedDocument:
    """The issued document a customer invoice's snapshot holds."""
    corrects = (
        session.get(CustomerInvoice, row.corrects_customer_invoice_id)
        if row.corrects_customer_invoice_id
        else None
    )
    lines = tuple(line_from(data) for data in row.lines)
    terms = row.payment_terms
    return IssuedDocument(
        number=row.number,
        kind=DocumentKind(row.kind),
        issue_date=row.issue_date,
        due_date=row.due_date,
        currency=row.currency,
        minor_units=currency(row.currency).minor_units,
        language=row.language,
        seller=party_from(row.seller),
        buyer=party_from(row.buyer),
        lines=lines,
        breakdown=tuple(tax_breakdown(lines)),
        total_net=row.total_net,
        total_tax=row.total_tax,
        proforma_number=row.proforma_number,
        terms=Terms(terms["code"], terms["name"], terms["net_days"]) if terms else None,
        corrects=Reference(corrects.number, corrects.issue_date) if corrects else None,
        period=(row.period_start, row.period_end) if row.period_start and row.period_end else None,
        footer_text=row.footer_text,
        report_format=row.report_format,
    )


def numbered(doc: IssuedDocument, number: str) -> IssuedDocument:
    """``doc`` issued under ``number``."""
    return dataclasses.replace(doc, number=number, pro_forma=False)
