"""Billable's vocabulary: every state, transaction type and kind as an enum.

These are the only spellings of the words; everything else (use cases, SQL, the API)
names the members. A ``StrEnum`` member *is* its string, so a member can be stored,
compared and bound as a SQL parameter unchanged. The billing types, detail sources and
transaction classes live beside the rules that use them and are re-exported here.
"""

from __future__ import annotations

from enum import StrEnum

from billable.domain.invoice import BillingType, DetailSource
from billable.domain.pricing import TransactionClass

__all__ = [
    "ActualType",
    "AttemptOutcome",
    "BillingType",
    "DetailSource",
    "EntryState",
    "InvoiceState",
    "JobState",
    "JournalState",
    "MilestoneState",
    "NotificationLevel",
    "PaymentState",
    "PostedTransactionState",
    "ProductLineState",
    "ProposalState",
    "SourceKind",
    "TransactionClass",
]


class EntryState(StrEnum):
    """A time, expense, material or fee entry."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class InvoiceState(StrEnum):
    """A proforma invoice's ``project_invoice_status``."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CONFIRMED = "confirmed"


class PaymentState(StrEnum):
    """A proforma invoice's customer-facing ``status``."""

    ACTIVE = "active"
    PAID = "paid"


class MilestoneState(StrEnum):
    """A fixed-price milestone's invoice status (seed 001)."""

    NOT_READY = "not_ready"
    READY_TO_INVOICE = "ready_to_invoice"
    CUSTOMER_INVOICE_CREATED = "customer_invoice_created"
    CUSTOMER_INVOICE_POSTED = "customer_invoice_posted"


class ProductLineState(StrEnum):
    """A product-based contract line's billing status."""

    NOT_READY = "not_ready"
    READY_TO_INVOICE = "ready_to_invoice"
    CUSTOMER_INVOICE_CREATED = "customer_invoice_created"
    CUSTOMER_INVOICE_POSTED = "customer_invoice_posted"


class JournalState(StrEnum):
    """An integration journal."""

    DRAFT = "draft"
    POSTED = "posted"


class ProposalState(StrEnum):
    """An invoice proposal."""

    WAITING = "waiting"
    READY = "ready"
    POSTED = "posted"


class PostedTransactionState(StrEnum):
    """A posted project transaction."""

    POSTED = "posted"
    ADJUSTED = "adjusted"


class ActualType(StrEnum):
    """What an actual records (seed 001): a cost, unbilled sales, or billed sales."""

    COST = "cost"
    UNBILLED_SALES = "unbilled_sales"
    BILLED_SALES = "billed_sales"


class SourceKind(StrEnum):
    """What wrote an actual: an entry of one kind (approval; the reversal and billed
    actuals confirmation copies from it keep its kind), or an invoice line detail with
    no actual behind it (confirmation of a manual, milestone or product detail)."""

    TIME = "time"
    EXPENSE = "expense"
    MATERIAL = "material"
    FEE = "fee"
    INVOICE_DETAIL = "invoice_detail"


class NotificationLevel(StrEnum):
    """How a notification reads: ``error`` whenever it reports a failure (a job that
    failed, items of a job that failed, a delivery that did not go out)."""

    INFO = "info"
    ERROR = "error"


class JobState(StrEnum):
    """A background job."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class AttemptOutcome(StrEnum):
    """How one attempt of a job ended (null while it runs, or when its process died)."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    #: the database went away mid-job: the queue runs the job again
    INTERRUPTED = "interrupted"
