"""Format invoice proposal and print management: requests and responses."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from billable.api.schemas.common import DecimalText, Id, Input, Name, Patch

Mode = Literal["detail", "summary"]
LevelName = Literal["module", "customer", "contract", "proposal"]
ReportFormat = Literal["standard", "detailed", "compact"]
Destination = Literal["screen", "file", "email", "archive"]
LineIds = Annotated[list[Id], Field(max_length=10000)]
FooterText = Annotated[str, Field(max_length=2000)]


class SectionIn(Input):
    name: Name
    mode: Mode
    line_ids: LineIds = Field(default_factory=list)


class SectionPatch(Patch):
    name: Name | None = None
    mode: Mode | None = None
    line_ids: LineIds | None = None
    move: Literal["up", "down"] | None = Field(
        None, description="Swap the section with the one before (up) or after (down) it."
    )


class SectionOut(BaseModel):
    id: str
    proposal_id: str
    name: str
    mode: str
    position: int
    line_ids: list[str]
    quantity: DecimalText
    amount: DecimalText
    tax: DecimalText


class ProposalLineOut(BaseModel):
    id: str
    transaction_class: str
    description: str
    date: str
    quantity: DecimalText
    unit: str
    price: DecimalText
    amount: DecimalText
    tax: DecimalText


class InvoiceFormatIn(Input):
    invoice_format: Mode


class InvoiceFormatOut(BaseModel):
    proposal_id: str
    invoice_format: str


class PrintSettingIn(Input):
    level: LevelName
    target_id: Id | None = Field(None, description="Absent for the module level.")
    report_format: ReportFormat | None = None
    destination: Destination | None = None
    footer_text: FooterText | None = None


class PrintSettingOut(BaseModel):
    id: str
    level: str
    target_id: str | None
    report_format: str | None
    destination: str | None
    footer_text: str | None


class ResolvedPrintOut(BaseModel):
    proposal_id: str
    report_format: str
    destination: str
    footer_text: str
    sources: dict[str, str] = Field(
        description="Per field, the level it came from (proposal, contract, customer, "
        "module) or 'default'."
    )
