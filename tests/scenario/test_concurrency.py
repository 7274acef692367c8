"""Concurrent requests on the same contract or invoice, each thread with its own unit of
work (its own session and connection), started together behind a barrier.

On PostgreSQL the use cases serialize on row locks (``SELECT ... FOR UPDATE`` on the
contract or invoice) backed by unique constraints; on SQLite every transaction starts
with ``BEGIN IMMEDIATE``, so writers queue. Either way: an actual lands on one invoice
only, an invoice is confirmed (and its billed actuals written) once, a confirmed invoice
gets one corrective draft, and invoice numbers never repeat. A losing request may fail,
but only cleanly: a Conflict, an IntegrityError or a StaleDataError (all 409 in the API).

The ``engine`` fixture runs every test on an SQLite file and on PostgreSQL; the latter
is skipped with the reason shown when no server answers (see conftest).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from billable.billing import backlog, confirming, editing, invoicing
from billable.domain.errors import Conflict
from billable.persistence.tables import Actual, Invoice, InvoiceLine, InvoiceLineDetail
from billable.persistence.uow import UnitOfWork
from tests.scenario.ledger_world import FIRST_DAY, World, approve_time, build_world, units_of_work
from tests.waiting import PATIENCE

THREADS = 8
#: How a losing request may fail: a refusal, a unique constraint or a stale version that
#: stopped it (the API answers all three with 409).
CLEAN_FAILURES = (Conflict, IntegrityError, StaleDataError)
INVOICE_DAY = FIRST_DAY + dt.timedelta(days=10)
HOURS = ("8", "7.5", "0.25", "3.33", "12", "1.01")


@dataclass
class Outcome:
    """What one thread got: the use case's result, or the exception it raised."""

    result: Any = None
    error: BaseException | None = None


def race(action: Callable[[], Any], threads: int) -> list[Outcome]:
    """Run ``action`` in ``threads`` threads released together; every outcome."""
    barrier = threading.Barrier(threads)
    outcomes = [Outcome() for _ in range(threads)]

    def run(outcome: Outcome) -> None:
        barrier.wait()
        try:
            outcome.result = action()
        except BaseException as exc:  # recorded and judged by the test
            outcome.error = exc

    workers = [threading.Thread(target=run, args=(o,)) for o in outcomes]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=PATIENCE)
        assert not worker.is_alive(), "a thread hung: a lock was never released"
    return outcomes


def successes(outcomes: list[Outcome]) -> list[Any]:
    """The results of the threads that succeeded; any other failure fails the test."""
    for outcome in outcomes:
        if outcome.error is not None and not isinstance(outcome.error, CLEAN_FAILURES):
            raise AssertionError(f"a request failed uncleanly: {outcome.error!r}")
    return [o.result for o in outcomes if o.error is None]


@dataclass
class Billing:
    """A world with ready actuals, on one database."""

    factory: sessionmaker[Session]
    make_uow: Callable[[], UnitOfWork]
    world: World
    ready: set[int]

    def contract(self) -> str:
        return str(self.world.contract_id)

    def rows(self, model: Any, *where: Any) -> list[Any]:
        with self.factory() as session:
            return list(session.scalars(select(model).where(*where).order_by(model.id)))


@pytest.fixture
def billing(engine: Engine) -> Billing:
    """Six approved time entries of two people, their sales actuals ready to invoice."""
    factory, make_uow = units_of_work(engine)
    world = build_world(make_uow)
    for index, hours in enumerate(HOURS):
        resource = world.resources[index % 2]
        approve_time(make_uow, world, resource, Decimal(hours), FIRST_DAY)
    with factory() as session:
        ready = set(
            session.scalars(select(Actual.id).where(Actual.transaction_type == "unbilled_sales"))
        )
    backlog.set_ready(make_uow(), [str(a) for a in sorted(ready)], [], True)
    return Billing(factory, make_uow, world, ready)


def check_invoices_add_up(billing: Billing) -> None:
    """Every line is the sum of its chargeable details and every header of its lines."""
    for invoice in billing.rows(Invoice):
        lines = billing.rows(InvoiceLine, InvoiceLine.invoice_id == invoice.id)
        for line in lines:
            details = billing.rows(InvoiceLineDetail, InvoiceLineDetail.invoice_line_id == line.id)
            assert line.amount == sum(
                (d.amount for d in details if d.billing_type == "chargeable"), Decimal(0)
            )
        assert invoice.detail_amount == sum((line.amount for line in lines), Decimal(0))
        assert invoice.total_amount == invoice.detail_amount + invoice.total_tax


def test_eight_simultaneous_invoice_creations_put_every_ready_actual_on_exactly_one_invoice(
    billing: Billing,
) -> None:
    outcomes = race(
        lambda: invoicing.create_invoice(billing.make_uow(), billing.contract(), INVOICE_DAY),
        THREADS,
    )
    created = successes(outcomes)
    assert created, "every creation failed"

    details = billing.rows(InvoiceLineDetail)
    on_invoices = Counter(d.actual_id for d in details)
    assert set(on_invoices) == billing.ready, "a ready actual was left out or a stranger added"
    assert max(on_invoices.values()) == 1, "an actual is on two invoices"
    with_details = {d.invoice_id for d in details}
    assert len(with_details) == 1, "the ready actuals were split over several invoices"

    invoices = billing.rows(Invoice)
    assert sorted(i.id for i in invoices) == sorted(created)
    numbers = [i.number for i in invoices]
    assert len(set(numbers)) == len(numbers), "an invoice number was given twice"
    assert sorted(numbers) == [invoicing.invoice_number(n + 1) for n in range(len(numbers))]
    check_invoices_add_up(billing)


def test_eight_simultaneous_confirmations_of_one_invoice_bill_its_actuals_exactly_once(
    billing: Billing,
) -> None:
    invoice = invoicing.create_invoice(billing.make_uow(), billing.contract(), INVOICE_DAY)
    details = billing.rows(InvoiceLineDetail, InvoiceLineDetail.invoice_id == invoice)
    # A detail below its actual's quantity also writes a remainder: once, too.
    editing.update_detail(billing.make_uow(), str(details[0].id), {"quantity": Decimal("2")})

    outcomes = race(lambda: confirming.confirm_invoice(billing.make_uow(), str(invoice)), THREADS)
    assert successes(outcomes) == [invoice], "not exactly one confirmation succeeded"

    billed = billing.rows(Actual, Actual.transaction_type == "billed_sales")
    assert sorted(a.invoice_line_detail_id for a in billed) == sorted(d.id for d in details)
    reversals = billing.rows(Actual, Actual.reverses_actual_id.is_not(None))
    assert sorted(a.reverses_actual_id for a in reversals) == sorted(billing.ready)
    remainders = billing.rows(
        Actual,
        Actual.transaction_type == "unbilled_sales",
        Actual.reverses_actual_id.is_(None),
        Actual.id.not_in(billing.ready),
    )
    assert [a.quantity for a in remainders] == [Decimal("6")]  # 8 h billed as 2
    [row] = billing.rows(Invoice)
    assert row.project_invoice_status == "confirmed"
    check_invoices_add_up(billing)


def test_two_simultaneous_corrections_of_one_confirmed_invoice_make_one_corrective_draft(
    billing: Billing,
) -> None:
    invoice = invoicing.create_invoice(billing.make_uow(), billing.contract(), INVOICE_DAY)
    confirming.confirm_invoice(billing.make_uow(), str(invoice))

    outcomes = race(
        lambda: confirming.correct_invoice(billing.make_uow(), str(invoice), INVOICE_DAY), 2
    )
    corrective = successes(outcomes)
    assert len(corrective) == 1, "not exactly one correction succeeded"

    drafts = billing.rows(Invoice, Invoice.corrects_invoice_id == invoice)
    assert [d.id for d in drafts] == corrective
    assert [d.project_invoice_status for d in drafts] == ["draft"]
    carried = billing.rows(InvoiceLineDetail, InvoiceLineDetail.invoice_id == corrective[0])
    billed = billing.rows(Actual, Actual.transaction_type == "billed_sales")
    assert sorted(d.original_billed_actual_id for d in carried) == sorted(a.id for a in billed)
    numbers = [i.number for i in billing.rows(Invoice)]
    assert numbers == [invoicing.invoice_number(1), invoicing.invoice_number(2)]
    with billing.factory() as session:
        assert session.scalar(select(func.count()).select_from(InvoiceLineDetail)) == 2 * len(
            billing.ready
        )
    check_invoices_add_up(billing)
