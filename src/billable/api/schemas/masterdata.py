"""Master data requests and responses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

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
from billable.api.schemas.documents import (
    BUYER_NULLABLE,
    BuyerFieldsIn,
    BuyerFieldsOut,
    ContractTermsIn,
    ContractTermsOut,
)
from billable.api.schemas.erp import Code, DimensionValue

TransactionClassIn = Literal["time", "expense", "material", "fee"]
#: Financial dimensions ``{name: value}`` (names of /financial-dimensions, their values).
Dimensions = dict[Annotated[str, Field(min_length=1, max_length=100)], DimensionValue]
#: The ERP fields PATCH may clear with null.
ERP_NULLABLE = frozenset(["sales_tax_group", "item_sales_tax_group", "dimensions"])


class CustomerIn(Input, BuyerFieldsIn):
    name: Name
    currency: CurrencyCode
    bill_to: BillTo
    vat_id: str | None = Field(default=None, max_length=40)
    sales_tax_group: Code | None = None


class CustomerPatch(Patch, BuyerFieldsIn):
    nullable = frozenset(["vat_id"]) | ERP_NULLABLE | BUYER_NULLABLE

    name: Name | None = None
    currency: CurrencyCode | None = None
    bill_to: BillToPatch | None = None
    vat_id: str | None = Field(default=None, max_length=40)
    sales_tax_group: Code | None = None


class CustomerOut(BuyerFieldsOut):
    id: str
    name: str
    currency: str
    bill_to: BillToOut
    vat_id: str | None
    sales_tax_group: str | None


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
    item_sales_tax_group: Code | None = None


class CategoryPatch(Patch):
    nullable = ERP_NULLABLE

    name: Name | None = None
    item_sales_tax_group: Code | None = None


class CategoryOut(BaseModel):
    id: str
    name: str
    transaction_class: str
    item_sales_tax_group: str | None


class ProductIn(Input):
    name: Name
    unit: str = Field(min_length=1, max_length=20)
    list_price: Price
    item_sales_tax_group: Code | None = None


class ProductPatch(Patch):
    nullable = ERP_NULLABLE

    name: Name | None = None
    unit: str | None = Field(default=None, min_length=1, max_length=20)
    list_price: Price | None = None
    item_sales_tax_group: Code | None = None


class ProductOut(BaseModel):
    id: str
    name: str
    unit: str
    list_price: DecimalText
    item_sales_tax_group: str | None


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
    legal_entity_id: Id | None = Field(default=None, description="Default: the first.")
    sales_tax_group: Code | None = None
    dimensions: Dimensions | None = None


class ProjectPatch(Patch):
    nullable = ERP_NULLABLE | {"legal_entity_id"}

    name: Name | None = None
    cost_price_list_id: Id | None = None
    legal_entity_id: Id | None = Field(default=None, description="null: the first.")
    sales_tax_group: Code | None = None
    dimensions: Dimensions | None = None


class ProjectOut(BaseModel):
    id: str
    name: str
    customer_id: str
    cost_price_list_id: str
    legal_entity_id: str | None
    sales_tax_group: str | None
    dimensions: dict[str, str] | None


class TaskIn(Input):
    name: Name


class TaskPatch(Patch):
    name: Name | None = None


class TaskOut(BaseModel):
    id: str
    project_id: str
    name: str


class ContractIn(Input, ContractTermsIn):
    name: Name
    customer_id: Id
    currency: CurrencyCode
    price_list_id: Id
    opportunity: str | None = Field(default=None, max_length=200)
    description: Text | None = None
    bill_to: BillTo | None = None
    legal_entity_id: Id | None = Field(default=None, description="Default: the first.")
    sales_tax_group: Code | None = None


class ContractPatch(Patch, ContractTermsIn):
    nullable = (
        frozenset(["description", "opportunity", "legal_entity_id", "payment_terms"]) | ERP_NULLABLE
    )

    name: Name | None = None
    opportunity: str | None = Field(default=None, max_length=200)
    description: Text | None = None
    bill_to: BillToPatch | None = None
    legal_entity_id: Id | None = Field(default=None, description="null: the first.")
    sales_tax_group: Code | None = None


class ContractOut(ContractTermsOut):
    id: str
    name: str
    customer_id: str
    currency: str
    price_list_id: str
    opportunity: str | None
    description: str | None
    bill_to: BillToOut
    line_ids: list[str]
    legal_entity_id: str | None
    sales_tax_group: str | None


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
    dimensions: Dimensions | None = None


class ContractLinePatch(Patch):
    nullable = frozenset(["amount", "date", "invoice_schedule"]) | ERP_NULLABLE

    name: Name | None = None
    transaction_classes: list[TransactionClassIn] | None = None
    amount: Amount | None = None
    invoice_schedule: ScheduleIn | None = None
    ready_to_invoice: bool | None = None
    date: dt.date | None = None
    dimensions: Dimensions | None = None


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
    dimensions: dict[str, str] | None


class MilestoneIn(Input):
    name: Name
    description: Text = ""
    date: dt.date
    amount: Amount = Field(gt=0)
    tax: Amount | None = Field(default=None, ge=0)
    kind: Literal["fixed", "progress"] = "fixed"
    sales_tax_group: Code | None = Field(default=None, description="Default: by the method.")
    item_sales_tax_group: Code | None = Field(
        default=None, description="Default: the fixed price milestone item sales tax group."
    )
    dimensions: Dimensions | None = Field(default=None, description="Default: the line's.")


class MilestonePatch(Patch):
    """The on-account attributes, editable until the milestone's invoice is confirmed.
    A group changed without ``tax`` recomputes the tax from the groups."""

    nullable = ERP_NULLABLE

    sales_tax_group: Code | None = None
    item_sales_tax_group: Code | None = None
    dimensions: Dimensions | None = None
    tax: Amount | None = Field(default=None, ge=0)


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
    sales_tax_group: str | None
    item_sales_tax_group: str | None
    dimensions: dict[str, str] | None


class MilestoneReadyIn(Input):
    amount: Amount | None = Field(default=None, gt=0)
