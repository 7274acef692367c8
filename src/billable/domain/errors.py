"""Typed domain errors. Interfaces translate them: 404, 409, 422, 401, 403 or CLI exit codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One refused field and the reason, e.g. ``quantity``: ``must not be negative``."""

    field: str
    message: str


class DomainError(Exception):
    """Base of every refusal the domain or a use case raises."""

    title = "Request refused"

    def __init__(self, detail: str, errors: tuple[FieldError, ...] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class NotFound(DomainError):
    """An id that names nothing (or nothing the caller may see)."""

    title = "Not found"


class Conflict(DomainError):
    """An action the object's current state forbids (editing a confirmed invoice...)."""

    title = "Conflict with the current state"


class Invalid(DomainError):
    """Input that is wrong whatever the state: unknown value, negative hours, bad reference."""

    title = "Invalid input"

    @classmethod
    def field(cls, field: str, message: str) -> Invalid:
        """A refusal of one field, with the field named in the detail too."""
        return cls(f"{field}: {message}", (FieldError(field, message),))


class Unauthorized(DomainError):
    """No credentials, or credentials that name no user."""

    title = "Unauthorized"


class Forbidden(DomainError):
    """A known user whose role may not take this action."""

    title = "Forbidden"
