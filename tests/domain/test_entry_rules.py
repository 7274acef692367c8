"""A day holds at most 24 hours of one resource's time, and nothing dated after today
is approved: the refusals name their field and say the figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from billable.domain.entry_rules import check_approvable, check_day_hours
from billable.domain.errors import FieldError, Invalid

DAY = dt.date(2026, 8, 27)


def test_a_day_takes_hours_up_to_exactly_twenty_four() -> None:
    check_day_hours(DAY, Decimal(20), Decimal(4))
    check_day_hours(DAY, Decimal(0), Decimal(24))


def test_an_hour_past_twenty_four_is_refused_on_quantity_with_the_day_and_figures() -> None:
    with pytest.raises(Invalid) as refused:
        check_day_hours(DAY, Decimal("19.50"), Decimal("4.75"))
    reason = (
        "2026-08-27 holds at most 24 hours per resource and has 19.5 booked already, "
        "so 4.75 more do not fit"
    )
    assert refused.value.errors == (FieldError("quantity", reason),)
    assert refused.value.detail == f"quantity: {reason}"


@pytest.mark.parametrize(
    ("booked", "shown"),
    [("8.00", "8"), ("10", "10"), ("20", "20"), ("7.50", "7.5"), ("0.25", "0.25")],
)
def test_the_refusal_writes_hours_without_trailing_zeros(booked: str, shown: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_day_hours(DAY, Decimal(booked), Decimal(24))
    assert f"has {shown} booked already, so 24 more" in refused.value.detail


def test_an_entry_of_today_or_before_may_be_approved() -> None:
    check_approvable(DAY, DAY)
    check_approvable(DAY - dt.timedelta(days=400), DAY)


def test_an_entry_dated_after_today_is_refused_on_date() -> None:
    with pytest.raises(Invalid) as refused:
        check_approvable(DAY + dt.timedelta(days=1), DAY)
    reason = (
        "is 2026-08-28, after today (2026-08-27): an entry dated in the future cannot be approved"
    )
    assert refused.value.errors == (FieldError("date", reason),)
    assert refused.value.detail == f"date: {reason}"
