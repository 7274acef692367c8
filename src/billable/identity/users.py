"""Users and bearer tokens. Tokens are random, shown once, stored as SHA-256 hashes.

A token has a lifecycle: it may expire (``expires_in``), be revoked, and be rotated
(a new token replaces the old one, which stops working at once). A team member is
linked to the bookable resource whose entries are theirs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from billable.domain.errors import Conflict, Invalid, NotFound, Unauthorized
from billable.domain.permissions import EntryScope, Role, entry_scope, require_linkable
from billable.persistence.lookups import parse_id
from billable.persistence.tables import Resource, User
from billable.persistence.uow import UnitOfWork

_USERS = User.__table__.c


@dataclass(frozen=True)
class Principal:
    """The authenticated caller; ``resource_id`` is the resource they are linked to."""

    user_id: int
    name: str
    role: Role
    resource_id: int | None = None

    @property
    def entries(self) -> EntryScope:
        """Whose entries this caller acts on (domain/permissions.py)."""
        return entry_scope(self.role, self.resource_id)


def now_utc() -> dt.datetime:
    """The current time as stored: UTC, without a zone (the columns are naive)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def hash_token(token: str) -> str:
    """The stored form of a token. Tokens carry 256 random bits, so no salt or stretching
    is needed: a fast hash of a high-entropy secret cannot be brute-forced."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return "bl_" + secrets.token_urlsafe(32)


_DURATION = re.compile(r"^([0-9]{1,5})([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_duration(text: str, field: str = "expires_in") -> dt.timedelta:
    """``30d``, ``12h`` or ``90m`` as a duration; anything else is :class:`Invalid`."""
    found = _DURATION.match(text.strip())
    if not found or int(found.group(1)) == 0:
        raise Invalid.field(field, f"{text!r} is not a duration such as 30d, 12h or 90m")
    return dt.timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise Invalid.field("role", f"must be one of {', '.join(r.value for r in Role)}") from None


def _resource(session: Session, given: str | int, field: str = "resource") -> int:
    """The id of the resource ``given`` names: an ``int`` by id only; text by id or by
    (unique) name, as the command line takes it (422 on ``field`` when it names none,
    or several)."""
    if isinstance(given, int):
        if session.get(Resource, given) is None:
            raise Invalid.field(field, f"no resource with id {given}")
        return given
    text = given.strip()
    key = parse_id(text)
    if key is not None and session.get(Resource, key) is not None:
        return key
    found = list(session.scalars(select(Resource.id).where(Resource.name == text)))
    if len(found) == 1:
        return found[0]
    if found:
        raise Invalid.field(field, f"{len(found)} resources are named {text!r}: give its id")
    raise Invalid.field(field, f"no resource with id or name {text!r}")


def _user(session: Session, name: str) -> User:
    user = session.scalars(select(User).where(User.name == name)).one_or_none()
    if user is None:
        raise NotFound(f"no user named {name!r}")
    return user


def add_user(
    uow: UnitOfWork,
    name: str,
    role: str,
    *,
    resource: str | int | None = None,
    expires_in: dt.timedelta | None = None,
) -> tuple[Principal, str]:
    """Create a user with ``role`` (linked to ``resource``, by id or name, when given;
    its token expiring after ``expires_in``); returns the principal and its new token,
    shown once. A name taken already is a :class:`Conflict` (409)."""
    parsed = _role(role)
    if not name.strip():
        raise Invalid.field("name", "must not be empty")
    token = _new_token()
    with uow:
        session = uow.session
        if session.scalars(select(User.id).where(User.name == name)).first():
            raise Conflict(f"a user named {name!r} exists already")
        resource_id = None
        if resource is not None:
            require_linkable(parsed, "resource")
            resource_id = _resource(session, resource)
        now = now_utc()
        user = User(
            name=name,
            role=parsed.value,
            token_hash=hash_token(token),
            resource_id=resource_id,
            created_at=now,
            expires_at=now + expires_in if expires_in else None,
        )
        session.add(user)
        session.flush()
        principal = Principal(user.id, user.name, parsed, resource_id)
        uow.commit()
    return principal, token


def rotate_token(uow: UnitOfWork, name: str, *, expires_in: dt.timedelta | None = None) -> str:
    """A new token for user ``name`` (shown once); the old one stops working now. A
    revoked user becomes usable again with it; it expires after ``expires_in``, or
    never when none is given."""
    token = _new_token()
    with uow:
        user = _user(uow.session, name)
        user.token_hash = hash_token(token)
        user.revoked_at = None
        user.expires_at = now_utc() + expires_in if expires_in else None
        uow.commit()
    return token


def revoke(uow: UnitOfWork, name: str) -> dt.datetime:
    """Revoke user ``name``'s token: the API answers 401 to it from now on. Revoking
    twice keeps the first time (nothing changes)."""
    with uow:
        user = _user(uow.session, name)
        if user.revoked_at is None:
            user.revoked_at = now_utc()
        revoked_at = user.revoked_at
        uow.commit()
    return revoked_at


def link_resource(
    uow: UnitOfWork, ident: str, resource: str | int | None, *, field: str = "resource"
) -> int:
    """Link user ``ident`` (an id) to ``resource`` (an ``int``: by id; text: by id or
    name), or unlink it with
    ``None``; returns the user's id. Only a team member is linked (422 on ``field``, as
    for a resource that does not exist); any user may be unlinked."""
    key = parse_id(ident)
    with uow:
        user = uow.session.get(User, key) if key is not None else None
        if user is None:
            raise NotFound(f"no user with id {ident}")
        if resource is None:
            user.resource_id = None
        else:
            require_linkable(Role(user.role), field)
            user.resource_id = _resource(uow.session, resource, field)
        uow.commit()
        return user.id


#: What a request's authentication reads, one row by its token's hash: the table's columns,
#: not the mapped class, and built once. An ORM entity per request (its identity map entry,
#: instance state, per-statement ORM compilation) cost about half of authenticating, which
#: every request pays (benchmarks/api_load.py).
_TOKEN_USER = select(
    _USERS.id, _USERS.name, _USERS.role, _USERS.resource_id, _USERS.revoked_at, _USERS.expires_at
).where(_USERS.token_hash == bindparam("token_hash"))


def authenticate(uow: UnitOfWork, token: str | None) -> Principal:
    """The user a bearer token belongs to, or :class:`Unauthorized` saying why: none
    given, unknown, revoked, or expired."""
    if not token:
        raise Unauthorized("a bearer token is required")
    with uow:
        user = uow.session.execute(_TOKEN_USER, {"token_hash": hash_token(token)}).one_or_none()
        if user is None:
            raise Unauthorized("the bearer token is not valid")
        if user.revoked_at is not None:
            raise Unauthorized(f"the bearer token was revoked at {_shown(user.revoked_at)}")
        if user.expires_at is not None and user.expires_at <= now_utc():
            raise Unauthorized(f"the bearer token expired at {_shown(user.expires_at)}")
        return Principal(user.id, user.name, Role(user.role), user.resource_id)


def _shown(at: dt.datetime) -> str:
    return at.replace(microsecond=0).isoformat() + "Z"
