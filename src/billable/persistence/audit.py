"""The audit trail: one event per committed write, and the objects it touched.

Append-only: nothing in the code updates or deletes these rows, and a trigger on each
table (migration ``0014_audit``) refuses an UPDATE or DELETE on both databases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from billable.persistence.base import Base


class AuditEvent(Base):
    """Who (a user, an OS user at the command line, or ``system``), when (UTC), what (the
    route or command) and a compact summary of the change."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(index=True)
    user_name: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(200))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)


class AuditEventObject(Base):
    """One object an event touched (several for a bulk write)."""

    __tablename__ = "audit_event_objects"
    __table_args__ = (Index(None, "object_kind", "object_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("audit_events.id"), index=True)
    object_kind: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[int] = mapped_column()
