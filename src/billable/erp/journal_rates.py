"""The rates in force for a chunk of journal lines, by the domain
(:func:`billable.domain.currency.effective_rate`), read once and computed once per
distinct (agreement, currency, date)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.domain.currency import ExchangeRate as RateFact
from billable.domain.currency import FixedRateAgreement as AgreementFact
from billable.domain.currency import effective_rate
from billable.domain.errors import DomainError
from billable.persistence.tables import ExchangeRate, FixedRateAgreement


class Rates:
    """The rates in force for lines of some contracts and currencies, read once; each
    distinct (agreement, currency, date) asked is computed once by the domain."""

    def __init__(
        self,
        accounting: str,
        agreements: dict[int, AgreementFact],
        rates: dict[str, list[RateFact]],
    ) -> None:
        self.accounting = accounting
        self._agreements = agreements
        self._rates = rates
        self._known: dict[tuple[Any, ...], Decimal | DomainError] = {}

    @classmethod
    def read(
        cls, session: Session, accounting: str, contracts: set[int | None], codes: set[str]
    ) -> Rates:
        """The agreements of ``contracts`` and the rates from ``codes`` to ``accounting``."""
        ids = [c for c in contracts if c is not None]
        agreements = {
            row.contract_id: AgreementFact(row.currency, row.rate, row.reference)
            for row in session.scalars(
                select(FixedRateAgreement).where(FixedRateAgreement.contract_id.in_(ids))
            )
        }
        rates: dict[str, list[RateFact]] = {}
        for r in session.scalars(
            select(ExchangeRate).where(
                ExchangeRate.from_currency.in_(codes), ExchangeRate.to_currency == accounting
            )
        ):
            rates.setdefault(r.from_currency, []).append(
                RateFact(r.from_currency, r.to_currency, r.rate, r.valid_from)
            )
        return cls(accounting, agreements, rates)

    def rate(self, contract_id: int | None, code: str, on: dt.date) -> Decimal:
        """:func:`effective_rate` for a line of ``contract_id`` in ``code`` on ``on``."""
        agreement = self._agreements.get(contract_id) if contract_id is not None else None
        if agreement is not None and agreement.currency != code:
            agreement = None  # an agreement in another currency never applies
        dated = agreement is None and code != self.accounting
        key = (agreement, code, on if dated else None)
        found = self._known.get(key)
        if found is None:
            try:
                pair = self._rates.get(code, [])
                found = effective_rate(pair, agreement, code, self.accounting, on)
            except DomainError as exc:
                found = exc
            self._known[key] = found
        if isinstance(found, DomainError):
            raise found
        return found
