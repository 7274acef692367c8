"""The audit trail as read: a page of events, each with the objects it touched."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from billable.domain.errors import Invalid
from billable.persistence.lookups import parse_id
from billable.persistence.tables import AuditEvent, AuditEventObject
from billable.views.pagination import Window, window
from billable.views.records import Record, record


def audit_events(
    session: Session,
    limit: int,
    cursor: str | None,
    *,
    object_kind: str | None = None,
    object_id: str | None = None,
    user: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Window[Record]:
    """A page of audit events, oldest first, each with ``objects`` (kind and id).

    ``object_kind``/``object_id`` keep events that touched such an object, ``user`` those
    by that user name (or OS user, or ``system``), ``since``/``until`` (inclusive, UTC)
    those in that time. An ``object_id`` that is no id is refused (422)."""
    stmt = select(AuditEvent)
    if object_kind is not None or object_id is not None:
        touched = select(AuditEventObject.id).where(AuditEventObject.event_id == AuditEvent.id)
        if object_kind is not None:
            touched = touched.where(AuditEventObject.object_kind == object_kind)
        if object_id is not None:
            ident = parse_id(object_id)
            if ident is None:
                raise Invalid.field("object_id", "must be an id (ASCII digits)")
            touched = touched.where(AuditEventObject.object_id == ident)
        stmt = stmt.where(exists(touched))
    if user is not None:
        stmt = stmt.where(AuditEvent.user_name == user)
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= _utc(since))
    if until is not None:
        stmt = stmt.where(AuditEvent.at <= _utc(until))
    return window(
        session, stmt, AuditEvent.id, limit, cursor, lambda rows: _with_objects(session, rows)
    )


def _utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` as stored: UTC without its zone (a moment without one is UTC)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _with_objects(session: Session, rows: Sequence[AuditEvent]) -> list[Record]:
    """The page's events, each with its objects, read in one query for the page."""
    touched: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if rows:
        found = session.execute(
            select(
                AuditEventObject.event_id,
                AuditEventObject.object_kind,
                AuditEventObject.object_id,
            )
            .where(AuditEventObject.event_id.in_([row.id for row in rows]))
            .order_by(AuditEventObject.id)
        )
        for event_id, kind, ident in found:
            touched[event_id].append({"kind": kind, "id": ident})
    return [record(row, objects=touched[row.id]) for row in rows]
