"""ERP side tables: legal entities, ledger accounts, posting profiles, exchange rates,
fixed-rate agreements, sales tax setup, parameters, financial dimensions, and the
append-only vouchers of the general ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from billable.persistence.base import Base
from billable.persistence.types import Amount, Price


class LegalEntity(Base):
    """A company: its vouchers are in its accounting currency."""

    __tablename__ = "legal_entities"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    accounting_currency: Mapped[str] = mapped_column(String(3))
    # What a seller must print on a customer invoice (issue 10).
    registered_name: Mapped[str | None] = mapped_column(String(200))
    address_street: Mapped[str] = mapped_column(String(200), default="")
    address_city: Mapped[str] = mapped_column(String(100), default="")
    address_postal_code: Mapped[str] = mapped_column(String(20), default="")
    address_country: Mapped[str] = mapped_column(String(2), default="")
    vat_id: Mapped[str | None] = mapped_column(String(40))
    company_id: Mapped[str | None] = mapped_column(String(40))
    iban: Mapped[str | None] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    email: Mapped[str | None] = mapped_column(String(320))
    endpoint_scheme: Mapped[str | None] = mapped_column(String(10))
    endpoint_id: Mapped[str | None] = mapped_column(String(100))


class LedgerAccount(Base):
    """A main account of the chart of accounts; ``number`` is unique and never changes."""

    __tablename__ = "ledger_accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # asset | liability | equity | ...


class PostingProfileEntry(Base):
    """One rule of a legal entity's posting profile (``transaction_class`` None = any)."""

    __tablename__ = "posting_profile_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    legal_entity_id: Mapped[int] = mapped_column(ForeignKey("legal_entities.id"), index=True)
    posting_type: Mapped[str] = mapped_column(String(30))
    transaction_class: Mapped[str | None] = mapped_column(String(20))
    ledger_account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"))


class ExchangeRate(Base):
    """One unit of ``from_currency`` is worth ``rate`` ``to_currency`` from ``valid_from``."""

    __tablename__ = "exchange_rates"
    __table_args__ = (UniqueConstraint("from_currency", "to_currency", "valid_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    from_currency: Mapped[str] = mapped_column(String(3))
    to_currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Price())
    valid_from: Mapped[dt.date] = mapped_column(Date)


class FixedRateAgreement(Base):
    """A project contract's constant rate for every amount in ``currency``."""

    __tablename__ = "fixed_rate_agreements"
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Price())
    reference: Mapped[str | None] = mapped_column(String(100))


class TaxCode(Base):
    """A sales tax code and its rate in percent."""

    __tablename__ = "tax_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    rate: Mapped[Decimal] = mapped_column(Price())
    #: The EN 16931 VAT category (S, Z, E, AE, K, G, O) and, where it needs one, why
    #: the supply is exempt (issue 10).
    vat_category: Mapped[str] = mapped_column(String(2), default="S")
    exemption_reason: Mapped[str | None] = mapped_column(String(200))


class SalesTaxGroup(Base):
    """The tax codes that apply to who is billed; ``tax_codes`` lists codes."""

    __tablename__ = "sales_tax_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    tax_codes: Mapped[list[str]] = mapped_column(JSON)


class ItemSalesTaxGroup(Base):
    """The tax codes that apply to what is billed; ``tax_codes`` lists codes."""

    __tablename__ = "item_sales_tax_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    tax_codes: Mapped[list[str]] = mapped_column(JSON)


class ErpParameters(Base):
    """Project management and accounting parameters: one row, id 1, once set."""

    __tablename__ = "erp_parameters"
    id: Mapped[int] = mapped_column(primary_key=True)
    sales_tax_group_method: Mapped[str] = mapped_column(String(20))
    material_item_tax_group_method: Mapped[str] = mapped_column(String(20))
    #: "Fixed price milestone item sales tax group": the item group new milestones take.
    milestone_item_sales_tax_group: Mapped[str | None] = mapped_column(String(20))


class FinancialDimension(Base):
    """A financial dimension and the values it may take."""

    __tablename__ = "financial_dimensions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    values: Mapped[list[str]] = mapped_column(JSON)


class Voucher(Base):
    """One posting to the general ledger; append-only, numbered without gaps."""

    __tablename__ = "vouchers"
    __table_args__ = (Index(None, "source_type", "source_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    source_type: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(String(40))
    legal_entity_id: Mapped[int] = mapped_column(ForeignKey("legal_entities.id"))
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    posted_by: Mapped[str | None] = mapped_column(String(100))
    lines: Mapped[list[VoucherLine]] = relationship(order_by="VoucherLine.id")


class VoucherLine(Base):
    """One ledger line: debit positive, credit negative, in both currencies."""

    __tablename__ = "voucher_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    voucher_id: Mapped[int] = mapped_column(ForeignKey("vouchers.id"), index=True)
    ledger_account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), index=True)
    account: Mapped[str] = mapped_column(String(20))
    posting_type: Mapped[str] = mapped_column(String(30))
    currency: Mapped[str] = mapped_column(String(3))
    amount_transaction: Mapped[Decimal] = mapped_column(Amount())
    amount_accounting: Mapped[Decimal] = mapped_column(Amount())
    exchange_rate: Mapped[Decimal] = mapped_column(Price())
    dimensions: Mapped[dict[str, Any]] = mapped_column(JSON)
    tax_code: Mapped[str | None] = mapped_column(String(20))
    #: The posted project transaction this line records (journal and adjustment lines;
    #: None on proposal vouchers). No foreign key, as on the other fact tables: the id is
    #: the one the posting use case has just written.
    posted_transaction_id: Mapped[int | None] = mapped_column()
