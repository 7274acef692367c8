"""Users with hashed tokens, and gap-free number sequences."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from billable.persistence.base import Base


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    #: SHA-256 of the bearer token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: argon2id hash of the web sign-in password; no password: the user cannot sign in.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    #: The bookable resource a team member enters time as (their own entries).
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id"))
    #: When the token stops working (UTC, naive); none: it does not expire.
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: When the token was revoked (UTC, naive); a revoked user has no working token
    #: until ``billable users token`` gives it a new one.
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Sequence(Base):
    """A gap-free counter, advanced inside the transaction that uses the number."""

    __tablename__ = "sequences"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    next_value: Mapped[int] = mapped_column(Integer)
