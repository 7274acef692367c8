"""Category prices (per unit, at cost, markup) and date-based invoice schedules."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billable.domain.errors import FieldError, Invalid
from billable.domain.money import places_of
from billable.domain.pricing import (
    CategoryMethod,
    category_price,
    converted_category_price,
    require_price,
)
from billable.domain.schedule import (
    Frequency,
    is_run_date,
    run_dates,
    semimonthly_days,
    upcoming,
)

D = Decimal
date = dt.date


# --- category prices ------------------------------------------------------------------


def test_price_per_unit_takes_the_price_lists_value() -> None:
    price = category_price(CategoryMethod.PRICE_PER_UNIT, D("85"), D("12.50"))
    assert price == D("85")
    assert places_of(price) == 6


def test_price_per_unit_keeps_six_decimals_rounding_half_up() -> None:
    assert category_price(CategoryMethod.PRICE_PER_UNIT, D("1.0000005"), D(0)) == D("1.000001")


def test_at_cost_passes_the_unit_cost_through() -> None:
    assert category_price(CategoryMethod.AT_COST, D("999"), D("12.345678")) == D("12.345678")


def test_a_ten_percent_markup_on_33_333333_is_36_666666() -> None:
    exact = D("33.333333") * D("1.1")
    assert exact == D("36.6666663")
    price = category_price(CategoryMethod.MARKUP_PERCENT, D("10"), D("33.333333"))
    assert price == D("36.666666")
    assert str(price) == "36.666666"


def test_a_markup_rounds_half_up_not_to_even() -> None:
    # 0.000015 x 1.1 = 0.0000165: half up gives ...17, banker's rounding would give ...16.
    price = category_price(CategoryMethod.MARKUP_PERCENT, D("10"), D("0.000015"))
    assert price == D("0.000017")


@pytest.mark.parametrize(
    ("percent", "cost", "expected"),
    [
        ("0", "40.00", "40.000000"),
        ("25", "40.00", "50.000000"),
        ("12.5", "80", "90.000000"),
        ("100", "19.99", "39.980000"),
        ("-50", "40.00", "20.000000"),
        ("33.333333", "3", "4.000000"),  # 3.99999999 rounds up
    ],
)
def test_a_markup_adds_its_percent_to_the_unit_cost(percent: str, cost: str, expected: str) -> None:
    price = category_price(CategoryMethod.MARKUP_PERCENT, D(percent), D(cost))
    assert price == D(expected)


@given(
    cost=st.decimals(min_value=D(0), max_value=D(100000), places=6),
    percent=st.decimals(min_value=D(0), max_value=D(500), places=4),
)
def test_a_markup_price_is_within_half_a_millionth_of_the_exact_price(
    cost: Decimal, percent: Decimal
) -> None:
    price = category_price(CategoryMethod.MARKUP_PERCENT, percent, cost)
    exact = cost * (100 + percent) / 100
    assert abs(price - exact) <= D("0.0000005")
    assert places_of(price) == 6
    assert price >= cost


def test_a_missing_price_is_refused_naming_the_field() -> None:
    with pytest.raises(Invalid) as refused:
        require_price(None, "price", "role Consultant")
    assert refused.value.errors[0].field == "price"
    assert "role Consultant" in refused.value.detail
    assert require_price(D("250"), "price", "role Consultant") == D("250")


# --- category prices from a cost in another currency -----------------------------------


def test_a_cost_of_100_eur_at_1_10_is_priced_110_usd_at_cost_and_121_with_a_10_percent_markup():
    at_cost = converted_category_price(CategoryMethod.AT_COST, D(0), D("100.00"), D("1.10"))
    marked_up = converted_category_price(
        CategoryMethod.MARKUP_PERCENT, D("10"), D("100.00"), D("1.10")
    )
    assert (at_cost, marked_up) == (D("110.000000"), D("121.000000"))


def test_the_markup_applies_to_the_converted_cost_not_before_conversion() -> None:
    # 0.333333 x 1.5 = 0.4999995 -> 0.500000; +10 % -> 0.550000. Marking up first
    # (0.366666) and converting (0.549999) would lose the millionth.
    price = converted_category_price(CategoryMethod.MARKUP_PERCENT, D(10), D("0.333333"), D("1.5"))
    assert price == D("0.550000")


def test_a_price_per_unit_ignores_the_converted_cost() -> None:
    price = converted_category_price(CategoryMethod.PRICE_PER_UNIT, D("75"), D("100"), D("1.1"))
    assert price == D("75.000000")


@pytest.mark.parametrize("rate", ["0", "-1.1"])
def test_a_rate_that_is_not_positive_is_refused_naming_the_exchange_rate(rate: str) -> None:
    with pytest.raises(Invalid) as refused:
        converted_category_price(CategoryMethod.AT_COST, D(0), D("100"), D(rate))
    assert refused.value.errors == (FieldError("exchange_rate", f"must be positive, not {rate}"),)


@given(
    cost=st.decimals(min_value=D(0), max_value=D(100000), places=6),
    rate=st.decimals(min_value=D("0.000001"), max_value=D(1000), places=6),
    percent=st.decimals(min_value=D(0), max_value=D(500), places=4),
)
def test_a_converted_markup_price_is_the_converted_at_cost_price_marked_up(
    cost: Decimal, rate: Decimal, percent: Decimal
) -> None:
    at_cost = converted_category_price(CategoryMethod.AT_COST, D(0), cost, rate)
    marked_up = converted_category_price(CategoryMethod.MARKUP_PERCENT, percent, cost, rate)
    assert abs(at_cost - cost * rate) <= D("0.0000005")
    assert marked_up == category_price(CategoryMethod.MARKUP_PERCENT, percent, at_cost)
    assert places_of(marked_up) == 6


def test_at_a_rate_of_one_the_converted_price_is_the_unconverted_price() -> None:
    for method, value in ((CategoryMethod.AT_COST, D(0)), (CategoryMethod.MARKUP_PERCENT, D(12))):
        converted = converted_category_price(method, value, D("19.99"), D("1.000000"))
        assert converted == category_price(method, value, D("19.99"))


# --- schedules: examples --------------------------------------------------------------


def _first(frequency: Frequency, start: dt.date, count: int) -> list[dt.date]:
    return list(itertools.islice(run_dates(frequency, start), count))


def test_daily_runs_every_day_across_month_and_year_ends() -> None:
    assert _first(Frequency.DAILY, date(2026, 12, 30), 4) == [
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 1, 2),
    ]


def test_weekly_runs_every_seven_days() -> None:
    assert _first(Frequency.WEEKLY, date(2027, 2, 22), 3) == [
        date(2027, 2, 22),
        date(2027, 3, 1),
        date(2027, 3, 8),
    ]


def test_biweekly_runs_every_fourteen_days() -> None:
    assert _first(Frequency.BIWEEKLY, date(2027, 12, 20), 3) == [
        date(2027, 12, 20),
        date(2028, 1, 3),
        date(2028, 1, 17),
    ]


def test_semimonthly_from_the_first_runs_on_the_1st_and_16th() -> None:
    assert _first(Frequency.SEMIMONTHLY, date(2027, 1, 1), 6) == [
        date(2027, 1, 1),
        date(2027, 1, 16),
        date(2027, 2, 1),
        date(2027, 2, 16),
        date(2027, 3, 1),
        date(2027, 3, 16),
    ]


def test_semimonthly_from_the_20th_runs_on_the_5th_and_the_20th() -> None:
    # The schedule module's decision: the start day and the day fifteen days from it
    # within the month (20 -> 5th and 20th); nothing runs before the start.
    assert _first(Frequency.SEMIMONTHLY, date(2027, 1, 20), 5) == [
        date(2027, 1, 20),
        date(2027, 2, 5),
        date(2027, 2, 20),
        date(2027, 3, 5),
        date(2027, 3, 20),
    ]


def test_semimonthly_from_the_31st_runs_on_the_16th_and_the_month_end() -> None:
    assert _first(Frequency.SEMIMONTHLY, date(2027, 1, 31), 7) == [
        date(2027, 1, 31),
        date(2027, 2, 16),
        date(2027, 2, 28),
        date(2027, 3, 16),
        date(2027, 3, 31),
        date(2027, 4, 16),
        date(2027, 4, 30),
    ]


def test_semimonthly_clamps_to_february_29_in_a_leap_year() -> None:
    assert _first(Frequency.SEMIMONTHLY, date(2028, 1, 31), 3) == [
        date(2028, 1, 31),
        date(2028, 2, 16),
        date(2028, 2, 29),
    ]


def test_semimonthly_from_the_15th_runs_on_the_15th_and_30th_or_month_end() -> None:
    assert _first(Frequency.SEMIMONTHLY, date(2027, 1, 15), 6) == [
        date(2027, 1, 15),
        date(2027, 1, 30),
        date(2027, 2, 15),
        date(2027, 2, 28),
        date(2027, 3, 15),
        date(2027, 3, 30),
    ]


@pytest.mark.parametrize("start", [date(2027, 1, 31), date(2027, 1, 30), date(2027, 1, 28)])
def test_semimonthly_never_runs_twice_on_the_same_date(start: dt.date) -> None:
    dates = upcoming(Frequency.SEMIMONTHLY, start, start, 24)
    assert len(dates) == 24
    assert len(set(dates)) == len(dates)


def test_monthly_from_january_31_clamps_to_the_end_of_february() -> None:
    assert _first(Frequency.MONTHLY, date(2027, 1, 31), 5) == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
    ]
    assert _first(Frequency.MONTHLY, date(2028, 1, 31), 2)[1] == date(2028, 2, 29)


def test_monthly_crosses_the_year_end() -> None:
    assert _first(Frequency.MONTHLY, date(2027, 11, 30), 4) == [
        date(2027, 11, 30),
        date(2027, 12, 30),
        date(2028, 1, 30),
        date(2028, 2, 29),
    ]


def test_upcoming_gives_the_next_run_dates_on_or_after_today() -> None:
    start = date(2027, 1, 31)
    assert upcoming(Frequency.MONTHLY, start, date(2027, 3, 1), 3) == [
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
    ]
    assert upcoming(Frequency.MONTHLY, start, date(2027, 3, 31), 1) == [date(2027, 3, 31)]


def test_upcoming_before_the_start_begins_at_the_start() -> None:
    assert upcoming(Frequency.WEEKLY, date(2027, 6, 7), date(2026, 1, 1), 2) == [
        date(2027, 6, 7),
        date(2027, 6, 14),
    ]


def test_upcoming_with_a_count_of_zero_is_empty() -> None:
    assert upcoming(Frequency.MONTHLY, date(2027, 1, 1), date(2027, 1, 1), 0) == []


# --- schedules: properties ------------------------------------------------------------

starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
STEP = {
    Frequency.DAILY: dt.timedelta(days=1),
    Frequency.WEEKLY: dt.timedelta(weeks=1),
    Frequency.BIWEEKLY: dt.timedelta(weeks=2),
}


@given(frequency=st.sampled_from(sorted(STEP)), start=starts)
def test_fixed_period_schedules_step_evenly_from_the_start(
    frequency: Frequency, start: dt.date
) -> None:
    dates = _first(frequency, start, 30)
    assert dates[0] == start
    assert all(b - a == STEP[frequency] for a, b in itertools.pairwise(dates))


def _month_end(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


@given(start=starts)
def test_monthly_runs_once_a_month_on_the_start_day_or_the_month_end(start: dt.date) -> None:
    dates = _first(Frequency.MONTHLY, start, 26)
    assert dates[0] == start
    for index, run in enumerate(dates):
        months = start.month - 1 + index
        assert (run.year, run.month) == (start.year + months // 12, months % 12 + 1)
        assert run.day == min(start.day, _month_end(run.year, run.month))


def _semimonthly_days(start_day: int) -> tuple[int, int]:
    return (start_day, start_day + 15) if start_day <= 15 else (start_day - 15, start_day)


@given(start=starts)
def test_semimonthly_runs_twice_a_month_in_order_on_two_days_fifteen_apart(
    start: dt.date,
) -> None:
    dates = _first(Frequency.SEMIMONTHLY, start, 40)
    assert dates[0] == start
    assert all(a < b for a, b in itertools.pairwise(dates))
    by_month: dict[tuple[int, int], list[int]] = {}
    for run in dates:
        by_month.setdefault((run.year, run.month), []).append(run.day)
    months = list(by_month)
    for year, month in months[1:-1]:
        last = _month_end(year, month)
        assert by_month[year, month] == [min(d, last) for d in _semimonthly_days(start.day)]


@given(
    frequency=st.sampled_from(list(Frequency)),
    start=starts,
    offset=st.integers(min_value=-40, max_value=400),
    count=st.integers(min_value=1, max_value=8),
)
def test_upcoming_is_the_first_run_dates_on_or_after_today(
    frequency: Frequency, start: dt.date, offset: int, count: int
) -> None:
    today = start + dt.timedelta(days=offset)
    expected = [d for d in _first(frequency, start, 1000) if d >= today][:count]
    assert upcoming(frequency, start, today, count) == expected
    assert len(expected) == count


@given(
    frequency=st.sampled_from(list(Frequency)),
    start=starts,
    offset=st.integers(min_value=-5, max_value=120),
)
def test_is_run_date_agrees_with_the_listed_run_dates(
    frequency: Frequency, start: dt.date, offset: int
) -> None:
    day = start + dt.timedelta(days=offset)
    listed = set(itertools.takewhile(lambda d: d <= day, run_dates(frequency, start)))
    assert is_run_date(frequency, start, day) == (day in listed)


def test_semimonthly_days_pair_a_start_up_to_the_15th_with_15_days_later() -> None:
    assert semimonthly_days(1) == (1, 16)
    assert semimonthly_days(15) == (15, 30)
    assert semimonthly_days(16) == (1, 16)
    assert semimonthly_days(31) == (16, 31)


def test_a_monthly_schedule_runs_only_on_its_start_day_a_semimonthly_one_on_two() -> None:
    start = dt.date(2024, 1, 10)
    assert is_run_date(Frequency.MONTHLY, start, dt.date(2024, 2, 10))
    assert not is_run_date(Frequency.MONTHLY, start, dt.date(2024, 1, 25))
    assert is_run_date(Frequency.SEMIMONTHLY, start, dt.date(2024, 1, 25))


@pytest.mark.parametrize("frequency", list(Frequency))
def test_no_date_before_the_start_is_a_run_date(frequency: Frequency) -> None:
    start = dt.date(2024, 1, 10)
    assert not is_run_date(frequency, start, dt.date(2023, 12, 10))
    assert not is_run_date(frequency, start, dt.date(2024, 1, 9))
