"""Entries (time, expense, material usage, fee) and the append-only actuals ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from billable.domain.vocabulary import ActualType, BillingType, EntryState
from billable.persistence.base import Base
from billable.persistence.types import Amount, Price, Quantity


class Entry(Base):
    """One table for the four entry kinds; ``kind`` says which fields apply."""

    __tablename__ = "entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # time | expense | material | fee
    status: Mapped[str] = mapped_column(String(10), default=EntryState.DRAFT)
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("transaction_categories.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal | None] = mapped_column(Price())
    internal_comment: Mapped[str] = mapped_column(String(2000), default="")
    external_comment: Mapped[str] = mapped_column(String(2000), default="")
    description: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


_REVERSAL = text("reverses_actual_id IS NOT NULL")
# Index conditions are SQL text: the actual type is spelled from its enum member.
_OPEN = text(f"transaction_type = '{ActualType.UNBILLED_SALES}' AND reverses_actual_id IS NULL")


class Actual(Base):
    """A cost, unbilled sales or billed sales actual. Never updated in place except its
    backlog flags; every correction is a reversal row (``reverses_actual_id``) plus new rows.

    No foreign keys: every id on an actual (contract line, reversed actual, invoice,
    project, role...) is copied from rows the writing use case has just read or joined,
    and master data is never deleted. Per-row key checks were most of the cost of the
    set-based writes on PostgreSQL (docs/performance.md); the guarantees that matter
    (reversed once, on one open invoice) are unique indexes.
    """

    __tablename__ = "actuals"
    __table_args__ = (
        # The backlog: unbilled rows that are not reversals. Partial, so the billed actuals
        # and reversals that confirmation writes in bulk never maintain these two.
        Index(
            "ix_actuals_backlog",
            "contract_id",
            "ready_to_invoice",
            postgresql_where=_OPEN,
            sqlite_where=_OPEN,
        ),
        Index(
            "ix_actuals_line_open",
            "contract_line_id",
            "ready_to_invoice",
            "date",
            postgresql_where=_OPEN,
            sqlite_where=_OPEN,
        ),
        Index("ix_actuals_source", "source_kind", "source_id"),
        Index(
            "ux_actuals_reverses_actual_id",
            "reverses_actual_id",
            unique=True,
            postgresql_where=_REVERSAL,
            sqlite_where=_REVERSAL,
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_type: Mapped[str] = mapped_column(String(20))
    transaction_class: Mapped[str] = mapped_column(String(20))
    source_kind: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int | None] = mapped_column()
    project_id: Mapped[int | None] = mapped_column()
    task_id: Mapped[int | None] = mapped_column()
    role_id: Mapped[int | None] = mapped_column()
    resource_id: Mapped[int | None] = mapped_column()
    category_id: Mapped[int | None] = mapped_column()
    product_id: Mapped[int | None] = mapped_column()
    contract_id: Mapped[int | None] = mapped_column()
    contract_line_id: Mapped[int | None] = mapped_column()
    milestone_id: Mapped[int | None] = mapped_column()
    date: Mapped[dt.date] = mapped_column(Date)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit: Mapped[str] = mapped_column(String(20))
    price: Mapped[Decimal] = mapped_column(Price())
    amount: Mapped[Decimal] = mapped_column(Amount())
    tax: Mapped[Decimal] = mapped_column(Amount())
    currency: Mapped[str] = mapped_column(String(3))
    billing_type: Mapped[str] = mapped_column(String(20), default=BillingType.CHARGEABLE)
    ready_to_invoice: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The actual this row negates. Unique: an actual is reversed at most once, which
    #: also stops two concurrent confirmations from both consuming it.
    reverses_actual_id: Mapped[int | None] = mapped_column()
    #: For billed actuals: the invoice and detail whose confirmation wrote them.
    invoice_id: Mapped[int | None] = mapped_column(index=True)
    #: No foreign key: details reference actuals, and a cycle of foreign keys would make
    #: table order ambiguous. Billed actuals only ever point at confirmed, immutable details.
    invoice_line_detail_id: Mapped[int | None] = mapped_column()
    description: Mapped[str] = mapped_column(String(2000), default="")
    external_description: Mapped[str] = mapped_column(String(2000), default="")
