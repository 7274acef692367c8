"""Invoice proposal requests and responses (the ERP side, seed 003)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from billable.api.schemas.common import WHO_POSTED, Input, StrictBool, Timestamp


class ProblemOut(BaseModel):
    field: str
    reason: str
    formats: list[str]


class PostIn(Input):
    """``posting`` off: a pro forma (nothing written); ``print``: a printout is asked for."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    posting: StrictBool = True
    print_: StrictBool = Field(False, alias="print")


class TaxOut(BaseModel):
    code: str
    rate: str
    amount: str


class ProposalLineOut(BaseModel):
    id: str
    billed_actual_id: str | None
    milestone_id: str | None
    transaction_class: str
    description: str
    date: dt.date
    quantity: str
    unit: str
    price: str
    amount: str
    tax: str
    taxes: list[TaxOut]
    sales_tax_group: str | None
    item_sales_tax_group: str | None
    dimensions: dict[str, str]


class TotalsOut(BaseModel):
    amount: str
    tax: str
    total: str


class ProposalOut(BaseModel):
    id: str
    number: str
    invoice_id: str
    status: str
    legal_entity_id: str
    contract_id: str
    customer_id: str
    invoice_date: dt.date
    currency: str
    accounting_currency: str
    exchange_rate: str | None = Field(
        description="Until posted: the rate in force now (null when none); then the posted one."
    )
    totals: TotalsOut
    accounting_totals: TotalsOut | None
    voucher_id: str | None
    imported_at: Timestamp | None
    posted_at: Timestamp | None
    posted_by: str | None = Field(description=WHO_POSTED)
    lines: list[ProposalLineOut]
    pro_forma: bool = False
    printed: bool = False
    #: The printed invoice (HTML) when ``print`` was asked for; PRO FORMA when not posted.
    printout: str | None = None
    #: Posting: what the customer invoice it issues (or would issue) lacks to be a valid
    #: e-invoice, per format; and the customer invoice it issued.
    warnings: list[ProblemOut] = []
    customer_invoice_id: str | None = None


class ImportOut(BaseModel):
    """What a periodic import did."""

    imported: int
    waiting: int
    imported_ids: list[str]
    waiting_ids: list[str]
