"""Audit events as response bodies."""

from __future__ import annotations

from typing import Any

from billable.api.present import sid
from billable.views.records import Record


def audit_event(event: Record) -> dict[str, Any]:
    """One event: ids as strings like every id on the wire."""
    return {
        "id": sid(event.id),
        "at": event.at,
        "user_id": sid(event.user_id) if event.user_id is not None else None,
        "user_name": event.user_name,
        "action": event.action,
        "objects": [{"kind": o["kind"], "id": sid(o["id"])} for o in event.objects],
        "summary": event.summary,
    }
