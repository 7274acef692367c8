"""Project accounting tables of the ERP side (seed 003): the integration journal, the
posted project transactions it leaves, invoice proposals with their lines and format
sections, and print management settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from billable.domain.vocabulary import JournalState, PostedTransactionState, ProposalState
from billable.persistence.base import Base
from billable.persistence.types import Amount, Price, Quantity

# The current (not adjusted) posted transactions; the condition is SQL text, so the
# state is spelled from its enum member.
_CURRENT = text(f"status = '{PostedTransactionState.POSTED}'")


class IntegrationJournal(Base):
    """A Project Operations integration journal: draft until posted, then immutable."""

    __tablename__ = "integration_journals"
    id: Mapped[int] = mapped_column(primary_key=True)
    legal_entity_id: Mapped[int] = mapped_column(ForeignKey("legal_entities.id"))
    status: Mapped[str] = mapped_column(String(10), default=JournalState.DRAFT)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    posted_by: Mapped[str | None] = mapped_column(String(100))
    lines: Mapped[list[IntegrationJournalLine]] = relationship(order_by="IntegrationJournalLine.id")


class IntegrationJournalLine(Base):
    """One cost or unbilled-sales actual brought in from staging.

    ``actual_id`` is unique: an actual is journaled once, even when two imports race.
    ``distribution`` is ``[{"percent": "..", "dimensions": {..}}]`` once the line's
    amount is distributed over dimension sets; ``None`` means all on ``dimensions``.
    ``exchange_rate`` is set when the line is posted (a draft line follows the rates and
    agreements in force).
    """

    __tablename__ = "integration_journal_lines"
    #: Posting reads a journal's lines a range of dates at a time (vouchers by date).
    __table_args__ = (Index("ix_integration_journal_lines_journal_date", "journal_id", "date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("integration_journals.id"), index=True)
    actual_id: Mapped[int] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # cost | sales
    transaction_class: Mapped[str] = mapped_column(String(20))
    project_id: Mapped[int | None] = mapped_column()
    contract_id: Mapped[int | None] = mapped_column()
    resource_id: Mapped[int | None] = mapped_column()
    date: Mapped[dt.date] = mapped_column(Date)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    cost_amount: Mapped[Decimal] = mapped_column(Amount())
    sales_amount: Mapped[Decimal] = mapped_column(Amount())
    currency: Mapped[str] = mapped_column(String(3))
    sales_tax_group: Mapped[str | None] = mapped_column(String(20))
    item_sales_tax_group: Mapped[str | None] = mapped_column(String(20))
    dimensions: Mapped[dict[str, Any]] = mapped_column(JSON)
    distribution: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    exchange_rate: Mapped[Decimal | None] = mapped_column(Price())


class PostedTransaction(Base):
    """A project transaction posted to the ledger (All projects > Posted transactions).

    ``parts`` is the posted split ``[{"percent", "dimensions", "amount"}]``; ``accrued``
    says whether WIP and accrued revenue were posted for it. "Adjust accounting" never
    edits: it reverses ``voucher_id``, posts a new voucher and a new row that
    ``replaces_id`` this one, whose status becomes ``adjusted``. One row per actual is
    ``posted`` at a time (partial unique index).
    """

    __tablename__ = "posted_transactions"
    __table_args__ = (
        Index(
            "ux_posted_transactions_current_actual",
            "actual_id",
            unique=True,
            postgresql_where=_CURRENT,
            sqlite_where=_CURRENT,
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    actual_id: Mapped[int] = mapped_column(index=True)
    journal_line_id: Mapped[int] = mapped_column(ForeignKey("integration_journal_lines.id"))
    legal_entity_id: Mapped[int] = mapped_column(ForeignKey("legal_entities.id"))
    kind: Mapped[str] = mapped_column(String(10))  # cost | sales
    transaction_class: Mapped[str] = mapped_column(String(20))
    project_id: Mapped[int | None] = mapped_column(index=True)
    contract_id: Mapped[int | None] = mapped_column()
    date: Mapped[dt.date] = mapped_column(Date)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(Amount())
    accrued: Mapped[bool] = mapped_column(default=False)
    exchange_rate: Mapped[Decimal] = mapped_column(Price())
    sales_tax_group: Mapped[str | None] = mapped_column(String(20))
    item_sales_tax_group: Mapped[str | None] = mapped_column(String(20))
    parts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("vouchers.id"))
    status: Mapped[str] = mapped_column(String(10), default=PostedTransactionState.POSTED)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("posted_transactions.id"))


class InvoiceProposal(Base):
    """The ERP side's invoice proposal of a confirmed proforma invoice, same number.

    ``waiting`` until its lines are imported from staging (which needs every
    time-and-material transaction on it posted), then ``ready``, then ``posted``. The
    ``*_accounting`` totals and ``exchange_rate`` are fixed when it is posted.
    """

    __tablename__ = "invoice_proposals"
    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), unique=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    legal_entity_id: Mapped[int] = mapped_column(ForeignKey("legal_entities.id"))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    currency: Mapped[str] = mapped_column(String(3))
    invoice_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=ProposalState.WAITING, index=True)
    #: detail | summary: how lines outside any format section print.
    invoice_format: Mapped[str] = mapped_column(String(10), default="detail")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    imported_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    posted_by: Mapped[str | None] = mapped_column(String(100))
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("vouchers.id"))
    exchange_rate: Mapped[Decimal | None] = mapped_column(Price())
    total_amount_accounting: Mapped[Decimal | None] = mapped_column(Amount())
    total_tax_accounting: Mapped[Decimal | None] = mapped_column(Amount())
    version: Mapped[int] = mapped_column(Integer, default=1)
    lines: Mapped[list[InvoiceProposalLine]] = relationship(order_by="InvoiceProposalLine.id")

    __mapper_args__ = {"version_id_col": version}


class InvoiceProposalLine(Base):
    """One billed transaction of a proposal: a billed sales actual (time, expense,
    material, fee, a milestone's on-account transaction, a product) or its correction.

    ``taxes`` is ``[{"code", "rate", "amount"}]``, rounded per code; ``tax`` their sum.
    """

    __tablename__ = "invoice_proposal_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("invoice_proposals.id"), index=True)
    billed_actual_id: Mapped[int | None] = mapped_column()
    invoice_line_detail_id: Mapped[int | None] = mapped_column()
    milestone_id: Mapped[int | None] = mapped_column()
    transaction_class: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(2000), default="")
    date: Mapped[dt.date] = mapped_column(Date)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit: Mapped[str] = mapped_column(String(20))
    price: Mapped[Decimal] = mapped_column(Price())
    amount: Mapped[Decimal] = mapped_column(Amount())
    tax: Mapped[Decimal] = mapped_column(Amount())
    taxes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    sales_tax_group: Mapped[str | None] = mapped_column(String(20))
    item_sales_tax_group: Mapped[str | None] = mapped_column(String(20))
    dimensions: Mapped[dict[str, Any]] = mapped_column(JSON)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_proposal_sections.id"))


class InvoiceProposalSection(Base):
    """A format section of a proposal's printout (Format invoice proposal)."""

    __tablename__ = "invoice_proposal_sections"
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("invoice_proposals.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(10))  # detail | summary
    position: Mapped[int] = mapped_column()


class PrintSetting(Base):
    """Print management at one level: module (``target_id`` 0), customer, contract or
    proposal; the most specific level that sets a value wins."""

    __tablename__ = "print_settings"
    __table_args__ = (Index("ux_print_settings_level_target", "level", "target_id", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(10))  # module | customer | contract | proposal
    target_id: Mapped[int] = mapped_column()
    report_format: Mapped[str | None] = mapped_column(String(40))
    destination: Mapped[str | None] = mapped_column(String(20))
    footer_text: Mapped[str | None] = mapped_column(String(2000))
