"""What confirming a detail does to the actuals ledger, as pure effects.

Confirming (rules.md "Confirming") and confirming a correction ("Correcting a
confirmed invoice") are stated once, as :func:`detail_rules` and
:func:`correction_rules`: the actuals a detail's confirmation writes, each with the
condition under which it is written and its figures. The rules are written over
:class:`Terms`, so the same statement is evaluated on Decimals here
(:func:`confirm_detail`, :func:`confirm_correction`, lists of effects) and on column
expressions by the set-based writer, which turns each rule into one ``INSERT ...
SELECT``. Amounts are conserved to the cent: a remainder takes the exact difference
of already-rounded amounts, so no rounding can create or lose a cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from billable.domain.invoice import BillingType
from billable.domain.money import ZERO, Currency, extend, prorate
from billable.domain.vocabulary import ActualType


class Arithmetic(Protocol):
    """A figure a rule can add and subtract: a Decimal, or a column expression."""

    def __add__(self, other: Any, /) -> Any: ...

    def __sub__(self, other: Any, /) -> Any: ...


N = TypeVar("N", bound=Arithmetic)  # a figure
C = TypeVar("C")  # a condition: a bool, or a SQL boolean expression
C_co = TypeVar("C_co", covariant=True)


class Terms(Protocol[N, C_co]):
    """What a rule needs besides ``+`` and ``-``, for Decimals or for SQL."""

    def always(self) -> C_co:
        """A condition that holds for every detail."""
        ...

    def below(self, value: N, limit: N) -> C_co:
        """``value < limit``."""
        ...

    def any_nonzero(self, *values: N) -> C_co:
        """At least one of ``values`` is not zero."""
        ...

    def unless_none(self, value: N | None, fallback: N) -> N:
        """``value``, or ``fallback`` where it is None (SQL: ``COALESCE``)."""
        ...


class Written(StrEnum):
    """The kinds of actual a confirmation writes."""

    BILLED = "billed"  # the detail, billed: on the invoice
    REVERSAL = "reversal"  # the negation of the actual the detail links to
    REMAINDER = "remainder"  # what was not billed, back to the backlog


@dataclass(frozen=True)
class Figures(Generic[N]):
    """Quantity, amount and tax of a detail or an actual."""

    quantity: N
    amount: N
    tax: N


@dataclass(frozen=True)
class Rule(Generic[N, C]):
    """One actual a detail's confirmation writes, when ``when`` holds.

    ``figures`` is None for a reversal (the linked actual's own figures, negated);
    ``billing_type`` None means the detail's own; ``linked`` says the row exists only
    for a detail linked to an actual (backed, or the billed actual a correction
    corrects) and derives from it.
    """

    kind: Written
    when: C
    figures: Figures[N] | None
    transaction_type: ActualType | None
    billing_type: BillingType | None
    ready_to_invoice: bool
    linked: bool


def _billed(when: C, figures: Figures[N], *, linked: bool) -> Rule[N, C]:
    """A billed sales actual: on the invoice, of the detail's billing type."""
    return Rule(Written.BILLED, when, figures, ActualType.BILLED_SALES, None, False, linked)


def _reversal(when: C) -> Rule[N, C]:
    """The negation of the linked actual."""
    return Rule(Written.REVERSAL, when, None, None, None, False, True)


def _remainder(when: C, figures: Figures[N], *, ready: bool) -> Rule[N, C]:
    """Unbilled, chargeable sales back in the backlog."""
    kind, sales = Written.REMAINDER, ActualType.UNBILLED_SALES
    return Rule(kind, when, figures, sales, BillingType.CHARGEABLE, ready, True)


def detail_rules(
    detail: Figures[N], tax_share: N | None, backing: Figures[N], terms: Terms[N, C]
) -> tuple[Rule[N, C], ...]:
    """What confirming an ordinary detail writes.

    The detail becomes a billed actual; the unbilled actual behind it (if any) is
    reversed, and a quantity below the actual's returns to the backlog, ready. The
    remainder's tax is the backing tax minus ``tax_share``, the part of it that goes
    with the billed quantity (default: the detail's tax) — not minus a tax the user
    typed, which would return to the backlog negated.
    """
    left = Figures(
        backing.quantity - detail.quantity,
        backing.amount - detail.amount,
        backing.tax - terms.unless_none(tax_share, detail.tax),
    )
    return (
        _billed(terms.always(), detail, linked=False),
        _reversal(terms.always()),
        _remainder(terms.below(detail.quantity, backing.quantity), left, ready=True),
    )


def corrected(quantity: N, difference: Figures[N], original: Figures[N]) -> Figures[N]:
    """The billed figures a corrective detail stands for: the original billed amount and
    tax plus the detail's stored difference (the truth: the user may have set its tax)."""
    return Figures(quantity, original.amount + difference.amount, original.tax + difference.tax)


def correction_rules(
    new: Figures[N], tax_share: N | None, original: Figures[N], terms: Terms[N, C]
) -> tuple[Rule[N, C], ...]:
    """What confirming a corrective detail writes.

    Reverse the original billed actual; bill the new quantity (nothing when quantity,
    amount and tax are all zero: a user-set tax on a zero quantity is still billed, or
    it would exist on the invoice only); a reduction returns the difference to the
    backlog, not ready, for the project manager to bill later or mark non-chargeable.
    Its tax is the original tax minus ``tax_share``, the part of it that goes with the
    new quantity (default: the new billed tax) — not minus a tax the user typed.
    """
    left = Figures(
        original.quantity - new.quantity,
        original.amount - new.amount,
        original.tax - terms.unless_none(tax_share, new.tax),
    )
    billed_unless_all_zero = terms.any_nonzero(new.quantity, new.amount, new.tax)
    return (
        _reversal(terms.always()),
        _billed(billed_unless_all_zero, new, linked=True),
        _remainder(terms.below(new.quantity, original.quantity), left, ready=False),
    )


class _Decimals:
    """:class:`Terms` on Decimals: the rules evaluated for one detail."""

    def always(self) -> bool:
        return True

    def below(self, value: Decimal, limit: Decimal) -> bool:
        return value < limit

    def any_nonzero(self, *values: Decimal) -> bool:
        return any(v != 0 for v in values)

    def unless_none(self, value: Decimal | None, fallback: Decimal) -> Decimal:
        return fallback if value is None else value


DECIMALS: Terms[Decimal, bool] = _Decimals()


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
    """Effects of confirming an ordinary detail (:func:`detail_rules`); ``backing`` is
    the unbilled actual behind it, None for a detail no actual backs."""
    linked = _figures(backing) if backing is not None else Figures(ZERO, ZERO, ZERO)
    rules = detail_rules(Figures(quantity, amount, tax), tax_share, linked, DECIMALS)
    return _effects(rules, billing_type, backing)


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
    """Effects of confirming a corrective detail (:func:`correction_rules`)."""
    new = Figures(quantity, figures.new_amount, figures.new_tax)
    rules = correction_rules(new, tax_share, _figures(original), DECIMALS)
    return _effects(rules, billing_type, original)


def _figures(posted: Posted) -> Figures[Decimal]:
    return Figures(posted.quantity, posted.amount, posted.tax)


def _effects(
    rules: tuple[Rule[Decimal, bool], ...], billing_type: BillingType, linked: Posted | None
) -> list[Effect]:
    """The rules that hold for one detail, as effects in the rules' order."""
    effects: list[Effect] = []
    for rule in rules:
        if not rule.when or (rule.linked and linked is None):
            continue
        if rule.kind is Written.REVERSAL:
            assert linked is not None
            effects.append(Reverse(linked.actual_id))
            continue
        assert rule.figures is not None
        quantity, amount, tax = rule.figures.quantity, rule.figures.amount, rule.figures.tax
        if rule.kind is Written.BILLED:
            effects.append(Bill(quantity, amount, tax, rule.billing_type or billing_type))
        else:
            effects.append(Unbill(quantity, amount, tax, rule.ready_to_invoice))
    return effects
