"""Sign-in passwords for the web UI: argon2id hashes, set from the CLI, checked at sign-in.

The API keeps its bearer tokens (:mod:`billable.identity.users`); a password only opens a
browser session."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from billable.domain.errors import Invalid, NotFound, Unauthorized
from billable.domain.permissions import Role
from billable.identity.users import Principal
from billable.persistence.tables import User
from billable.persistence.uow import UnitOfWork

#: argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
_HASHER = PasswordHasher()
MIN_LENGTH = 8
#: A hash to verify against when the name is unknown, so a wrong name takes as long as a
#: wrong password and the answer does not tell which names exist.
_DUMMY = _HASHER.hash("not a password of anyone")


def hash_password(password: str) -> str:
    """The stored argon2id form of ``password`` (refused when shorter than MIN_LENGTH)."""
    if len(password) < MIN_LENGTH:
        raise Invalid.field("password", f"must have at least {MIN_LENGTH} characters")
    return _HASHER.hash(password)


def set_password(uow: UnitOfWork, name: str, password: str) -> None:
    """Give the user ``name`` a new sign-in password."""
    hashed = hash_password(password)
    with uow:
        user = uow.session.scalars(select(User).where(User.name == name)).one_or_none()
        if user is None:
            raise NotFound(f"no user is named {name!r}")
        user.password_hash = hashed
        uow.commit()


def sign_in(uow: UnitOfWork, name: str, password: str) -> Principal:
    """The user ``name`` when ``password`` is theirs, else :class:`Unauthorized` (the
    same answer for an unknown name, a wrong password and a user without one)."""
    refused = Unauthorized("the name or the password is not right")
    with uow:
        user = uow.session.scalars(select(User).where(User.name == name)).one_or_none()
        stored = user.password_hash if user is not None else None
        try:
            _HASHER.verify(stored or _DUMMY, password)
        except (VerificationError, InvalidHashError):
            raise refused from None
        if user is None or stored is None:
            raise refused
        return Principal(user.id, user.name, Role(user.role), user.resource_id)


def principal_of(uow: UnitOfWork, user_id: int) -> Principal | None:
    """The user a browser session names, or ``None`` once the user is gone."""
    with uow:
        user = uow.session.get(User, user_id)
        if user is None:
            return None
        return Principal(user.id, user.name, Role(user.role), user.resource_id)
