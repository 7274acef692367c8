"""Exchange rates of the ERP side (seed 003, rules.md "ERP side").

A sales amount in the transaction currency becomes an amount in the legal entity's
accounting currency by the exchange rate in force on the transaction date, unless the
project contract has a fixed-rate agreement for that currency: then the agreement's rate
applies to every amount in it, including pending journal lines and invoice proposals not
yet posted.

Rates are *per one unit* of the source currency (1 GBP = 1.25 USD) and kept to 6
decimals. Finance screens show the same rate per 100 units ("price exchange rate 125").
Rates apply in the direction they are recorded; an inverse is never derived, so a
GBP->USD rate does not price USD->GBP.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from billable.domain.errors import Invalid
from billable.domain.money import RATE_PLACES, Currency, round_amount, round_places

#: The rate between a currency and itself.
IDENTITY_RATE = round_places(Decimal(1), RATE_PLACES)


def _kept_rate(rate: Decimal, field: str = "rate") -> Decimal:
    """``rate`` kept to 6 decimals; a rate must be a positive Decimal."""
    if not isinstance(rate, Decimal):
        raise TypeError(f"{field} must be Decimal, not {type(rate).__name__}")
    kept = round_places(rate, RATE_PLACES)
    if kept <= 0:
        raise Invalid.field(field, f"must be positive, not {rate}")
    return kept


@dataclass(frozen=True)
class ExchangeRate:
    """One unit of ``from_currency`` is worth ``rate`` ``to_currency`` from ``valid_from`` on.

    The rate stays in force until a later ``valid_from`` for the same pair replaces it.
    """

    from_currency: str
    to_currency: str
    rate: Decimal
    valid_from: dt.date

    def __post_init__(self) -> None:
        object.__setattr__(self, "rate", _kept_rate(self.rate))
        if self.from_currency == self.to_currency:
            raise Invalid.field(
                "to_currency", f"a rate converts between two currencies, not {self.to_currency}"
            )


@dataclass(frozen=True)
class FixedRateAgreement:
    """A project contract's constant rate for every amount in ``currency``.

    ``rate`` converts one unit of ``currency`` to the legal entity's accounting
    currency; ``reference`` is the optional agreement number.
    """

    currency: str
    rate: Decimal
    reference: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rate", _kept_rate(self.rate))


def rate_on(rates: Iterable[ExchangeRate], from_code: str, to_code: str, on: dt.date) -> Decimal:
    """The rate from ``from_code`` to ``to_code`` in force on ``on``.

    That is the rate of the pair with the latest ``valid_from`` on or before ``on``;
    between a currency and itself it is 1. Raises :class:`Invalid` when no rate of the
    pair is in force yet, or when two different rates of the pair start the same day.
    """
    if from_code == to_code:
        return IDENTITY_RATE
    in_force = [
        r
        for r in rates
        if r.from_currency == from_code and r.to_currency == to_code and r.valid_from <= on
    ]
    if not in_force:
        raise Invalid.field(
            "exchange_rate",
            f"no exchange rate from {from_code} to {to_code} in force on {on.isoformat()}",
        )
    latest = max(r.valid_from for r in in_force)
    candidates = {r.rate for r in in_force if r.valid_from == latest}
    if len(candidates) > 1:
        listed = ", ".join(str(rate) for rate in sorted(candidates))
        raise Invalid.field(
            "exchange_rate",
            f"{from_code} to {to_code} has several rates valid from {latest.isoformat()}: {listed}",
        )
    return candidates.pop()


def effective_rate(
    rates: Iterable[ExchangeRate],
    agreement: FixedRateAgreement | None,
    from_code: str,
    to_code: str,
    on: dt.date,
) -> Decimal:
    """The rate that converts an amount in ``from_code`` to ``to_code`` on ``on``.

    A fixed-rate agreement in ``from_code`` wins over the date-effective rates, whatever
    the date (seed 003: it applies to every amount in its currency). Without one, or for
    another currency, the rate in force on ``on`` applies (:func:`rate_on`). Same
    currency: 1, agreement or not.
    """
    if from_code == to_code:
        return IDENTITY_RATE
    if agreement is not None and agreement.currency == from_code:
        return agreement.rate
    return rate_on(rates, from_code, to_code, on)


def convert(amount: Decimal, rate: Decimal, to_currency: Currency) -> Decimal:
    """``amount x rate`` in ``to_currency``, rounded once to its minor unit (half up)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, not {type(amount).__name__}")
    return round_amount(amount * _kept_rate(rate), to_currency)
