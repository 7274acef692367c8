"""Contract requests and responses: contracts, their lines, schedules and milestones."""

from __future__ import annotations

import datetime as dt
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
    StrictBool,
    Text,
)
from billable.api.schemas.documents import ContractTermsIn, ContractTermsOut
from billable.api.schemas.erp import Code, TransactionClassIn
from billable.api.schemas.masterdata import ERP_NULLABLE, Dimensions
from billable.domain.schedule import LineKind


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
    kind: LineKind
    billing_method: Literal["time_and_material", "fixed_price"] | None = None
    project_id: Id | None = None
    transaction_classes: list[TransactionClassIn] = []
    amount: Amount | None = None
    invoice_schedule: ScheduleIn | None = None
    product_id: Id | None = None
    write_in_name: Name | None = None
    quantity: Quantity | None = None
    unit_price: Price | None = None
    ready_to_invoice: StrictBool = False
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
    ready_to_invoice: StrictBool | None = None
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
