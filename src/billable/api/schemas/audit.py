"""The audit trail as the API shows it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from billable.api.schemas.common import Timestamp


class AuditObjectOut(BaseModel):
    """One object an event touched."""

    kind: str = Field(description="The object's kind, e.g. `invoice`, `time_entry`.")
    id: str


class AuditEventOut(BaseModel):
    """One committed write: who, when, what, on which objects, and a summary."""

    id: str
    at: Timestamp
    user_id: str | None = Field(description="The user's id; null for the CLI and the system.")
    user_name: str = Field(description="The user's name, the OS user of a command, or `system`.")
    action: str = Field(
        description="The route (`POST /api/v1/invoices/{ident}/confirm`) or command "
        "(`billable proposals post`), or `job KIND` for background work."
    )
    objects: list[AuditObjectOut]
    summary: dict[str, Any] = Field(
        description="`request`: the request's fields (long lists counted); and, per object "
        'kind, what the use case changed, e.g. `{"invoice": {"project_invoice_status": '
        '"confirmed"}}`.'
    )
