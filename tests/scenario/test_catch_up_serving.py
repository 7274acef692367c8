"""Serving while a catch-up runs (SQLite, where ``billable serve`` runs it in-process):
reads and readiness never queue behind the run's transactions, the run commits in
chunks, and every missed date is still run exactly once."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from billable.domain.vocabulary import JobState
from billable.jobs.scheduler import catch_up_if_due
from billable.persistence.tables import InvoiceRun, InvoiceRunContract
from billable.runs import invoice_runs as runs
from tests.builders import make_world
from tests.waiting import wait_until

FIRST = dt.date(2026, 9, 1)
TODAY = dt.date(2026, 9, 30)
#: The catch-up is held inside this run date's transaction while requests are made.
HELD_AT = dt.date(2026, 9, 12)


def _count(uow_factory: Any, *what: Any) -> int:
    with uow_factory() as uow:
        return int(uow.session.scalar(select(func.count()).where(*what)) or 0)


def test_requests_are_answered_while_a_catch_up_holds_its_transaction(
    api, app_client, engine, uow_factory, monkeypatch
):
    if engine.dialect.name != "sqlite":
        pytest.skip("on PostgreSQL `billable worker` runs the catch-up, not the server")
    world = make_world(api)
    world.line(["time"], invoice_schedule={"frequency": "daily", "start_date": "2026-09-01"})
    for day in ("2026-09-05", "2026-09-20"):
        world.approved_time("1", day)
    world.mark_all_ready()
    contract = world.contract["id"]
    runs.run_date(uow_factory, FIRST)  # the last run before a month of downtime
    inside, release = threading.Event(), threading.Event()
    original = runs.create_invoices

    def held(session: Any, todo: Any, run_date: dt.date, **options: Any) -> Any:
        if run_date == HELD_AT:
            inside.set()  # in the chunk's transaction, the writer's lock held
            release.wait(300)
        return original(session, todo, run_date, **options)

    monkeypatch.setattr(runs, "create_invoices", held)
    job_id = catch_up_if_due(uow_factory, app_client.app.state.dispatcher(), TODAY)
    assert job_id is not None
    try:
        wait_until(lambda: True if inside.is_set() else None, "the catch-up to reach its hold")
        assert app_client.get("/ready").json() == {"status": "ok"}
        listed = api.get("/invoices", contract_id=contract)
        job = api.get(f"/jobs/{job_id}")
        # Answered while the run was still inside a date's transaction, part-way through.
        assert inside.is_set() and not release.is_set()
        assert job["status"] == JobState.RUNNING
        assert 0 < job["progress"]["done"] < job["progress"]["total"] == 29
        assert len(listed["items"]) == 1  # the 5th's invoice, committed before the hold
    finally:
        release.set()
    app_client.app.state.dispatcher().wait_idle()
    assert api.get(f"/jobs/{job_id}")["status"] == JobState.SUCCEEDED
    dates = (TODAY - FIRST).days + 1
    assert _count(uow_factory, InvoiceRun.status == JobState.SUCCEEDED) == dates
    assert _count(uow_factory, InvoiceRunContract.run_date.is_not(None)) == dates
    assert len(api.get("/invoices", contract_id=contract)["items"]) == 2
    assert catch_up_if_due(uow_factory, app_client.app.state.dispatcher(), TODAY) is None
