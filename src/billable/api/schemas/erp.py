"""ERP side requests and responses: setup (legal entities to financial dimensions) and
the general ledger (vouchers, trial balance)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from billable.api.schemas.common import (
    WHO_POSTED,
    CurrencyCode,
    DecimalText,
    Id,
    Input,
    Name,
    Patch,
    PlainDecimal,
    Timestamp,
)
from billable.api.schemas.documents import (
    SELLER_NULLABLE,
    SellerFieldsIn,
    SellerFieldsOut,
    TaxCategoryIn,
    TaxCategoryOut,
)
from billable.domain.postings import PostingType
from billable.domain.pricing import TransactionClass


class TransactionClassIn(StrEnum):
    """The classes a user puts on entries, categories and project lines (ENTRY_CLASSES)."""

    TIME = TransactionClass.TIME
    EXPENSE = TransactionClass.EXPENSE
    MATERIAL = TransactionClass.MATERIAL
    FEE = TransactionClass.FEE


AccountKind = Literal[
    "asset", "liability", "equity", "revenue", "expense"  # not vocabulary: a ledger account kind
]
Code = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_.\-]+$")]
AccountNumber = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_.\-]+$")]
ExchangeRateValue = Annotated[
    PlainDecimal,
    Field(gt=0, le=Decimal("999999999999"), decimal_places=6, description="Per one unit."),
]
TaxRate = Annotated[
    PlainDecimal, Field(ge=0, le=100, decimal_places=6, description="A rate in percent.")
]
DimensionValue = Annotated[str, Field(min_length=1, max_length=100)]


class LegalEntityIn(Input, SellerFieldsIn):
    name: Name
    accounting_currency: CurrencyCode


class LegalEntityPatch(Patch, SellerFieldsIn):
    nullable = SELLER_NULLABLE

    name: Name | None = None
    accounting_currency: CurrencyCode | None = None


class LegalEntityOut(SellerFieldsOut):
    id: str
    name: str
    accounting_currency: str


class LedgerAccountIn(Input):
    number: AccountNumber
    name: Name
    kind: AccountKind


class LedgerAccountPatch(Patch):
    name: Name | None = None
    kind: AccountKind | None = None


class LedgerAccountOut(BaseModel):
    id: str
    number: str
    name: str
    kind: str


class PostingProfileEntryIn(Input):
    posting_type: PostingType
    transaction_class: TransactionClassIn | None = None
    account: AccountNumber


class PostingProfileIn(Input):
    legal_entity_id: Id | None = None
    entries: list[PostingProfileEntryIn] = Field(max_length=500)


class PostingProfileEntryOut(BaseModel):
    posting_type: str
    transaction_class: str | None
    account: str


class PostingProfileOut(BaseModel):
    legal_entity_id: str
    entries: list[PostingProfileEntryOut]


class ExchangeRateIn(Input):
    from_currency: CurrencyCode
    to_currency: CurrencyCode
    rate: ExchangeRateValue
    valid_from: dt.date


class ExchangeRatePatch(Patch):
    rate: ExchangeRateValue | None = None


class ExchangeRateOut(BaseModel):
    id: str
    from_currency: str
    to_currency: str
    rate: DecimalText
    valid_from: dt.date


class FixedRateAgreementIn(Input):
    currency: CurrencyCode
    rate: ExchangeRateValue
    reference: str | None = Field(default=None, max_length=100)


class FixedRateAgreementOut(BaseModel):
    contract_id: str
    currency: str
    rate: DecimalText
    reference: str | None


class TaxCodeIn(Input, TaxCategoryIn):
    code: Code
    name: Name
    rate: TaxRate


class TaxCodePatch(Patch, TaxCategoryIn):
    nullable = frozenset(["exemption_reason"])

    name: Name | None = None
    rate: TaxRate | None = None


class TaxCodeOut(TaxCategoryOut):
    id: str
    code: str
    name: str
    rate: DecimalText


class TaxGroupIn(Input):
    code: Code
    tax_codes: list[Code] = Field(max_length=100)


class TaxGroupPatch(Patch):
    tax_codes: list[Code] | None = Field(default=None, max_length=100)


class TaxGroupOut(BaseModel):
    id: str
    code: str
    tax_codes: list[str]


class ParametersIn(Input):
    sales_tax_group_method: Literal["project", "contract", "customer", "search"]
    material_item_tax_group_method: Literal["item", "category"]
    #: "Fixed price milestone item sales tax group" (seed 003): a new milestone's default.
    milestone_item_sales_tax_group: Code | None = None


class ParametersOut(BaseModel):
    sales_tax_group_method: str
    material_item_tax_group_method: str
    milestone_item_sales_tax_group: str | None


class FinancialDimensionIn(Input):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    values: list[DimensionValue] = Field(max_length=1000)


class FinancialDimensionPatch(Patch):
    values: list[DimensionValue] | None = Field(default=None, max_length=1000)


class FinancialDimensionOut(BaseModel):
    id: str
    name: str
    values: list[str]


class VoucherLineOut(BaseModel):
    account: str
    posting_type: str
    currency: str
    amount_transaction: DecimalText
    amount_accounting: DecimalText
    exchange_rate: DecimalText
    dimensions: dict[str, str]
    #: The posted project transaction the line records (journal and adjustment lines).
    posted_transaction_id: str | None = None


class VoucherOut(BaseModel):
    id: str
    number: str
    date: dt.date
    source_type: str
    source_id: str
    legal_entity_id: str
    posted_at: Timestamp | None = Field(description="When it was posted (null before 0014).")
    posted_by: str | None = Field(description=WHO_POSTED)
    lines: list[VoucherLineOut]


class TrialBalanceRow(BaseModel):
    account: str
    name: str
    debit: DecimalText
    credit: DecimalText
    balance: DecimalText


class TrialBalanceOut(BaseModel):
    legal_entity_id: str
    date: dt.date
    currency: str
    accounts: list[TrialBalanceRow]
    total_debit: DecimalText
    total_credit: DecimalText
    total_balance: DecimalText


class ItemTaxGroupIn(Input):
    """The one field of a category or product the ERP setup sets: its item sales tax
    group (``null`` clears it). Any other field is refused (422 naming it)."""

    item_sales_tax_group: Code | None
