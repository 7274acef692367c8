"""The general ledger: posting balanced vouchers (append-only, numbered without gaps),
listing them and the trial balance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain import postings
from billable.domain.dimensions import dimension_set
from billable.domain.errors import Invalid
from billable.domain.money import ZERO, Currency, round_amount
from billable.erp.legal_entities import default_legal_entity
from billable.persistence import auditing
from billable.persistence.lookups import insert_rows, parse_id, reserve_numbers
from billable.persistence.tables import LedgerAccount, LegalEntity, Voucher, VoucherLine

#: The gap-free sequence of voucher numbers.
VOUCHER_SEQUENCE = "voucher"


def _check_line(index: int, line: postings.VoucherLine, accounting: Currency) -> None:
    """A line's amounts must be whole minor units of their currencies (422 naming it)."""
    if round_amount(line.amount_accounting, accounting) != line.amount_accounting:
        raise Invalid.field(
            f"lines[{index}].amount_accounting",
            f"{line.amount_accounting} has more decimals than {accounting.code} allows",
        )
    if round_amount(line.amount_transaction, line.currency) != line.amount_transaction:
        raise Invalid.field(
            f"lines[{index}].amount_transaction",
            f"{line.amount_transaction} has more decimals than {line.currency.code} allows",
        )


@dataclass(frozen=True)
class Entry:
    """One voucher to write: its lines, date and source; ``links`` names, per line, the
    posted transaction it records (empty: no line records one)."""

    voucher: postings.Voucher
    date: dt.date
    source_type: str
    source_id: str
    links: Sequence[int | None] = ()
    #: The legal entity whose ledger it goes to; None: the one ``post_vouchers`` names.
    legal_entity: LegalEntity | None = None


def _account_ids(session: Session, entries: Sequence[Entry]) -> dict[str, int]:
    return account_ids(session, {line.account for entry in entries for line in entry.voucher.lines})


def check_voucher(
    voucher: postings.Voucher, accounts: Collection[str], accounting: Currency
) -> None:
    """Refuse (422) a voucher without lines, one that does not balance in accounting
    currency, a line on an account not in ``accounts``, or amounts with more decimals
    than their currency has."""
    if not voucher.lines:
        raise Invalid.field("voucher", "a voucher needs at least one line")
    voucher.check_balanced()
    for i, line in enumerate(voucher.lines):
        if line.account not in accounts:
            raise Invalid.field(f"lines[{i}].account", f"no ledger account {line.account}")
        _check_line(i, line, accounting)


def line_values(line: postings.VoucherLine, accounts: Mapping[str, int]) -> dict[str, Any]:
    """The stored columns of a voucher line, but its voucher and transaction."""
    return {
        "ledger_account_id": accounts[line.account],
        "account": line.account,
        "posting_type": line.posting_type.value,
        "currency": line.currency.code,
        "amount_transaction": line.amount_transaction,
        "amount_accounting": line.amount_accounting,
        "exchange_rate": line.exchange_rate,
        "dimensions": dict(dimension_set(line.dimensions)),
        "tax_code": line.tax_code,
    }


def _line_rows(entry: Entry, voucher_id: int, accounts: Mapping[str, int]) -> list[dict[str, Any]]:
    links = entry.links or (None,) * len(entry.voucher.lines)
    return [
        {"voucher_id": voucher_id, **line_values(line, accounts), "posted_transaction_id": link}
        for line, link in zip(entry.voucher.lines, links, strict=True)
    ]


def account_ids(session: Session, numbers: Collection[str]) -> dict[str, int]:
    """The ids of the ledger accounts ``numbers`` that exist."""
    found = session.execute(
        select(LedgerAccount.number, LedgerAccount.id).where(LedgerAccount.number.in_(numbers))
    )
    return {number: ident for number, ident in found}


@dataclass(frozen=True)
class Header:
    """A voucher's date, source and legal entity, without its lines."""

    date: dt.date
    source_type: str
    source_id: str
    legal_entity: LegalEntity


def open_vouchers(session: Session, headers: Sequence[Header]) -> list[int]:
    """Write the voucher rows of ``headers``, numbered from the gap-free sequence in the
    order given, in the caller's transaction; their ids, in order. The caller writes
    their lines, each voucher balanced and checked (:func:`check_voucher`)."""
    if not headers:
        return []
    first = reserve_numbers(session, VOUCHER_SEQUENCE, len(headers))
    posted_at, posted_by = auditing.now(), auditing.actor_name()
    numbers = range(first, first + len(headers))
    insert_rows(
        session,
        Voucher,
        [
            {
                "number": number,
                "date": header.date,
                "source_type": header.source_type,
                "source_id": header.source_id,
                "legal_entity_id": header.legal_entity.id,
                "posted_at": posted_at,
                "posted_by": posted_by,
            }
            for number, header in zip(numbers, headers, strict=True)
        ],
    )
    found = session.execute(
        select(Voucher.number, Voucher.id).where(Voucher.number.between(first, numbers[-1]))
    )
    ids = {number: ident for number, ident in found}
    return [ids[number] for number in numbers]


def post_vouchers(
    session: Session, entries: Sequence[Entry], legal_entity: LegalEntity | None = None
) -> list[int]:
    """Write ``entries`` to the ledger, in the caller's transaction; their ids, in order.

    Every voucher is checked (:func:`check_voucher`, 422 and nothing written) before a
    number is taken; the numbers come from a gap-free sequence, consecutive in the order
    given, and a rolled-back posting gives them back. A few statements however many
    vouchers and lines: the one writer of vouchers, one voucher being a set of one.
    ``legal_entity`` defaults to the first one.
    """
    if not entries:
        return []
    fallback = legal_entity or default_legal_entity(session)
    entities = [entry.legal_entity or fallback for entry in entries]
    accounts = _account_ids(session, entries)
    for entry, entity in zip(entries, entities, strict=True):
        check_voucher(
            entry.voucher, accounts, currency(entity.accounting_currency, "accounting_currency")
        )
    headers = [
        Header(entry.date, entry.source_type, entry.source_id, entity)
        for entry, entity in zip(entries, entities, strict=True)
    ]
    ids = open_vouchers(session, headers)
    rows = [
        row
        for ident, entry in zip(ids, entries, strict=True)
        for row in _line_rows(entry, ident, accounts)
    ]
    insert_rows(session, VoucherLine, rows)
    return ids


def post_voucher(
    session: Session,
    voucher: postings.Voucher,
    date: dt.date,
    source_type: str,
    source_id: str,
    legal_entity: LegalEntity | None = None,
    links: Sequence[int | None] = (),
) -> Voucher:
    """Write one voucher (:func:`post_vouchers`, a set of one) and return its row.

    Refuses (422, nothing written) a voucher without lines, one that does not balance in
    accounting currency, a line on an unknown ledger account, or amounts with more
    decimals than their currency has.
    """
    [ident] = post_vouchers(
        session, [Entry(voucher, date, source_type, source_id, links)], legal_entity
    )
    row = session.get(Voucher, ident)
    assert row is not None  # just written
    return row


def vouchers_query(
    source_type: str | None = None, source_id: str | None = None, account: str | None = None
) -> Select[Any]:
    """Vouchers filtered by source and by an account any of their lines posts to."""
    stmt = select(Voucher)
    if source_type is not None:
        stmt = stmt.where(Voucher.source_type == source_type)
    if source_id is not None:
        stmt = stmt.where(Voucher.source_id == source_id)
    if account is not None:
        stmt = stmt.where(
            Voucher.id.in_(select(VoucherLine.voucher_id).where(VoucherLine.account == account))
        )
    return stmt


@dataclass(frozen=True)
class AccountBalance:
    """One account's debits, credits and balance (debit minus credit)."""

    account: str
    name: str
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        """Debit positive, credit negative."""
        return self.debit - self.credit


@dataclass(frozen=True)
class TrialBalance:
    """Every account with postings up to ``date``, in accounting currency."""

    legal_entity_id: int
    date: dt.date
    currency: str
    accounts: Sequence[AccountBalance]

    @property
    def total_debit(self) -> Decimal:
        """The sum of the debits."""
        return sum((a.debit for a in self.accounts), ZERO)

    @property
    def total_credit(self) -> Decimal:
        """The sum of the credits (positive)."""
        return sum((a.credit for a in self.accounts), ZERO)

    @property
    def total_balance(self) -> Decimal:
        """The sum of the balances: zero, as every voucher balances."""
        return sum((a.balance for a in self.accounts), ZERO)


def trial_balance(
    session: Session, on: dt.date, legal_entity_id: str | None = None
) -> TrialBalance:
    """Debits, credits and balance per account of vouchers dated on or before ``on``.

    ``legal_entity_id`` defaults to the first legal entity. Sums run in SQL on exact
    decimals; the accounts come ordered by number.
    """
    if legal_entity_id is None:
        entity = default_legal_entity(session)
    else:
        entity = session.get(LegalEntity, parse_id(legal_entity_id) or -1)  # type: ignore[assignment]
        if entity is None:
            raise Invalid.field("legal_entity_id", f"no legal entity with id {legal_entity_id}")
    amount = VoucherLine.amount_accounting
    # No ELSE: SUM skips the NULLs, and no untyped literal mixes into the exact sum.
    debit = func.sum(case((amount > 0, amount)))
    credit = func.sum(case((amount < 0, amount)))
    stmt = (
        select(LedgerAccount.number, LedgerAccount.name, debit, credit)
        .join(VoucherLine, VoucherLine.ledger_account_id == LedgerAccount.id)
        .join(Voucher, Voucher.id == VoucherLine.voucher_id)
        .where(Voucher.date <= on, Voucher.legal_entity_id == entity.id)
        .group_by(LedgerAccount.number, LedgerAccount.name)
        .order_by(LedgerAccount.number)
    )
    rows = [
        AccountBalance(number, name, dr or ZERO, ZERO - (cr or ZERO))
        for number, name, dr, cr in session.execute(stmt)
    ]
    return TrialBalance(entity.id, on, entity.accounting_currency, rows)
