"""The set-based import from staging and journal posting against the old per-row path
(:mod:`tests.scenario.journal_reference`), on both databases: every journal line, every
voucher line (account, posting type, both currencies' amounts, rate, dimensions, the
transaction it records) and every account balance, cent for cent, with floating rates,
a fixed-rate agreement, sales tax groups, dimensions, distributions and non-chargeable
sales. And a posting stopped in the middle, then run again: every line posted once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update

from billable.domain.errors import Conflict
from billable.domain.vocabulary import BillingType
from billable.erp import journal as integration_journal
from billable.erp import journal_posting
from billable.erp import ledger as general_ledger
from billable.erp import setup as erp_setup
from billable.persistence.tables import (
    Actual,
    IntegrationJournal,
    IntegrationJournalLine,
    PostedTransaction,
    Voucher,
    VoucherLine,
)
from tests.scenario.journal_reference import (
    expected_journal_lines,
    expected_posting,
    journal_line_facts,
)
from tests.scenario.test_ledger_property import Ids, Ledger, build_world

FIRST = dt.date(2026, 8, 3)
SHARES = (
    [("33.333334", "001"), ("33.333333", "002"), ("33.333333", "003")],
    [("50", "002"), ("50", "003")],
    [("70", "001"), ("30", "003")],
)


class Stopped(Exception):
    """The kill: raised inside a chunk's transaction, before its commit."""


def _staged(engine: Engine, entries: int) -> tuple[Ids, Any]:
    """The property test's world (USD company, GBP contract taxed by two codes, rates
    from 1.3) with rates that change mid-month and ``entries`` approved time and expense
    entries over four weeks, at quantities that round."""
    ids = build_world(engine)
    ledger = Ledger(engine, ids)
    ledger.add_rate(Decimal("1.271234"), dt.date(2026, 8, 10))
    ledger.add_rate(Decimal("1.333333"), dt.date(2026, 8, 20))
    for i in range(entries):
        kind = "expense" if i % 4 == 3 else "time"
        quantity = Decimal(1 + i % 7) + Decimal("0.37") * (i % 3)
        ledger.approve(kind, quantity, FIRST + dt.timedelta(days=i % 23))
    # A few sales made non-chargeable: they journal and post no WIP.
    with ledger.make_uow() as uow:
        sales = uow.session.scalars(
            select(Actual.id).where(Actual.transaction_type == "unbilled_sales").order_by(Actual.id)
        ).all()
        uow.session.execute(
            update(Actual)
            .where(Actual.id.in_(sales[::9]))
            .values(billing_type=BillingType.NON_CHARGEABLE)
        )
        uow.commit()
    return ids, ledger


def _distribute(make_uow: Any, journal: int) -> None:
    """Distribute every seventh line of the draft journal over two or three shares."""
    with make_uow() as uow:
        lines = uow.session.scalars(
            select(IntegrationJournalLine.id)
            .where(IntegrationJournalLine.journal_id == journal)
            .order_by(IntegrationJournalLine.id)
        ).all()
    for n, line in enumerate(lines[::7]):
        shares = [
            {"percent": Decimal(p), "dimensions": {"BusinessUnit": unit}}
            for p, unit in SHARES[n % len(SHARES)]
        ]
        integration_journal.distribute_line(make_uow(), str(line), shares)


def _posted_lines(make_uow: Any) -> dict[int, list[tuple[Any, ...]]]:
    """The ledger's journal voucher lines per actual, through the transaction each names."""
    out: dict[int, list[tuple[Any, ...]]] = {}
    with make_uow() as uow:
        rows = uow.session.execute(
            select(VoucherLine, PostedTransaction.actual_id)
            .join(PostedTransaction, PostedTransaction.id == VoucherLine.posted_transaction_id)
            .join(Voucher, Voucher.id == VoucherLine.voucher_id)
            .where(Voucher.source_type == journal_posting.SOURCE_TYPE)
            .order_by(VoucherLine.id)
        )
        for line, actual in rows:
            out.setdefault(actual, []).append(
                (
                    line.account,
                    line.posting_type,
                    line.currency,
                    line.amount_transaction,
                    line.amount_accounting,
                    line.exchange_rate,
                    dict(line.dimensions),
                )
            )
    return out


def _transactions(make_uow: Any) -> dict[int, tuple[Any, ...]]:
    with make_uow() as uow:
        rows = uow.session.scalars(select(PostedTransaction).order_by(PostedTransaction.id))
        return {r.actual_id: (r.exchange_rate, r.parts, r.accrued, r.amount) for r in rows}


def _ledger_is_sound(make_uow: Any, expected: Any) -> None:
    """Every voucher balances, numbers run without gaps, every account's balance in both
    currencies is the reference's, and the trial balance is zero."""
    with make_uow() as uow:
        session = uow.session
        unbalanced = session.execute(
            select(VoucherLine.voucher_id)
            .group_by(VoucherLine.voucher_id)
            .having(func.sum(VoucherLine.amount_accounting) != 0)
        ).all()
        assert unbalanced == []
        numbers = session.scalars(select(Voucher.number).order_by(Voucher.number)).all()
        assert numbers == list(range(1, len(numbers) + 1))
        sums = session.execute(
            select(
                VoucherLine.account,
                VoucherLine.currency,
                func.sum(VoucherLine.amount_transaction),
                func.sum(VoucherLine.amount_accounting),
            ).group_by(VoucherLine.account, VoucherLine.currency)
        ).all()
        assert {(a, c): (t, x) for a, c, t, x in sums} == expected.balances()
        report = general_ledger.trial_balance(session, dt.date(2026, 12, 31))
        assert report.total_balance == 0
        by_account: dict[str, Decimal] = {}
        for (account, _), (_, accounting) in expected.balances().items():
            by_account[account] = by_account.get(account, Decimal(0)) + accounting
        assert {a.account: a.balance for a in report.accounts} == by_account


@pytest.mark.parametrize("agreement", [None, Decimal("1.257531")], ids=["floating", "agreed"])
def test_the_set_based_journal_writes_every_line_the_per_row_path_wrote(engine, agreement):
    ids, ledger = _staged(engine, 60)
    make_uow = ledger.make_uow
    if agreement is not None:
        fields = {"currency": "GBP", "rate": agreement, "reference": "FRA"}
        erp_setup.set_fixed_rate_agreement(make_uow(), ids.contract, fields)
    with make_uow() as uow:
        wanted = expected_journal_lines(uow.session)
    journal = integration_journal.import_from_staging(make_uow(), chunk=17)
    with make_uow() as uow:
        lines = uow.session.scalars(
            select(IntegrationJournalLine).order_by(IntegrationJournalLine.id)
        ).all()
        assert {line.actual_id: journal_line_facts(line) for line in lines} == wanted
        assert {line.journal_id for line in lines} == {journal}
    assert len(wanted) == 120
    _distribute(make_uow, journal)
    with make_uow() as uow:
        expected = expected_posting(uow.session, journal)
    written = journal_posting.post_journals(make_uow(), [journal], chunk=13)
    assert _posted_lines(make_uow) == expected.lines
    assert _transactions(make_uow) == expected.transactions
    _ledger_is_sound(make_uow, expected)
    with make_uow() as uow:
        vouchers = uow.session.scalars(select(Voucher)).all()
        assert len(vouchers) == written
        # One voucher per date (no date has more lines than a chunk of 13): 23 vouchers
        # for 120 lines, each line naming its transaction.
        assert written == len({v.date for v in vouchers}) == 23
        state = uow.session.get(IntegrationJournal, journal)
        assert state is not None and state.status == "posted"


def test_a_posting_stopped_mid_way_leaves_whole_chunks_and_a_rerun_posts_each_line_once(engine):
    _, ledger = _staged(engine, 60)
    make_uow = ledger.make_uow
    journal = integration_journal.import_from_staging(make_uow())
    with make_uow() as uow:
        expected = expected_posting(uow.session, journal)

    seen: list[int] = []

    def stop_at_the_third(lines: int, _vouchers: int) -> None:
        seen.append(lines)
        if len(seen) == 3:
            raise Stopped

    with pytest.raises(Stopped):
        journal_posting.post_journals(make_uow(), [journal], 5, stop_at_the_third)
    with make_uow() as uow:
        session = uow.session
        posted = session.scalars(select(PostedTransaction.journal_line_id)).all()
        marked = session.scalars(
            select(IntegrationJournalLine.id).where(
                IntegrationJournalLine.exchange_rate.is_not(None)
            )
        ).all()
        # Two whole chunks (a date with more lines than 5 takes two), nothing of the third.
        assert len(posted) == seen[1] < seen[2] and sorted(posted) == sorted(marked)
        state = session.get(IntegrationJournal, journal)
        assert state is not None and state.status == "draft"
    # A posted line no longer changes, though its journal is still a draft.
    with pytest.raises(Conflict):
        integration_journal.update_line(make_uow(), str(marked[0]), {"dimensions": {}})
    journal_posting.post_journal(make_uow(), str(journal))
    transactions = _transactions(make_uow)
    with make_uow() as uow:
        ids = uow.session.scalars(select(PostedTransaction.actual_id)).all()
    assert len(ids) == 120 and Counter(ids).most_common(1)[0][1] == 1
    assert _posted_lines(make_uow) == expected.lines
    assert transactions == expected.transactions
    _ledger_is_sound(make_uow, expected)
    with pytest.raises(Conflict):
        journal_posting.post_journal(make_uow(), str(journal))


def test_an_import_stopped_mid_way_keeps_whole_chunks_and_a_rerun_journals_the_rest(engine):
    _, ledger = _staged(engine, 30)
    make_uow: Any = ledger.make_uow

    def stop_at_the_second(lines: int) -> None:
        if lines > 25:
            raise Stopped

    with pytest.raises(Stopped):
        integration_journal.import_from_staging(make_uow(), None, 25, stop_at_the_second)
    with make_uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(IntegrationJournalLine)) == 25
    again = integration_journal.import_from_staging(make_uow())
    with make_uow() as uow:
        rows = uow.session.execute(
            select(IntegrationJournalLine.journal_id, IntegrationJournalLine.actual_id)
        ).all()
    assert Counter(j for j, _ in rows) == {again - 1: 25, again: 35}
    assert len({a for _, a in rows}) == 60
    with pytest.raises(Conflict):
        integration_journal.import_from_staging(make_uow())
