"""Billing sales tax of the ERP side (seed 003, rules.md "ERP side" and "Money").

The tax codes that apply to a billed amount are those in *both* its sales tax group
(who is billed) and its item sales tax group (what is billed). The two groups default
from parameters: :func:`sales_tax_group_for` and :func:`item_tax_group_for`. A missing
group means no tax.

Rounding: tax rounds per detail and per tax code (:func:`tax_lines`), each through
:func:`~billable.domain.money.round_amount`; a line's or header's tax is the sum of
those rounded pieces, never a rounding of the summed rate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from billable.domain.errors import Invalid
from billable.domain.money import ZERO, Currency, round_amount
from billable.domain.pricing import TransactionClass

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class TaxCode:
    """A sales tax code and its rate in percent (``Decimal("20")`` is 20 %)."""

    code: str
    rate: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.rate, Decimal):
            raise TypeError(f"rate must be Decimal, not {type(self.rate).__name__}")
        if self.rate < 0:
            raise Invalid.field("rate", f"tax code {self.code} must not have a negative rate")


@dataclass(frozen=True)
class SalesTaxGroup:
    """The tax codes that apply to a customer, project or contract (who is billed)."""

    name: str
    tax_codes: frozenset[str]


@dataclass(frozen=True)
class ItemSalesTaxGroup:
    """The tax codes that apply to a category or product (what is billed)."""

    name: str
    tax_codes: frozenset[str]


@dataclass(frozen=True)
class TaxLine:
    """The tax of one detail for one tax code: ``amount = round(base x rate / 100)``."""

    code: str
    rate: Decimal
    base: Decimal
    amount: Decimal


class SalesTaxGroupMethod(StrEnum):
    """Where the billing sales tax group defaults from (project parameters)."""

    PROJECT = "project"
    CONTRACT = "contract"
    CUSTOMER = "customer"
    SEARCH = "search"


class MaterialTaxGroupMethod(StrEnum):
    """Where a material's item sales tax group defaults from (project parameters)."""

    ITEM = "item"
    CATEGORY = "category"


def _given(group: str | None) -> str | None:
    return group if group else None


def sales_tax_group_for(
    method: SalesTaxGroupMethod,
    project: str | None,
    contract: str | None,
    customer: str | None,
) -> str | None:
    """The billing sales tax group under ``method``, or ``None`` when the source has none.

    ``project``, ``contract`` and ``customer`` are the groups set on those records.
    ``search`` takes the first non-empty of project, contract, customer, in that order.
    """
    if method is SalesTaxGroupMethod.PROJECT:
        return _given(project)
    if method is SalesTaxGroupMethod.CONTRACT:
        return _given(contract)
    if method is SalesTaxGroupMethod.CUSTOMER:
        return _given(customer)
    return _given(project) or _given(contract) or _given(customer)


def item_tax_group_for(
    transaction_class: TransactionClass,
    category_group: str | None,
    product_group: str | None,
    material_method: MaterialTaxGroupMethod,
    *,
    milestone_group: str | None = None,
) -> str | None:
    """The billing item sales tax group of a transaction, or ``None`` when unset.

    Time, expense and fee take the group of their project category. Material takes
    the released product's group (``item``) or the category's (``category``), per the
    parameter, without falling back to the other. A product-based line takes its
    product's group; a fixed-price milestone takes ``milestone_group`` (the "fixed price
    milestone item sales tax group" parameter).
    """
    if transaction_class in (TransactionClass.TIME, TransactionClass.EXPENSE, TransactionClass.FEE):
        return _given(category_group)
    if transaction_class is TransactionClass.MATERIAL:
        chosen = product_group if material_method is MaterialTaxGroupMethod.ITEM else category_group
        return _given(chosen)
    if transaction_class is TransactionClass.PRODUCT:
        return _given(product_group)
    return _given(milestone_group)


def applicable_codes(
    sales_group: SalesTaxGroup | None,
    item_group: ItemSalesTaxGroup | None,
    tax_codes: Iterable[TaxCode],
) -> tuple[TaxCode, ...]:
    """The tax codes in both groups, in code order; none when either group is missing.

    ``tax_codes`` is the catalogue the groups' codes refer to; a code of the
    intersection that it does not define is refused with :class:`Invalid`.
    """
    if sales_group is None or item_group is None:
        return ()
    wanted = sales_group.tax_codes & item_group.tax_codes
    defined = {code.code: code for code in tax_codes}
    unknown = sorted(wanted - defined.keys())
    if unknown:
        raise Invalid.field("tax_code", f"unknown tax code(s): {', '.join(unknown)}")
    return tuple(defined[code] for code in sorted(wanted))


def tax_lines(amount: Decimal, codes: Iterable[TaxCode], currency: Currency) -> tuple[TaxLine, ...]:
    """One tax line per distinct code on ``amount`` (a detail's amount), in code order.

    The base is ``amount`` rounded to ``currency``; a code given twice with two rates
    is refused (:class:`Invalid`).

    ``amount x rate / 100`` rounds half up (away from zero, so a credit's tax is
    exactly the negation of the charge's) per code; the tax of the detail is the sum.
    """
    base = round_amount(amount, currency)
    unique: dict[str, TaxCode] = {}
    for code in codes:
        if unique.setdefault(code.code, code).rate != code.rate:
            raise Invalid.field("tax_code", f"tax code {code.code} is given two rates")
    return tuple(
        TaxLine(
            code,
            unique[code].rate,
            base,
            round_amount(base * unique[code].rate / HUNDRED, currency),
        )
        for code in sorted(unique)
    )


def total_tax(lines: Iterable[TaxLine]) -> Decimal:
    """The sum of already-rounded tax lines: a detail's, line's or header's tax."""
    return sum((line.amount for line in lines), ZERO)
