"""Exchange rates of seed 003: rates by date, fixed-rate agreements, one rounding per conversion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billable.domain.currency import (
    ExchangeRate,
    FixedRateAgreement,
    convert,
    effective_rate,
    rate_on,
)
from billable.domain.errors import FieldError, Invalid
from billable.domain.money import Currency, extend, places_of, round_amount

D = Decimal
date = dt.date
USD = Currency("USD", 2)
GBP = Currency("GBP", 2)
JPY = Currency("JPY", 0)
KWD = Currency("KWD", 3)

#: GBP-to-USD rates "regularly fluctuate between 1.2 and 1.4" (seed 003).
GBP_USD = (
    ExchangeRate("GBP", "USD", D("1.2"), date(2024, 1, 1)),
    ExchangeRate("GBP", "USD", D("1.4"), date(2024, 6, 1)),
    ExchangeRate("GBP", "USD", D("1.3"), date(2024, 9, 1)),
    ExchangeRate("EUR", "USD", D("1.1"), date(2024, 8, 1)),
)
COHO_AGREEMENT = FixedRateAgreement("GBP", D("1.25"), "FRA-0001")


# --- the rate in force on a date ------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2024, 1, 1), "1.2"),
        (date(2024, 5, 31), "1.2"),
        (date(2024, 6, 1), "1.4"),
        (date(2024, 8, 27), "1.4"),
        (date(2024, 9, 1), "1.3"),
        (date(2030, 1, 1), "1.3"),
    ],
)
def test_a_floating_rate_is_the_one_with_the_latest_start_on_or_before_the_date(
    on: dt.date, expected: str
) -> None:
    assert rate_on(GBP_USD, "GBP", "USD", on) == D(expected)


def test_the_order_of_the_rates_does_not_matter() -> None:
    assert rate_on(reversed(GBP_USD), "GBP", "USD", date(2024, 8, 27)) == D("1.4")


def test_a_currency_converts_to_itself_at_one_without_any_rate() -> None:
    assert rate_on((), "USD", "USD", date(2024, 8, 27)) == D(1)


def test_no_rate_before_the_first_start_is_refused_with_the_pair_and_date() -> None:
    with pytest.raises(Invalid, match=r"no exchange rate from GBP to USD in force on 2023-12-31"):
        rate_on(GBP_USD, "GBP", "USD", date(2023, 12, 31))


def test_a_rate_is_not_used_the_other_way_round() -> None:
    with pytest.raises(Invalid, match="from USD to GBP"):
        rate_on(GBP_USD, "USD", "GBP", date(2024, 8, 27))


def test_two_different_rates_starting_the_same_day_are_refused_as_ambiguous() -> None:
    rates = (*GBP_USD, ExchangeRate("GBP", "USD", D("1.41"), date(2024, 6, 1)))
    with pytest.raises(Invalid, match="several rates valid from 2024-06-01"):
        rate_on(rates, "GBP", "USD", date(2024, 7, 1))


def test_the_same_rate_recorded_twice_is_not_ambiguous() -> None:
    rates = (*GBP_USD, ExchangeRate("GBP", "USD", D("1.400000"), date(2024, 6, 1)))
    assert rate_on(rates, "GBP", "USD", date(2024, 7, 1)) == D("1.4")


# --- rates are kept to 6 decimals and positive ----------------------------------------


def test_a_rate_is_kept_to_six_decimals_half_up() -> None:
    rate = ExchangeRate("GBP", "USD", D("1.2345675"), date(2024, 1, 1)).rate
    assert rate == D("1.234568")
    assert places_of(rate) == 6
    assert FixedRateAgreement("GBP", D("1.25")).rate == D("1.250000")


@pytest.mark.parametrize("bad", ["0", "-1.25", "0.0000004"])
def test_a_rate_that_is_not_positive_is_refused(bad: str) -> None:
    with pytest.raises(Invalid, match="rate: must be positive"):
        ExchangeRate("GBP", "USD", D(bad), date(2024, 1, 1))
    with pytest.raises(Invalid, match="rate: must be positive"):
        FixedRateAgreement("GBP", D(bad))


def test_a_float_rate_is_refused() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        FixedRateAgreement("GBP", 1.25)  # type: ignore[arg-type]


def test_a_rate_between_a_currency_and_itself_is_refused() -> None:
    with pytest.raises(Invalid, match="between two currencies"):
        ExchangeRate("USD", "USD", D("1"), date(2024, 1, 1))


def test_an_agreement_reference_number_is_optional() -> None:
    assert FixedRateAgreement("GBP", D("1.25")).reference is None
    assert COHO_AGREEMENT.reference == "FRA-0001"


# --- fixed-rate agreements ------------------------------------------------------------


def test_without_an_agreement_the_legal_entitys_rate_on_the_date_applies() -> None:
    assert effective_rate(GBP_USD, None, "GBP", "USD", date(2024, 8, 27)) == D("1.4")


@pytest.mark.parametrize("on", [date(2023, 1, 1), date(2024, 8, 27), date(2031, 12, 31)])
def test_the_agreements_rate_applies_to_every_amount_in_its_currency_whatever_the_date(
    on: dt.date,
) -> None:
    assert effective_rate(GBP_USD, COHO_AGREEMENT, "GBP", "USD", on) == D("1.25")


def test_an_agreement_in_another_currency_leaves_the_floating_rate() -> None:
    assert effective_rate(GBP_USD, COHO_AGREEMENT, "EUR", "USD", date(2024, 8, 27)) == D("1.1")


def test_the_accounting_currency_itself_converts_at_one_even_under_an_agreement() -> None:
    assert effective_rate(GBP_USD, COHO_AGREEMENT, "USD", "USD", date(2024, 8, 27)) == D(1)


# --- converting -----------------------------------------------------------------------


def test_seed_003_1000_gbp_at_the_fixed_rate_is_1250_usd() -> None:
    rate = effective_rate(GBP_USD, COHO_AGREEMENT, "GBP", "USD", date(2024, 8, 27))
    converted = convert(D("1000.00"), rate, USD)
    assert converted == D("1250.00")
    assert str(converted) == "1250.00"


def test_seed_003_the_seven_hour_forecast_is_2187_50_usd() -> None:
    sales = extend(D(7), D(250), GBP)
    assert sales == D("1750.00")
    assert convert(sales, COHO_AGREEMENT.rate, USD) == D("2187.50")


@pytest.mark.parametrize(
    ("amount", "rate", "to", "expected"),
    [
        ("10.01", "1.25", USD, "12.51"),  # 12.5125
        ("10.02", "1.25", USD, "12.53"),  # 12.525: half up, not to even
        ("-10.02", "1.25", USD, "-12.53"),
        ("100.00", "151.235", JPY, "15124"),  # 15123.5
        ("1.00", "0.3075", KWD, "0.308"),  # 0.3075
    ],
)
def test_a_conversion_rounds_once_half_up_to_the_target_minor_unit(
    amount: str, rate: str, to: Currency, expected: str
) -> None:
    result = convert(D(amount), D(rate), to)
    assert result == D(expected)
    assert places_of(result) == to.minor_units


def test_a_float_amount_is_refused() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        convert(1000.0, D("1.25"), USD)  # type: ignore[arg-type]


@given(
    amount=st.decimals(min_value=-(10**9), max_value=10**9, places=2),
    rate=st.decimals(min_value=D("0.000001"), max_value=1000, places=6),
    to=st.sampled_from((USD, JPY, KWD)),
)
def test_converting_rounds_the_exact_product_once(
    amount: Decimal, rate: Decimal, to: Currency
) -> None:
    assert convert(amount, rate, to) == round_amount(amount * rate, to)
    assert convert(-amount, rate, to) == -convert(amount, rate, to)


# --- refusals name their field and reason ---------------------------------------------


def test_a_rate_within_one_currency_is_refused_on_to_currency() -> None:
    with pytest.raises(Invalid) as refused:
        ExchangeRate("USD", "USD", D("1"), date(2024, 1, 1))
    reason = "a rate converts between two currencies, not USD"
    assert refused.value.errors == (FieldError("to_currency", reason),)


def test_a_missing_rate_is_refused_on_exchange_rate() -> None:
    with pytest.raises(Invalid) as refused:
        rate_on(GBP_USD, "GBP", "USD", date(2023, 12, 31))
    reason = "no exchange rate from GBP to USD in force on 2023-12-31"
    assert refused.value.errors == (FieldError("exchange_rate", reason),)


def test_two_rates_from_the_same_day_are_refused_on_exchange_rate_listing_both() -> None:
    rates = (
        ExchangeRate("GBP", "USD", D("1.4"), date(2024, 6, 1)),
        ExchangeRate("GBP", "USD", D("1.35"), date(2024, 6, 1)),
    )
    with pytest.raises(Invalid) as refused:
        rate_on(rates, "GBP", "USD", date(2024, 7, 1))
    reason = "GBP to USD has several rates valid from 2024-06-01: 1.350000, 1.400000"
    assert refused.value.errors == (FieldError("exchange_rate", reason),)


def test_a_fixed_rate_agreement_keeps_its_rate_to_six_decimals() -> None:
    agreement = FixedRateAgreement("GBP", D("1.2345675"), "FRA-1")
    assert str(agreement.rate) == "1.234568"
    assert str(ExchangeRate("GBP", "USD", D("1.25"), date(2024, 1, 1)).rate) == "1.250000"


def test_only_decimals_are_converted_or_kept_as_rates() -> None:
    with pytest.raises(TypeError, match=r"^money must be Decimal, not float$"):
        convert(1000.0, D("1.25"), USD)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^rate must be Decimal, not float$"):
        FixedRateAgreement("GBP", 1.25)  # type: ignore[arg-type]
