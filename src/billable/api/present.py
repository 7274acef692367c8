"""How the API writes values: ids as strings, decimals as strings with the currency's
minor unit for money. The presenters of each capability (``present_*``) use these to
turn the read side's values (:mod:`billable.views`) into response bodies."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from billable.currencies import currency
from billable.domain.money import format_decimal


def sid(value: int | None) -> str | None:
    """An id as the API writes it."""
    return None if value is None else str(value)


def money(value: Decimal | None, code: str) -> str | None:
    """An amount with the currency's minor unit: "250.00", "1000" (JPY)."""
    if value is None:
        return None
    return format_decimal(value, currency(code).minor_units)


def num(value: Decimal | None, min_places: int = 0) -> str | None:
    """A quantity, price or rate without trailing zeros: "8", "7.5"."""
    return None if value is None else format_decimal(value, min_places)


def bill_to(row: Any) -> dict[str, str]:
    """The bill-to address of a customer, contract or invoice."""
    return {
        p: getattr(row, f"bill_to_{p}")
        for p in ("name", "street", "city", "postal_code", "country")
    }
