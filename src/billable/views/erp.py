"""The ERP side as shown: vouchers with their lines, fixed-rate agreements (one, or a
page of them), and the exchange rates in force for a page of journal lines or
proposals, read at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from billable.domain.currency import ExchangeRate as RateFact
from billable.domain.currency import FixedRateAgreement as AgreementFact
from billable.domain.currency import effective_rate
from billable.domain.errors import NotFound
from billable.erp import ledger as general_ledger
from billable.persistence.lookups import get
from billable.persistence.tables import (
    Contract,
    ExchangeRate,
    FixedRateAgreement,
    LegalEntity,
    Voucher,
)
from billable.views.pagination import Window, window
from billable.views.records import Record, record


def accounting_currencies(session: Session) -> dict[int, str]:
    """Legal entity id -> its accounting currency (a handful of rows)."""
    rows = session.execute(select(LegalEntity.id, LegalEntity.accounting_currency))
    return {ident: code for ident, code in rows}


def _vouchers(session: Session, rows: Sequence[Voucher]) -> list[Record]:
    codes = accounting_currencies(session)
    return [
        record(
            row,
            lines=[record(line) for line in row.lines],
            accounting_currency=codes[row.legal_entity_id],
        )
        for row in rows
    ]


def vouchers(
    session: Session,
    limit: int,
    cursor: str | None,
    source_type: str | None = None,
    source_id: str | None = None,
    account: str | None = None,
) -> Window[Record]:
    """A page of vouchers with their lines; filters: source, an account posted to."""
    stmt = general_ledger.vouchers_query(source_type, source_id, account)
    stmt = stmt.options(selectinload(Voucher.lines))
    return window(session, stmt, Voucher.id, limit, cursor, lambda r: _vouchers(session, r))


def voucher(session: Session, ident: int | str) -> Record:
    """One voucher with its lines, or 404."""
    return _vouchers(session, [get(session, Voucher, ident, "voucher")])[0]


def voucher_numbers(session: Session, source_type: str, source_id: str) -> list[str]:
    """The numbers of the vouchers a source posted, in order."""
    stmt = (
        select(Voucher.number)
        .where(Voucher.source_type == source_type, Voucher.source_id == source_id)
        .order_by(Voucher.number)
    )
    return [str(number) for number in session.scalars(stmt)]


def fixed_rate_agreement(session: Session, contract_id: str) -> Record:
    """A contract's fixed-rate agreement; 404 for an unknown contract or none set."""
    contract = get(session, Contract, contract_id, "contract")
    row = session.get(FixedRateAgreement, contract.id)
    if row is None:
        raise NotFound(f"contract {contract_id} has no fixed-rate agreement")
    return record(row)


def fixed_rate_agreements(session: Session, limit: int, cursor: str | None) -> Window[Record]:
    """A page, by contract id, of the contracts' fixed-rate agreements, each with its
    contract's name."""
    stmt = select(FixedRateAgreement)

    def shown(rows: Sequence[FixedRateAgreement]) -> list[Record]:
        keys = [row.contract_id for row in rows]
        names: dict[int, str] = {}
        if keys:
            found = session.execute(select(Contract.id, Contract.name).where(Contract.id.in_(keys)))
            names = {ident: name for ident, name in found}
        return [record(row, contract_name=names.get(row.contract_id, "")) for row in rows]

    return window(session, stmt, FixedRateAgreement.contract_id, limit, cursor, shown)


class RatesInForce:
    """The agreements and exchange rates a page of lines may need, read in two queries;
    :meth:`rate` then decides as :func:`billable.erp.defaults.rate_in_force` does (the
    domain's :func:`~billable.domain.currency.effective_rate`), without a query per line."""

    def __init__(
        self,
        session: Session,
        contract_ids: Iterable[int | None],
        pairs: Iterable[tuple[str, str]],
    ) -> None:
        keys = {i for i in contract_ids if i is not None}
        self._agreements: dict[int, AgreementFact] = {}
        if keys:
            for row in session.scalars(
                select(FixedRateAgreement).where(FixedRateAgreement.contract_id.in_(keys))
            ):
                self._agreements[row.contract_id] = AgreementFact(
                    row.currency, row.rate, row.reference
                )
        wanted = {(a, b) for a, b in pairs if a != b}
        self._rates: dict[tuple[str, str], list[RateFact]] = {pair: [] for pair in wanted}
        if wanted:
            which = [
                (ExchangeRate.from_currency == a) & (ExchangeRate.to_currency == b)
                for a, b in wanted
            ]
            for r in session.scalars(select(ExchangeRate).where(or_(*which))):
                self._rates[(r.from_currency, r.to_currency)].append(
                    RateFact(r.from_currency, r.to_currency, r.rate, r.valid_from)
                )

    def rate(self, contract_id: int | None, from_code: str, to_code: str, on: dt.date) -> Decimal:
        """The rate in force on ``on`` (refused, as a domain error, when there is none)."""
        agreement = self._agreements.get(contract_id) if contract_id is not None else None
        rates = [r for r in self._rates.get((from_code, to_code), []) if r.valid_from <= on]
        return effective_rate(rates, agreement, from_code, to_code, on)
