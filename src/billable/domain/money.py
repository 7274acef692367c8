"""Decimal discipline: every rounding of money in Billable goes through :func:`round_amount`.

Policy (shared/spec/rules.md): amounts round to the currency's minor unit with
ROUND_HALF_UP at the smallest piece that is priced; totals are sums of rounded
pieces. Quantities keep 4 decimals; prices and exchange rates keep 6.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from billable.domain.errors import Invalid

QUANTITY_PLACES = 4
PRICE_PLACES = 6
RATE_PLACES = 6
#: Stored scale of amounts: enough for every ISO 4217 minor unit (the largest is 4).
AMOUNT_PLACES = 4

ZERO = Decimal(0)


@dataclass(frozen=True)
class Currency:
    """An ISO 4217 currency: its code and how many decimals its minor unit has."""

    code: str
    minor_units: int

    def __post_init__(self) -> None:
        if len(self.code) != 3 or not self.code.isalpha() or not self.code.isupper():
            raise ValueError(f"not an ISO 4217 code: {self.code!r}")
        if not 0 <= self.minor_units <= AMOUNT_PLACES:
            raise ValueError(f"unsupported minor units {self.minor_units} for {self.code}")


def _quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def round_amount(value: Decimal, currency: Currency) -> Decimal:
    """Round ``value`` to ``currency``'s minor unit, half up. The one rounding of money."""
    if not isinstance(value, Decimal):
        raise TypeError(f"money must be Decimal, not {type(value).__name__}")
    rounded = value.quantize(_quantum(currency.minor_units), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # never "-0.00"


def round_places(value: Decimal, places: int) -> Decimal:
    """Round a quantity, price or rate to its kept number of decimals, half up."""
    if not isinstance(value, Decimal):
        raise TypeError(f"decimals must be Decimal, not {type(value).__name__}")
    return value.quantize(_quantum(places), rounding=ROUND_HALF_UP)


#: The largest amount Billable keeps (stored exactly on every database; see
#: persistence.types): beyond it an input is refused rather than changed.
MAX_AMOUNT = Decimal("99999999999999")


def extend(quantity: Decimal, price: Decimal, currency: Currency) -> Decimal:
    """The amount of one priced piece: ``round(quantity x price)`` in ``currency``."""
    amount = round_amount(quantity * price, currency)
    if abs(amount) > MAX_AMOUNT:
        raise Invalid.field(
            "quantity", f"quantity x price is {amount}, beyond the largest amount {MAX_AMOUNT}"
        )
    return amount


def exact_amount(value: Decimal, currency: Currency, field: str) -> Decimal:
    """``value`` if it is a whole number of ``currency``'s minor units, else a 422 on
    ``field``: an amount a user types is never silently rounded."""
    rounded = round_amount(value, currency)
    if rounded != value:
        raise Invalid.field(
            field,
            f"{value} has more decimals than {currency.code} allows ({currency.minor_units})",
        )
    return rounded


def prorate(total: Decimal, part: Decimal, whole: Decimal, currency: Currency) -> Decimal:
    """``total`` scaled by ``part / whole``, rounded once; ``whole`` of zero gives zero."""
    if whole == 0:
        return round_amount(ZERO, currency)
    return round_amount(total * part / whole, currency)


def places_of(value: Decimal) -> int:
    """How many decimals ``value`` is written with (``Decimal('1.50')`` has 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def format_decimal(value: Decimal, min_places: int = 0) -> str:
    """Plain notation without trailing zeros beyond ``min_places`` ("8", "250.00", "7.5")."""
    places = max(min_places, places_of(value.normalize()))
    return f"{value.quantize(_quantum(places)):f}"


@dataclass(frozen=True)
class Money:
    """An amount in a currency, always rounded to the currency's minor unit."""

    amount: Decimal
    currency: Currency

    @classmethod
    def of(cls, amount: Decimal, currency: Currency) -> Money:
        """Money rounded to ``currency``'s minor unit."""
        return cls(round_amount(amount, currency), currency)

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency.code} to {self.currency.code}")
        return Money(self.amount + other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __str__(self) -> str:
        return f"{format_decimal(self.amount, self.currency.minor_units)} {self.currency.code}"
