"""The figures a journal line posts, from the domain: its rate in force
(:func:`billable.domain.currency.effective_rate`), its parts
(:func:`billable.domain.dimensions.distribute`) and its voucher
(:func:`billable.domain.postings.cost_posting` or ``wip_posting``).

Computed for a chunk of lines at once, and once per distinct rate key, split and
voucher: a million lines of a few hundred contracts, dates and amounts compute a few
thousand figures. SQL never rounds; it only reads the lines and writes what these return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain.dimensions import DistributedPart
from billable.domain.errors import DomainError, FieldError, Invalid
from billable.domain.postings import (
    PostingProfile,
    Voucher,
    VoucherLine,
    cost_posting,
    wip_posting,
)
from billable.domain.pricing import TransactionClass
from billable.domain.vocabulary import BillingType
from billable.erp.journal import COST_LINE, SALES_LINE, parts_of, shares_of
from billable.erp.journal_rates import Rates
from billable.persistence.tables import (
    Actual,
    IntegrationJournalLine,
    LegalEntity,
)

__all__ = [
    "COST_LINE",
    "SALES_LINE",
    "Figures",
    "LineRow",
    "Memo",
    "Rates",
    "about_line",
    "line_rows",
]

L = IntegrationJournalLine


def transaction_voucher(
    profile: PostingProfile,
    kind: str,
    transaction_class: str,
    parts: Sequence[DistributedPart],
    code: str,
    accounting: str,
    rate: Decimal,
) -> Voucher:
    """The voucher of one transaction: a cost pair or a WIP pair per part, at ``rate``."""
    cls = TransactionClass(transaction_class)
    lines: list[VoucherLine] = []
    for part in parts:
        build = cost_posting if kind == COST_LINE else wip_posting
        pair = build(
            profile, cls, part.amount, currency(code), currency(accounting), rate, part.dimensions
        )
        lines.extend(pair.lines)
    return Voucher(tuple(lines))


def stored_parts(parts: Sequence[DistributedPart]) -> list[dict[str, Any]]:
    """Parts as the ``parts`` JSON of a posted transaction (decimals as strings)."""
    return [
        {"percent": str(p.percent), "dimensions": dict(p.dimensions), "amount": str(p.amount)}
        for p in parts
    ]


@dataclass(frozen=True)
class LineRow:
    """What posting reads of one journal line (and its actual's billing type)."""

    id: int
    journal_id: int
    actual_id: int
    kind: str
    transaction_class: str
    project_id: int | None
    contract_id: int | None
    date: dt.date
    quantity: Decimal
    amount: Decimal
    currency: str
    sales_tax_group: str | None
    item_sales_tax_group: str | None
    dimensions: dict[str, Any]
    distribution: list[dict[str, Any]] | None
    billing_type: str | None

    @property
    def posts(self) -> bool:
        """Whether the line writes a voucher: not zero, and a cost or a chargeable sale."""
        if self.amount == 0:
            return False
        return self.kind == COST_LINE or self.billing_type == BillingType.CHARGEABLE


def line_rows(session: Session, where: Iterable[ColumnElement[bool]], limit: int) -> list[LineRow]:
    """Up to ``limit`` journal lines ``where`` selects, in id order, in one query."""
    stmt = (
        select(
            L.id,
            L.journal_id,
            L.actual_id,
            L.kind,
            L.transaction_class,
            L.project_id,
            L.contract_id,
            L.date,
            L.quantity,
            L.cost_amount,
            L.sales_amount,
            L.currency,
            L.sales_tax_group,
            L.item_sales_tax_group,
            L.dimensions,
            L.distribution,
            Actual.billing_type,
        )
        .outerjoin(Actual, Actual.id == L.actual_id)
        .where(*where)
        .order_by(L.id)
        .limit(limit)
    )
    return [
        LineRow(
            r.id,
            r.journal_id,
            r.actual_id,
            r.kind,
            r.transaction_class,
            r.project_id,
            r.contract_id,
            r.date,
            r.quantity,
            r.cost_amount if r.kind == COST_LINE else r.sales_amount,
            r.currency,
            r.sales_tax_group,
            r.item_sales_tax_group,
            r.dimensions or {},
            r.distribution,
            r.billing_type,
        )
        for r in session.execute(stmt)
    ]


@dataclass(frozen=True)
class Figures:
    """A line's rate, parts and voucher (None: it posts none)."""

    rate: Decimal
    parts: tuple[DistributedPart, ...]
    voucher: Voucher | None

    @classmethod
    def of_rows(
        cls, session: Session, rows: Sequence[LineRow], entity: LegalEntity, profile: PostingProfile
    ) -> list[Figures]:
        """The figures of ``rows``; a refusal names the line (422)."""
        accounting = entity.accounting_currency
        rates = Rates.read(
            session, accounting, {r.contract_id for r in rows}, {r.currency for r in rows}
        )
        memo = Memo(profile, accounting)
        out = []
        for row in rows:
            try:
                out.append(memo.figures(row, rates))
            except DomainError as exc:
                raise about_line(session, row, exc) from None
        return out


def about_line(session: Session, row: LineRow, exc: DomainError) -> Invalid:
    """``exc`` restated as a refusal of the journal line (its index and id named)."""
    index = (
        session.scalar(select(func.count()).where(L.journal_id == row.journal_id, L.id < row.id))
        or 0
    )
    errors = tuple(FieldError(f"lines[{index}].{e.field}", e.message) for e in exc.errors)
    return Invalid(
        f"line {row.id} (actual {row.actual_id}): {exc.detail}",
        errors or (FieldError(f"lines[{index}]", exc.detail),),
    )


class Memo:
    """Parts and vouchers computed once per distinct input."""

    def __init__(self, profile: PostingProfile, accounting: str) -> None:
        self.profile, self.accounting = profile, accounting
        self._parts: dict[tuple[Any, ...], tuple[DistributedPart, ...]] = {}
        self._vouchers: dict[tuple[Any, ...], Voucher] = {}

    def figures(self, row: LineRow, rates: Rates) -> Figures:
        """The row's figures at the rate in force for it."""
        try:
            rate = rates.rate(row.contract_id, row.currency, row.date)
        except Invalid as exc:
            raise Invalid.field("exchange_rate", exc.detail) from None
        return self.at(row, rate)

    def at(self, row: LineRow, rate: Decimal) -> Figures:
        """The row's parts and voucher at ``rate``."""
        shares = shares_of(row.distribution, row.dimensions)
        key = (row.amount, row.currency, _frozen(shares))
        parts = self._parts.get(key)
        if parts is None:
            parts = self._parts[key] = parts_of(row.amount, row.currency, shares)
        if not row.posts:
            return Figures(rate, parts, None)
        vkey = (row.kind, row.transaction_class, parts, row.currency, rate)
        voucher = self._vouchers.get(vkey)
        if voucher is None:
            voucher = self._vouchers[vkey] = transaction_voucher(
                self.profile,
                row.kind,
                row.transaction_class,
                parts,
                row.currency,
                self.accounting,
                rate,
            )
        return Figures(rate, parts, voucher)


def _frozen(value: Any) -> Any:
    """A JSON value as something hashable (dicts by sorted items)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value
