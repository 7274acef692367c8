"""Master data requests and responses."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from billable.api.schemas.common import (
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
)
from billable.api.schemas.documents import BUYER_NULLABLE, BuyerFieldsIn, BuyerFieldsOut
from billable.api.schemas.erp import Code, DimensionValue, TransactionClassIn

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
    context: Literal["sales", "cost"]  # not vocabulary: a price list's context
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
