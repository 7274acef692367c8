"""Requests and responses of customer documents (issue 10): the seller, buyer, payment
terms and VAT category fields master data gains (mixed into its schemas), payment
terms, customer invoices and the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from billable.api.schemas.common import DecimalText, Input, Name, Patch, Timestamp

Code = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_.\-]+$")]
Country = Annotated[str, Field(pattern=r"^([A-Z]{2})?$")]
Email = Annotated[str, Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Language = Annotated[str, Field(pattern=r"^[a-z]{2}$", description="ISO 639-1, e.g. en, de, fr")]
VatCategoryIn = Literal["S", "Z", "E", "AE", "K", "G", "O"]
Short = Annotated[str, Field(min_length=1, max_length=40)]


class Address(Input):
    street: Annotated[str, Field(max_length=200)] = ""
    city: Annotated[str, Field(max_length=100)] = ""
    postal_code: Annotated[str, Field(max_length=20)] = ""
    country: Country = ""


class AddressOut(BaseModel):
    street: str
    city: str
    postal_code: str
    country: str


class Endpoint(Input):
    """An electronic address: scheme (EAS code such as 0088, 9930, EM) and id."""

    scheme: Annotated[str, Field(min_length=1, max_length=10, pattern=r"^[A-Z0-9]+$")]
    id: Annotated[str, Field(min_length=1, max_length=100)]


class EndpointOut(BaseModel):
    scheme: str
    id: str


class SellerFieldsIn(BaseModel):
    registered_name: Name | None = None
    address: Address | None = None
    vat_id: Short | None = None
    company_id: Short | None = None
    iban: Annotated[str, Field(pattern=r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")] | None = None
    bic: Annotated[str, Field(pattern=r"^[A-Z0-9]{8}([A-Z0-9]{3})?$")] | None = None
    email: Email | None = None
    endpoint: Endpoint | None = None


#: The seller fields PATCH may clear with null.
SELLER_NULLABLE = frozenset(
    ["registered_name", "vat_id", "company_id", "iban", "bic", "email", "endpoint"]
)


class SellerFieldsOut(BaseModel):
    registered_name: str | None
    address: AddressOut
    vat_id: str | None
    company_id: str | None
    iban: str | None
    bic: str | None
    email: str | None
    endpoint: EndpointOut | None


class BuyerFieldsIn(BaseModel):
    billing_email: Email | None = None
    endpoint: Endpoint | None = None
    language: Language | None = None
    payment_terms: Code | None = None


#: The buyer fields PATCH may clear with null.
BUYER_NULLABLE = frozenset(["billing_email", "endpoint", "payment_terms"])


class BuyerFieldsOut(BaseModel):
    billing_email: str | None
    endpoint: EndpointOut | None
    language: str
    payment_terms: str | None


class ContractTermsIn(BaseModel):
    payment_terms: Code | None = Field(default=None, description="Overrides the customer's.")


class ContractTermsOut(BaseModel):
    payment_terms: str | None


class TaxCategoryIn(BaseModel):
    vat_category: VatCategoryIn | None = Field(
        default=None, description="Default: S with a rate above 0, else Z."
    )
    exemption_reason: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class TaxCategoryOut(BaseModel):
    vat_category: str
    exemption_reason: str | None


class PaymentTermsIn(Input):
    code: Code
    name: Name
    net_days: Annotated[int, Field(ge=0, le=3650)]


class PaymentTermsPatch(Patch):
    name: Name | None = None
    net_days: Annotated[int, Field(ge=0, le=3650)] | None = None


class PaymentTermsOut(BaseModel):
    id: str
    code: str
    name: str
    net_days: int


class PartyOut(BaseModel):
    name: str
    registered_name: str | None
    address: AddressOut
    vat_id: str | None
    company_id: str | None
    email: str | None
    endpoint: EndpointOut | None


class PeriodOut(BaseModel):
    start: dt.date
    end: dt.date


class TaxOut(BaseModel):
    code: str
    vat_category: str
    rate: DecimalText
    amount: DecimalText
    exemption_reason: str | None


class CustomerInvoiceLineOut(BaseModel):
    section: str
    description: str
    quantity: DecimalText
    unit: str
    price: DecimalText
    amount: DecimalText
    billed: bool
    taxes: list[TaxOut]


class TaxSubtotalOut(BaseModel):
    vat_category: str
    rate: DecimalText
    taxable_amount: DecimalText
    tax_amount: DecimalText
    exemption_reason: str | None


class DocumentOut(BaseModel):
    format: str
    sha256: str


class ProblemOut(BaseModel):
    field: str
    reason: str
    formats: list[str]


class PaymentTermsSnapshot(BaseModel):
    code: str
    name: str
    net_days: int


class CustomerInvoiceOut(BaseModel):
    id: str
    number: str
    kind: str
    legal_entity_id: str
    proposal_id: str
    invoice_id: str
    proforma_number: str
    contract_id: str
    customer_id: str
    issue_date: dt.date
    due_date: dt.date
    payment_terms: PaymentTermsSnapshot | None
    currency: str
    language: str
    seller: PartyOut
    buyer: PartyOut
    corrects_customer_invoice_id: str | None
    period: PeriodOut | None
    lines: list[CustomerInvoiceLineOut]
    tax_breakdown: list[TaxSubtotalOut]
    total_net: DecimalText
    total_tax: DecimalText
    total_amount: DecimalText
    problems: list[ProblemOut]
    documents: list[DocumentOut]


class SendIn(Input):
    to: Email | None = None


class OutboxOut(BaseModel):
    id: str
    customer_invoice_id: str
    destination: str
    to: str
    status: str
    attempts: int
    last_error: str | None
    sent_at: Timestamp | None
