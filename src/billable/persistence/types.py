"""Exact decimals on every database.

SQLAlchemy's ``Numeric`` on SQLite is a float underneath: 0.1 summed ten times is
not 1 and large values come back changed. :class:`ExactDecimal` stores a value as
an integer scaled by ``10**scale`` on SQLite (so SQL ``SUM`` is integer
arithmetic, exact) and as ``NUMERIC`` on PostgreSQL. Both refuse a value with
more decimals than the column keeps, or beyond a signed 64-bit scaled integer,
instead of changing it: the same bounds on both databases.
"""

from __future__ import annotations

from decimal import Context, Decimal
from typing import Any

from sqlalchemy import BigInteger, Numeric, literal_column
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, TypeEngine

INT64_MAX = 2**63 - 1
#: Wide enough that scaling any value a column can hold never rounds (one context for
#: every call: entering a local context per value costs more than the scaling).
_EXACT = Context(prec=100)


class ExactDecimal(TypeDecorator[Decimal]):
    """A decimal column kept exactly with ``scale`` decimals."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int) -> None:
        super().__init__()
        self.scale = scale

    def __repr__(self) -> str:
        # Alembic writes this into migrations; the scale must survive.
        return f"ExactDecimal({self.scale})"

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(precision=19 + self.scale, scale=self.scale))
        return dialect.type_descriptor(BigInteger())

    def scaled(self, value: Decimal | int | str) -> int:
        """``value`` as an integer count of ``10**-scale`` units, or ValueError."""
        if isinstance(value, float):
            raise TypeError("exact decimals never take floats")
        number = Decimal(value)
        # Exact arithmetic: the default 28-digit context would round a long input first.
        units = number.scaleb(self.scale, context=_EXACT)
        if units != units.to_integral_value():
            raise ValueError(f"{number} has more than {self.scale} decimal places")
        if abs(units) > INT64_MAX:
            raise ValueError(f"{number} is too large to store exactly")
        return int(units)

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        units = self.scaled(value)
        if dialect.name == "postgresql":
            return Decimal(units).scaleb(-self.scale)
        return units

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "postgresql":
            return Decimal(value).quantize(Decimal(1).scaleb(-self.scale))
        return Decimal(int(value)).scaleb(-self.scale)

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        return self


def Amount() -> ExactDecimal:
    """An amount of money: 4 decimals, enough for any ISO 4217 minor unit."""
    return ExactDecimal(4)


def Quantity() -> ExactDecimal:
    """A quantity: 4 decimals (rules.md)."""
    return ExactDecimal(4)


def Price() -> ExactDecimal:
    """A unit price or exchange rate: 6 decimals (rules.md)."""
    return ExactDecimal(6)


class Rescale(FunctionElement[Decimal]):
    """An exact decimal expression moved to a larger scale (see :func:`rescale`)."""

    name = "rescale"
    inherit_cache = True


def rescale(expression: Any, from_scale: int, to_scale: int) -> Rescale:
    """``expression`` (an ExactDecimal of ``from_scale``) as an ExactDecimal of ``to_scale``.

    Set-based SQL copies raw column values. On SQLite those are scaled integers, so
    copying an amount (scale 4) into a price (scale 6) must multiply by 100; on
    PostgreSQL NUMERIC it is the same value. Only widening is allowed: narrowing would
    have to round, and rounding happens in Python (``domain.money``), never in SQL.
    """
    if to_scale < from_scale:
        raise ValueError("rescale only widens; round in the domain instead")
    element = Rescale(expression, literal_column(str(10 ** (to_scale - from_scale))))
    element.type = ExactDecimal(to_scale)
    return element


@compiles(Rescale)
def _rescale_numeric(element: Rescale, compiler: Any, **kw: Any) -> str:
    value, _factor = list(element.clauses)
    return str(compiler.process(value, **kw))


@compiles(Rescale, "sqlite")
def _rescale_scaled_integer(element: Rescale, compiler: Any, **kw: Any) -> str:
    value, factor = list(element.clauses)
    return f"({compiler.process(value, **kw)} * {compiler.process(factor, **kw)})"
