"""Invoice arithmetic (chargeable only, header from lines) and the draft edit rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billable.domain.errors import Conflict, FieldError, Invalid
from billable.domain.invoice import (
    EDITABLE_DETAIL_FIELDS,
    BillingType,
    DetailFigures,
    DetailSource,
    HeaderTotals,
    LineTotals,
    check_detail_edit,
    check_line_edit,
    check_status_change,
    header_totals,
    line_totals,
)

D = Decimal
CHARGEABLE = BillingType.CHARGEABLE
NON_CHARGEABLE = BillingType.NON_CHARGEABLE
COMPLIMENTARY = BillingType.COMPLIMENTARY

#: Every field the API can send on a detail.
ALL_FIELDS = sorted(set().union(*EDITABLE_DETAIL_FIELDS.values()))


# --- totals ---------------------------------------------------------------------------


def test_a_line_sums_its_chargeable_details_only() -> None:
    totals = line_totals(
        [
            DetailFigures(D("2000.00"), D("200.00"), CHARGEABLE),
            DetailFigures(D("500.00"), D("50.00"), NON_CHARGEABLE),
            DetailFigures(D("125.50"), D("12.55"), CHARGEABLE),
            DetailFigures(D("99.99"), D("10.00"), COMPLIMENTARY),
        ]
    )
    assert totals == LineTotals(D("2125.50"), D("212.55"))
    assert totals.extended_amount == D("2338.05")


def test_a_line_of_only_free_details_totals_zero() -> None:
    totals = line_totals(
        [
            DetailFigures(D("500.00"), D("50.00"), NON_CHARGEABLE),
            DetailFigures(D("80.00"), D("8.00"), COMPLIMENTARY),
        ]
    )
    assert totals.amount == 0
    assert totals.tax == 0
    assert totals.extended_amount == 0


def test_an_empty_line_totals_zero() -> None:
    assert line_totals([]) == LineTotals(D(0), D(0))


def test_a_corrective_line_can_total_a_credit() -> None:
    totals = line_totals(
        [
            DetailFigures(D("-500.00"), D("-50.00"), CHARGEABLE),
            DetailFigures(D("250.00"), D("25.00"), CHARGEABLE),
        ]
    )
    assert totals == LineTotals(D("-250.00"), D("-25.00"))
    assert totals.extended_amount == D("-275.00")


def test_the_header_sums_lines_and_adds_tax_to_the_pre_freight_amount() -> None:
    header = header_totals(
        [
            LineTotals(D("2125.50"), D("212.55")),
            LineTotals(D("0"), D("0")),
            LineTotals(D("1000.00"), D("70.00")),
        ]
    )
    assert header == HeaderTotals(
        detail_amount=D("3125.50"),
        discount_amount=D(0),
        pre_freight_amount=D("3125.50"),
        freight_amount=D(0),
        total_tax=D("282.55"),
    )
    assert header.pre_freight_amount == header.detail_amount - header.discount_amount
    assert header.total_amount == D("3408.05")
    assert header.total_amount == header.pre_freight_amount + header.total_tax


def test_an_invoice_without_lines_totals_zero() -> None:
    header = header_totals([])
    assert header.detail_amount == 0
    assert header.total_amount == 0


# --- detail edits ---------------------------------------------------------------------


def _accepts(source: DetailSource, fields: list[str]) -> bool:
    """Whether ``check_detail_edit`` lets the change through."""
    try:
        check_detail_edit(source, fields)
    except Invalid:
        return False
    return True


def _refused_fields(source: DetailSource, fields: list[str]) -> tuple[FieldError, ...]:
    with pytest.raises(Invalid) as refused:
        check_detail_edit(source, fields)
    return refused.value.errors


@pytest.mark.parametrize(
    "fields", [["quantity"], ["billing_type"], ["description", "external_description"], ["tax"]]
)
def test_an_actual_backed_detail_accepts_quantity_billing_type_descriptions_and_tax(
    fields: list[str],
) -> None:
    assert _accepts(DetailSource.ACTUAL, fields)


def test_an_actual_backed_detail_locks_price_and_date_with_one_error_per_field() -> None:
    errors = _refused_fields(DetailSource.ACTUAL, ["quantity", "price", "date", "tax"])
    assert [e.field for e in errors] == ["date", "price"]
    assert all("locked" in e.message for e in errors)


@pytest.mark.parametrize("field", ["price", "date", "task_id", "resource_id", "unit"])
def test_an_actual_backed_detail_refuses_each_locked_field(field: str) -> None:
    errors = _refused_fields(DetailSource.ACTUAL, [field])
    assert len(errors) == 1
    assert errors[0].field == field


def test_the_refusal_names_the_locked_fields_in_its_detail() -> None:
    with pytest.raises(Invalid) as refused:
        check_detail_edit(DetailSource.ACTUAL, ["price", "date"])
    assert "date, price" in refused.value.detail


def test_the_locked_field_message_uses_the_right_article() -> None:
    with pytest.raises(Invalid) as refused:
        check_detail_edit(DetailSource.ACTUAL, ["price"])
    assert refused.value.errors[0].message == "is locked on a detail backed by an actual"
    assert refused.value.detail == "locked fields on an actual detail: price"


def test_a_corrective_detail_is_edited_like_an_actual_backed_one() -> None:
    assert _accepts(DetailSource.CORRECTION, ["quantity", "billing_type", "tax"])
    errors = _refused_fields(DetailSource.CORRECTION, ["price", "date"])
    assert [e.field for e in errors] == ["date", "price"]


def test_a_milestone_detail_locks_quantity_and_price() -> None:
    errors = _refused_fields(DetailSource.MILESTONE, ["quantity", "price", "description"])
    assert [e.field for e in errors] == ["price", "quantity"]
    assert _accepts(DetailSource.MILESTONE, ["description", "external_description"])


def test_a_product_detail_locks_every_field() -> None:
    errors = _refused_fields(DetailSource.PRODUCT, ALL_FIELDS)
    assert [e.field for e in errors] == ALL_FIELDS
    assert len({e.field for e in errors}) == len(errors)


@pytest.mark.parametrize("field", ["description", "quantity", "billing_type"])
def test_a_product_detail_refuses_even_a_description(field: str) -> None:
    assert [e.field for e in _refused_fields(DetailSource.PRODUCT, [field])] == [field]


def test_a_manual_detail_accepts_a_price_and_every_other_field() -> None:
    assert _accepts(DetailSource.MANUAL, ["price"])
    assert _accepts(DetailSource.MANUAL, ALL_FIELDS)


def test_an_edit_of_no_fields_is_always_accepted() -> None:
    for source in DetailSource:
        assert _accepts(source, [])


# --- status changes -------------------------------------------------------------------


@pytest.mark.parametrize("status", ["closed", "canceled"])
@pytest.mark.parametrize("invoice_status", ["draft", "in_review", "confirmed"])
def test_closing_or_canceling_is_refused_as_unsupported(status: str, invoice_status: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_status_change(invoice_status, status)
    assert refused.value.errors == (
        FieldError("status", f"'{status}' is not supported for project invoices"),
    )


@pytest.mark.parametrize("invoice_status", ["draft", "in_review"])
def test_paying_an_unconfirmed_invoice_is_a_conflict(invoice_status: str) -> None:
    with pytest.raises(Conflict, match="only a confirmed invoice can be paid"):
        check_status_change(invoice_status, "paid")


def test_paying_a_confirmed_invoice_is_the_pay_action() -> None:
    assert check_status_change("confirmed", "paid") == "pay"


def test_setting_active_again_is_the_unpay_action() -> None:
    assert check_status_change("confirmed", "active") == "unpay"


def test_an_unknown_status_is_invalid() -> None:
    with pytest.raises(Invalid) as refused:
        check_status_change("confirmed", "archived")
    assert refused.value.errors[0].field == "status"
    assert "unknown status 'archived'" in refused.value.detail


def test_a_locked_field_on_a_milestone_detail_reads_a_milestone() -> None:
    with pytest.raises(Invalid) as refused:
        check_detail_edit(DetailSource.MILESTONE, ["quantity"])
    assert refused.value.errors[0].message == "is locked on a detail backed by a milestone"


@pytest.mark.parametrize("invoice_status", ["draft", "in_review"])
def test_paying_an_unconfirmed_invoice_says_why_exactly(invoice_status: str) -> None:
    with pytest.raises(Conflict) as refused:
        check_status_change(invoice_status, "paid")
    assert refused.value.detail == "only a confirmed invoice can be paid"


def test_a_project_line_lets_its_name_change_and_nothing_else() -> None:
    check_line_edit("project", ["name"])
    check_line_edit("project", [])
    with pytest.raises(Invalid) as refused:
        check_line_edit("project", ["name", "amount", "amount", "currency"])
    reason = "is locked on a project-based invoice line"
    assert refused.value.errors == (FieldError("amount", reason), FieldError("currency", reason))
    assert refused.value.detail == "locked fields on a project-based invoice line: amount, currency"


@pytest.mark.parametrize("kind", ["product", "unknown"])
def test_a_product_line_or_a_line_of_no_known_kind_changes_nothing(kind: str) -> None:
    check_line_edit(kind, [])
    with pytest.raises(Invalid) as refused:
        check_line_edit(kind, ["name"])
    assert refused.value.errors == (
        FieldError("name", f"is locked on a {kind}-based invoice line"),
    )


def test_a_detail_refusal_says_a_or_an_before_its_source() -> None:
    said = {}
    for source in DetailSource:
        fields = sorted(set(ALL_FIELDS) - EDITABLE_DETAIL_FIELDS[source])
        if fields:
            with pytest.raises(Invalid) as refused:
                check_detail_edit(source, fields[:1])
            said[source] = refused.value.errors[0].message.rpartition("backed by ")[2]
    assert said[DetailSource.ACTUAL] == "an actual"
    assert said[DetailSource.MILESTONE] == "a milestone"
