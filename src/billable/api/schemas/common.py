"""Shared pieces: ids, decimals as strings, bill-to addresses."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)


def _id_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


#: Ids are strings on the wire; a JSON number is accepted and read as its digits.
Id = Annotated[
    str, BeforeValidator(_id_text), Field(min_length=1, max_length=18, pattern=r"^[0-9]+$")
]
#: How a decimal is written on the wire: ASCII digits, an optional minus and point.
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _plain_decimal(value: Any) -> Any:
    # Decimal() also reads "1_000", "1e3", " 5", "+5", ".5" and other scripts' digits;
    # a JSON number may have lost digits before it got here.
    if isinstance(value, Decimal) and value.is_finite():
        return value  # Python callers (the CLI, the demo) pass exact values
    if isinstance(value, str) and PLAIN_DECIMAL.fullmatch(value):
        return value
    raise ValueError('must be a decimal string of digits 0-9, such as "8" or "-250.00"')


#: A decimal in a request: a plain decimal string, refused (422) in any other form.
PlainDecimal = Annotated[
    Decimal,
    BeforeValidator(_plain_decimal),
    WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}),
]
#: A boolean in a request: JSON ``true`` or ``false`` only ("yes", 1 and "true" are 422).
StrictBool = Annotated[bool, Strict()]
Quantity = Annotated[
    PlainDecimal,
    Field(
        ge=0,
        le=Decimal("999999999"),
        decimal_places=4,
        description="A non-negative quantity, up to 4 decimals.",
    ),
]
Price = Annotated[
    PlainDecimal,
    Field(
        ge=0,
        le=Decimal("999999999999"),
        decimal_places=6,
        description="A unit price, up to 6 decimals.",
    ),
]
Rate = Annotated[PlainDecimal, Field(ge=-100, le=Decimal("100000"), decimal_places=6)]
#: The largest amount a request may give or lead to; an amount column keeps 4 decimals
#: in a signed 64-bit scaled integer (persistence.types.ExactDecimal), up to ~9.2e14.
AMOUNT_MAX = Decimal("99999999999999")
Amount = Annotated[
    PlainDecimal,
    Field(
        ge=-AMOUNT_MAX,
        le=AMOUNT_MAX,
        decimal_places=4,
        description="An amount of money.",
    ),
]


def _utc_text(value: dt.datetime) -> str:
    # The database keeps UTC; SQLite gives it back without an offset, so say it.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


#: Who did it, as the audit trail names them.
WHO_POSTED = "Who posted it: a user's name, the OS user of a command, or `system` for a job."
WHO_CONFIRMED = "Who confirmed it: a user's name, the OS user of a command, or `system` for a job."

#: A moment in responses: always timezone-aware, in UTC, e.g. ``2026-12-01T16:45:50Z``.
Timestamp = Annotated[
    dt.datetime,
    PlainSerializer(_utc_text, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time", "example": "2026-12-01T16:45:50Z"}),
]
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    # Pydantic also reads "0" (1970-01-01) and other numbers as dates.
    if isinstance(value, dt.date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("must be a date written YYYY-MM-DD, such as 2026-12-01")


def _query_bool(value: Any) -> Any:
    # A query string has no JSON booleans: the words true and false stand for them, and
    # "yes", "on" or "1" (which Pydantic would take) are refused.
    if isinstance(value, bool) or value in ("true", "false"):
        return value is True or value == "true"
    raise ValueError("must be true or false")


#: A date in a query string: ``YYYY-MM-DD`` only (422 otherwise).
QueryDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
#: A boolean in a query string: ``true`` or ``false`` only (422 otherwise).
QueryBool = Annotated[bool, BeforeValidator(_query_bool), WithJsonSchema({"type": "boolean"})]
Text = Annotated[str, Field(max_length=2000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")]
#: Decimal values go out as strings such as "8" or "250.00".
DecimalText = Annotated[str, Field(pattern=r"^-?[0-9]+(\.[0-9]+)?$")]


class Input(BaseModel):
    """Base of request bodies: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class PricedInput(Input):
    """A request body with ``quantity`` and ``unit_price``: their product is an amount
    later, so it must be one a column keeps; refused here, naming ``unit_price``, rather
    than when the entry is priced or invoiced."""

    @field_validator("unit_price", check_fields=False)
    @classmethod
    def _amount_fits(cls, value: Any, info: ValidationInfo) -> Any:
        quantity = info.data.get("quantity")
        if value is not None and quantity is not None and quantity * value > AMOUNT_MAX:
            raise ValueError(f"quantity times unit_price is beyond the largest amount {AMOUNT_MAX}")
        return value


class Patch(Input):
    """Base of PATCH bodies: a field left out is unchanged; ``null`` clears a field only
    where clearing it means something (``nullable``), and is refused elsewhere."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError("must not be null; leave the field out to keep it")
        return value


class BillTo(Input):
    name: Name
    street: Annotated[str, Field(max_length=200)] = ""
    city: Annotated[str, Field(max_length=100)] = ""
    postal_code: Annotated[str, Field(max_length=20)] = ""
    country: Annotated[str, Field(pattern=r"^([A-Z]{2})?$")] = ""


class BillToPatch(Patch):
    name: Name | None = None
    street: Annotated[str, Field(max_length=200)] | None = None
    city: Annotated[str, Field(max_length=100)] | None = None
    postal_code: Annotated[str, Field(max_length=20)] | None = None
    country: Annotated[str, Field(pattern=r"^([A-Z]{2})?$")] | None = None


class BillToOut(BaseModel):
    name: str
    street: str
    city: str
    postal_code: str
    country: str


class Created(BaseModel):
    """The id of a created object (bulk responses)."""

    id: str


class JobAccepted(BaseModel):
    job_id: str
