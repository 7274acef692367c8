"""Users and bearer tokens. Tokens are random, shown once, stored as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from billable.domain.errors import Conflict, Invalid, Unauthorized
from billable.domain.permissions import Role
from billable.persistence.tables import User
from billable.persistence.uow import UnitOfWork


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    user_id: int
    name: str
    role: Role


def hash_token(token: str) -> str:
    """The stored form of a token. Tokens carry 256 random bits, so no salt or stretching
    is needed: a fast hash of a high-entropy secret cannot be brute-forced."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(uow: UnitOfWork, name: str, role: str) -> tuple[Principal, str]:
    """Create a user with ``role``; returns the principal and its new token (shown once)."""
    try:
        parsed = Role(role)
    except ValueError:
        raise Invalid.field("role", f"must be one of {', '.join(r.value for r in Role)}") from None
    if not name.strip():
        raise Invalid.field("name", "must not be empty")
    token = "bl_" + secrets.token_urlsafe(32)
    with uow:
        if uow.session.scalars(select(User).where(User.name == name)).first():
            raise Conflict(f"a user named {name!r} exists already")
        user = User(name=name, role=parsed.value, token_hash=hash_token(token))
        uow.session.add(user)
        uow.session.flush()
        principal = Principal(user.id, user.name, parsed)
        uow.commit()
    return principal, token


def authenticate(uow: UnitOfWork, token: str | None) -> Principal:
    """The user a bearer token belongs to, or :class:`Unauthorized`."""
    if not token:
        raise Unauthorized("a bearer token is required")
    with uow:
        user = uow.session.scalars(
            select(User).where(User.token_hash == hash_token(token))
        ).one_or_none()
        if user is None:
            raise Unauthorized("the bearer token is not valid")
        return Principal(user.id, user.name, Role(user.role))
