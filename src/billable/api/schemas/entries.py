"""Entries, actuals and backlog requests and responses."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field

from billable.api.schemas.common import (
    DecimalText,
    Id,
    Input,
    Patch,
    Price,
    PricedInput,
    Quantity,
    Text,
)
from billable.api.schemas.contracts import MilestoneOut
from billable.domain.vocabulary import BillingType, EntryState


class EntryStatusIn(StrEnum):
    """The states a new entry may take."""

    DRAFT = EntryState.DRAFT
    SUBMITTED = EntryState.SUBMITTED


#: The most rows one bulk request takes; more go in several requests.
BULK_MAX = 10_000


class TimeEntryIn(Input):
    resource_id: Id
    project_id: Id
    task_id: Id | None = None
    role_id: Id | None = None
    category_id: Id | None = None
    date: dt.date
    quantity: Quantity = Field(description="Hours, not negative.")
    internal_comment: Text = ""
    external_comment: Text = ""
    status: EntryStatusIn = EntryStatusIn.DRAFT


class TimeEntryPatch(Patch):
    nullable = frozenset(["category_id", "role_id", "task_id"])

    task_id: Id | None = None
    role_id: Id | None = None
    category_id: Id | None = None
    date: dt.date | None = None
    quantity: Quantity | None = None
    internal_comment: Text | None = None
    external_comment: Text | None = None


class ExpenseEntryIn(PricedInput):
    resource_id: Id
    project_id: Id
    task_id: Id | None = None
    category_id: Id
    date: dt.date
    quantity: Quantity
    unit_price: Price
    description: Text = ""
    status: EntryStatusIn = EntryStatusIn.DRAFT


class ExpenseEntryPatch(Patch):
    nullable = frozenset(["task_id"])

    task_id: Id | None = None
    category_id: Id | None = None
    date: dt.date | None = None
    quantity: Quantity | None = None
    unit_price: Price | None = None
    description: Text | None = None


class MaterialUsageIn(Input):
    project_id: Id
    task_id: Id | None = None
    product_id: Id
    category_id: Id | None = Field(
        default=None, description="A material category (its item sales tax group)."
    )
    date: dt.date
    quantity: Quantity
    status: EntryStatusIn = EntryStatusIn.DRAFT


class MaterialUsagePatch(Patch):
    nullable = frozenset(["task_id", "category_id"])

    task_id: Id | None = None
    product_id: Id | None = None
    category_id: Id | None = None
    date: dt.date | None = None
    quantity: Quantity | None = None


class FeeEntryIn(PricedInput):
    project_id: Id
    task_id: Id | None = None
    category_id: Id
    date: dt.date
    quantity: Quantity
    unit_price: Price
    description: Text = ""
    status: EntryStatusIn = EntryStatusIn.DRAFT


class FeeEntryPatch(Patch):
    nullable = frozenset(["task_id"])

    task_id: Id | None = None
    category_id: Id | None = None
    date: dt.date | None = None
    quantity: Quantity | None = None
    unit_price: Price | None = None
    description: Text | None = None


class EntryOut(BaseModel):
    id: str
    kind: str
    status: str
    resource_id: str | None
    project_id: str
    task_id: str | None
    role_id: str | None
    category_id: str | None
    product_id: str | None
    date: dt.date
    quantity: DecimalText
    unit_price: DecimalText | None
    internal_comment: str
    external_comment: str
    description: str


class TimeEntryBulkIn(Input):
    items: list[TimeEntryIn] = Field(min_length=1, max_length=BULK_MAX)


class ExpenseEntryBulkIn(Input):
    items: list[ExpenseEntryIn] = Field(min_length=1, max_length=BULK_MAX)


class MaterialUsageBulkIn(Input):
    items: list[MaterialUsageIn] = Field(min_length=1, max_length=BULK_MAX)


class FeeEntryBulkIn(Input):
    items: list[FeeEntryIn] = Field(min_length=1, max_length=BULK_MAX)


class EntryIds(Input):
    """The entries a bulk action moves, all or none."""

    ids: list[Id] = Field(min_length=1, max_length=BULK_MAX)


class EntryBatchOut(BaseModel):
    """The entries a bulk request wrote, in the order it named them."""

    items: list[EntryOut]


class ActualOut(BaseModel):
    id: str
    transaction_type: str
    transaction_class: str
    source_kind: str
    source_id: str | None
    project_id: str | None
    task_id: str | None
    role_id: str | None
    resource_id: str | None
    category_id: str | None
    product_id: str | None
    contract_id: str | None
    contract_line_id: str | None
    milestone_id: str | None
    date: dt.date
    quantity: DecimalText
    unit: str
    price: DecimalText
    amount: DecimalText
    tax: DecimalText
    currency: str
    billing_type: str
    ready_to_invoice: bool
    reverses_actual_id: str | None
    invoice_id: str | None
    description: str
    external_description: str


class ActualPatch(Input):
    billing_type: BillingType


class BacklogOut(BaseModel):
    actuals: list[ActualOut]
    milestones: list[MilestoneOut]


class BacklogSelection(Input):
    actual_ids: list[Id] = []
    milestone_ids: list[Id] = []
