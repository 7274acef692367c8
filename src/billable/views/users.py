"""Users as listed: name, role, resource, when created, expires and was revoked; never
a token (only its hash is stored, and the hash is not shown either)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.persistence.tables import Resource, User
from billable.views.pagination import Window, window


@dataclass(frozen=True)
class UserView:
    """One user as shown."""

    id: int
    name: str
    role: str
    resource_id: int | None
    resource_name: str | None
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    def state(self, now: dt.datetime) -> str:
        """``active``, ``revoked`` or ``expired`` at ``now`` (naive UTC)."""
        if self.revoked_at is not None:
            return "revoked"  # not vocabulary: a token's state
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"  # not vocabulary: a token's state
        return "active"  # not vocabulary: a token's state


def users(session: Session) -> list[UserView]:
    """Every user, by name, with its resource's name, in one query."""
    stmt = (
        select(User, Resource.name)
        .outerjoin(Resource, Resource.id == User.resource_id)
        .order_by(User.name)
    )
    return [_view(user, resource_name) for user, resource_name in session.execute(stmt)]


def _view(user: User, resource_name: str | None) -> UserView:
    return UserView(
        user.id,
        user.name,
        user.role,
        user.resource_id,
        resource_name,
        user.created_at,
        user.expires_at,
        user.revoked_at,
    )


def user_page(session: Session, limit: int, cursor: str | None) -> Window[UserView]:
    """A page of users by id, with their resources' names read in one query for the
    page."""

    def snapshot(rows: Sequence[User]) -> list[UserView]:
        linked = {row.resource_id for row in rows if row.resource_id is not None}
        names: dict[int | None, str] = {}
        if linked:
            stmt = select(Resource.id, Resource.name).where(Resource.id.in_(linked))
            names = {ident: name for ident, name in session.execute(stmt)}
        return [_view(row, names.get(row.resource_id)) for row in rows]

    return window(session, select(User), User.id, limit, cursor, snapshot)


def user(session: Session, user_id: int) -> UserView | None:
    """One user as shown, or None."""
    found = session.execute(
        select(User, Resource.name)
        .outerjoin(Resource, Resource.id == User.resource_id)
        .where(User.id == user_id)
    ).first()
    return _view(found[0], found[1]) if found else None
