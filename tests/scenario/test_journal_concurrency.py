"""Concurrent imports from staging and concurrent postings of one journal, each thread
with its own unit of work, released together (see test_concurrency for the harness).

Decision (docs/decisions.md): imports of one legal entity queue on a row lock of the
entity (SQLite: writers queue anyway), so a loser sees the winner's lines and finds
nothing left: a Conflict "nothing to import" (409). The unique ``actual_id`` of journal
lines is the backstop (an IntegrityError, 409 too). Never is an actual journaled twice.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from sqlalchemy import Engine, func, select

from billable.domain.errors import Conflict
from billable.erp import journal as integration_journal
from billable.erp import journal_posting
from billable.erp import setup as erp_setup
from billable.persistence.tables import (
    Actual,
    IntegrationJournal,
    IntegrationJournalLine,
    LedgerAccount,
    PostedTransaction,
    Voucher,
)
from tests.scenario.ledger_world import FIRST_DAY, approve_time, build_world, units_of_work
from tests.scenario.test_concurrency import race, successes

THREADS = 6


def _world(engine: Engine) -> tuple[int, object]:
    _, make_uow = units_of_work(engine)
    world = build_world(make_uow)
    for i, resource in enumerate(world.resources * 2):
        approve_time(make_uow, world, resource, Decimal("2.5"), FIRST_DAY.replace(day=i + 1))
    with engine.connect() as conn:
        staged = conn.execute(select(func.count()).select_from(Actual)).scalar_one()
    return int(staged), make_uow


def test_concurrent_imports_journal_every_actual_exactly_once(engine):
    staged, make_uow = _world(engine)
    outcomes = race(lambda: integration_journal.import_from_staging(make_uow()), THREADS)
    won = successes(outcomes)
    assert len(won) == 1
    for outcome in outcomes:
        if outcome.error is not None:
            assert isinstance(outcome.error, Conflict)
            assert outcome.error.detail == integration_journal.NOTHING_TO_IMPORT
    with make_uow() as uow:
        actual_ids = uow.session.scalars(select(IntegrationJournalLine.actual_id)).all()
        journals = uow.session.scalars(select(IntegrationJournal.id)).all()
    assert journals == won
    assert len(actual_ids) == staged == 8
    assert Counter(actual_ids).most_common(1)[0][1] == 1


def test_a_journal_posted_by_several_requests_at_once_is_posted_once(engine):
    _, make_uow = _world(engine)
    accounts = [("600300", "payroll_allocation"), ("540100", "project_cost")]
    accounts += [("161300", "wip_sales_value"), ("420200", "accrued_revenue")]
    with make_uow() as uow:
        for number, _ in accounts:
            uow.session.add(LedgerAccount(number=number, name=number, kind="asset"))
        uow.commit()
    erp_setup.replace_posting_profile(
        make_uow(), None, [{"posting_type": t, "account": n} for n, t in accounts]
    )
    journal = integration_journal.import_from_staging(make_uow())
    outcomes = race(lambda: journal_posting.post_journal(make_uow(), str(journal)), THREADS)
    # Four approved days, a voucher each (one per journal and date), eight transactions.
    assert successes(outcomes) == [4]
    assert all(isinstance(o.error, Conflict) for o in outcomes if o.error is not None)
    with make_uow() as uow:
        vouchers = uow.session.scalar(select(func.count()).select_from(Voucher))
        posted = uow.session.scalar(select(func.count()).select_from(PostedTransaction))
    assert (vouchers, posted) == (4, 8)
