"""Users as listed: name, role, resource, when created, expires and was revoked; never
a token (only its hash is stored, and the hash is not shown either)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.persistence.tables import Resource, User


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
    return [
        UserView(
            user.id,
            user.name,
            user.role,
            user.resource_id,
            resource_name,
            user.created_at,
            user.expires_at,
            user.revoked_at,
        )
        for user, resource_name in session.execute(stmt)
    ]
