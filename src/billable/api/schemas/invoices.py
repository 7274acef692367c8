"""Invoice requests and responses (the whole invoice of api.md)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from billable.api.schemas.common import (
    WHO_CONFIRMED,
    Amount,
    BillToOut,
    BillToPatch,
    DecimalText,
    Id,
    Input,
    Name,
    Patch,
    Price,
    Quantity,
    Text,
    Timestamp,
)
from billable.api.schemas.erp import TransactionClassIn
from billable.domain.vocabulary import BillingType, InvoiceState


class InvoiceCreate(Input):
    invoice_date: dt.date | None = None


class InvoicePatch(Patch):
    nullable = frozenset(["description", "discount_amount", "discount_percent", "freight_amount"])

    name: Name | None = None
    description: Text | None = None
    bill_to: BillToPatch | None = None
    status: str | None = Field(
        default=None, description="active or paid; closed and canceled are refused as unsupported."
    )
    project_invoice_status: InvoiceState | None = None
    discount_percent: Amount | None = None
    discount_amount: Amount | None = None
    freight_amount: Amount | None = None


class DetailPatch(Patch):
    nullable = frozenset(
        ["category_id", "product_id", "resource_id", "role_id", "task_id", "write_in_description"]
    )

    quantity: Quantity | None = None
    billing_type: BillingType | None = None
    description: Text | None = None
    external_description: Text | None = None
    tax: Amount | None = None
    price: Price | None = None
    date: dt.date | None = None
    task_id: Id | None = None
    category_id: Id | None = None
    role_id: Id | None = None
    resource_id: Id | None = None
    product_id: Id | None = None
    write_in_description: Name | None = None
    unit: str | None = Field(default=None, max_length=20)


class DetailCreate(Input):
    transaction_class: TransactionClassIn
    quantity: Quantity
    price: Price | None = None
    date: dt.date | None = None
    description: Text = ""
    external_description: Text = ""
    task_id: Id | None = None
    category_id: Id | None = None
    role_id: Id | None = None
    resource_id: Id | None = None
    product_id: Id | None = None
    write_in_description: Name | None = None
    unit: str | None = Field(default=None, max_length=20)
    tax: Amount | None = None
    billing_type: BillingType = BillingType.CHARGEABLE


class LinePatch(Patch):
    name: Name | None = Field(
        default=None, description="The line's name (a project-based line of a draft only)."
    )


class DetailCorrection(Input):
    detail_id: Id = Field(description="A detail of the invoice being corrected.")
    quantity: Quantity = Field(
        description="The quantity it should have billed: 0 up to the quantity billed now."
    )


class CorrectIn(Input):
    invoice_date: dt.date | None = None
    details: list[DetailCorrection] | None = Field(
        default=None,
        min_length=1,
        max_length=10_000,
        description="Only these details go on the corrective, at these quantities; "
        "left out, every detail billed now goes on it at quantity 0.",
    )


class MilestoneProgressOut(BaseModel):
    """A progress milestone's billing status (seed 001): on this invoice, invoiced to
    date on other confirmed invoices, and remaining after both."""

    milestone_amount: DecimalText
    amount_on_this_invoice: DecimalText
    invoiced_to_date: DecimalText
    remaining_amount: DecimalText


class DetailOut(BaseModel):
    id: str
    invoice_line_id: str
    actual_id: str | None
    milestone_id: str | None
    original_billed_actual_id: str | None
    transaction_class: str
    transaction_type: str
    description: str
    external_description: str
    date: dt.date
    project_id: str | None
    task_id: str | None
    category_id: str | None
    role_id: str | None
    resource_id: str | None
    product_id: str | None
    product_name: str | None
    write_in_description: str | None
    quantity: DecimalText
    original_quantity: DecimalText | None
    unit: str
    price: DecimalText
    currency: str
    amount: DecimalText
    tax: DecimalText
    extended_amount: DecimalText
    billing_type: str
    backed_by: str
    #: Set on a detail backed by a progress milestone; null on every other detail.
    milestone_progress: MilestoneProgressOut | None = None


class LineOut(BaseModel):
    id: str
    invoice_id: str
    name: str
    kind: str
    contract_line_id: str
    project_id: str | None
    billing_method: str | None
    contract_line_amount: DecimalText | None
    invoiced_to_date: DecimalText
    amount: DecimalText
    tax: DecimalText
    extended_amount: DecimalText
    detail_count: int = Field(description="How many details the line has in all.")
    details: list[DetailOut] = Field(
        description="The line's first details in id order, at most 50; the rest from "
        "GET /invoice-lines/{id}/details with details_next_cursor."
    )
    details_next_cursor: str | None = Field(
        description="The cursor of the next page of details, null when all are shown."
    )


class InvoiceOut(BaseModel):
    id: str
    number: str
    name: str
    description: str | None
    contract_id: str
    customer_id: str
    currency: str
    price_list_id: str
    opportunity: str | None
    bill_to: BillToOut
    invoice_date: dt.date
    status: str
    project_invoice_status: str
    corrects_invoice_id: str | None
    confirmed_at: Timestamp | None
    confirmed_by: str | None = Field(description=WHO_CONFIRMED)
    detail_amount: DecimalText
    discount_percent: DecimalText
    discount_amount: DecimalText
    pre_freight_amount: DecimalText
    freight_amount: DecimalText
    total_tax: DecimalText
    total_amount: DecimalText
    lines: list[LineOut]


class InvoiceSummary(BaseModel):
    """An invoice in a list: the header without lines."""

    id: str
    number: str
    name: str
    contract_id: str
    customer_id: str
    currency: str
    invoice_date: dt.date
    status: str
    project_invoice_status: str
    corrects_invoice_id: str | None
    confirmed_at: Timestamp | None
    confirmed_by: str | None = Field(description=WHO_CONFIRMED)
    detail_amount: DecimalText
    total_tax: DecimalText
    total_amount: DecimalText


class BulkCreate(Input):
    contract_ids: list[Id] = Field(min_length=1, max_length=100_000)
    invoice_date: dt.date | None = None


class BulkConfirm(Input):
    invoice_ids: list[Id] = Field(min_length=1, max_length=100_000)


class RunCreate(Input):
    run_date: dt.date


class NotificationOut(BaseModel):
    id: str
    job_id: str | None
    level: str
    title: str
    message: str
    created_at: Timestamp


class RunOut(BaseModel):
    id: str
    run_date: dt.date
    status: str
    job_id: str | None
    invoices_created: int
    contracts_skipped: int
    started_at: Timestamp
    finished_at: Timestamp | None
