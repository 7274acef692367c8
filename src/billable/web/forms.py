"""Reading typed values from posted forms with the API's strictness: a refused value is a
refusal of that field (shown next to it), never a guess."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from billable.domain.errors import FieldError, Invalid

E = TypeVar("E", bound=StrEnum)
#: A plain decimal, as the API takes it: no exponent, no separators, no NaN.
_DECIMAL = re.compile(r"^-?\d{1,15}(\.\d{1,6})?$")


def decimal(name: str, value: str) -> Decimal:
    """``value`` as a Decimal (``"8"``, ``"250.00"``), else a refusal of ``name``."""
    if not _DECIMAL.match(value.strip()):
        raise Invalid.field(name, "must be a plain decimal such as 8 or 250.00")
    return Decimal(value.strip())


def date(name: str, value: str) -> dt.date:
    """An ISO date (``2026-08-31``), else a refusal of ``name``."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid.field(name, "must be a date such as 2026-08-31") from None


def choice(name: str, value: str, kind: type[E]) -> E:
    """A member of ``kind``, else a refusal of ``name`` listing the choices."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise Invalid.field(name, f"must be one of {allowed}") from None


def optional(value: str) -> str | None:
    """An empty filter means "any"."""
    return value.strip() or None


def validated(
    schema: type[BaseModel], data: dict[str, Any], *, exclude_unset: bool = True
) -> dict[str, Any]:
    """``data`` (the form's strings) checked by the API's own request schema, so a page
    refuses exactly what the API refuses, with the API's messages per field; the typed
    values the use case takes (``exclude_unset=False``: with the schema's defaults, as
    the API's create routes pass them)."""
    try:
        body = schema.model_validate(data)
    except ValidationError as exc:
        errors = tuple(
            FieldError(".".join(str(p) for p in e["loc"]) or "body", e["msg"]) for e in exc.errors()
        )
        raise Invalid("; ".join(f"{e.field}: {e.message}" for e in errors), errors) from None
    return body.model_dump(exclude_unset=exclude_unset)
