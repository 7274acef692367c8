"""Use cases for master data: customers, roles, resources, categories, products,
price lists, projects and tasks. Contracts live in :mod:`billable.masterdata.contracts`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.documents import parties
from billable.domain.errors import Invalid
from billable.erp import fields as erp_fields
from billable.persistence.lookups import get, ref
from billable.persistence.tables import (
    Base,
    CategoryPrice,
    Customer,
    PriceList,
    Product,
    ProductPrice,
    Project,
    Resource,
    Role,
    RolePrice,
    Task,
    TransactionCategory,
)
from billable.persistence.uow import UnitOfWork

Fields = Mapping[str, Any]


@dataclass(frozen=True)
class Kind:
    """How one master data resource is validated and written."""

    model: type[Base]
    what: str
    #: input field -> (referenced table, what it is)
    refs: Mapping[str, tuple[type[Base], str]] = field(default_factory=dict)
    #: extra writer for fields that are not plain columns (nested lists, bill-to...)
    write: Callable[[Session, Any, Fields], None] | None = None


def _write_customer(session: Session, row: Customer, fields: Fields) -> None:
    if "currency" in fields:
        currency(fields["currency"])
    _write_bill_to(row, fields.get("bill_to"))
    erp_fields.write(session, row, fields)
    parties.write_buyer(session, row, fields)


def _write_bill_to(row: Any, bill_to: Mapping[str, Any] | None) -> None:
    if bill_to is None:
        return
    for key, value in bill_to.items():
        setattr(row, f"bill_to_{key}", value if value is not None else "")


def _write_price_list(session: Session, row: PriceList, fields: Fields) -> None:
    if "currency" in fields:
        currency(fields["currency"])
    if fields.get("role_prices") is not None:
        _clear(session, row.role_prices)
        _unique(fields["role_prices"], "role_id", "role_prices")
        row.role_prices = [
            RolePrice(
                role_id=ref(session, Role, p["role_id"], f"role_prices[{i}].role_id", "role").id,
                price=p["price"],
            )
            for i, p in enumerate(fields["role_prices"])
        ]
    if fields.get("category_prices") is not None:
        _clear(session, row.category_prices)
        _unique(fields["category_prices"], "category_id", "category_prices")
        row.category_prices = [
            CategoryPrice(
                category_id=ref(
                    session,
                    TransactionCategory,
                    p["category_id"],
                    f"category_prices[{i}].category_id",
                    "transaction category",
                ).id,
                method=p["method"],
                value=p["value"],
            )
            for i, p in enumerate(fields["category_prices"])
        ]
    if fields.get("product_prices") is not None:
        _clear(session, row.product_prices)
        _unique(fields["product_prices"], "product_id", "product_prices")
        row.product_prices = [
            ProductPrice(
                product_id=ref(
                    session, Product, p["product_id"], f"product_prices[{i}].product_id", "product"
                ).id,
                price=p["price"],
            )
            for i, p in enumerate(fields["product_prices"])
        ]


def _clear(session: Session, children: list[Any]) -> None:
    """Delete a price list's old prices before the new ones are added: replacing the
    list in one flush would insert (price list, role) twice before deleting."""
    children.clear()
    session.flush()


def _unique(items: list[Mapping[str, Any]], key: str, field_name: str) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        value = str(item[key])
        if value in seen:
            raise Invalid.field(f"{field_name}[{i}].{key}", f"{value} is listed twice")
        seen.add(value)


def _write_project(session: Session, row: Project, fields: Fields) -> None:
    if "cost_price_list_id" in fields:
        price_list = session.get(PriceList, int(fields["cost_price_list_id"]))
        if price_list is not None and price_list.context != "cost":
            raise Invalid.field("cost_price_list_id", "must be a price list of context 'cost'")
    erp_fields.write(session, row, fields)


KINDS: dict[str, Kind] = {
    "customer": Kind(Customer, "customer", write=_write_customer),
    "role": Kind(Role, "role"),
    "resource": Kind(Resource, "resource", {"default_role_id": (Role, "role")}),
    "transaction_category": Kind(
        TransactionCategory, "transaction category", write=erp_fields.write
    ),
    "product": Kind(Product, "product", write=erp_fields.write),
    "price_list": Kind(PriceList, "price list", write=_write_price_list),
    "project": Kind(
        Project,
        "project",
        {"customer_id": (Customer, "customer"), "cost_price_list_id": (PriceList, "price list")},
        write=_write_project,
    ),
    "task": Kind(Task, "task", {"project_id": (Project, "project")}),
}

#: Fields their kind's writer sets (checked first), not copied as they come.
_NESTED = {
    "bill_to",
    "role_prices",
    "category_prices",
    "product_prices",
    "sales_tax_group",
    "item_sales_tax_group",
    "legal_entity_id",
    "dimensions",
    *parties.NESTED,
}


def _apply(session: Session, kind: Kind, row: Any, fields: Fields) -> None:
    for name, (model, what) in kind.refs.items():
        if name in fields:
            setattr(row, name, ref(session, model, fields[name], name, what).id)  # type: ignore[attr-defined]
    for name, value in fields.items():
        if name not in kind.refs and name not in _NESTED:
            setattr(row, name, value)
    if kind.write is not None:
        kind.write(session, row, fields)


def create(uow: UnitOfWork, kind_name: str, fields: Fields) -> int:
    """Create one master data row of ``kind_name`` from validated ``fields``."""
    kind = KINDS[kind_name]
    with uow:
        row = kind.model()
        _apply(uow.session, kind, row, fields)
        uow.session.add(row)
        uow.session.flush()
        ident: int = row.id  # type: ignore[attr-defined]
        uow.commit()
    return ident


def update(uow: UnitOfWork, kind_name: str, ident: str, fields: Fields) -> int:
    """Change the given ``fields`` of a master data row (PATCH)."""
    kind = KINDS[kind_name]
    with uow:
        row = get(uow.session, kind.model, ident, kind.what)
        _apply(uow.session, kind, row, fields)
        uow.session.flush()
        key: int = row.id  # type: ignore[attr-defined]
        uow.commit()
    return key
