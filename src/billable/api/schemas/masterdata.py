"""Master data requests and responses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from billable.api.schemas.common import (
    Amount,
    BillTo,
    BillToOut,
    BillToPatch,
    CurrencyCode,
    DecimalText,
    Id,
    Input,
    Name,
    Patch,
    Price,
    Quantity,
    Text,
)

TransactionClassIn = Literal["time", "expense", "material", "fee"]


class CustomerIn(Input):
    name: Name
    currency: CurrencyCode
    bill_to: BillTo
    vat_id: str | None = Field(default=None, max_length=40)


class CustomerPatch(Patch):
    nullable = frozenset(["vat_id"])

    name: Name | None = None
    currency: CurrencyCode | None = None
    bill_to: BillToPatch | None = None
    vat_id: str | None = Field(default=None, max_length=40)


class CustomerOut(BaseModel):
    id: str
    name: str
    currency: str
    bill_to: BillToOut
    vat_id: str | None


class RoleIn(Input):
    name: Name


class RolePatch(Patch):
    name: Name | None = None


class RoleOut(BaseModel):
    id: str
    name: str


class ResourceIn(Input):
    name: Name
    default_role_id: Id


class ResourcePatch(Patch):
    name: Name | None = None
    default_role_id: Id | None = None


class ResourceOut(BaseModel):
    id: str
    name: str
    default_role_id: str


class CategoryIn(Input):
    name: Name
    transaction_class: TransactionClassIn


class CategoryPatch(Patch):
    name: Name | None = None


class CategoryOut(BaseModel):
    id: str
    name: str
    transaction_class: str


class ProductIn(Input):
    name: Name
    unit: str = Field(min_length=1, max_length=20)
    list_price: Price


class ProductPatch(Patch):
    name: Name | None = None
    unit: str | None = Field(default=None, min_length=1, max_length=20)
    list_price: Price | None = None


class ProductOut(BaseModel):
    id: str
    name: str
    unit: str
    list_price: DecimalText


class RolePriceIn(Input):
    role_id: Id
    price: Price


class CategoryPriceIn(Input):
    category_id: Id
    method: Literal["price_per_unit", "at_cost", "markup_percent"]
    value: Price = Field(default=Decimal(0))


class ProductPriceIn(Input):
    product_id: Id
    price: Price


class PriceListIn(Input):
    name: Name
    currency: CurrencyCode
    context: Literal["sales", "cost"]
    role_prices: list[RolePriceIn] = []
    category_prices: list[CategoryPriceIn] = []
    product_prices: list[ProductPriceIn] = []


class PriceListPatch(Patch):
    name: Name | None = None
    role_prices: list[RolePriceIn] | None = None
    category_prices: list[CategoryPriceIn] | None = None
    product_prices: list[ProductPriceIn] | None = None


class RolePriceOut(BaseModel):
    role_id: str
    price: DecimalText


class CategoryPriceOut(BaseModel):
    category_id: str
    method: str
    value: DecimalText


class ProductPriceOut(BaseModel):
    product_id: str
    price: DecimalText


class PriceListOut(BaseModel):
    id: str
    name: str
    currency: str
    context: str
    role_prices: list[RolePriceOut]
    category_prices: list[CategoryPriceOut]
    product_prices: list[ProductPriceOut]


class ProjectIn(Input):
    name: Name
    customer_id: Id
    cost_price_list_id: Id


class ProjectPatch(Patch):
    name: Name | None = None
    cost_price_list_id: Id | None = None


class ProjectOut(BaseModel):
    id: str
    name: str
    customer_id: str
    cost_price_list_id: str


class TaskIn(Input):
    name: Name


class TaskPatch(Patch):
    name: Name | None = None


class TaskOut(BaseModel):
    id: str
    project_id: str
    name: str


class ContractIn(Input):
    name: Name
    customer_id: Id
    currency: CurrencyCode
    price_list_id: Id
    opportunity: str | None = Field(default=None, max_length=200)
    description: Text | None = None
    bill_to: BillTo | None = None


class ContractPatch(Patch):
    nullable = frozenset(["description", "opportunity"])

    name: Name | None = None
    opportunity: str | None = Field(default=None, max_length=200)
    description: Text | None = None
    bill_to: BillToPatch | None = None


class ContractOut(BaseModel):
    id: str
    name: str
    customer_id: str
    currency: str
    price_list_id: str
    opportunity: str | None
    description: str | None
    bill_to: BillToOut
    line_ids: list[str]


class ScheduleIn(Input):
    frequency: Literal["daily", "weekly", "biweekly", "semimonthly", "monthly"]
    start_date: dt.date


class ContractLineIn(Input):
    name: Name
    kind: Literal["project", "product"]
    billing_method: Literal["time_and_material", "fixed_price"] | None = None
    project_id: Id | None = None
    transaction_classes: list[TransactionClassIn] = []
    amount: Amount | None = None
    invoice_schedule: ScheduleIn | None = None
    product_id: Id | None = None
    write_in_name: Name | None = None
    quantity: Quantity | None = None
    unit_price: Price | None = None
    ready_to_invoice: bool = False
    date: dt.date | None = Field(
        default=None, description="A product line's own invoice date (automated runs)."
    )


class ContractLinePatch(Patch):
    nullable = frozenset(["amount", "date", "invoice_schedule"])

    name: Name | None = None
    transaction_classes: list[TransactionClassIn] | None = None
    amount: Amount | None = None
    invoice_schedule: ScheduleIn | None = None
    ready_to_invoice: bool | None = None
    date: dt.date | None = None


class ScheduleOut(BaseModel):
    frequency: str
    start_date: dt.date


class ContractLineOut(BaseModel):
    id: str
    contract_id: str
    name: str
    kind: str
    billing_method: str | None
    project_id: str | None
    transaction_classes: list[str]
    amount: DecimalText | None
    invoice_schedule: ScheduleOut | None
    run_dates: list[dt.date]
    next_run_date: dt.date | None
    product_id: str | None
    write_in_name: str | None
    quantity: DecimalText | None
    unit_price: DecimalText | None
    ready_to_invoice: bool | None
    product_status: str | None
    date: dt.date | None


class MilestoneIn(Input):
    name: Name
    description: Text = ""
    date: dt.date
    amount: Amount = Field(gt=0)
    tax: Amount | None = Field(default=None, ge=0)
    kind: Literal["fixed", "progress"] = "fixed"


class MilestoneOut(BaseModel):
    id: str
    contract_line_id: str
    name: str
    description: str
    date: dt.date
    amount: DecimalText
    tax: DecimalText
    kind: str
    status: str
    ready_amount: DecimalText
    invoiced_amount: DecimalText
    remaining_amount: DecimalText


class MilestoneReadyIn(Input):
    amount: Amount | None = Field(default=None, gt=0)
