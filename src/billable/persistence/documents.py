"""Customer documents (issue 10): payment terms, the customer invoices and credit notes
issued when a proposal is posted, their stored renderings, and the delivery outbox.

An issued document is a snapshot: seller, buyer, lines and totals are copied at issue
(JSON), so later changes to master data never change what the customer received.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from billable.domain.documents import OutboxState
from billable.persistence.base import Base
from billable.persistence.types import Amount


class PaymentTerms(Base):
    """Payment terms: the due date is the issue date plus ``net_days``."""

    __tablename__ = "payment_terms"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    net_days: Mapped[int] = mapped_column(Integer)


class CustomerInvoice(Base):
    """An issued customer invoice or credit note; immutable once written.

    ``sequence`` is the gap-free position in its legal entity's numbering and
    ``number`` its printed form. ``seller``, ``buyer``, ``payment_terms``, ``lines`` and
    ``tax_breakdown`` are the snapshots taken at issue.
    """

    __tablename__ = "customer_invoices"
    __table_args__ = (UniqueConstraint("legal_entity_id", "sequence"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    legal_entity_id: Mapped[int] = mapped_column(ForeignKey("legal_entities.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12))  # invoice | credit_note
    proposal_id: Mapped[int] = mapped_column(ForeignKey("invoice_proposals.id"), unique=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    proforma_number: Mapped[str] = mapped_column(String(30))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    issue_date: Mapped[dt.date] = mapped_column(Date, index=True)
    due_date: Mapped[dt.date] = mapped_column(Date)
    payment_terms: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    currency: Mapped[str] = mapped_column(String(3))
    language: Mapped[str] = mapped_column(String(5))
    seller: Mapped[dict[str, Any]] = mapped_column(JSON)
    buyer: Mapped[dict[str, Any]] = mapped_column(JSON)
    corrects_customer_invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer_invoices.id")
    )
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    tax_breakdown: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    total_net: Mapped[Decimal] = mapped_column(Amount())
    total_tax: Mapped[Decimal] = mapped_column(Amount())
    total_amount: Mapped[Decimal] = mapped_column(Amount())
    #: What the issued document lacks to be a valid e-invoice (empty: nothing).
    problems: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    footer_text: Mapped[str] = mapped_column(String(2000), default="")
    report_format: Mapped[str] = mapped_column(String(40), default="standard")
    #: The print HTML rendered at issue: the PDF and Factur-X are rendered from it.
    print_html: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class CustomerInvoiceDocument(Base):
    """One rendering of an issued invoice (pdf, ubl, cii, facturx), stored once and
    served byte for byte; ``sha256`` is the hex digest of ``content``."""

    __tablename__ = "customer_invoice_documents"
    __table_args__ = (UniqueConstraint("customer_invoice_id", "format"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_invoice_id: Mapped[int] = mapped_column(ForeignKey("customer_invoices.id"))
    format: Mapped[str] = mapped_column(String(10))
    media_type: Mapped[str] = mapped_column(String(40))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class OutboxMessage(Base):
    """One delivery of a document to one recipient. ``idempotency_key`` (document and
    recipient) is unique: a message is queued once and sent at most once."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_invoice_id: Mapped[int] = mapped_column(ForeignKey("customer_invoices.id"), index=True)
    destination: Mapped[str] = mapped_column(String(10))  # email | archive
    recipient: Mapped[str] = mapped_column(String(320))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=OutboxState.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(2000))
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    sending_since: Mapped[dt.datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
