"""Lifecycles as data: each is a table of transitions, and one guard checks every change."""

from __future__ import annotations

from dataclasses import dataclass

from billable.domain.errors import Conflict
from billable.domain.vocabulary import (
    EntryState,
    InvoiceState,
    JournalState,
    MilestoneState,
    PaymentState,
    PostedTransactionState,
    ProductLineState,
    ProposalState,
)


@dataclass(frozen=True)
class Transition:
    """``action`` moves an object from ``source`` to ``target``."""

    source: str
    action: str
    target: str


@dataclass(frozen=True)
class Lifecycle:
    """A named state machine; :meth:`next_state` is the only way to change state."""

    name: str
    transitions: tuple[Transition, ...]

    def next_state(self, current: str, action: str) -> str:
        """The state after ``action``, or :class:`Conflict` naming what is allowed."""
        for transition in self.transitions:
            if transition.source == current and transition.action == action:
                return transition.target
        allowed = sorted(self.actions_from(current))
        hint = f"; allowed: {', '.join(allowed)}" if allowed else "; it allows no action"
        article = "an" if self.name[0] in "aeiou" else "a"
        raise Conflict(f"cannot {action} {article} {self.name} that is {current}{hint}")

    def actions_from(self, current: str) -> set[str]:
        """The actions allowed from ``current``."""
        return {t.action for t in self.transitions if t.source == current}

    def sources_of(self, action: str) -> frozenset[str]:
        """The states ``action`` is allowed from: set-based SQL filters rows with it."""
        return frozenset(t.source for t in self.transitions if t.action == action)

    def target_of(self, action: str, source: str) -> str:
        """The state ``action`` leads to from ``source`` (same guard as :meth:`next_state`)."""
        return self.next_state(source, action)

    def states(self) -> set[str]:
        """Every state the table names."""
        return {t.source for t in self.transitions} | {t.target for t in self.transitions}

    @classmethod
    def of(cls, name: str, *rows: tuple[str, str, str]) -> Lifecycle:
        """A lifecycle from ``(source, action, target)`` rows, in order."""
        return cls(name, tuple(Transition(*row) for row in rows))


# The tables below are built at import time; tests build lifecycles with the same
# function at run time, where a changed rule would show.
_table = Lifecycle.of


ENTRY = _table(
    "entry",
    (EntryState.DRAFT, "submit", EntryState.SUBMITTED),
    (EntryState.SUBMITTED, "approve", EntryState.APPROVED),
    (EntryState.SUBMITTED, "reject", EntryState.REJECTED),
    (EntryState.SUBMITTED, "recall", EntryState.DRAFT),
    (EntryState.REJECTED, "submit", EntryState.SUBMITTED),
    (EntryState.DRAFT, "edit", EntryState.DRAFT),
    (EntryState.REJECTED, "edit", EntryState.REJECTED),
)

#: project_invoice_status of a proforma invoice.
INVOICE = _table(
    "invoice",
    (InvoiceState.DRAFT, "edit", InvoiceState.DRAFT),
    (InvoiceState.IN_REVIEW, "edit", InvoiceState.IN_REVIEW),
    (InvoiceState.DRAFT, "review", InvoiceState.IN_REVIEW),
    (InvoiceState.IN_REVIEW, "reopen", InvoiceState.DRAFT),
    (InvoiceState.DRAFT, "confirm", InvoiceState.CONFIRMED),
    (InvoiceState.IN_REVIEW, "confirm", InvoiceState.CONFIRMED),
    (InvoiceState.CONFIRMED, "correct", InvoiceState.CONFIRMED),
    # Deleting removes the row: the table names the states it may be removed from, and the
    # target is never stored. A confirmed invoice is final and is never deleted.
    (InvoiceState.DRAFT, "delete", InvoiceState.DRAFT),
    (InvoiceState.IN_REVIEW, "delete", InvoiceState.IN_REVIEW),
)

#: The customer-facing ``status`` of an invoice; paying needs a confirmed invoice (checked
#: by :func:`billable.domain.invoice.check_status_change`).
INVOICE_PAYMENT = _table(
    "invoice payment status",
    (PaymentState.ACTIVE, "pay", PaymentState.PAID),
    (PaymentState.PAID, "unpay", PaymentState.ACTIVE),
)

MILESTONE = _table(
    "milestone",
    (MilestoneState.NOT_READY, "mark_ready", MilestoneState.READY_TO_INVOICE),
    (MilestoneState.READY_TO_INVOICE, "mark_not_ready", MilestoneState.NOT_READY),
    (MilestoneState.READY_TO_INVOICE, "invoice", MilestoneState.CUSTOMER_INVOICE_CREATED),
    (MilestoneState.CUSTOMER_INVOICE_CREATED, "uninvoice", MilestoneState.READY_TO_INVOICE),
    (MilestoneState.CUSTOMER_INVOICE_CREATED, "confirm", MilestoneState.CUSTOMER_INVOICE_POSTED),
    # A progress milestone with an amount left to bill can be made ready again.
    (MilestoneState.CUSTOMER_INVOICE_POSTED, "mark_ready", MilestoneState.READY_TO_INVOICE),
)

#: Billing status of a product-based contract line.
PRODUCT_LINE = _table(
    "product line",
    (ProductLineState.NOT_READY, "mark_ready", ProductLineState.READY_TO_INVOICE),
    (ProductLineState.READY_TO_INVOICE, "mark_not_ready", ProductLineState.NOT_READY),
    (ProductLineState.READY_TO_INVOICE, "invoice", ProductLineState.CUSTOMER_INVOICE_CREATED),
    (ProductLineState.CUSTOMER_INVOICE_CREATED, "uninvoice", ProductLineState.READY_TO_INVOICE),
    (
        ProductLineState.CUSTOMER_INVOICE_CREATED,
        "confirm",
        ProductLineState.CUSTOMER_INVOICE_POSTED,
    ),
)

#: An integration journal: editable while draft, immutable once posted.
JOURNAL = _table(
    "integration journal",
    (JournalState.DRAFT, "edit", JournalState.DRAFT),
    (JournalState.DRAFT, "post", JournalState.POSTED),
)

#: An invoice proposal: lines arrive by import from staging, then it is posted.
PROPOSAL = _table(
    "invoice proposal",
    (ProposalState.WAITING, "import", ProposalState.READY),
    (ProposalState.READY, "edit", ProposalState.READY),
    (ProposalState.READY, "post", ProposalState.POSTED),
    # Format sections and the invoice format may change until the proposal is posted.
    (ProposalState.WAITING, "format", ProposalState.WAITING),
    (ProposalState.READY, "format", ProposalState.READY),
)

#: A posted project transaction: adjust accounting replaces it by a new one.
POSTED_TRANSACTION = _table(
    "posted transaction",
    (PostedTransactionState.POSTED, "adjust", PostedTransactionState.ADJUSTED),
)
