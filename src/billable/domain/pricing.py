"""Sales and cost prices of actuals, from price lists (rules.md, "Actuals")."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from billable.domain.errors import Invalid
from billable.domain.money import PRICE_PLACES, round_places


class TransactionClass(StrEnum):
    """What an entry or actual is: the classes a contract line can include."""

    TIME = "time"
    EXPENSE = "expense"
    MATERIAL = "material"
    FEE = "fee"
    MILESTONE = "milestone"
    PRODUCT = "product"


#: The classes users put on entries and on project-based contract lines.
ENTRY_CLASSES = (
    TransactionClass.TIME,
    TransactionClass.EXPENSE,
    TransactionClass.MATERIAL,
    TransactionClass.FEE,
)


class CategoryMethod(StrEnum):
    """How a price list prices a transaction category."""

    PRICE_PER_UNIT = "price_per_unit"
    AT_COST = "at_cost"
    MARKUP_PERCENT = "markup_percent"


def category_price(method: CategoryMethod, value: Decimal, unit_cost: Decimal) -> Decimal:
    """The unit sales price of an expense or fee under a category price.

    ``price_per_unit`` takes ``value`` as the price; ``at_cost`` passes the entry's unit
    cost through; ``markup_percent`` adds ``value`` percent to it. Kept to 6 decimals.
    """
    if method is CategoryMethod.PRICE_PER_UNIT:
        price = value
    elif method is CategoryMethod.AT_COST:
        price = unit_cost
    else:
        price = unit_cost * (Decimal(100) + value) / Decimal(100)
    return round_places(price, PRICE_PLACES)


def converted_category_price(
    method: CategoryMethod, value: Decimal, unit_cost: Decimal, rate: Decimal
) -> Decimal:
    """The unit sales price, in the contract's currency, of an expense or fee whose unit
    cost is in another currency: the cost is converted first (``unit_cost x rate``, kept
    to 6 decimals like every price), then the category rule applies to it.

    Markup after conversion, so that a markup-priced actual is always its at-cost price
    plus the markup in the currency the customer is billed in (docs/decisions.md).
    ``rate`` is one unit of the cost's currency in the contract's, as the rate lookup
    (:func:`billable.domain.currency.effective_rate`) returns it.
    """
    if rate <= 0:
        raise Invalid.field("exchange_rate", f"must be positive, not {rate}")
    return category_price(method, value, round_places(unit_cost * rate, PRICE_PLACES))


def require_price(price: Decimal | None, field: str, what: str) -> Decimal:
    """``price``, or a 422 naming ``field`` when the price list has none for ``what``."""
    if price is None:
        raise Invalid.field(field, f"the price list has no price for {what}")
    return price
