"""The audit trail's check on every write a test makes through :class:`conftest.Api`: a
write that succeeded left an event naming its route and its caller.

``SEEN`` collects the routes so checked (``POST /api/v1/invoices/{ident}/confirm``);
``tests/test_zz_every_write_audited.py`` compares them with every write route of the app.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, func, select

from billable.identity.users import hash_token
from billable.persistence.tables import AuditEvent, User

SEEN: set[str] = set()
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def last_event_id(engine: Engine) -> int:
    """The newest audit event's id (0 on an empty trail)."""
    with engine.connect() as conn:
        return conn.scalar(select(func.coalesce(func.max(AuditEvent.id), 0))) or 0


def matches(action: str, method: str, path: str) -> bool:
    """Whether ``action`` (``METHOD /route/{param}``) names this request."""
    verb, _, template = action.partition(" ")
    pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template))
    route = path.partition("?")[0]  # the query string is not part of the route
    return verb == method and re.fullmatch(pattern, route) is not None


def seen_since(engine: Engine, after: int, method: str, path: str) -> list[str]:
    """The actions of events after id ``after`` that name ``method path``, added to SEEN."""
    with engine.connect() as conn:
        actions = conn.scalars(select(AuditEvent.action).where(AuditEvent.id > after)).all()
    found = [a for a in actions if matches(a, method, path)]
    SEEN.update(found)
    return found


def assert_audited(engine: Engine, token: str, method: str, path: str, after: int) -> None:
    """A successful write of ``method path`` left an event by the token's user."""
    with engine.connect() as conn:
        name = conn.scalar(select(User.name).where(User.token_hash == hash_token(token)))
        events: list[Any] = conn.execute(
            select(AuditEvent.action, AuditEvent.user_name).where(AuditEvent.id > after)
        ).all()
    found = [a for a, who in events if who == name and matches(a, method, path)]
    assert found, f"{method} {path} by {name} succeeded but left no audit event: {events}"
    SEEN.update(found)
