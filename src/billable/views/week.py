"""A team member's week: one resource's entries of a kind over seven days, for the
week grid (rows project / task, a column a day)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.persistence.tables import Entry
from billable.views.records import Record, records

DAYS = 7


def monday(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def week_entries(session: Session, kind: str, resource_id: int, start: dt.date) -> list[Record]:
    """``resource_id``'s entries of ``kind`` dated in the seven days from ``start``."""
    end = start + dt.timedelta(days=DAYS - 1)
    stmt = (
        select(Entry)
        .where(Entry.kind == kind, Entry.resource_id == resource_id)
        .where(Entry.date >= start, Entry.date <= end)
        .order_by(Entry.project_id, Entry.task_id, Entry.date, Entry.id)
    )
    return records(session.scalars(stmt))
