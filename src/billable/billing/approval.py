"""Approval writes a cost actual and, where a contract line covers it, an unbilled sales
actual priced from the contract's price list (rules.md "Actuals").

Set-based: the entries being approved are priced together from facts read in a few
queries (:mod:`billable.billing.approval_facts`), with the domain's pricing and tax rules,
and their actuals are inserted in one statement. Approving one entry is a set of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from billable.billing.approval_facts import PricingFacts, load_facts
from billable.billing.expense_rates import Conversion, category_rule, conversion_of, rates_for
from billable.currencies import currency
from billable.domain.errors import DomainError
from billable.domain.money import ZERO, Currency, extend
from billable.domain.pricing import TransactionClass, category_price, require_price
from billable.domain.tax import (
    MaterialTaxGroupMethod,
    SalesTaxGroupMethod,
    TaxCode,
    applicable_codes,
    item_tax_group_for,
    sales_tax_group_for,
    tax_lines,
    total_tax,
)
from billable.domain.vocabulary import ActualType, BillingType
from billable.persistence.tables import Actual, ProductPrice, RolePrice

#: The billing method whose lines bill actuals (fixed-price lines bill milestones).
TIME_AND_MATERIAL = "time_and_material"


def role_price(session: Session, price_list_id: int, role_id: int | None) -> Decimal | None:
    """The price of ``role_id`` on a price list, if listed."""
    return session.scalars(
        select(RolePrice.price).where(
            RolePrice.price_list_id == price_list_id, RolePrice.role_id == role_id
        )
    ).first()


def product_price(session: Session, price_list_id: int, product_id: int | None) -> Decimal | None:
    """The price of ``product_id`` on a price list, if listed."""
    return session.scalars(
        select(ProductPrice.price).where(
            ProductPrice.price_list_id == price_list_id, ProductPrice.product_id == product_id
        )
    ).first()


@dataclass
class Priced:
    """The actuals of the entries priced, and the entries that could not be, by id."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    refused: dict[int, DomainError] = field(default_factory=dict)


def unit_of(entry: Any, facts: PricingFacts) -> str:
    """The unit an entry's quantity is measured in."""
    if entry.kind == TransactionClass.TIME:
        return "hour"
    if entry.kind == TransactionClass.MATERIAL and entry.product_id is not None:
        product = facts.products.get(entry.product_id)
        return product.unit if product else "each"
    return "each"


def cost_price(entry: Any, cost_list: Any, facts: PricingFacts) -> Decimal:
    """The unit cost of an entry: role or product price on the cost list; an expense's own
    unit price; fees carry no internal cost."""
    if entry.kind == TransactionClass.TIME:
        return require_price(
            facts.prices.roles.get((cost_list.id, entry.role_id)),
            "role_id",
            f"role {entry.role_id} on cost price list '{cost_list.name}'",
        )
    if entry.kind == TransactionClass.MATERIAL:
        return require_price(
            facts.prices.products.get((cost_list.id, entry.product_id)),
            "product_id",
            f"product {entry.product_id} on cost price list '{cost_list.name}'",
        )
    if entry.kind == TransactionClass.EXPENSE:
        assert entry.unit_price is not None
        return Decimal(entry.unit_price)
    return ZERO


def sales_price(entry: Any, sales_list: Any, facts: PricingFacts) -> Decimal:
    """The unit sales price of an entry on the contract's price list."""
    if entry.kind == TransactionClass.TIME:
        return require_price(
            facts.prices.roles.get((sales_list.id, entry.role_id)),
            "role_id",
            f"role {entry.role_id} on price list '{sales_list.name}'",
        )
    if entry.kind == TransactionClass.MATERIAL:
        listed = facts.prices.products.get((sales_list.id, entry.product_id))
        if listed is not None:
            return listed
        product = facts.products.get(entry.product_id)
        assert product is not None
        return Decimal(product.list_price)
    own = entry.unit_price if entry.unit_price is not None else ZERO
    method, value = category_rule(entry, sales_list, facts)
    return category_price(method, value, own)


def tax_codes_of(entry: Any, contract: Any, facts: PricingFacts) -> tuple[TaxCode, ...]:
    """The tax codes of an entry's unbilled sales: those in both its billing sales tax
    group and its item sales tax group (domain.tax); none when either is missing."""
    settings = facts.parameters
    project = facts.projects[entry.project_id]
    sales_group = sales_tax_group_for(
        SalesTaxGroupMethod(settings["sales_tax_group_method"]),
        project.sales_tax_group,
        contract.sales_tax_group,
        facts.customer_groups.get(contract.customer_id),
    )
    product = facts.products.get(entry.product_id) if entry.product_id is not None else None
    item_group = item_tax_group_for(
        TransactionClass(entry.kind),
        facts.category_groups.get(entry.category_id) if entry.category_id is not None else None,
        product.item_sales_tax_group if product else None,
        MaterialTaxGroupMethod(settings["material_item_tax_group_method"]),
        milestone_group=settings["milestone_item_sales_tax_group"],
    )
    if not sales_group or not item_group:
        return ()
    return applicable_codes(
        facts.sales_groups.get(sales_group), facts.item_groups.get(item_group), facts.tax_codes
    )


@dataclass(frozen=True)
class Terms:
    """How entries alike (same kind, project, role, category, product and unit price) are
    priced: worked out once per such group, whatever the quantity and date."""

    unit: str
    unit_cost: Decimal
    cost_currency: Currency
    #: The covering time-and-material line and its contract; None: cost only.
    line_id: int | None = None
    contract_id: int | None = None
    price: Decimal = ZERO
    sales_currency: Currency | None = None
    tax_codes: tuple[TaxCode, ...] = ()
    #: Priced per entry, at the rate of its date, when its cost is in another currency.
    conversion: Conversion | None = None


def terms_of(entry: Any, facts: PricingFacts) -> Terms:
    """The pricing terms of ``entry``, or the refusal that it cannot be priced."""
    project = facts.projects[entry.project_id]
    cost_list = facts.price_lists[project.cost_price_list_id]
    unit_cost = cost_price(entry, cost_list, facts)
    cost_only = Terms(unit_of(entry, facts), unit_cost, currency(cost_list.currency))
    line = facts.lines.get((entry.project_id, entry.kind))
    if line is None or line.billing_method != TIME_AND_MATERIAL:
        return cost_only  # no line, or a fixed-price line billed by its milestones
    contract = facts.contracts[line.contract_id]
    sales_list = facts.price_lists[contract.price_list_id]
    conversion = conversion_of(entry, sales_list, cost_list, contract, facts)
    return replace(
        cost_only,
        line_id=line.id,
        contract_id=contract.id,
        conversion=conversion,
        price=ZERO if conversion else sales_price(entry, sales_list, facts),
        sales_currency=currency(contract.currency),
        tax_codes=tax_codes_of(entry, contract, facts),
    )


def _common(entry: Any, terms: Terms) -> dict[str, Any]:
    """The columns an entry's cost and sales actuals share."""
    is_time = entry.kind == TransactionClass.TIME
    return {
        "transaction_class": entry.kind,
        "source_kind": entry.kind,
        "source_id": entry.id,
        "project_id": entry.project_id,
        "task_id": entry.task_id,
        "role_id": entry.role_id,
        "resource_id": entry.resource_id,
        "category_id": entry.category_id,
        "product_id": entry.product_id,
        "date": entry.date,
        "quantity": entry.quantity,
        "unit": terms.unit,
        "description": entry.internal_comment if is_time else entry.description,
        "external_description": entry.external_comment if is_time else entry.description,
        "billing_type": BillingType.CHARGEABLE,
        "ready_to_invoice": False,
    }


def actuals_of(entry: Any, terms: Terms) -> list[dict[str, Any]]:
    """The cost actual of an entry being approved and, when a time-and-material line
    covers it, its unbilled sales actual: rows for the actuals table."""
    common = _common(entry, terms)
    cost = {
        **common,
        "transaction_type": ActualType.COST,
        "contract_id": None,
        "contract_line_id": None,
        "price": terms.unit_cost,
        "amount": extend(entry.quantity, terms.unit_cost, terms.cost_currency),
        "tax": ZERO,
        "currency": terms.cost_currency.code,
    }
    if terms.sales_currency is None:
        return [cost]
    amount = extend(entry.quantity, terms.price, terms.sales_currency)
    sales = {
        **common,
        "transaction_type": ActualType.UNBILLED_SALES,
        "contract_id": terms.contract_id,
        "contract_line_id": terms.line_id,
        "price": terms.price,
        "amount": amount,
        "tax": total_tax(tax_lines(amount, terms.tax_codes, terms.sales_currency)),
        "currency": terms.sales_currency.code,
    }
    return [cost, sales]


def price_entries(session: Session, entries: Sequence[Any]) -> Priced:
    """Price every entry of ``entries`` (rows with an entry's columns) from one read of
    the facts; an entry that cannot be priced is refused, the others still priced so
    that every refusal can be reported at once."""
    facts = load_facts(session, entries)
    terms: dict[tuple[Any, ...], Terms | DomainError] = {}
    found_of: list[tuple[Any, Terms | DomainError]] = []
    for entry in entries:
        key = (entry.kind, entry.project_id, entry.role_id, entry.category_id,
               entry.product_id, entry.unit_price)  # fmt: skip
        if key not in terms:
            try:
                terms[key] = terms_of(entry, facts)
            except DomainError as refusal:
                terms[key] = refusal
        found_of.append((entry, terms[key]))
    # A converted price depends on the entry's date: its rates are read for the set.
    rates = rates_for(
        session,
        ((e, t.conversion) for e, t in found_of if isinstance(t, Terms) and t.conversion),
    )
    priced = Priced()
    for entry, found in found_of:
        try:
            if isinstance(found, DomainError):
                raise found
            if found.conversion is not None:
                found = replace(found, price=rates.price(entry, found.conversion))
            priced.rows.extend(actuals_of(entry, found))
        except DomainError as refusal:  # no price, no rate, or beyond the largest amount
            priced.refused[entry.id] = refusal
    return priced


def insert_actuals(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Write approved entries' actuals in one executemany INSERT.

    On the table, not the ORM class: the ORM's bulk insert splits the rows wherever the
    columns that are None change, which here is every other row (cost, then sales).
    """
    if rows:
        session.execute(insert(cast(Table, Actual.__table__)), list(rows))
