"""Financial dimensions and "Distribute amounts" (seed 003).

A dimension set is a tuple of ``(name, value)`` pairs, e.g.
``(("BusinessUnit", "002"), ("Department", "022"))``, sorted by name so equal sets
compare equal. An amount can be split over several dimension sets by percent.

Rounding: each part is ``amount x percent / 100`` rounded to the currency's minor unit
with :func:`~billable.domain.money.round_amount`; the minor units that rounding gained
or lost are then taken back or handed out one at a time by the largest-remainder
method, so the parts always add up to the amount exactly. The result equals the
classic Hamilton apportionment (floor, then one unit to each of the largest
remainders); among equal remainders the share listed first gets (or keeps) the unit.

Percents are compared to 100 at 6 decimals, so three equal shares of ``100 / 3`` are
accepted (their sum is 99.999...9 in Decimal); 33.33 + 33.33 + 33.33 is not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from billable.domain.errors import Invalid
from billable.domain.money import ZERO, Currency, round_amount, round_places

#: A financial dimension set: ``(name, value)`` pairs sorted by name.
Dimensions = tuple[tuple[str, str], ...]

HUNDRED = Decimal(100)
#: Decimals at which the shares' percents must add up to 100.
PERCENT_PLACES = 6


def dimension_set(pairs: Iterable[tuple[str, str]]) -> Dimensions:
    """``pairs`` as a dimension set: sorted by name; a name given twice is refused."""
    ordered = tuple(sorted(pairs))
    names = [name for name, _ in ordered]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise Invalid.field("dimensions", f"dimension(s) given twice: {', '.join(repeated)}")
    return ordered


def share_dimensions(line: Dimensions, named: Dimensions) -> Dimensions:
    """The dimensions of one share of a line's distributed amount: the line's own, with
    those the share names replaced ("Distribute amounts" keeps the others)."""
    return dimension_set({**dict(line), **dict(named)}.items())


@dataclass(frozen=True)
class DistributedPart:
    """One part of a distributed amount: its share in percent, dimensions and amount."""

    percent: Decimal
    dimensions: Dimensions
    amount: Decimal


def _check_shares(shares: Sequence[tuple[Decimal, Dimensions]]) -> None:
    for percent, _ in shares:
        if not isinstance(percent, Decimal):
            raise TypeError(f"percent must be Decimal, not {type(percent).__name__}")
        if percent < 0:
            raise Invalid.field("percent", f"a share must not be negative, not {percent}")
    total = sum((percent for percent, _ in shares), ZERO)
    if round_places(total, PERCENT_PLACES) != HUNDRED:
        raise Invalid.field("percent", f"shares must add up to 100, not {total}")


def distribute(
    amount: Decimal,
    shares: Sequence[tuple[Decimal, Dimensions]],
    currency: Currency,
) -> tuple[DistributedPart, ...]:
    """Split ``amount`` over ``shares`` of ``(percent, dimensions)``, in the given order.

    Percents must add up to 100 (at 6 decimals) and none may be negative; ``amount``
    must be rounded to ``currency`` (:class:`Invalid` otherwise). The parts add up to
    ``amount`` exactly: 100.00 in three equal shares gives 33.34, 33.33, 33.33. A
    negative amount splits like its positive counterpart, negated.
    """
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, not {type(amount).__name__}")
    _check_shares(shares)
    if round_amount(amount, currency) != amount:
        raise Invalid.field("amount", f"{amount} has more decimals than {currency.code} allows")
    sign = -1 if amount < 0 else 1
    size = abs(amount)
    exact = [size * percent / HUNDRED for percent, _ in shares]
    parts = [round_amount(value, currency) for value in exact]
    unit = Decimal(1).scaleb(-currency.minor_units)
    missing = int((size - sum(parts, ZERO)) / unit)  # > 0: hand out; < 0: take back
    # Hand out to the largest remainders, earliest first; take back from the smallest,
    # latest first: either way the earlier of two equal shares ends with the unit.
    if missing > 0:
        order = sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], i))
    else:
        order = sorted(range(len(parts)), key=lambda i: (exact[i] - parts[i], -i))
    step = unit if missing > 0 else -unit
    for i in order[: abs(missing)]:
        parts[i] += step
    return tuple(
        DistributedPart(percent, dimensions, round_amount(sign * part, currency))
        for (percent, dimensions), part in zip(shares, parts, strict=True)
    )
