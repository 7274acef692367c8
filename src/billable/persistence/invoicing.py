"""Proforma invoices, their lines and line details."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from billable.domain.vocabulary import DetailSource, InvoiceState, PaymentState
from billable.persistence.base import Base
from billable.persistence.types import Amount, Price, Quantity


class Invoice(Base):
    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(2000))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    currency: Mapped[str] = mapped_column(String(3))
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id"))
    opportunity: Mapped[str | None] = mapped_column(String(200))
    bill_to_name: Mapped[str] = mapped_column(String(200))
    bill_to_street: Mapped[str] = mapped_column(String(200), default="")
    bill_to_city: Mapped[str] = mapped_column(String(100), default="")
    bill_to_postal_code: Mapped[str] = mapped_column(String(20), default="")
    bill_to_country: Mapped[str] = mapped_column(String(2), default="")
    invoice_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=PaymentState.ACTIVE)
    project_invoice_status: Mapped[str] = mapped_column(
        String(12), default=InvoiceState.DRAFT, index=True
    )
    corrects_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    detail_amount: Mapped[Decimal] = mapped_column(Amount())
    discount_percent: Mapped[Decimal] = mapped_column(Price())
    discount_amount: Mapped[Decimal] = mapped_column(Amount())
    pre_freight_amount: Mapped[Decimal] = mapped_column(Amount())
    freight_amount: Mapped[Decimal] = mapped_column(Amount())
    total_tax: Mapped[Decimal] = mapped_column(Amount())
    total_amount: Mapped[Decimal] = mapped_column(Amount())
    #: Bumped by every change; a stale concurrent writer fails instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: Who confirmed it: a user's name, an OS user at the command line, or ``system``.
    confirmed_by: Mapped[str | None] = mapped_column(String(100))
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    contract_line_id: Mapped[int] = mapped_column(ForeignKey("contract_lines.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    billing_method: Mapped[str | None] = mapped_column(String(20))
    contract_line_amount: Mapped[Decimal | None] = mapped_column(Amount())
    amount: Mapped[Decimal] = mapped_column(Amount())
    tax: Mapped[Decimal] = mapped_column(Amount())
    extended_amount: Mapped[Decimal] = mapped_column(Amount())
    invoice: Mapped[Invoice] = relationship(back_populates="lines")
    details: Mapped[list[InvoiceLineDetail]] = relationship(
        back_populates="line",
        order_by="InvoiceLineDetail.id",
        cascade="all, delete-orphan",
        primaryjoin="InvoiceLine.id == foreign(InvoiceLineDetail.invoice_line_id)",
    )


# Index conditions are SQL text: the detail source is spelled from its enum member.
_OTHER_KINDS = text(f"source <> '{DetailSource.ACTUAL}'")


class InvoiceLineDetail(Base):
    __tablename__ = "invoice_line_details"
    # Unique where set: an unbilled actual is on one invoice; a billed actual is on one
    # correction. Partial, so the many NULLs cost nothing to index.
    __table_args__ = (
        Index(
            "ux_invoice_line_details_actual_id",
            "actual_id",
            unique=True,
            postgresql_where=text("actual_id IS NOT NULL"),
            sqlite_where=text("actual_id IS NOT NULL"),
        ),
        Index(
            "ux_invoice_line_details_original_billed_actual_id",
            "original_billed_actual_id",
            unique=True,
            postgresql_where=text("original_billed_actual_id IS NOT NULL"),
            sqlite_where=text("original_billed_actual_id IS NOT NULL"),
        ),
        Index(
            "ix_invoice_line_details_milestone_open",
            "milestone_id",
            postgresql_where=text("milestone_id IS NOT NULL"),
            sqlite_where=text("milestone_id IS NOT NULL"),
        ),
        # Which kinds of detail a set of invoices holds besides actuals (confirmation
        # skips the statements of kinds it lacks): partial, so the many details of
        # actuals, which every run writes, never maintain it.
        Index(
            "ix_invoice_line_details_other_kinds",
            "invoice_id",
            "source",
            postgresql_where=_OTHER_KINDS,
            sqlite_where=_OTHER_KINDS,
        ),
    )
    # No foreign keys: details are written by joins that guarantee their references, in
    # bulk; per-row key checks were most of the cost on PostgreSQL (docs/performance.md).
    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(index=True)
    invoice_line_id: Mapped[int] = mapped_column(index=True)
    #: What backs the detail: actual, milestone, product, manual or correction.
    source: Mapped[str] = mapped_column(String(12))
    #: Unique: an unbilled actual is on at most one invoice (confirmed ones reverse it),
    #: enforced by the database so concurrent creations cannot both take it.
    actual_id: Mapped[int | None] = mapped_column()
    milestone_id: Mapped[int | None] = mapped_column()
    product_line_id: Mapped[int | None] = mapped_column()
    #: On a corrective detail: the billed actual it corrects (unique, same reason).
    original_billed_actual_id: Mapped[int | None] = mapped_column()
    transaction_class: Mapped[str] = mapped_column(String(20))
    transaction_type: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(2000), default="")
    external_description: Mapped[str] = mapped_column(String(2000), default="")
    date: Mapped[dt.date] = mapped_column(Date)
    project_id: Mapped[int | None] = mapped_column()
    task_id: Mapped[int | None] = mapped_column()
    category_id: Mapped[int | None] = mapped_column()
    role_id: Mapped[int | None] = mapped_column()
    resource_id: Mapped[int | None] = mapped_column()
    product_id: Mapped[int | None] = mapped_column()
    product_name: Mapped[str | None] = mapped_column(String(200))
    write_in_description: Mapped[str | None] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    original_quantity: Mapped[Decimal | None] = mapped_column(Quantity())
    #: The backing actual's quantity, copied when the detail is made (internal): a
    #: detail billing less than it leaves a remainder, found without a join.
    backing_quantity: Mapped[Decimal | None] = mapped_column(Quantity())
    #: The backing actual's tax prorated to the detail's quantity (internal): what a
    #: remainder leaves behind is the rest of it, whatever tax the user typed.
    backing_tax_share: Mapped[Decimal | None] = mapped_column(Amount())
    original_amount: Mapped[Decimal | None] = mapped_column(Amount())
    original_tax: Mapped[Decimal | None] = mapped_column(Amount())
    unit: Mapped[str] = mapped_column(String(20))
    price: Mapped[Decimal] = mapped_column(Price())
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(Amount())
    tax: Mapped[Decimal] = mapped_column(Amount())
    extended_amount: Mapped[Decimal] = mapped_column(Amount())
    billing_type: Mapped[str] = mapped_column(String(20))
    line: Mapped[InvoiceLine] = relationship(
        back_populates="details",
        primaryjoin="InvoiceLine.id == foreign(InvoiceLineDetail.invoice_line_id)",
    )
