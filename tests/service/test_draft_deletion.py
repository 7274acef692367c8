"""Deleting drafts through the use case: one transaction that returns what the invoice
held to the backlog; a deleted draft's hours are invoiced again exactly once; a confirm
racing a delete leaves one outcome (on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from billable.billing import confirming, drafts
from billable.domain.errors import Conflict, NotFound
from billable.domain.vocabulary import ActualType, MilestoneState
from billable.persistence.tables import (
    Actual,
    Invoice,
    InvoiceLine,
    InvoiceLineDetail,
    Milestone,
)
from tests.builders import World, make_world
from tests.conftest import Api
from tests.waiting import PATIENCE


def _draft(api: Api) -> tuple[World, dict[str, Any]]:
    world = make_world(api)
    world.line(["time"])
    for hours, day in (("8", "2026-08-24"), ("7.5", "2026-08-25"), ("0.25", "2026-08-26")):
        world.approved_time(hours, date=day)
    world.mark_all_ready()
    return world, world.invoice()


def _count(engine: Engine, table: Any, **where: Any) -> int:
    with engine.connect() as conn:
        stmt = select(func.count()).select_from(table)
        for name, value in where.items():
            stmt = stmt.where(getattr(table, name) == value)
        return int(conn.execute(stmt).scalar_one())


def test_deleting_a_draft_removes_its_rows_and_leaves_the_actuals_invoiceable(
    api: Api, engine: Engine, uow_factory: Callable[[], Any]
) -> None:
    world, invoice = _draft(api)
    actuals_before = _count(engine, Actual)
    drafts.delete_invoice(uow_factory(), invoice["id"])
    invoice_id = int(invoice["id"])
    assert _count(engine, Invoice, id=invoice_id) == 0
    assert _count(engine, InvoiceLine, invoice_id=invoice_id) == 0
    assert _count(engine, InvoiceLineDetail, invoice_id=invoice_id) == 0
    assert _count(engine, Actual) == actuals_before  # the ledger is append-only: no writes
    backlog = api.get("/billing-backlog", contract_id=world.contract["id"])["actuals"]
    assert sorted(a["quantity"] for a in backlog) == ["0.25", "7.5", "8"]
    assert all(a["ready_to_invoice"] and a["invoice_id"] is None for a in backlog)


def test_a_deleted_drafts_hours_are_invoiced_again_exactly_once(
    api: Api, engine: Engine, uow_factory: Callable[[], Any]
) -> None:
    world, invoice = _draft(api)
    drafts.delete_invoice(uow_factory(), invoice["id"])
    again = world.invoice()
    assert again["total_amount"] == invoice["total_amount"] == "3937.50"
    # A second invoice finds nothing: the hours are on the new draft already.
    empty = world.invoice()
    assert empty["total_amount"] == "0.00"
    assert sum(ln["detail_count"] for ln in empty["lines"]) == 0
    api.action(f"/invoices/{again['id']}/confirm")
    with engine.connect() as conn:
        billed = conn.execute(
            select(func.sum(Actual.quantity)).where(
                Actual.transaction_type == ActualType.BILLED_SALES
            )
        ).scalar_one()
    assert Decimal(billed) == Decimal("15.75")
    with pytest.raises(Conflict):
        drafts.delete_invoice(uow_factory(), again["id"])


def test_a_deleted_milestone_detail_moves_the_milestone_back_to_ready(
    api: Api, engine: Engine, uow_factory: Callable[[], Any]
) -> None:
    world = make_world(api)
    fixed = world.line(["fee"], billing_method="fixed_price", amount="9000.00")
    milestone = api.post(
        f"/contract-lines/{fixed['id']}/milestones",
        {"name": "Design", "date": "2026-08-15", "amount": "1000.00", "kind": "fixed"},
    )
    api.action(f"/milestones/{milestone['id']}/ready-to-invoice")
    invoice = world.invoice()
    with engine.connect() as conn:
        status = conn.execute(select(Milestone.status)).scalar_one()
    assert status == MilestoneState.CUSTOMER_INVOICE_CREATED
    drafts.delete_invoice(uow_factory(), invoice["id"])
    with engine.connect() as conn:
        status = conn.execute(select(Milestone.status)).scalar_one()
    assert status == MilestoneState.READY_TO_INVOICE


def test_a_confirm_racing_a_delete_leaves_one_outcome(
    api: Api, engine: Engine, uow_factory: Callable[[], Any]
) -> None:
    world, invoice = _draft(api)
    barrier = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def run(name: str, action: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            outcomes[name] = action()
        except (Conflict, NotFound) as exc:  # the loser's clean refusal
            outcomes[name] = exc

    workers = [
        threading.Thread(
            target=run,
            args=("confirm", lambda: confirming.confirm_invoice(uow_factory(), invoice["id"])),
        ),
        threading.Thread(
            target=run, args=("delete", lambda: drafts.delete_invoice(uow_factory(), invoice["id"]))
        ),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=PATIENCE)
        assert not worker.is_alive(), "a thread hung: a lock was never released"
    confirmed = not isinstance(outcomes["confirm"], Exception)
    deleted = not isinstance(outcomes["delete"], Exception)
    assert confirmed != deleted, outcomes
    billed = _count(engine, Actual, transaction_type=ActualType.BILLED_SALES)
    if confirmed:
        assert isinstance(outcomes["delete"], Conflict)
        assert api.get(f"/invoices/{invoice['id']}")["project_invoice_status"] == "confirmed"
        assert billed == 3
    else:
        assert isinstance(outcomes["confirm"], NotFound)
        assert _count(engine, Invoice) == 0 and billed == 0
        backlog = api.get("/billing-backlog", contract_id=world.contract["id"])["actuals"]
        assert len(backlog) == 3
