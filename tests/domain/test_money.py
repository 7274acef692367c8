"""Decimal discipline: rounding per ISO minor unit, half up, and exact sums of pieces."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billable.currencies import currency
from billable.domain.errors import FieldError, Invalid
from billable.domain.invoice import (
    BillingType,
    DetailFigures,
    header_totals,
    line_totals,
)
from billable.domain.money import (
    MAX_AMOUNT,
    Currency,
    Money,
    exact_amount,
    extend,
    format_decimal,
    places_of,
    prorate,
    round_amount,
    round_places,
)

USD = Currency("USD", 2)
EUR = Currency("EUR", 2)
JPY = Currency("JPY", 0)
KWD = Currency("KWD", 3)
CURRENCIES = (USD, JPY, KWD)

D = Decimal


def decimals(places: int, low: str = "-1000000", high: str = "1000000") -> Any:
    """Finite decimals with exactly ``places`` decimals between ``low`` and ``high``."""
    return st.decimals(
        min_value=D(low), max_value=D(high), places=places, allow_nan=False, allow_infinity=False
    )


quantities = decimals(4, "0", "10000")
prices = decimals(6, "0", "100000")
currencies = st.sampled_from(CURRENCIES)


# --- round_amount ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cur", "expected"),
    [
        ("0.005", USD, "0.01"),
        ("2.675", USD, "2.68"),
        ("1.004999", USD, "1.00"),
        ("10.125", USD, "10.13"),
        ("0.5", JPY, "1"),
        ("2.5", JPY, "3"),
        ("1234.4999", JPY, "1234"),
        ("1.2345", KWD, "1.235"),
        ("0.0005", KWD, "0.001"),
        ("7.0004", KWD, "7.000"),
    ],
)
def test_half_a_minor_unit_rounds_up_away_from_zero(
    value: str, cur: Currency, expected: str
) -> None:
    result = round_amount(D(value), cur)
    assert result == D(expected)
    assert str(result) == expected


@pytest.mark.parametrize(
    ("value", "cur", "expected"),
    [
        ("-0.005", USD, "-0.01"),
        ("-2.675", USD, "-2.68"),
        ("-0.004", USD, "0.00"),
        ("-2.5", JPY, "-3"),
        ("-0.0005", KWD, "-0.001"),
    ],
)
def test_negative_halves_round_away_from_zero_too(value: str, cur: Currency, expected: str) -> None:
    assert round_amount(D(value), cur) == D(expected)


def test_half_up_differs_from_bankers_rounding_on_an_even_digit() -> None:
    # Banker's rounding (Python's default) would give 2 and 0.12.
    assert round_amount(D("2.5"), JPY) == D(3)
    assert round_amount(D("0.125"), USD) == D("0.13")


@pytest.mark.parametrize(("cur", "text"), [(USD, "5.00"), (JPY, "5"), (KWD, "5.000")])
def test_rounded_amounts_carry_exactly_the_minor_unit_places(cur: Currency, text: str) -> None:
    result = round_amount(D(5), cur)
    assert str(result) == text
    assert places_of(result) == cur.minor_units


@pytest.mark.parametrize("bad", [0.1, 1.0, 2.675])
def test_money_functions_refuse_anything_but_decimal(bad: Any) -> None:
    with pytest.raises(TypeError, match=r"^money must be Decimal, not float$"):
        round_amount(bad, USD)
    with pytest.raises(TypeError, match=r"^decimals must be Decimal, not float$"):
        round_places(bad, 4)


def test_a_float_quantity_cannot_be_extended() -> None:
    with pytest.raises(TypeError):
        extend(0.1, D("250"), USD)  # type: ignore[arg-type]


@given(value=decimals(8), cur=currencies)
def test_rounding_an_amount_twice_changes_nothing(value: Decimal, cur: Currency) -> None:
    once = round_amount(value, cur)
    assert round_amount(once, cur) == once
    assert places_of(once) == cur.minor_units
    assert abs(once - value) <= D(1).scaleb(-cur.minor_units) / 2


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [("1.23455", 4, "1.2346"), ("0.0000005", 6, "0.000001"), ("-1.00005", 4, "-1.0001")],
)
def test_quantities_and_prices_round_half_up_to_their_places(
    value: str, places: int, expected: str
) -> None:
    assert round_places(D(value), places) == D(expected)
    assert places_of(round_places(D(value), places)) == places


# --- extend and prorate ---------------------------------------------------------------


def test_an_amount_is_quantity_times_price_rounded_once() -> None:
    assert extend(D("8"), D("250"), USD) == D("2000.00")
    assert extend(D("0.3333"), D("100.000000"), USD) == D("33.33")
    assert extend(D("1.5"), D("0.010000"), USD) == D("0.02")  # 0.015 -> half up
    assert extend(D("3"), D("333.333333"), JPY) == D("1000")
    assert extend(D("2.5"), D("1.001"), KWD) == D("2.503")  # 2.5025 -> half up


def test_prorating_scales_a_total_and_rounds_once() -> None:
    assert prorate(D("100.00"), D("1"), D("3"), USD) == D("33.33")
    assert prorate(D("100.00"), D("2"), D("3"), USD) == D("66.67")
    assert prorate(D("15.00"), D("6"), D("8"), USD) == D("11.25")
    assert prorate(D("1000"), D("1"), D("8"), JPY) == D("125")
    assert prorate(D("1.000"), D("1"), D("8"), KWD) == D("0.125")


def test_prorating_over_a_whole_of_zero_gives_zero() -> None:
    result = prorate(D("80.00"), D("5"), D("0"), USD)
    assert result == 0
    assert str(result) == "0.00"


# --- format_decimal -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "min_places", "expected"),
    [
        ("8.0000", 0, "8"),
        ("8", 0, "8"),
        ("250", 2, "250.00"),
        ("250.000000", 2, "250.00"),
        ("7.5000", 0, "7.5"),
        ("7.50", 2, "7.50"),
        ("-500", 2, "-500.00"),
        ("-500.00", 2, "-500.00"),
        ("1E+3", 0, "1000"),
        ("1.5E+3", 2, "1500.00"),
        ("0.000001", 0, "0.000001"),
        ("1E-6", 2, "0.000001"),
        ("12.3450", 2, "12.345"),
    ],
)
def test_decimals_are_written_in_plain_notation_without_needless_zeros(
    value: str, min_places: int, expected: str
) -> None:
    assert format_decimal(D(value), min_places) == expected


def test_a_negative_amount_that_rounds_to_zero_is_written_without_a_sign() -> None:
    assert format_decimal(round_amount(D("-0.004"), USD), 2) == "0.00"
    assert str(Money.of(D("-0.004"), USD)) == "0.00 USD"
    assert format_decimal(prorate(D("-0.01"), D("1"), D("3"), USD), 2) == "0.00"


@given(value=decimals(6, "-1000000000000", "1000000000000"), min_places=st.integers(0, 4))
def test_formatted_decimals_read_back_as_the_same_value(value: Decimal, min_places: int) -> None:
    text = format_decimal(value, min_places)
    assert "E" not in text.upper()
    assert D(text) == value
    assert places_of(D(text)) >= min_places


# --- Money and Currency ---------------------------------------------------------------


def test_money_of_rounds_to_the_currency() -> None:
    assert Money.of(D("10.005"), USD) == Money(D("10.01"), USD)
    assert Money.of(D("10.5"), JPY).amount == D("11")


def test_money_adds_within_one_currency() -> None:
    total = Money.of(D("10.10"), USD) + Money.of(D("0.95"), USD)
    assert total == Money(D("11.05"), USD)
    assert str(total) == "11.05 USD"
    assert str(-total) == "-11.05 USD"
    assert str(Money.of(D("1234"), JPY)) == "1234 JPY"


def test_money_refuses_to_add_different_currencies() -> None:
    with pytest.raises(ValueError, match="cannot add EUR to USD"):
        _ = Money.of(D("1.00"), USD) + Money.of(D("1.00"), EUR)


def test_money_refuses_same_code_with_another_minor_unit() -> None:
    with pytest.raises(ValueError, match="cannot add"):
        _ = Money(D("1"), Currency("USD", 2)) + Money(D("1"), Currency("USD", 3))


@pytest.mark.parametrize("code", ["usd", "US", "USDX", "U5D", "", "Usd", "12 "])
def test_a_currency_code_must_be_three_capital_letters(code: str) -> None:
    with pytest.raises(ValueError, match="not an ISO 4217 code"):
        Currency(code, 2)


@pytest.mark.parametrize("minor_units", [-1, 5, 10])
def test_a_currency_minor_unit_must_fit_the_stored_four_places(minor_units: int) -> None:
    with pytest.raises(ValueError, match="unsupported minor units"):
        Currency("XYZ", minor_units)


@pytest.mark.parametrize(("minor_units"), [0, 2, 3, 4])
def test_a_currency_takes_zero_to_four_minor_units(minor_units: int) -> None:
    assert Currency("CLF", minor_units).minor_units == minor_units


@pytest.mark.parametrize(("code", "minor_units"), [("USD", 2), ("EUR", 2), ("JPY", 0), ("KWD", 3)])
def test_currency_lookup_uses_the_iso_minor_unit(code: str, minor_units: int) -> None:
    assert currency(code) == Currency(code, minor_units)


@pytest.mark.parametrize("code", ["XAU", "ABC", "usd", "EURO"])
def test_currency_lookup_refuses_codes_without_a_minor_unit(code: str) -> None:
    with pytest.raises(Invalid) as refused:
        currency(code)
    assert refused.value.errors[0].field == "currency"


# --- documents add up -----------------------------------------------------------------


pieces = st.lists(
    st.tuples(quantities, prices, st.sampled_from(list(BillingType))), min_size=0, max_size=12
)


@given(lines=st.lists(pieces, min_size=1, max_size=5), cur=currencies)
def test_a_document_total_is_the_sum_of_its_rounded_pieces(
    lines: list[list[tuple[Decimal, Decimal, BillingType]]], cur: Currency
) -> None:
    line_figures = [
        [
            DetailFigures(extend(q, p, cur), round_amount(extend(q, p, cur) / 10, cur), bt)
            for q, p, bt in line
        ]
        for line in lines
    ]
    totals = [line_totals(details) for details in line_figures]
    header = header_totals(totals)

    chargeable = [d for details in line_figures for d in details if d.billing_type == "chargeable"]
    assert header.detail_amount == sum((d.amount for d in chargeable), D(0))
    assert header.total_tax == sum((d.tax for d in chargeable), D(0))
    assert header.total_amount == header.detail_amount + header.total_tax
    # Every total is already a whole number of minor units: nothing left to round.
    for value in (header.detail_amount, header.total_tax, header.total_amount):
        assert round_amount(value, cur) == value
    for line, details in zip(totals, line_figures, strict=True):
        assert line.amount == sum(
            (d.amount for d in details if d.billing_type is BillingType.CHARGEABLE), D(0)
        )


# --- the largest amount, and amounts a user types ------------------------------------


def test_the_largest_amount_is_kept_and_a_cent_more_is_refused_on_quantity() -> None:
    assert extend(D(1), MAX_AMOUNT, JPY) == MAX_AMOUNT
    assert extend(D(-1), MAX_AMOUNT, JPY) == -MAX_AMOUNT
    with pytest.raises(Invalid) as refused:
        extend(D(1), MAX_AMOUNT + D("0.01"), USD)
    reason = "quantity x price is 99999999999999.01, beyond the largest amount 99999999999999"
    assert refused.value.errors == (FieldError("quantity", reason),)
    assert refused.value.detail == f"quantity: {reason}"


def test_an_exact_amount_is_kept_at_the_currency_places_and_never_as_minus_zero() -> None:
    assert str(exact_amount(D("12.3"), USD, "unit_price")) == "12.30"
    assert str(exact_amount(D("-0"), USD, "unit_price")) == "0.00"
    assert exact_amount(D("7"), JPY, "amount") == D("7")


def test_an_amount_finer_than_its_currency_is_refused_on_its_field_never_rounded() -> None:
    with pytest.raises(Invalid) as refused:
        exact_amount(D("12.345"), USD, "unit_price")
    reason = "12.345 has more decimals than USD allows (2)"
    assert refused.value.errors == (FieldError("unit_price", reason),)
    assert refused.value.detail == f"unit_price: {reason}"


def test_a_whole_number_written_with_a_positive_exponent_has_no_decimals() -> None:
    assert places_of(D("1E+2")) == 0
    assert places_of(D("100")) == 0
    assert places_of(D("1.50")) == 2


def test_decimals_are_written_without_places_unless_asked() -> None:
    assert format_decimal(D("8")) == "8"
    assert format_decimal(D("7.50")) == "7.5"
