"""A day holds at most 24 hours of one resource's time (domain/entry_rules.py), across
entries: what is booked already is read in one query for every resource and day the
checked rows name, then each row is checked in order against it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billable.domain.entry_rules import check_day_hours
from billable.domain.errors import DomainError
from billable.domain.vocabulary import TransactionClass
from billable.persistence.lookups import in_chunks
from billable.persistence.tables import Entry, Resource

Day = tuple[int, dt.date]


def _booked(session: Session, days: set[Day], exclude: Sequence[int]) -> dict[Day, Decimal]:
    """The hours booked on each of ``days`` by its resource, in every state (a rejected
    entry comes back when it is resubmitted), leaving out the entries ``exclude``."""
    booked: dict[Day, Decimal] = {}
    resources = sorted({resource for resource, _ in days})
    dates = sorted({day for _, day in days})
    if not resources:
        return booked
    # Lock the resources first (PostgreSQL): two requests booking the same resource's day
    # take turns, so neither decides on a total the other is about to change.
    for chunk in in_chunks(resources):
        session.execute(select(Resource.id).where(Resource.id.in_(chunk)).with_for_update())
    for chunk in in_chunks(resources):
        stmt = (
            select(Entry.resource_id, Entry.date, func.sum(Entry.quantity))
            .where(
                Entry.kind == TransactionClass.TIME,
                Entry.resource_id.in_(chunk),
                Entry.date.in_(dates),
                Entry.id.not_in(list(exclude)),
            )
            .group_by(Entry.resource_id, Entry.date)
        )
        for resource, day, hours in session.execute(stmt):
            if resource is not None and (resource, day) in days:
                booked[(resource, day)] = Decimal(hours or 0)
    return booked


def refuse_overbooked(
    session: Session, rows: Sequence[tuple[int, dict[str, Any]]], exclude: Sequence[int] = ()
) -> list[tuple[int, DomainError]]:
    """``(index, refusal)`` for each of the time rows (``(index, row)``, in request order)
    that would take its resource's day past 24 hours, counting what is booked and the
    earlier rows of the same request that fit."""
    days = {(row["resource_id"], row["date"]) for _, row in rows if row.get("resource_id")}
    booked = _booked(session, days, exclude)
    refused = []
    for index, row in rows:
        if not row.get("resource_id"):
            continue
        day: Day = (row["resource_id"], row["date"])
        hours = Decimal(row["quantity"])
        try:
            check_day_hours(row["date"], booked.get(day, Decimal(0)), hours)
        except DomainError as error:
            refused.append((index, error))
            continue
        booked[day] = booked.get(day, Decimal(0)) + hours
    return refused
