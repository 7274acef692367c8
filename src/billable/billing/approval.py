"""Approval writes a cost actual and, where a contract line covers it, an unbilled sales
actual priced from the contract's price list (rules.md "Actuals")."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain.errors import Invalid
from billable.domain.money import ZERO, extend
from billable.domain.pricing import CategoryMethod, category_price, require_price
from billable.erp import defaults as erp_defaults
from billable.persistence.tables import (
    Actual,
    CategoryPrice,
    Contract,
    ContractLine,
    ContractLineClass,
    Entry,
    PriceList,
    Product,
    ProductPrice,
    Project,
    RolePrice,
)


def covering_line(session: Session, project_id: int, transaction_class: str) -> ContractLine | None:
    """The one contract line of ``project_id`` that includes ``transaction_class``."""
    return session.scalars(
        select(ContractLine)
        .join(ContractLineClass, ContractLineClass.contract_line_id == ContractLine.id)
        .where(
            ContractLineClass.project_id == project_id,
            ContractLineClass.transaction_class == transaction_class,
        )
    ).first()


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


def unit_of(session: Session, entry_kind: str, product_id: int | None) -> str:
    """The unit an entry's quantity is measured in."""
    if entry_kind == "time":
        return "hour"
    if entry_kind == "material" and product_id is not None:
        product = session.get(Product, product_id)
        return product.unit if product else "each"
    return "each"


def cost_price(session: Session, entry: Entry, cost_list: PriceList) -> Decimal:
    """The unit cost of an entry: role or product price on the cost list; an expense's own
    unit price; fees carry no internal cost."""
    if entry.kind == "time":
        return require_price(
            role_price(session, cost_list.id, entry.role_id),
            "role_id",
            f"role {entry.role_id} on cost price list '{cost_list.name}'",
        )
    if entry.kind == "material":
        return require_price(
            product_price(session, cost_list.id, entry.product_id),
            "product_id",
            f"product {entry.product_id} on cost price list '{cost_list.name}'",
        )
    if entry.kind == "expense":
        assert entry.unit_price is not None
        return entry.unit_price
    return ZERO


def sales_price(
    session: Session, entry: Entry, sales_list: PriceList, cost_list: PriceList, unit_cost: Decimal
) -> Decimal:
    """The unit sales price of an entry on the contract's price list."""
    if entry.kind == "time":
        return require_price(
            role_price(session, sales_list.id, entry.role_id),
            "role_id",
            f"role {entry.role_id} on price list '{sales_list.name}'",
        )
    if entry.kind == "material":
        listed = product_price(session, sales_list.id, entry.product_id)
        if listed is not None:
            return listed
        product = session.get(Product, entry.product_id)
        assert product is not None
        return product.list_price
    own = entry.unit_price if entry.unit_price is not None else ZERO
    rule = session.scalars(
        select(CategoryPrice).where(
            CategoryPrice.price_list_id == sales_list.id,
            CategoryPrice.category_id == entry.category_id,
        )
    ).first()
    method = CategoryMethod(rule.method) if rule else CategoryMethod.AT_COST
    if method is not CategoryMethod.PRICE_PER_UNIT and sales_list.currency != cost_list.currency:
        raise Invalid.field(
            "category_id",
            f"pricing {method.value} needs the entry's cost in "
            f"{sales_list.currency}; the project's costs are in {cost_list.currency}",
        )
    return category_price(method, rule.value if rule else ZERO, own)


def write_actuals(session: Session, entry: Entry) -> None:
    """Write the cost actual and, when covered by a time-and-material line, the unbilled
    sales actual of an entry being approved."""
    project = session.get(Project, entry.project_id)
    assert project is not None
    cost_list = session.get(PriceList, project.cost_price_list_id)
    assert cost_list is not None
    unit_cost = cost_price(session, entry, cost_list)
    common = {
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
        "unit": unit_of(session, entry.kind, entry.product_id),
        "tax": ZERO,
        "description": entry.internal_comment if entry.kind == "time" else entry.description,
        "external_description": (
            entry.external_comment if entry.kind == "time" else entry.description
        ),
    }
    cost_cur = currency(cost_list.currency)
    session.add(
        Actual(
            transaction_type="cost",
            price=unit_cost,
            amount=extend(entry.quantity, unit_cost, cost_cur),
            currency=cost_cur.code,
            billing_type="chargeable",
            ready_to_invoice=False,
            **common,
        )
    )
    line = covering_line(session, entry.project_id, entry.kind)
    if line is None or line.billing_method != "time_and_material":
        return  # cost only: no line, or a fixed-price line billed by its milestones
    contract = session.get(Contract, line.contract_id)
    assert contract is not None
    sales_list = session.get(PriceList, contract.price_list_id)
    assert sales_list is not None
    price = sales_price(session, entry, sales_list, cost_list, unit_cost)
    sales_cur = currency(contract.currency)
    amount = extend(entry.quantity, price, sales_cur)
    tax = erp_defaults.tax_amount(
        session,
        amount,
        sales_cur.code,
        erp_defaults.billing_sales_tax_group(session, project.id, contract.id),
        erp_defaults.billing_item_tax_group(
            session, entry.kind, entry.category_id, entry.product_id
        ),
    )
    session.add(
        Actual(
            transaction_type="unbilled_sales",
            contract_id=contract.id,
            contract_line_id=line.id,
            price=price,
            amount=amount,
            currency=sales_cur.code,
            billing_type="chargeable",
            ready_to_invoice=False,
            **{**common, "tax": tax},
        )
    )
