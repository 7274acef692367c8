"""What a detail contributes to its line's and header's totals, by billing type, and
how a correction that changes the billing type counts the credit and the new charge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from billable.domain.invoice import (
    BillingType,
    DetailFigures,
    LineTotals,
    detail_figures,
    header_totals,
    line_totals,
)
from billable.domain.schedule import BillingMethod, Frequency, LineDue, LineKind
from billable.domain.vocabulary import ProductLineState

CHARGEABLE, NON_CHARGEABLE = BillingType.CHARGEABLE, BillingType.NON_CHARGEABLE
cents = st.decimals(min_value=-10_000, max_value=10_000, places=2)


def test_a_detail_without_an_original_contributes_its_own_figures():
    assert detail_figures(D("100.00"), D("20.00"), CHARGEABLE, None) == (
        DetailFigures(D("100.00"), D("20.00"), CHARGEABLE),
    )


def test_a_correction_of_the_same_billing_type_contributes_only_its_own_figures():
    original = DetailFigures(D("100.00"), D("20.00"), CHARGEABLE)
    assert detail_figures(D("-40.00"), D("-8.00"), CHARGEABLE, original) == (
        DetailFigures(D("-40.00"), D("-8.00"), CHARGEABLE),
    )


def test_a_correction_changing_the_billing_type_reverses_the_original_and_bills_the_rest():
    original = DetailFigures(D("100.00"), D("20.00"), CHARGEABLE)
    assert detail_figures(D("-40.00"), D("-8.00"), NON_CHARGEABLE, original) == (
        DetailFigures(D("-100.00"), D("-20.00"), CHARGEABLE),
        DetailFigures(D("60.00"), D("12.00"), NON_CHARGEABLE),
    )


def test_a_detail_that_is_not_chargeable_adds_nothing_to_the_lines_totals():
    details = [
        DetailFigures(D("100.00"), D("20.00"), CHARGEABLE),
        DetailFigures(D("50.00"), D("10.00"), NON_CHARGEABLE),
        DetailFigures(D("30.00"), D("6.00"), BillingType.COMPLIMENTARY),
    ]
    assert line_totals(details) == LineTotals(D("100.00"), D("20.00"))


@given(amount=cents, tax=cents, new_amount=cents, new_tax=cents)
def test_a_billing_type_change_counts_on_the_line_as_the_credit_of_the_original(
    amount, tax, new_amount, new_tax
):
    original = DetailFigures(amount, tax, CHARGEABLE)
    totals = line_totals(detail_figures(new_amount, new_tax, NON_CHARGEABLE, original))
    assert totals == LineTotals(-amount, -tax)


def test_the_header_adds_up_its_lines_with_no_discount_or_freight():
    header = header_totals([LineTotals(D("100.00"), D("20.00")), LineTotals(D("5.50"), D("1.10"))])
    assert (header.detail_amount, header.pre_freight_amount, header.total_tax) == (
        D("105.50"),
        D("105.50"),
        D("21.10"),
    )
    assert (header.discount_amount, header.freight_amount) == (D(0), D(0))
    assert header.total_amount == D("126.60")


def _row(**columns: object) -> SimpleNamespace:
    base: dict[str, object] = {
        "kind": LineKind.PROJECT,
        "billing_method": None,
        "schedule_frequency": None,
        "schedule_start_date": None,
        "product_status": None,
        "date": None,
    }
    return SimpleNamespace(**(base | columns))


def test_a_lines_due_facts_are_read_from_its_columns():
    row = _row(
        kind=LineKind.PRODUCT,
        billing_method=BillingMethod.FIXED_PRICE,
        schedule_frequency=Frequency.MONTHLY.value,
        schedule_start_date=dt.date(2026, 1, 31),
        product_status=ProductLineState.READY_TO_INVOICE,
        date=dt.date(2026, 2, 1),
    )
    milestones = (dt.date(2026, 3, 1),)
    assert LineDue.of(row, milestones) == LineDue(
        kind=LineKind.PRODUCT,
        billing_method=BillingMethod.FIXED_PRICE,
        frequency=Frequency.MONTHLY,
        start=dt.date(2026, 1, 31),
        product_ready=True,
        date=dt.date(2026, 2, 1),
        ready_milestone_dates=milestones,
    )


def test_a_line_without_a_frequency_or_a_ready_product_is_unscheduled_and_not_ready():
    due = LineDue.of(_row(product_status=ProductLineState.NOT_READY))
    assert due == LineDue(kind=LineKind.PROJECT)
    assert not due.scheduled
