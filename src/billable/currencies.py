"""ISO 4217 currencies, looked up with the ``iso4217`` package (outside the pure domain)."""

from __future__ import annotations

from functools import cache

from iso4217 import Currency as Iso4217

from billable.domain.errors import Invalid
from billable.domain.money import Currency


@cache
def _lookup(code: str) -> Currency | None:
    try:
        iso = Iso4217(code)
    except ValueError:
        return None
    exponent = iso.exponent
    if exponent is None:  # funds and metals (XAU...) have no minor unit: not invoiceable
        return None
    return Currency(code, exponent)


def currency(code: str, field: str = "currency") -> Currency:
    """The currency for ``code``, or a 422 on ``field`` for an unknown or non-money code."""
    found = _lookup(code) if isinstance(code, str) and len(code) == 3 else None
    if found is None:
        raise Invalid.field(field, f"'{code}' is not an ISO 4217 currency with a minor unit")
    return found
