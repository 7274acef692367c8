"""The confirmation rules as stated, evaluated on Decimals: which actuals a detail's
confirmation writes, of which type, ready or not, derived from a linked actual or not;
the figures a correction stands for; and the EAS schemes Peppol accepts."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from billable.domain.confirmation import (
    DECIMALS,
    Figures,
    Rule,
    Written,
    corrected,
    correction_rules,
    detail_rules,
)
from billable.domain.eas import is_eas
from billable.domain.invoice import BillingType
from billable.domain.vocabulary import ActualType

cents = st.decimals(min_value=-10_000, max_value=10_000, places=2)


def test_confirming_a_detail_bills_it_unlinked_reverses_its_backing_and_returns_the_rest_ready():
    detail = Figures(D("2"), D("200.00"), D("40.00"))
    backing = Figures(D("5"), D("500.00"), D("100.00"))
    assert detail_rules(detail, None, backing, DECIMALS) == (
        Rule(Written.BILLED, True, detail, ActualType.BILLED_SALES, None, False, False),
        Rule(Written.REVERSAL, True, None, None, None, False, True),
        Rule(
            Written.REMAINDER,
            True,
            Figures(D("3"), D("300.00"), D("60.00")),
            ActualType.UNBILLED_SALES,
            BillingType.CHARGEABLE,
            True,
            True,
        ),
    )


def test_a_correction_reverses_the_original_bills_linked_and_returns_the_rest_not_ready():
    new = Figures(D("1"), D("100.00"), D("20.00"))
    original = Figures(D("4"), D("400.00"), D("80.00"))
    assert correction_rules(new, None, original, DECIMALS) == (
        Rule(Written.REVERSAL, True, None, None, None, False, True),
        Rule(Written.BILLED, True, new, ActualType.BILLED_SALES, None, False, True),
        Rule(
            Written.REMAINDER,
            True,
            Figures(D("3"), D("300.00"), D("60.00")),
            ActualType.UNBILLED_SALES,
            BillingType.CHARGEABLE,
            False,
            True,
        ),
    )


def test_a_corrective_detail_stands_for_the_original_billed_figures_plus_its_difference():
    original = Figures(D("4"), D("400.00"), D("80.00"))
    difference = Figures(D("-1"), D("-150.00"), D("-25.00"))
    assert corrected(D("3"), difference, original) == Figures(D("3"), D("250.00"), D("55.00"))


@given(amount=cents, tax=cents, change=cents, tax_change=cents)
def test_a_correction_less_its_difference_is_the_original(amount, tax, change, tax_change):
    original = Figures(D("1"), amount, tax)
    figures = corrected(D("1"), Figures(D("0"), change, tax_change), original)
    assert (figures.amount - change, figures.tax - tax_change) == (amount, tax)


def test_an_electronic_address_scheme_is_accepted_only_from_the_code_list():
    assert is_eas("0088")
    assert is_eas("9930")
    assert not is_eas("1234")
