"""Lifecycles as data: each is a table of transitions, and one guard checks every change."""

from __future__ import annotations

from dataclasses import dataclass

from billable.domain.errors import Conflict


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


def _table(name: str, *rows: tuple[str, str, str]) -> Lifecycle:
    return Lifecycle(name, tuple(Transition(*row) for row in rows))


ENTRY = _table(
    "entry",
    ("draft", "submit", "submitted"),
    ("submitted", "approve", "approved"),
    ("submitted", "reject", "rejected"),
    ("submitted", "recall", "draft"),
    ("rejected", "submit", "submitted"),
    ("draft", "edit", "draft"),
    ("rejected", "edit", "rejected"),
)

#: project_invoice_status of a proforma invoice.
INVOICE = _table(
    "invoice",
    ("draft", "edit", "draft"),
    ("in_review", "edit", "in_review"),
    ("draft", "review", "in_review"),
    ("in_review", "reopen", "draft"),
    ("draft", "confirm", "confirmed"),
    ("in_review", "confirm", "confirmed"),
    ("confirmed", "correct", "confirmed"),
)

#: The customer-facing ``status`` of an invoice; paying needs a confirmed invoice (checked
#: by :func:`billable.domain.invoice.check_status_change`).
INVOICE_PAYMENT = _table(
    "invoice payment status",
    ("active", "pay", "paid"),
    ("paid", "unpay", "active"),
)

MILESTONE = _table(
    "milestone",
    ("not_ready", "mark_ready", "ready_to_invoice"),
    ("ready_to_invoice", "mark_not_ready", "not_ready"),
    ("ready_to_invoice", "invoice", "customer_invoice_created"),
    ("customer_invoice_created", "uninvoice", "ready_to_invoice"),
    ("customer_invoice_created", "confirm", "customer_invoice_posted"),
    # A progress milestone with an amount left to bill can be made ready again.
    ("customer_invoice_posted", "mark_ready", "ready_to_invoice"),
)

#: Billing status of a product-based contract line.
PRODUCT_LINE = _table(
    "product line",
    ("not_ready", "mark_ready", "ready_to_invoice"),
    ("ready_to_invoice", "mark_not_ready", "not_ready"),
    ("ready_to_invoice", "invoice", "customer_invoice_created"),
    ("customer_invoice_created", "uninvoice", "ready_to_invoice"),
    ("customer_invoice_created", "confirm", "customer_invoice_posted"),
)

#: An integration journal: editable while draft, immutable once posted.
JOURNAL = _table(
    "integration journal",
    ("draft", "edit", "draft"),
    ("draft", "post", "posted"),
)

#: An invoice proposal: lines arrive by import from staging, then it is posted.
PROPOSAL = _table(
    "invoice proposal",
    ("waiting", "import", "ready"),
    ("ready", "edit", "ready"),
    ("ready", "post", "posted"),
    # Format sections and the invoice format may change until the proposal is posted.
    ("waiting", "format", "waiting"),
    ("ready", "format", "ready"),
)

#: A posted project transaction: adjust accounting replaces it by a new one.
POSTED_TRANSACTION = _table(
    "posted transaction",
    ("posted", "adjust", "adjusted"),
)
