"""Distributing an amount over financial dimensions: parts that add up exactly."""

from __future__ import annotations

import itertools
from decimal import ROUND_FLOOR, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billable.domain.dimensions import Dimensions, dimension_set, distribute, share_dimensions
from billable.domain.errors import FieldError, Invalid
from billable.domain.money import Currency

D = Decimal
USD = Currency("USD", 2)
JPY = Currency("JPY", 0)
KWD = Currency("KWD", 3)

SALES: Dimensions = (("BusinessUnit", "001"), ("Department", "022"))
CONSULTING: Dimensions = (("BusinessUnit", "002"), ("Department", "023"))
SUPPORT: Dimensions = (("BusinessUnit", "003"), ("Department", "024"))
THIRDS = [(D("33.33"), SALES), (D("33.33"), CONSULTING), (D("33.34"), SUPPORT)]


def amounts(parts: tuple[object, ...]) -> list[Decimal]:
    return [part.amount for part in parts]  # type: ignore[attr-defined]


def test_100_in_three_equal_shares_is_33_34_33_33_33_33() -> None:
    third = D(100) / 3
    shares = [(third, SALES), (third, CONSULTING), (third, SUPPORT)]
    parts = distribute(D("100.00"), shares, USD)
    assert amounts(parts) == [D("33.34"), D("33.33"), D("33.33")]
    assert [str(a) for a in amounts(parts)] == ["33.34", "33.33", "33.33"]
    assert [part.dimensions for part in parts] == [SALES, CONSULTING, SUPPORT]


def test_the_remainder_cent_goes_to_the_largest_remainder_not_the_first_share() -> None:
    # 0.10 at 33.33/33.33/33.34 % = 0.03333, 0.03333, 0.03334: the third has the most left.
    assert amounts(distribute(D("0.10"), THIRDS, USD)) == [D("0.03"), D("0.03"), D("0.04")]


def test_a_cent_gained_by_rounding_half_up_is_taken_back_from_the_last_tie() -> None:
    # 0.05 in halves = 0.025 each: half up would give 0.03 + 0.03 = 0.06.
    halves = [(D(50), SALES), (D(50), CONSULTING)]
    assert amounts(distribute(D("0.05"), halves, USD)) == [D("0.03"), D("0.02")]


def test_an_even_split_needs_no_adjustment() -> None:
    shares = [(D(60), SALES), (D(40), CONSULTING)]
    assert amounts(distribute(D("1250.00"), shares, USD)) == [D("750.00"), D("500.00")]


def test_a_negative_amount_splits_like_its_positive_counterpart_negated() -> None:
    assert amounts(distribute(D("-100.00"), THIRDS, USD)) == [
        D("-33.33"),
        D("-33.33"),
        D("-33.34"),
    ]


def test_yen_and_dinar_distribute_in_their_own_minor_units() -> None:
    assert amounts(distribute(D(100), THIRDS, JPY)) == [D(33), D(33), D(34)]
    assert amounts(distribute(D("1.000"), THIRDS, KWD)) == [D("0.333"), D("0.333"), D("0.334")]


def test_a_zero_share_gets_nothing() -> None:
    shares = [(D(0), SALES), (D(100), CONSULTING)]
    assert amounts(distribute(D("9.99"), shares, USD)) == [D("0.00"), D("9.99")]


@pytest.mark.parametrize(
    "percents",
    [["33.33", "33.33", "33.33"], ["33.333333"] * 3, ["50", "50.01"], ["100.0000005"], []],
)
def test_shares_that_do_not_add_up_to_100_are_refused(percents: list[str]) -> None:
    shares = [(D(p), SALES) for p in percents]
    with pytest.raises(Invalid, match="percent: shares must add up to 100"):
        distribute(D("100.00"), shares, USD)


def test_a_negative_share_is_refused_even_when_the_total_is_100() -> None:
    with pytest.raises(Invalid, match="must not be negative"):
        distribute(D("100.00"), [(D(110), SALES), (D(-10), CONSULTING)], USD)


def test_an_amount_with_more_decimals_than_the_currency_is_refused() -> None:
    with pytest.raises(Invalid, match="more decimals than USD"):
        distribute(D("100.005"), THIRDS, USD)


def test_a_float_amount_or_percent_is_refused() -> None:
    with pytest.raises(TypeError):
        distribute(100.0, THIRDS, USD)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        distribute(D("100.00"), [(100.0, SALES)], USD)  # type: ignore[list-item]


def test_a_dimension_set_is_sorted_by_name_and_refuses_a_name_twice() -> None:
    assert dimension_set([("Department", "022"), ("BusinessUnit", "001")]) == SALES
    with pytest.raises(Invalid, match="given twice: Department"):
        dimension_set([("Department", "022"), ("Department", "023")])


# --- properties -----------------------------------------------------------------------


@st.composite
def share_lists(draw: st.DrawFn) -> list[tuple[Decimal, Dimensions]]:
    """1 to 7 non-negative shares of 2-decimal percents adding up to 100."""
    cuts = draw(st.lists(st.integers(0, 10000), max_size=6))
    bounds = [0, *sorted(cuts), 10000]
    return [
        (D(high - low) / 100, (("Department", str(i)),))
        for i, (low, high) in enumerate(itertools.pairwise(bounds))
    ]


def hamilton(amount: Decimal, percents: list[Decimal], unit: Decimal) -> list[Decimal]:
    """The textbook largest-remainder method: floor every part, then one unit each to
    the largest remainders, ties to the share listed first."""
    exact = [abs(amount) * p / 100 for p in percents]
    floors = [(e / unit).to_integral_value(ROUND_FLOOR) * unit for e in exact]
    left = round((abs(amount) - sum(floors, D(0))) / unit)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += unit
    return [f if amount >= 0 else -f for f in floors]


@given(
    amount=st.decimals(min_value=-(10**9), max_value=10**9, places=3),
    shares=share_lists(),
    currency=st.sampled_from((USD, JPY, KWD)),
)
def test_distributed_parts_always_add_up_to_the_amount_exactly(
    amount: Decimal, shares: list[tuple[Decimal, Dimensions]], currency: Currency
) -> None:
    unit = D(1).scaleb(-currency.minor_units)
    amount = amount.quantize(unit)
    parts = distribute(amount, shares, currency)
    assert sum(amounts(parts), D(0)) == amount
    for part, (percent, dimensions) in zip(parts, shares, strict=True):
        assert part.percent == percent
        assert part.dimensions == dimensions
        assert abs(part.amount - amount * percent / 100) < unit
    percents = [p for p, _ in shares]
    assert amounts(parts) == hamilton(amount, percents, unit)


# --- refusals name their field and reason ---------------------------------------------


def test_a_dimension_given_twice_is_refused_on_dimensions_naming_each() -> None:
    pairs = [("Project", "P1"), ("BusinessUnit", "001"), ("Project", "P2"), ("BusinessUnit", "2")]
    with pytest.raises(Invalid) as refused:
        dimension_set(pairs)
    reason = "dimension(s) given twice: BusinessUnit, Project"
    assert refused.value.errors == (FieldError("dimensions", reason),)


def test_a_negative_share_is_refused_on_percent() -> None:
    with pytest.raises(Invalid) as refused:
        distribute(D("100.00"), [(D(110), SALES), (D(-10), CONSULTING)], USD)
    assert refused.value.errors == (FieldError("percent", "a share must not be negative, not -10"),)


def test_an_amount_finer_than_the_currency_is_refused_on_amount() -> None:
    with pytest.raises(Invalid) as refused:
        distribute(D("100.005"), THIRDS, USD)
    reason = "100.005 has more decimals than USD allows"
    assert refused.value.errors == (FieldError("amount", reason),)


def test_only_decimal_amounts_and_percents_are_distributed() -> None:
    with pytest.raises(TypeError, match=r"^money must be Decimal, not float$"):
        distribute(100.0, THIRDS, USD)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^percent must be Decimal, not float$"):
        distribute(D("100.00"), [(100.0, SALES)], USD)  # type: ignore[list-item]


def test_a_share_keeps_the_dimensions_it_does_not_name_and_replaces_those_it_does() -> None:
    line = dimension_set([("Department", "022"), ("BusinessUnit", "001")])
    assert share_dimensions(line, (("BusinessUnit", "002"),)) == (
        ("BusinessUnit", "002"),
        ("Department", "022"),
    )
    assert share_dimensions(line, (("CostCenter", "010"),)) == (
        ("BusinessUnit", "001"),
        ("CostCenter", "010"),
        ("Department", "022"),
    )
    assert share_dimensions((), CONSULTING) == CONSULTING
    assert share_dimensions(line, ()) == line
