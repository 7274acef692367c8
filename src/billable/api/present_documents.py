"""Response bodies of customer documents (issue 10): the seller, buyer, payment terms and
VAT category fields of master data, payment terms, customer invoices and the outbox."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from billable.currencies import currency
from billable.domain.money import format_decimal
from billable.views.records import Record


def _endpoint(row: Any) -> dict[str, str] | None:
    if not row.endpoint_scheme or not row.endpoint_id:
        return None
    return {"scheme": row.endpoint_scheme, "id": row.endpoint_id}


def seller_fields(row: Any) -> dict[str, Any]:
    """A legal entity's seller details."""
    return {
        "registered_name": row.registered_name,
        "address": {
            p: getattr(row, f"address_{p}") or ""
            for p in ("street", "city", "postal_code", "country")
        },
        "vat_id": row.vat_id,
        "company_id": row.company_id,
        "iban": row.iban,
        "bic": row.bic,
        "email": row.email,
        "endpoint": _endpoint(row),
    }


def buyer_fields(row: Any) -> dict[str, Any]:
    """A customer's buyer details; payment terms by code."""
    return {
        "billing_email": row.billing_email,
        "endpoint": _endpoint(row),
        "language": row.language or "en",
        "payment_terms": row.payment_terms.code if row.payment_terms else None,
    }


def contract_terms(row: Any) -> dict[str, Any]:
    """A contract's own payment terms (None: the customer's)."""
    return {"payment_terms": row.payment_terms.code if row.payment_terms else None}


def tax_category(row: Any) -> dict[str, Any]:
    """A tax code's VAT category and exemption reason."""
    return {"vat_category": row.vat_category, "exemption_reason": row.exemption_reason}


def payment_terms(row: Record) -> dict[str, Any]:
    """Payment terms."""
    return {"id": str(row.id), "code": row.code, "name": row.name, "net_days": row.net_days}


def customer_invoice(row: Record) -> dict[str, Any]:
    """An issued customer invoice or credit note, with its stored documents (the view's
    ``documents``)."""
    period = (
        {"start": row.period_start, "end": row.period_end}
        if row.period_start and row.period_end
        else None
    )
    corrects = row.corrects_customer_invoice_id
    return {
        "id": str(row.id),
        "number": row.number,
        "kind": row.kind,
        "legal_entity_id": str(row.legal_entity_id),
        "proposal_id": str(row.proposal_id),
        "invoice_id": str(row.invoice_id),
        "proforma_number": row.proforma_number,
        "contract_id": str(row.contract_id),
        "customer_id": str(row.customer_id),
        "issue_date": row.issue_date,
        "due_date": row.due_date,
        "payment_terms": row.payment_terms,
        "currency": row.currency,
        "language": row.language,
        "seller": row.seller,
        "buyer": row.buyer,
        "corrects_customer_invoice_id": str(corrects) if corrects else None,
        "period": period,
        "lines": row.lines,
        "tax_breakdown": row.tax_breakdown,
        "total_net": money(row.total_net, row.currency),
        "total_tax": money(row.total_tax, row.currency),
        "total_amount": money(row.total_amount, row.currency),
        "problems": row.problems,
        "documents": [{"format": d.format, "sha256": d.sha256} for d in row.documents],
    }


def money(value: Decimal, code: str) -> str:
    """An amount with the currency's minor unit ("1200.00")."""
    return format_decimal(value, currency(code).minor_units)


def outbox_message(row: Record) -> dict[str, Any]:
    """One delivery in the outbox."""
    return {
        "id": str(row.id),
        "customer_invoice_id": str(row.customer_invoice_id),
        "destination": row.destination,
        "to": row.recipient,
        "status": row.status,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "sent_at": row.sent_at,
    }
