"""Master data a customer document needs: the seller's details on legal entities, the
buyer's on customers, payment terms (customers, overridden per contract) and the VAT
category of tax codes. Each writer checks first and raises before anything is set."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.domain.documents import VatCategory, tax_code_problems
from billable.domain.eas import is_eas
from billable.domain.errors import FieldError, Invalid
from billable.persistence.tables import PaymentTerms, TaxCode

Fields = Mapping[str, Any]
#: Input fields these writers set (the generic master data writer leaves them alone).
NESTED = frozenset({"address", "endpoint", "payment_terms"})
SELLER_FIELDS = ("registered_name", "vat_id", "company_id", "iban", "bic", "email")


def _endpoint(row: Any, fields: Fields) -> None:
    if "endpoint" in fields:
        endpoint = fields["endpoint"] or {}
        scheme = endpoint.get("scheme")
        if scheme is not None and not is_eas(scheme):
            reason = f"{scheme} is not an electronic address scheme (EAS code such as 0088)"
            raise Invalid.field("endpoint.scheme", reason)
        row.endpoint_scheme = endpoint.get("scheme")
        row.endpoint_id = endpoint.get("id")


def payment_terms_id(
    session: Session, code: str | None, field: str = "payment_terms"
) -> int | None:
    """The id of the payment terms ``code`` (422 naming ``field`` when unknown)."""
    if code is None:
        return None
    with session.no_autoflush:
        found = session.scalars(select(PaymentTerms.id).where(PaymentTerms.code == code)).first()
    if found is None:
        raise Invalid.field(field, f"no payment terms {code}")
    return int(found)


def write_seller(session: Session, row: Any, fields: Fields) -> None:
    """Set a legal entity's seller details: registered name, address, ids, bank, email
    and electronic address."""
    for name in SELLER_FIELDS:
        if name in fields:
            setattr(row, name, fields[name])
    for key, value in (fields.get("address") or {}).items():
        setattr(row, f"address_{key}", value if value is not None else "")
    _endpoint(row, fields)


def write_buyer(session: Session, row: Any, fields: Fields) -> None:
    """Set a customer's buyer details: billing email, language, electronic address and
    payment terms (by code)."""
    terms = payment_terms_id(session, fields.get("payment_terms"))
    if "billing_email" in fields:
        row.billing_email = fields["billing_email"]
    # A new customer without a language gets English; PATCH cannot clear it.
    row.language = fields.get("language") or row.language or "en"
    _endpoint(row, fields)
    if "payment_terms" in fields:
        row.payment_terms_id = terms


def write_contract_terms(session: Session, row: Any, fields: Fields) -> None:
    """Set (or with ``null`` clear) the contract's own payment terms."""
    if "payment_terms" in fields:
        row.payment_terms_id = payment_terms_id(session, fields["payment_terms"])


def check_tax_code(row: TaxCode, fields: Fields) -> None:
    """Refuse a tax code whose VAT category, rate and exemption reason do not fit
    (422 naming the field), then set category and reason. Without a category a code
    with a rate is standard rated (S), one at 0 % zero rated (Z)."""
    rate = Decimal(str(fields.get("rate", row.rate or 0)))
    default = VatCategory.STANDARD if rate > 0 else VatCategory.ZERO_RATED
    category = VatCategory(fields.get("vat_category") or row.vat_category or default)
    reason = fields.get("exemption_reason", row.exemption_reason)
    found = tax_code_problems(category, rate, reason)
    if found:
        errors = tuple(FieldError(p.field, p.reason) for p in found)
        raise Invalid(f"{found[0].field}: {found[0].reason}", errors)
    row.vat_category = category.value
    row.exemption_reason = reason
