"""The snapshot an issued customer invoice keeps (JSON): its parties, lines and tax
breakdown as they were at issue, and the :class:`IssuedDocument` read back from it, so
every later rendering says exactly what was issued."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from billable.currencies import currency
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
    tax_breakdown,
)
from billable.domain.money import format_decimal
from billable.persistence.tables import CustomerInvoice


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
