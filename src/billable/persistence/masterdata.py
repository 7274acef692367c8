"""Master data tables: customers, roles, resources, categories, products, price lists,
projects, tasks, contracts, contract lines and milestones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from billable.domain.vocabulary import MilestoneState
from billable.persistence.base import Base
from billable.persistence.types import Amount, Price, Quantity

if TYPE_CHECKING:
    from billable.persistence.documents import PaymentTerms


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    bill_to_name: Mapped[str] = mapped_column(String(200))
    bill_to_street: Mapped[str] = mapped_column(String(200), default="")
    bill_to_city: Mapped[str] = mapped_column(String(100), default="")
    bill_to_postal_code: Mapped[str] = mapped_column(String(20), default="")
    bill_to_country: Mapped[str] = mapped_column(String(2), default="")
    vat_id: Mapped[str | None] = mapped_column(String(40))
    #: Billing sales tax group (ERP side): who is billed.
    sales_tax_group: Mapped[str | None] = mapped_column(String(20))
    # Where and how the customer receives its invoices (issue 10).
    billing_email: Mapped[str | None] = mapped_column(String(320))
    endpoint_scheme: Mapped[str | None] = mapped_column(String(10))
    endpoint_id: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(5), default="en")
    payment_terms_id: Mapped[int | None] = mapped_column(ForeignKey("payment_terms.id"))
    payment_terms: Mapped[PaymentTerms | None] = relationship()


class Role(Base):
    __tablename__ = "roles"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Resource(Base):
    __tablename__ = "resources"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    default_role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"))


class TransactionCategory(Base):
    __tablename__ = "transaction_categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    transaction_class: Mapped[str] = mapped_column(String(20))
    #: Billing item sales tax group (ERP side): what is billed.
    item_sales_tax_group: Mapped[str | None] = mapped_column(String(20))


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    list_price: Mapped[Decimal] = mapped_column(Price())
    #: Item sales tax group of the released product (material by item, product lines).
    item_sales_tax_group: Mapped[str | None] = mapped_column(String(20))


class PriceList(Base):
    __tablename__ = "price_lists"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    context: Mapped[str] = mapped_column(String(10))
    role_prices: Mapped[list[RolePrice]] = relationship(
        cascade="all, delete-orphan", order_by="RolePrice.id"
    )
    category_prices: Mapped[list[CategoryPrice]] = relationship(
        cascade="all, delete-orphan", order_by="CategoryPrice.id"
    )
    product_prices: Mapped[list[ProductPrice]] = relationship(
        cascade="all, delete-orphan", order_by="ProductPrice.id"
    )


class RolePrice(Base):
    __tablename__ = "role_prices"
    __table_args__ = (UniqueConstraint("price_list_id", "role_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id"))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"))
    price: Mapped[Decimal] = mapped_column(Price())


class CategoryPrice(Base):
    __tablename__ = "category_prices"
    __table_args__ = (UniqueConstraint("price_list_id", "category_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("transaction_categories.id"))
    method: Mapped[str] = mapped_column(String(20))
    value: Mapped[Decimal] = mapped_column(Price())


class ProductPrice(Base):
    __tablename__ = "product_prices"
    __table_args__ = (UniqueConstraint("price_list_id", "product_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    price: Mapped[Decimal] = mapped_column(Price())


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    cost_price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id"))
    #: None: the default (first) legal entity.
    legal_entity_id: Mapped[int | None] = mapped_column(ForeignKey("legal_entities.id"))
    sales_tax_group: Mapped[str | None] = mapped_column(String(20))
    #: Default financial dimensions ``{name: value}`` of its journal lines.
    dimensions: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Task(Base):
    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))


class Contract(Base):
    __tablename__ = "contracts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    currency: Mapped[str] = mapped_column(String(3))
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id"))
    opportunity: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(2000))
    #: None: the default (first) legal entity.
    legal_entity_id: Mapped[int | None] = mapped_column(ForeignKey("legal_entities.id"))
    sales_tax_group: Mapped[str | None] = mapped_column(String(20))
    bill_to_name: Mapped[str] = mapped_column(String(200))
    bill_to_street: Mapped[str] = mapped_column(String(200), default="")
    bill_to_city: Mapped[str] = mapped_column(String(100), default="")
    bill_to_postal_code: Mapped[str] = mapped_column(String(20), default="")
    bill_to_country: Mapped[str] = mapped_column(String(2), default="")
    #: Overrides the customer's payment terms (issue 10).
    payment_terms_id: Mapped[int | None] = mapped_column(ForeignKey("payment_terms.id"))
    payment_terms: Mapped[PaymentTerms | None] = relationship()
    lines: Mapped[list[ContractLine]] = relationship(order_by="ContractLine.id")


class ContractLine(Base):
    __tablename__ = "contract_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # project | product
    billing_method: Mapped[str | None] = mapped_column(String(20))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    amount: Mapped[Decimal | None] = mapped_column(Amount())
    schedule_frequency: Mapped[str | None] = mapped_column(String(20))
    schedule_start_date: Mapped[dt.date | None] = mapped_column(Date)
    # Product-based lines.
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    write_in_name: Mapped[str | None] = mapped_column(String(200))
    quantity: Mapped[Decimal | None] = mapped_column(Quantity())
    unit_price: Mapped[Decimal | None] = mapped_column(Price())
    product_status: Mapped[str | None] = mapped_column(String(30))
    #: A product line's own invoice date: automated runs take it from this date on.
    date: Mapped[dt.date | None] = mapped_column(Date)
    #: Default financial dimensions of its fixed-price milestones ``{name: value}``.
    dimensions: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    classes: Mapped[list[ContractLineClass]] = relationship(
        cascade="all, delete-orphan", order_by="ContractLineClass.transaction_class"
    )


class ContractLineClass(Base):
    """A transaction class a project-based line includes.

    Unique per project: an approved entry of a project and class finds exactly one
    contract line, so pricing and invoicing are never ambiguous.
    """

    __tablename__ = "contract_line_classes"
    __table_args__ = (UniqueConstraint("project_id", "transaction_class"),)
    contract_line_id: Mapped[int] = mapped_column(ForeignKey("contract_lines.id"), primary_key=True)
    transaction_class: Mapped[str] = mapped_column(String(20), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))


class Milestone(Base):
    __tablename__ = "milestones"
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_line_id: Mapped[int] = mapped_column(ForeignKey("contract_lines.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")
    date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Amount())
    tax: Mapped[Decimal] = mapped_column(Amount())
    kind: Mapped[str] = mapped_column(String(10))  # fixed | progress
    status: Mapped[str] = mapped_column(String(30), default=MilestoneState.NOT_READY)
    #: The part to bill on the next invoice (progress milestones; fixed: the amount).
    ready_amount: Mapped[Decimal] = mapped_column(Amount())
    #: Tax of the ready part, fixed when it is made ready (prorated for progress).
    ready_tax: Mapped[Decimal] = mapped_column(Amount(), default=Decimal(0))
    #: Net amount on confirmed invoices so far.
    invoiced_amount: Mapped[Decimal] = mapped_column(Amount())
    # The on-account transaction's financial attributes (seed 003): defaulted when the
    # milestone is made, editable until its invoice proposal exists.
    sales_tax_group: Mapped[str | None] = mapped_column(String(20))
    item_sales_tax_group: Mapped[str | None] = mapped_column(String(20))
    dimensions: Mapped[dict[str, Any] | None] = mapped_column(JSON)
