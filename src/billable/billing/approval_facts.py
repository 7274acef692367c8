"""Everything pricing a set of entries needs, read in a few set queries.

Approving ten thousand entries reads each table once: the projects, the contract lines
covering their classes, those lines' contracts and customers, the price lists, the role,
product and category prices, the products and categories, the parameters and the tax
groups and codes. :mod:`billable.billing.approval` then prices every entry from these
facts with the domain's rules, without another query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from billable.billing.entry_fields import by_keys, in_chunks, rows_by_key
from billable.domain.pricing import CategoryMethod
from billable.domain.tax import ItemSalesTaxGroup as ItemGroupFact
from billable.domain.tax import SalesTaxGroup as SalesGroupFact
from billable.domain.tax import TaxCode as TaxCodeFact
from billable.erp.parameters import parameters
from billable.persistence.tables import (
    CategoryPrice,
    Contract,
    ContractLine,
    ContractLineClass,
    Customer,
    ItemSalesTaxGroup,
    PriceList,
    Product,
    ProductPrice,
    Project,
    RolePrice,
    SalesTaxGroup,
    TaxCode,
    TransactionCategory,
)


@dataclass(frozen=True)
class Prices:
    """Price list entries by (price list, role / product / category)."""

    roles: Mapping[tuple[int, int], Decimal]
    products: Mapping[tuple[int, int], Decimal]
    categories: Mapping[tuple[int, int], tuple[CategoryMethod, Decimal]]


@dataclass(frozen=True)
class PricingFacts:
    """Master data rows by key; each value is a row with the named columns."""

    projects: Mapping[int, Any]
    #: (project_id, transaction_class) -> the contract line including it.
    lines: Mapping[tuple[int, str], Any]
    contracts: Mapping[int, Any]
    customer_groups: Mapping[int, str | None]
    price_lists: Mapping[int, Any]
    prices: Prices
    category_groups: Mapping[int, str | None]
    products: Mapping[int, Any]
    parameters: Mapping[str, Any]
    sales_groups: Mapping[str, SalesGroupFact]
    item_groups: Mapping[str, ItemGroupFact]
    tax_codes: tuple[TaxCodeFact, ...]


#: The statements a set of entries is priced from, built once (see ``by_keys``).
_PROJECTS = by_keys(
    Project.id, Project.customer_id, Project.cost_price_list_id, Project.sales_tax_group
)
_CONTRACTS = by_keys(
    Contract.id,
    Contract.customer_id,
    Contract.currency,
    Contract.price_list_id,
    Contract.sales_tax_group,
)
_CUSTOMERS = by_keys(Customer.id, Customer.sales_tax_group)
_PRICE_LISTS = by_keys(PriceList.id, PriceList.name, PriceList.currency)
_CATEGORIES = by_keys(TransactionCategory.id, TransactionCategory.item_sales_tax_group)
_PRODUCTS = by_keys(Product.id, Product.unit, Product.list_price, Product.item_sales_tax_group)
_SALES_GROUPS = by_keys(SalesTaxGroup.code, SalesTaxGroup.tax_codes)
_ITEM_GROUPS = by_keys(ItemSalesTaxGroup.code, ItemSalesTaxGroup.tax_codes)
_TAX_CODES = by_keys(TaxCode.code, TaxCode.rate)
#: The line covering each (project, class): unique per pair (ContractLineClass).
_LINES = (
    select(
        ContractLineClass.project_id,
        ContractLineClass.transaction_class,
        ContractLine.id,
        ContractLine.contract_id,
        ContractLine.billing_method,
    )
    .join(ContractLine, ContractLine.id == ContractLineClass.contract_line_id)
    .where(
        ContractLineClass.project_id.in_(bindparam("keys", expanding=True)),
        ContractLineClass.transaction_class.in_(bindparam("classes", expanding=True)),
    )
)


_ROLE_PRICES = select(RolePrice.price_list_id, RolePrice.role_id, RolePrice.price).where(
    RolePrice.role_id.in_(bindparam("keys", expanding=True)),
    RolePrice.price_list_id.in_(bindparam("lists", expanding=True)),
)
_PRODUCT_PRICES = select(
    ProductPrice.price_list_id, ProductPrice.product_id, ProductPrice.price
).where(
    ProductPrice.product_id.in_(bindparam("keys", expanding=True)),
    ProductPrice.price_list_id.in_(bindparam("lists", expanding=True)),
)
_CATEGORY_PRICES = select(
    CategoryPrice.price_list_id,
    CategoryPrice.category_id,
    CategoryPrice.method,
    CategoryPrice.value,
).where(
    CategoryPrice.category_id.in_(bindparam("keys", expanding=True)),
    CategoryPrice.price_list_id.in_(bindparam("lists", expanding=True)),
)


def _lines(session: Session, projects: set[int], classes: set[str]) -> dict[tuple[int, str], Any]:
    found: dict[tuple[int, str], Any] = {}
    for chunk in in_chunks(sorted(projects)):
        params = {"keys": chunk, "classes": sorted(classes)}
        for row in session.execute(_LINES, params):
            found[(row.project_id, row.transaction_class)] = row
    return found


def _price_rows(session: Session, stmt: Any, lists: set[int], keys: set[Any]) -> list[Any]:
    """The rows of a price statement for ``lists`` and ``keys`` (price list, key, ...)."""
    return [
        row
        for chunk in in_chunks(sorted(k for k in keys if k is not None))
        for row in session.execute(stmt, {"keys": chunk, "lists": sorted(lists)})
    ]


def _tax(
    session: Session, sales_codes: set[Any], item_codes: set[Any]
) -> tuple[dict[str, SalesGroupFact], dict[str, ItemGroupFact], tuple[TaxCodeFact, ...]]:
    """The sales and item sales tax groups named, and every tax code they list."""
    sales = {
        code: SalesGroupFact(code, frozenset(row.tax_codes))
        for code, row in rows_by_key(session, _SALES_GROUPS, sales_codes).items()
    }
    items = {
        code: ItemGroupFact(code, frozenset(row.tax_codes))
        for code, row in rows_by_key(session, _ITEM_GROUPS, item_codes).items()
    }
    named = {code for group in sales.values() for code in group.tax_codes}
    named |= {code for group in items.values() for code in group.tax_codes}
    rates = rows_by_key(session, _TAX_CODES, named)
    return sales, items, tuple(TaxCodeFact(code, row.rate) for code, row in rates.items())


def _prices(session: Session, lists: set[int], entries: Sequence[Any]) -> Prices:
    """The role, product and category prices of ``lists`` for what ``entries`` name."""
    roles = _price_rows(session, _ROLE_PRICES, lists, {e.role_id for e in entries})
    products = _price_rows(session, _PRODUCT_PRICES, lists, {e.product_id for e in entries})
    categories = _price_rows(session, _CATEGORY_PRICES, lists, {e.category_id for e in entries})
    return Prices(
        {(p.price_list_id, p.role_id): p.price for p in roles},
        {(p.price_list_id, p.product_id): p.price for p in products},
        {(p.price_list_id, p.category_id): (CategoryMethod(p.method), p.value) for p in categories},
    )


def load_facts(session: Session, entries: Sequence[Any]) -> PricingFacts:
    """The facts pricing ``entries`` (rows with an entry's columns) needs."""
    projects = rows_by_key(session, _PROJECTS, {e.project_id for e in entries})
    lines = _lines(session, set(projects), {e.kind for e in entries})
    contracts = rows_by_key(session, _CONTRACTS, {line.contract_id for line in lines.values()})
    customers = rows_by_key(session, _CUSTOMERS, {c.customer_id for c in contracts.values()})
    list_ids = {p.cost_price_list_id for p in projects.values()}
    list_ids |= {c.price_list_id for c in contracts.values()}
    categories = rows_by_key(session, _CATEGORIES, {e.category_id for e in entries})
    products = rows_by_key(session, _PRODUCTS, {e.product_id for e in entries})
    owners = [*projects.values(), *contracts.values(), *customers.values()]
    things = [*categories.values(), *products.values()]
    sales_groups, item_groups, tax_codes = _tax(
        session,
        {row.sales_tax_group for row in owners},
        {row.item_sales_tax_group for row in things},
    )
    return PricingFacts(
        projects=projects,
        lines=lines,
        contracts=contracts,
        customer_groups={ident: row.sales_tax_group for ident, row in customers.items()},
        price_lists=rows_by_key(session, _PRICE_LISTS, list_ids),
        prices=_prices(session, list_ids, entries),
        category_groups={ident: row.item_sales_tax_group for ident, row in categories.items()},
        products=products,
        parameters=parameters(session),
        sales_groups=sales_groups,
        item_groups=item_groups,
        tax_codes=tax_codes,
    )
