"""When a contract line is due: one rule for the automated run and the dates it shows."""

from __future__ import annotations

import datetime as dt

from billable.domain.schedule import (
    BillingMethod,
    Frequency,
    LineDue,
    LineKind,
    due_dates,
    is_due,
)

TODAY = dt.date(2026, 8, 20)


def test_a_scheduled_line_is_due_on_its_run_dates_only() -> None:
    line = LineDue(LineKind.PROJECT, BillingMethod.TIME_AND_MATERIAL, Frequency.WEEKLY, TODAY)
    assert is_due(line, TODAY)
    assert is_due(line, TODAY + dt.timedelta(days=7))
    assert not is_due(line, TODAY + dt.timedelta(days=1))
    assert not is_due(line, TODAY - dt.timedelta(days=7))


def test_a_scheduled_line_shows_its_next_six_run_dates() -> None:
    line = LineDue(LineKind.PROJECT, BillingMethod.TIME_AND_MATERIAL, Frequency.WEEKLY, TODAY)
    dates = due_dates(line, TODAY + dt.timedelta(days=1))
    assert dates == [TODAY + dt.timedelta(weeks=n) for n in range(1, 7)]
    assert all(is_due(line, date) for date in dates)


def test_a_ready_product_line_is_due_from_its_own_date_and_shows_it() -> None:
    later = TODAY + dt.timedelta(days=5)
    line = LineDue(LineKind.PRODUCT, product_ready=True, date=later)
    assert not is_due(line, TODAY)
    assert is_due(line, later)
    assert is_due(line, later + dt.timedelta(days=30))
    assert due_dates(line, TODAY) == [later]


def test_a_ready_product_line_without_a_date_or_past_it_is_due_today() -> None:
    undated = LineDue(LineKind.PRODUCT, product_ready=True)
    past = LineDue(LineKind.PRODUCT, product_ready=True, date=TODAY - dt.timedelta(days=3))
    assert is_due(undated, TODAY)
    assert due_dates(undated, TODAY) == [TODAY]
    assert due_dates(past, TODAY) == [TODAY]


def test_a_product_line_not_ready_is_never_due() -> None:
    line = LineDue(LineKind.PRODUCT, date=TODAY)
    assert not is_due(line, TODAY)
    assert due_dates(line, TODAY) == []


def test_a_fixed_price_line_is_due_once_a_ready_milestone_date_has_come() -> None:
    first, second = TODAY + dt.timedelta(days=10), TODAY + dt.timedelta(days=3)
    line = LineDue(
        LineKind.PROJECT, BillingMethod.FIXED_PRICE, ready_milestone_dates=(first, second, first)
    )
    assert not is_due(line, TODAY)
    assert is_due(line, second)
    assert due_dates(line, TODAY) == [second, first]


def test_a_time_and_material_line_without_a_schedule_is_never_due() -> None:
    line = LineDue(LineKind.PROJECT, BillingMethod.TIME_AND_MATERIAL)
    assert not is_due(line, TODAY)
    assert due_dates(line, TODAY) == []
