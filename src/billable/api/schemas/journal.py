"""Integration journal and posted transaction requests and responses (seed 003)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar

from pydantic import BaseModel, Field

from billable.api.schemas.common import (
    WHO_POSTED,
    DecimalText,
    Id,
    Input,
    Patch,
    PlainDecimal,
    Timestamp,
)
from billable.api.schemas.erp import Code

DimensionName = Annotated[str, Field(min_length=1, max_length=100)]
DimensionValue = Annotated[str, Field(min_length=1, max_length=100)]
DimensionSet = Annotated[dict[DimensionName, DimensionValue], Field(max_length=50)]
Percent = Annotated[PlainDecimal, Field(ge=0, le=100, decimal_places=6)]


class ImportIn(Input):
    legal_entity_id: Id | None = None


class LinePatch(Patch):
    nullable: ClassVar[frozenset[str]] = frozenset({"sales_tax_group", "item_sales_tax_group"})
    sales_tax_group: Code | None = None
    item_sales_tax_group: Code | None = None
    dimensions: DimensionSet | None = None


class ShareIn(Input):
    percent: Percent
    dimensions: DimensionSet


class DistributeIn(Input):
    shares: list[ShareIn] = Field(min_length=1, max_length=100)


class AdjustIn(Input):
    """Either ``dimensions`` (all of the amount) or ``shares`` (a new distribution)."""

    dimensions: DimensionSet | None = None
    shares: list[ShareIn] | None = Field(default=None, min_length=1, max_length=100)


class PartOut(BaseModel):
    percent: DecimalText
    dimensions: dict[str, str]
    amount: DecimalText


class JournalLineOut(BaseModel):
    id: str
    journal_id: str
    actual_id: str
    kind: str
    transaction_class: str
    project_id: str | None
    contract_id: str | None
    resource_id: str | None
    date: dt.date
    quantity: DecimalText
    cost_amount: DecimalText
    sales_amount: DecimalText
    sales_currency: str
    price_exchange_rate: DecimalText | None = Field(
        description="Per 100 units of the line's currency (seed 003: 125 for 1.25)."
    )
    exchange_rate_problem: str | None
    sales_tax_group: str | None
    item_sales_tax_group: str | None
    dimensions: dict[str, str]
    distribution: list[PartOut] | None


class JournalOut(BaseModel):
    id: str
    legal_entity_id: str
    status: str
    posted_at: Timestamp | None
    posted_by: str | None = Field(description=WHO_POSTED)
    lines: list[JournalLineOut]


class JournalSummaryOut(BaseModel):
    id: str
    legal_entity_id: str
    status: str
    posted_at: Timestamp | None
    posted_by: str | None = Field(description=WHO_POSTED)
    line_count: int


class PostedTransactionOut(BaseModel):
    id: str
    actual_id: str
    journal_line_id: str
    legal_entity_id: str
    kind: str
    transaction_class: str
    project_id: str | None
    contract_id: str | None
    date: dt.date
    quantity: DecimalText
    currency: str
    amount: DecimalText
    accrued: bool
    exchange_rate: DecimalText
    sales_tax_group: str | None
    item_sales_tax_group: str | None
    parts: list[PartOut]
    voucher_id: str | None
    status: str
    replaces_id: str | None
