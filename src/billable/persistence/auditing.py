"""Writing the audit trail in the transaction of the write it records.

The interfaces say who acts and what they do (:func:`acting`: the API for a request, the
CLI for a command, the job runner for a job); every transaction committed meanwhile gets
one event, written by :meth:`UnitOfWork.commit` just before the commit, so a rolled-back
write leaves none and a committed one never lacks it. The event's objects are those the
action names (path and ``ids``), those the use case names (:func:`record`) and the rows
the ORM inserted, updated or deleted in the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import Session, UOWTransaction

from billable.domain.audit import SYSTEM, Action, Actor, AuditObject, singular, unique
from billable.persistence.audit import AuditEvent, AuditEventObject

_ACTION: ContextVar[Action | None] = ContextVar("billable_audit_action", default=None)
#: Per session (one transaction of a unit of work): what the use case and the ORM named.
_OBJECTS = "billable_audit_objects"
_CHANGES = "billable_audit_changes"
_OWN_TABLES = frozenset({AuditEvent.__tablename__, AuditEventObject.__tablename__})


def current() -> Action | None:
    """The action under way in this context, if any."""
    return _ACTION.get()


@contextmanager
def acting(
    actor: Actor, what: str | Callable[[], str], objects: list[AuditObject] | None = None
) -> Iterator[Action]:
    """Attribute every transaction committed inside to ``actor`` doing ``what`` (or
    what ``what()`` says when the event is written)."""
    if callable(what):
        action = Action(actor, "", list(objects or ()), resolve=what)
    else:
        action = Action(actor, what, list(objects or ()))
    token = _ACTION.set(action)
    try:
        yield action
    finally:
        _ACTION.reset(token)


@contextmanager
def acting_unless_attributed(actor: Actor, what: str) -> Iterator[None]:
    """:func:`acting`, unless an action is under way already (a job run inline by a
    command stays the command's)."""
    if _ACTION.get() is not None:
        yield
        return
    with acting(actor, what):
        yield


def start(action: Action | None) -> None:
    """Make ``action`` this context's own until the context ends (a request's task)."""
    _ACTION.set(action)


def actor_name() -> str:
    """The name of whoever acts now, for the ``confirmed_by``/``posted_by`` columns."""
    action = _ACTION.get()
    return (action.actor if action else SYSTEM).name


def now() -> dt.datetime:
    """The audit clock: UTC, stored without its zone like every timestamp here."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def record(
    session: Session, kind: str, ids: list[int], change: Mapping[str, Any] | None = None
) -> None:
    """Name objects ``kind`` ``ids`` (and what changed on them) in this transaction's
    event: for set-based writes, which the ORM does not see."""
    session.info.setdefault(_OBJECTS, []).extend(AuditObject(kind, i) for i in ids)
    if change:
        session.info.setdefault(_CHANGES, {}).setdefault(kind, {}).update(change)


def write_event(session: Session) -> None:
    """Add this transaction's event to it (called at commit); nothing outside an action."""
    action = _ACTION.get()
    session.flush()  # the ORM's pending rows name themselves before the event is built
    objects: list[AuditObject] = session.info.pop(_OBJECTS, [])
    changes: dict[str, Any] = session.info.pop(_CHANGES, {})
    if action is None:
        return
    summary: dict[str, Any] = {}
    if action.request is not None:
        summary["request"] = action.request
    summary.update(changes)
    event_id = session.execute(
        insert(AuditEvent).returning(AuditEvent.id),
        {
            "at": now(),
            "user_id": action.actor.user_id,
            "user_name": action.actor.name,
            "action": action.described(),
            "summary": summary,
        },
    ).scalar_one()
    rows = [
        {"event_id": event_id, "object_kind": o.kind, "object_id": o.id}
        for o in unique([*action.objects, *objects])
    ]
    if rows:
        session.execute(insert(AuditEventObject), rows)


@event.listens_for(Session, "after_flush")
def _orm_objects(session: Session, _flush: UOWTransaction) -> None:
    # The rows the ORM wrote (new ones have their ids by now), when an action is under
    # way; set-based writes name theirs through :func:`record`.
    if _ACTION.get() is None:
        return
    found = session.info.setdefault(_OBJECTS, [])
    for row in (*session.new, *session.dirty, *session.deleted):
        table = getattr(row, "__tablename__", "")
        ident = getattr(row, "id", None)
        if table in _OWN_TABLES or not isinstance(ident, int):
            continue
        if row in session.dirty and not session.is_modified(row, include_collections=False):
            continue
        found.append(AuditObject(singular(table), ident))
