"""Expenses and fees priced from their cost in another currency (issue 9, point 7).

An expense's unit price is in its project's cost currency (the cost price list's). When
the contract bills in another currency and the category is priced at cost or by
markup, the cost is converted at the rate in force on the entry's date, or at the
contract's fixed-rate agreement, then the category rule applies (the domain's
``converted_category_price``). The rates of a whole set of entries are read at once
with the ERP side's one lookup (``erp.defaults.rates_or_refusals``); an entry without a
rate in force is refused on its own, the others still priced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from billable.billing.approval_facts import PricingFacts
from billable.billing.entry_fields import by_keys, rows_by_key
from billable.domain.errors import DomainError, Invalid
from billable.domain.money import ZERO
from billable.domain.pricing import CategoryMethod, TransactionClass, converted_category_price
from billable.erp.defaults import RateKey, rates_or_refusals
from billable.erp.legal_entities import default_legal_entity
from billable.persistence.tables import Contract, LegalEntity


@dataclass(frozen=True)
class Conversion:
    """How entries alike are priced from a cost in another currency than the contract's."""

    method: CategoryMethod
    value: Decimal
    #: The cost's currency and the contract's.
    from_code: str
    to_code: str
    contract_id: int


def category_rule(
    entry: Any, sales_list: Any, facts: PricingFacts
) -> tuple[CategoryMethod, Decimal]:
    """How the contract's price list prices an expense's or fee's category (at cost
    when it does not name it)."""
    rule = facts.prices.categories.get((sales_list.id, entry.category_id))
    return rule if rule else (CategoryMethod.AT_COST, ZERO)


def conversion_of(
    entry: Any, sales_list: Any, cost_list: Any, contract: Any, facts: PricingFacts
) -> Conversion | None:
    """The conversion an expense or fee priced from its cost needs when the cost is in
    another currency than the contract's; None when it needs none."""
    if entry.kind not in (TransactionClass.EXPENSE, TransactionClass.FEE):
        return None
    if sales_list.currency == cost_list.currency:
        return None
    method, value = category_rule(entry, sales_list, facts)
    if method is CategoryMethod.PRICE_PER_UNIT:
        return None  # the price list's own price, already in the contract's currency
    return Conversion(method, value, cost_list.currency, sales_list.currency, contract.id)


_CONTRACT_ENTITIES = by_keys(Contract.id, Contract.legal_entity_id)
_ENTITIES = by_keys(LegalEntity.id, LegalEntity.accounting_currency)


def _accounting_currencies(session: Session, contracts: set[int]) -> dict[int, str]:
    """Each contract's legal entity's accounting currency (the default entity's when it
    names none)."""
    owners = rows_by_key(session, _CONTRACT_ENTITIES, contracts)
    entities = rows_by_key(session, _ENTITIES, {row.legal_entity_id for row in owners.values()})
    default: str | None = None
    out: dict[int, str] = {}
    for ident, row in owners.items():
        if row.legal_entity_id is None:
            default = default or default_legal_entity(session).accounting_currency
            out[ident] = default
        else:
            out[ident] = entities[row.legal_entity_id].accounting_currency
    return out


def _key(conversion: Conversion, on: Any, accounting: Mapping[int, str]) -> RateKey:
    """The rate asked for: a fixed-rate agreement states its currency in the accounting
    currency, so it can price the conversion only when the contract bills in that."""
    agreed = accounting.get(conversion.contract_id) == conversion.to_code
    contract_id = conversion.contract_id if agreed else None
    return RateKey(contract_id, conversion.from_code, conversion.to_code, on)


@dataclass(frozen=True)
class Rates:
    """The rate (or the refusal) for each converted entry, by entry id."""

    found: Mapping[int, Decimal | DomainError]

    def price(self, entry: Any, conversion: Conversion) -> Decimal:
        """``entry``'s unit sales price in the contract's currency, or the 422 naming the
        missing rate."""
        rate = self.found[entry.id]
        if isinstance(rate, DomainError):
            reason = "; ".join(e.message for e in rate.errors) or rate.detail
            raise Invalid.field(
                "exchange_rate",
                f"pricing {conversion.method.value} converts the entry's cost from "
                f"{conversion.from_code} to the contract's {conversion.to_code}: {reason}",
            )
        own = Decimal(entry.unit_price) if entry.unit_price is not None else ZERO
        return converted_category_price(conversion.method, conversion.value, own, rate)


def rates_for(session: Session, converted: Iterable[tuple[Any, Conversion]]) -> Rates:
    """The rates of every ``(entry, conversion)``, read in a few queries for the set."""
    pairs = list(converted)
    if not pairs:
        return Rates({})
    accounting = _accounting_currencies(session, {c.contract_id for _, c in pairs})
    keys = {entry.id: _key(c, entry.date, accounting) for entry, c in pairs}
    found = rates_or_refusals(session, list(dict.fromkeys(keys.values())))
    return Rates({ident: found[key] for ident, key in keys.items()})
