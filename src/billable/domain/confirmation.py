"""What confirming a detail does to the actuals ledger, as pure effects.

Confirming (rules.md "Confirming") and confirming a correction ("Correcting a
confirmed invoice") are expressed here as lists of effects; the service writes
them. Amounts are conserved to the cent: a remainder takes the exact difference
of already-rounded amounts, so no rounding can create or lose a cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from billable.domain.invoice import BillingType
from billable.domain.money import ZERO, Currency, extend, prorate


@dataclass(frozen=True)
class Posted:
    """An actual already in the ledger, as far as confirmation needs it."""

    actual_id: int
    quantity: Decimal
    amount: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Reverse:
    """Write the negation of ``actual_id`` (same row, negated quantity, amount and tax)."""

    actual_id: int


@dataclass(frozen=True)
class Bill:
    """Write a billed sales actual."""

    quantity: Decimal
    amount: Decimal
    tax: Decimal
    billing_type: BillingType


@dataclass(frozen=True)
class Unbill:
    """Write an unbilled sales actual for what was not billed (back to the backlog)."""

    quantity: Decimal
    amount: Decimal
    tax: Decimal
    ready_to_invoice: bool


Effect = Reverse | Bill | Unbill


def confirm_detail(
    quantity: Decimal,
    amount: Decimal,
    tax: Decimal,
    billing_type: BillingType,
    backing: Posted | None,
    tax_share: Decimal | None = None,
) -> list[Effect]:
    """Effects of confirming an ordinary detail.

    The detail becomes a billed actual; the unbilled actual behind it (if any) is
    reversed, and a quantity below the actual's returns to the backlog, ready. The
    remainder's tax is the backing tax minus ``tax_share``, the part of it that goes
    with the billed quantity (default: the detail's tax) — not minus a tax the user
    typed, which would return to the backlog negated.
    """
    effects: list[Effect] = [Bill(quantity, amount, tax, billing_type)]
    if backing is not None:
        effects.append(Reverse(backing.actual_id))
        if quantity < backing.quantity:
            effects.append(
                Unbill(
                    backing.quantity - quantity,
                    backing.amount - amount,
                    backing.tax - (tax if tax_share is None else tax_share),
                    ready_to_invoice=True,
                )
            )
    return effects


@dataclass(frozen=True)
class CorrectionFigures:
    """Amount and tax of a corrective detail: the difference against the billed actual."""

    amount: Decimal
    tax: Decimal
    new_amount: Decimal
    new_tax: Decimal


def correction_figures(
    quantity: Decimal, price: Decimal, original: Posted, currency: Currency
) -> CorrectionFigures:
    """The corrective detail's credit (negative) or extra charge for a new ``quantity``.

    The new billed amount is ``round(quantity x price)``; the detail shows its
    difference to the original billed amount, so credit + original = new, exactly.
    Tax is prorated from the original billed tax. Keeping the original quantity keeps
    the original figures exactly: a billed remainder's amount is an exact difference
    that ``round(quantity x price)`` need not reproduce, and re-rounding makes a cent.
    """
    if quantity == original.quantity:
        return CorrectionFigures(ZERO, ZERO, original.amount, original.tax)
    new_amount = extend(quantity, price, currency)
    new_tax = prorate(original.tax, quantity, original.quantity, currency)
    return CorrectionFigures(
        new_amount - original.amount, new_tax - original.tax, new_amount, new_tax
    )


def confirm_correction(
    quantity: Decimal,
    figures: CorrectionFigures,
    billing_type: BillingType,
    original: Posted,
    tax_share: Decimal | None = None,
) -> list[Effect]:
    """Effects of confirming a corrective detail.

    Reverse the original billed actual; bill the new quantity (nothing for 0);
    a reduction returns the difference to the backlog, not ready, for the project
    manager to bill later or mark non-chargeable. Its tax is the original tax minus
    ``tax_share``, the part of it that goes with the new quantity (default: the new
    billed tax) — not minus a tax the user typed, which would return negated.
    """
    effects: list[Effect] = [Reverse(original.actual_id)]
    # Nothing left to bill only when quantity, amount and tax are all zero: a user-set
    # tax on a zero quantity is still billed, or it would exist on the invoice only.
    if quantity != 0 or figures.new_amount != 0 or figures.new_tax != 0:
        effects.append(Bill(quantity, figures.new_amount, figures.new_tax, billing_type))
    if quantity < original.quantity:
        effects.append(
            Unbill(
                original.quantity - quantity,
                original.amount - figures.new_amount,
                original.tax - (figures.new_tax if tax_share is None else tax_share),
                ready_to_invoice=False,
            )
        )
    return effects
