"""Invoice arithmetic and edit rules of seed 001 with the rules.md decisions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from billable.domain.errors import Conflict, Invalid
from billable.domain.money import ZERO


class BillingType(StrEnum):
    """Chargeable details add to totals; the other two are shown and add nothing."""

    CHARGEABLE = "chargeable"
    NON_CHARGEABLE = "non_chargeable"
    COMPLIMENTARY = "complimentary"


class DetailSource(StrEnum):
    """What backs an invoice line detail; it decides which fields stay editable."""

    ACTUAL = "actual"
    MILESTONE = "milestone"
    PRODUCT = "product"
    MANUAL = "manual"
    CORRECTION = "correction"


#: Fields a user may change on a detail, by what backs it (seed 001 + rules.md).
EDITABLE_DETAIL_FIELDS: Mapping[DetailSource, frozenset[str]] = {
    DetailSource.ACTUAL: frozenset(
        {"quantity", "billing_type", "description", "external_description", "tax"}
    ),
    DetailSource.CORRECTION: frozenset(
        {"quantity", "billing_type", "description", "external_description", "tax"}
    ),
    DetailSource.MANUAL: frozenset(
        {
            "quantity",
            "billing_type",
            "description",
            "external_description",
            "tax",
            "price",
            "date",
            "task_id",
            "category_id",
            "role_id",
            "resource_id",
            "product_id",
            "write_in_description",
            "unit",
        }
    ),
    DetailSource.MILESTONE: frozenset({"description", "external_description"}),
    DetailSource.PRODUCT: frozenset(),
}


def check_detail_edit(source: DetailSource, fields: Iterable[str]) -> None:
    """Refuse (422, one error per field) any change to a field locked for ``source``."""
    allowed = EDITABLE_DETAIL_FIELDS[source]
    backing = f"an {source.value}" if source.value[0] in "aeiou" else f"a {source.value}"
    locked = sorted(set(fields) - allowed)
    if locked:
        errors = tuple(
            Invalid.field(name, f"is locked on a detail backed by {backing}").errors[0]
            for name in locked
        )
        raise Invalid(f"locked fields on {backing} detail: {', '.join(locked)}", errors)


#: Fields a user may change on an invoice line, by its kind (seed 001: a project-based
#: line's name; rules.md: a product-based line cannot be changed, only deleted).
EDITABLE_LINE_FIELDS: Mapping[str, frozenset[str]] = {
    # The kinds of ``schedule.LineKind``, by value: that module imports the vocabulary,
    # which imports this one.
    "project": frozenset({"name"}),
    "product": frozenset(),
}


def check_line_edit(kind: str, fields: Iterable[str]) -> None:
    """Refuse (422, one error per field) any change to a field locked on a ``kind`` line."""
    allowed = EDITABLE_LINE_FIELDS.get(kind, frozenset())
    locked = sorted(set(fields) - allowed)
    if locked:
        reason = f"is locked on a {kind}-based invoice line"
        errors = tuple(Invalid.field(name, reason).errors[0] for name in locked)
        raise Invalid(f"locked fields on a {kind}-based invoice line: {', '.join(locked)}", errors)


UNSUPPORTED_STATUSES = frozenset({"closed", "canceled"})


def check_status_change(project_invoice_status: str, new_status: str) -> str:
    """The action that moves the payment ``status`` to ``new_status``, or a refusal."""
    if new_status in UNSUPPORTED_STATUSES:
        raise Invalid.field("status", f"'{new_status}' is not supported for project invoices")
    if new_status == "paid":
        if project_invoice_status != "confirmed":
            raise Conflict("only a confirmed invoice can be paid")
        return "pay"
    if new_status == "active":
        return "unpay"
    raise Invalid.field("status", f"unknown status '{new_status}'")


@dataclass(frozen=True)
class DetailFigures:
    """What a detail contributes to its line."""

    amount: Decimal
    tax: Decimal
    billing_type: BillingType


@dataclass(frozen=True)
class LineTotals:
    """Totals of one invoice line: chargeable details only."""

    amount: Decimal
    tax: Decimal

    @property
    def extended_amount(self) -> Decimal:
        """Amount plus tax."""
        return self.amount + self.tax


#: The billing types whose details add to a line's totals: chargeable only. Set-based SQL
#: filters the details it sums with this set.
COUNTED_BILLING_TYPES: frozenset[BillingType] = frozenset({BillingType.CHARGEABLE})


def detail_figures(
    amount: Decimal, tax: Decimal, billing_type: BillingType, original: DetailFigures | None
) -> tuple[DetailFigures, ...]:
    """What a detail contributes to its line, by billing type.

    ``original`` is what a corrective detail corrects (the billed actual's figures and
    billing type). When the correction changes the billing type, confirming it reverses
    the original (by its own type) and bills the corrected figures (by the new one), so
    the credit and the new charge count each by its own type. Otherwise the detail's
    own figures are all it contributes.
    """
    if original is None or original.billing_type == billing_type:
        return (DetailFigures(amount, tax, billing_type),)
    return (
        DetailFigures(-original.amount, -original.tax, original.billing_type),
        DetailFigures(original.amount + amount, original.tax + tax, billing_type),
    )


def line_totals(details: Iterable[DetailFigures]) -> LineTotals:
    """Sum the chargeable details; non-chargeable and complimentary add nothing."""
    amount = tax = ZERO
    for detail in details:
        if detail.billing_type in COUNTED_BILLING_TYPES:
            amount += detail.amount
            tax += detail.tax
    return LineTotals(amount, tax)


@dataclass(frozen=True)
class HeaderTotals:
    """Header figures of seed 001; discount and freight are unsupported and stay zero."""

    detail_amount: Decimal
    discount_amount: Decimal
    pre_freight_amount: Decimal
    freight_amount: Decimal
    total_tax: Decimal

    @property
    def total_amount(self) -> Decimal:
        """Pre-freight amount plus freight plus tax: what the customer pays."""
        return self.pre_freight_amount + self.freight_amount + self.total_tax


def header_totals(lines: Iterable[LineTotals]) -> HeaderTotals:
    """Header totals as sums of line totals, so the document adds up to the cent."""
    detail_amount = total_tax = ZERO
    for line in lines:
        detail_amount += line.amount
        total_tax += line.tax
    return HeaderTotals(detail_amount, ZERO, detail_amount, ZERO, total_tax)
