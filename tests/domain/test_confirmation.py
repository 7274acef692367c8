"""Confirming and correcting as ledger effects: nothing lost, nothing created, to the cent."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from hypothesis import given, settings
from hypothesis import strategies as st

from billable.domain.confirmation import (
    Bill,
    CorrectionFigures,
    Effect,
    Posted,
    Reverse,
    Unbill,
    confirm_correction,
    confirm_detail,
    correction_figures,
)
from billable.domain.invoice import BillingType
from billable.domain.money import Currency, extend, round_amount

D = Decimal
USD = Currency("USD", 2)
JPY = Currency("JPY", 0)
KWD = Currency("KWD", 3)
CHARGEABLE = BillingType.CHARGEABLE

#: The seed example: 8 hours at 250.00, billed 2000.00 with 10% tax.
SEED_BILLED = Posted(actual_id=41, quantity=D("8"), amount=D("2000.00"), tax=D("200.00"))


# --- confirm_detail -------------------------------------------------------------------


def test_confirming_the_full_quantity_bills_it_and_reverses_the_unbilled_actual() -> None:
    backing = Posted(7, D("8"), D("2000.00"), D("200.00"))
    effects = confirm_detail(D("8"), D("2000.00"), D("200.00"), CHARGEABLE, backing)
    assert effects == [Bill(D("8"), D("2000.00"), D("200.00"), CHARGEABLE), Reverse(7)]


def test_confirming_a_lower_quantity_returns_the_rest_to_the_backlog_ready() -> None:
    backing = Posted(7, D("8"), D("2000.00"), D("200.00"))
    effects = confirm_detail(D("5"), D("1250.00"), D("125.00"), CHARGEABLE, backing)
    assert effects == [
        Bill(D("5"), D("1250.00"), D("125.00"), CHARGEABLE),
        Reverse(7),
        Unbill(D("3"), D("750.00"), D("75.00"), ready_to_invoice=True),
    ]


def test_the_remainder_takes_the_exact_difference_not_a_fresh_rounding() -> None:
    price = D("10.005000")
    backing_amount = extend(D("2"), price, USD)  # 20.01
    detail_amount = extend(D("1"), price, USD)  # 10.005 -> 10.01
    assert (backing_amount, detail_amount) == (D("20.01"), D("10.01"))
    backing = Posted(3, D("2"), backing_amount, D("0.00"))
    effects = confirm_detail(D("1"), detail_amount, D("0.00"), CHARGEABLE, backing)
    unbill = effects[-1]
    assert isinstance(unbill, Unbill)
    # A fresh rounding of 1 x 10.005 would be 10.01 and create a cent out of nothing.
    assert extend(D("1"), price, USD) == D("10.01")
    assert unbill.amount == D("10.00") == backing.amount - detail_amount
    assert unbill.quantity == D("1")
    assert unbill.ready_to_invoice is True


def test_confirming_a_higher_quantity_bills_it_all_and_leaves_nothing_unbilled() -> None:
    backing = Posted(7, D("8"), D("2000.00"), D("200.00"))
    effects = confirm_detail(D("10"), D("2500.00"), D("250.00"), CHARGEABLE, backing)
    assert effects == [Bill(D("10"), D("2500.00"), D("250.00"), CHARGEABLE), Reverse(7)]
    assert not any(isinstance(e, Unbill) for e in effects)


def test_confirming_an_unbacked_detail_only_bills_it() -> None:
    effects = confirm_detail(D("2.5"), D("312.50"), D("0.00"), CHARGEABLE, None)
    assert effects == [Bill(D("2.5"), D("312.50"), D("0.00"), CHARGEABLE)]


def test_a_non_chargeable_detail_is_billed_with_its_billing_type() -> None:
    backing = Posted(9, D("4"), D("1000.00"), D("0.00"))
    effects = confirm_detail(D("4"), D("1000.00"), D("0.00"), BillingType.NON_CHARGEABLE, backing)
    assert effects[0] == Bill(D("4"), D("1000.00"), D("0.00"), BillingType.NON_CHARGEABLE)


def test_confirming_zero_of_a_backed_detail_returns_everything_to_the_backlog() -> None:
    backing = Posted(7, D("8"), D("2000.00"), D("200.00"))
    effects = confirm_detail(D("0"), D("0.00"), D("0.00"), CHARGEABLE, backing)
    assert effects[1:] == [Reverse(7), Unbill(D("8"), D("2000.00"), D("200.00"), True)]


# --- corrections: the seed example ----------------------------------------------------


def test_correcting_8_hours_to_6_credits_500() -> None:
    figures = correction_figures(D("6"), D("250.000000"), SEED_BILLED, USD)
    assert figures == CorrectionFigures(
        amount=D("-500.00"), tax=D("-50.00"), new_amount=D("1500.00"), new_tax=D("150.00")
    )


def test_confirming_the_6_hour_correction_reverses_bills_6_and_unbills_2_not_ready() -> None:
    figures = correction_figures(D("6"), D("250.000000"), SEED_BILLED, USD)
    effects = confirm_correction(D("6"), figures, CHARGEABLE, SEED_BILLED)
    assert effects == [
        Reverse(41),
        Bill(D("6"), D("1500.00"), D("150.00"), CHARGEABLE),
        Unbill(D("2"), D("500.00"), D("50.00"), ready_to_invoice=False),
    ]


def test_correcting_to_zero_reverses_and_unbills_everything_without_a_new_bill() -> None:
    figures = correction_figures(D("0"), D("250.000000"), SEED_BILLED, USD)
    assert (figures.amount, figures.tax) == (D("-2000.00"), D("-200.00"))
    effects = confirm_correction(D("0"), figures, CHARGEABLE, SEED_BILLED)
    assert effects == [
        Reverse(41),
        Unbill(D("8"), D("2000.00"), D("200.00"), ready_to_invoice=False),
    ]


def test_correcting_up_to_10_charges_500_more_and_unbills_nothing() -> None:
    figures = correction_figures(D("10"), D("250.000000"), SEED_BILLED, USD)
    assert figures == CorrectionFigures(D("500.00"), D("50.00"), D("2500.00"), D("250.00"))
    effects = confirm_correction(D("10"), figures, CHARGEABLE, SEED_BILLED)
    assert effects == [Reverse(41), Bill(D("10"), D("2500.00"), D("250.00"), CHARGEABLE)]


def test_correcting_to_the_same_quantity_rebills_it_for_a_zero_difference() -> None:
    figures = correction_figures(D("8"), D("250.000000"), SEED_BILLED, USD)
    assert (figures.amount, figures.tax) == (D("0.00"), D("0.00"))
    effects = confirm_correction(D("8"), figures, CHARGEABLE, SEED_BILLED)
    assert effects == [Reverse(41), Bill(D("8"), D("2000.00"), D("200.00"), CHARGEABLE)]


def test_a_correction_tax_is_prorated_from_the_billed_tax() -> None:
    original = Posted(5, D("3"), D("100.00"), D("10.00"))
    figures = correction_figures(D("1"), D("33.333333"), original, USD)
    assert figures.new_amount == D("33.33")
    assert figures.new_tax == D("3.33")
    assert figures.amount + original.amount == figures.new_amount
    assert figures.tax + original.tax == figures.new_tax


def test_correcting_a_zero_quantity_billed_actual_charges_no_tax() -> None:
    original = Posted(5, D("0"), D("0.00"), D("0.00"))
    figures = correction_figures(D("2"), D("50.000000"), original, USD)
    assert figures == CorrectionFigures(D("100.00"), D("0.00"), D("100.00"), D("0.00"))


# --- conservation over random histories ----------------------------------------------

Kind = Literal["unbilled", "billed"]


@dataclass
class Row:
    """One actual of the in-memory ledger."""

    id: int
    kind: Kind
    quantity: Decimal
    amount: Decimal
    tax: Decimal
    ready: bool = False
    reverses: int | None = None


@dataclass
class Ledger:
    """A tiny append-only ledger that applies effects the way the service writes them."""

    rows: dict[int, Row] = field(default_factory=dict)

    def add(self, row_kind: Kind, q: Decimal, a: Decimal, t: Decimal, ready: bool) -> Row:
        row = Row(len(self.rows) + 1, row_kind, q, a, t, ready)
        self.rows[row.id] = row
        return row

    def apply(self, effects: list[Effect]) -> list[Row]:
        """Write ``effects``; returns the rows they added, in order."""
        added: list[Row] = []
        for effect in effects:
            if isinstance(effect, Reverse):
                target = self.rows[effect.actual_id]
                assert target.reverses is None, "a reversal is never reversed"
                assert effect.actual_id not in self.reversed_ids(), "reversed twice"
                row = Row(
                    len(self.rows) + 1,
                    target.kind,
                    -target.quantity,
                    -target.amount,
                    -target.tax,
                    reverses=target.id,
                )
                self.rows[row.id] = row
                added.append(row)
            elif isinstance(effect, Bill):
                added.append(self.add("billed", effect.quantity, effect.amount, effect.tax, False))
            else:
                added.append(
                    self.add(
                        "unbilled",
                        effect.quantity,
                        effect.amount,
                        effect.tax,
                        effect.ready_to_invoice,
                    )
                )
        return added

    def reversed_ids(self) -> set[int]:
        return {r.reverses for r in self.rows.values() if r.reverses is not None}

    def open_rows(self, kind: Kind) -> list[Row]:
        """Rows of ``kind`` neither reversed nor reversals: the live actuals."""
        gone = self.reversed_ids()
        return [
            r
            for r in self.rows.values()
            if r.kind == kind and r.reverses is None and r.id not in gone
        ]

    def net(self, kind: Kind) -> tuple[Decimal, Decimal, Decimal]:
        rows = [r for r in self.rows.values() if r.kind == kind]
        return (
            sum((r.quantity for r in rows), D(0)),
            sum((r.amount for r in rows), D(0)),
            sum((r.tax for r in rows), D(0)),
        )

    @staticmethod
    def posted(row: Row) -> Posted:
        return Posted(row.id, row.quantity, row.amount, row.tax)


def test_billing_a_remainder_as_it_is_bills_exactly_the_approved_amount_in_total() -> None:
    ledger = Ledger()
    price = D("10.005000")
    approved = ledger.add("unbilled", D("2"), extend(D("2"), price, USD), D("0.00"), True)
    first = confirm_detail(
        D("1"), extend(D("1"), price, USD), D("0.00"), CHARGEABLE, ledger.posted(approved)
    )
    remainder = ledger.apply(first)[-1]
    assert (remainder.quantity, remainder.amount) == (D("1"), D("10.00"))
    second = confirm_detail(
        remainder.quantity, remainder.amount, remainder.tax, CHARGEABLE, ledger.posted(remainder)
    )
    ledger.apply(second)
    assert ledger.net("billed")[:2] == (D("2"), D("20.01"))
    assert ledger.net("unbilled")[:2] == (D("0"), D("0.00"))
    assert ledger.open_rows("unbilled") == []


def _quantity(high: str) -> Any:
    return st.decimals(min_value=D("0"), max_value=D(high), places=4)


#: A step of history: correct the latest billed actual to a new quantity, or bill an
#: open unbilled remainder on a new invoice: as it is (None), or edited to a quantity.
steps = st.lists(
    st.one_of(
        st.tuples(st.just("correct"), _quantity("2000")),
        st.tuples(st.just("rebill"), st.none() | _quantity("1500")),
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(
    approved=_quantity("1000").filter(lambda q: q > 0),
    price=st.decimals(min_value=D("0"), max_value=D("5000"), places=6),
    tax_rate=st.decimals(min_value=D("0"), max_value=D("0.3"), places=4),
    cur=st.sampled_from([USD, JPY, KWD]),
    first=_quantity("1500"),
    history=steps,
)
def test_no_quantity_and_no_cent_is_created_or_lost_across_confirm_and_corrections(
    approved: Decimal,
    price: Decimal,
    tax_rate: Decimal,
    cur: Currency,
    first: Decimal,
    history: list[tuple[str, Decimal | None]],
) -> None:
    ledger = Ledger()

    def priced(quantity: Decimal) -> tuple[Decimal, Decimal]:
        amount = extend(quantity, price, cur)
        return amount, round_amount(amount * tax_rate, cur)

    def detail_figures(quantity: Decimal, backing: Row) -> tuple[Decimal, Decimal]:
        """A detail keeps its actual's figures at the actual's quantity, else is repriced."""
        if quantity == backing.quantity:
            return backing.amount, backing.tax
        return priced(quantity)

    approved_amount, approved_tax = priced(approved)
    backing = ledger.add("unbilled", approved, approved_amount, approved_tax, ready=True)
    extra_quantity = extra_amount = extra_tax = D(0)
    invoiced_amount = invoiced_tax = D(0)  # what the customer's invoices add up to
    billed: list[Row] = []  # live billed actuals, latest last

    def confirm(quantity: Decimal, backing: Row) -> None:
        nonlocal extra_quantity, extra_amount, extra_tax, invoiced_amount, invoiced_tax
        amount, tax = detail_figures(quantity, backing)
        effects = confirm_detail(quantity, amount, tax, CHARGEABLE, ledger.posted(backing))
        added = ledger.apply(effects)
        billed.append(added[0])
        invoiced_amount += amount
        invoiced_tax += tax
        if quantity > backing.quantity:
            extra_quantity += quantity - backing.quantity
            extra_amount += amount - backing.amount
            extra_tax += tax - backing.tax
        unbills = [e for e in effects if isinstance(e, Unbill)]
        assert all(e.ready_to_invoice for e in unbills)
        assert len(unbills) == (1 if quantity < backing.quantity else 0)

    confirm(first, backing)
    for action, quantity in history:
        if action == "correct" and billed and quantity is not None:
            original = billed.pop()
            figures = correction_figures(quantity, price, ledger.posted(original), cur)
            effects = confirm_correction(quantity, figures, CHARGEABLE, ledger.posted(original))
            added = ledger.apply(effects)
            if quantity != 0:
                billed.append(added[1])
            invoiced_amount += figures.amount
            invoiced_tax += figures.tax
            if quantity > original.quantity:
                extra_quantity += quantity - original.quantity
                extra_amount += figures.amount
                extra_tax += figures.tax
            unbills = [e for e in effects if isinstance(e, Unbill)]
            assert not any(e.ready_to_invoice for e in unbills)
        elif action == "rebill":
            remainders = ledger.open_rows("unbilled")
            if remainders:
                remainder = remainders[0]
                confirm(remainder.quantity if quantity is None else quantity, remainder)

        # Conservation of quantity: unbilled + billed = approved + billed above it.
        unbilled_q, unbilled_amount, unbilled_tax = ledger.net("unbilled")
        billed_q, billed_amount, billed_tax = ledger.net("billed")
        assert unbilled_q + billed_q == approved + extra_quantity
        # Conservation of amount and tax: nothing created or lost across the history.
        assert unbilled_amount + billed_amount == approved_amount + extra_amount
        assert unbilled_tax + billed_tax == approved_tax + extra_tax
        # The ledger's billed figures are exactly what the invoices charged.
        assert billed_amount == invoiced_amount
        assert billed_tax == invoiced_tax
        assert billed_q == sum((r.quantity for r in billed), D(0))
        # Reversals cancel exactly: the net billed figures are those of the live actuals.
        assert billed_amount == sum((r.amount for r in billed), D(0))
        assert billed_tax == sum((r.tax for r in billed), D(0))
        # Nothing in the ledger carries a fraction of a minor unit; no empty remainders.
        for row in ledger.rows.values():
            assert round_amount(row.amount, cur) == row.amount
            assert round_amount(row.tax, cur) == row.tax
        for row in ledger.open_rows("unbilled"):
            assert row.quantity > 0


# --- the tax a remainder gives back, and what a correction still bills ----------------


def test_a_remainder_gives_back_the_backing_tax_minus_the_share_not_minus_the_typed_tax() -> None:
    # The user typed 0.00 tax on 5 of 8 h; the 5 h carry 125.00 of the backing 200.00.
    backing = Posted(7, D("8"), D("2000.00"), D("200.00"))
    effects = confirm_detail(D("5"), D("1250.00"), D("0.00"), CHARGEABLE, backing, D("125.00"))
    assert effects[-1] == Unbill(D("3"), D("750.00"), D("75.00"), ready_to_invoice=True)


def test_a_correction_remainder_gives_back_the_original_tax_minus_the_share() -> None:
    figures = CorrectionFigures(D("-500.00"), D("-200.00"), D("1500.00"), D("0.00"))
    effects = confirm_correction(D("6"), figures, CHARGEABLE, SEED_BILLED, D("150.00"))
    assert effects == [
        Reverse(41),
        Bill(D("6"), D("1500.00"), D("0.00"), CHARGEABLE),
        Unbill(D("2"), D("500.00"), D("50.00"), ready_to_invoice=False),
    ]


def test_a_zero_quantity_correction_with_an_amount_and_no_tax_is_still_billed() -> None:
    original = Posted(9, D("1"), D("100.00"), D("0.00"))
    figures = CorrectionFigures(D("0.00"), D("0.00"), D("100.00"), D("0.00"))
    effects = confirm_correction(D("0"), figures, CHARGEABLE, original)
    assert Bill(D("0"), D("100.00"), D("0.00"), CHARGEABLE) in effects


def test_a_zero_quantity_correction_with_only_a_tax_is_still_billed() -> None:
    original = Posted(9, D("1"), D("100.00"), D("10.00"))
    figures = CorrectionFigures(D("-100.00"), D("0.00"), D("0.00"), D("10.00"))
    effects = confirm_correction(D("0"), figures, CHARGEABLE, original)
    assert Bill(D("0"), D("0.00"), D("10.00"), CHARGEABLE) in effects
