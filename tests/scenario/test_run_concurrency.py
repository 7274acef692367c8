"""The hard guarantees of automated runs: however many runs of one date start at once
(threads of one process, or separate processes), the invoices are exactly those one run
gives; a catch-up job processes missed days in order and never twice."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, func, select, text

from billable.api.app import create_app
from billable.billing.invoicing import INVOICE_SEQUENCE, invoice_number
from billable.identity.users import add_user
from billable.jobs import records as jobs
from billable.jobs.handlers import execute
from billable.persistence.db import make_engine, session_factory
from billable.persistence.migrate import upgrade
from billable.persistence.tables import (
    Actual,
    Contract,
    Invoice,
    InvoiceLine,
    InvoiceLineDetail,
    InvoiceRun,
    InvoiceRunContract,
    Job,
    Notification,
    Sequence,
)
from billable.persistence.uow import UnitOfWork
from billable.runs import invoice_runs as runs
from tests.builders import World, make_world
from tests.conftest import PG_ADMIN_URL, Api
from tests.waiting import PATIENCE

RUN = dt.date(2026, 9, 7)
RACERS = 8
WORKING_CONTRACTS = 6
BILLABLE = str(Path(sys.executable).with_name("billable"))


# --- the data: six contracts with ready work due on RUN, one with nothing ready ----------


def another_contract(world: World, name: str) -> World:
    """The world's master data with a new project and a new contract on it."""
    api = world.api
    project = api.post(
        "/projects",
        {
            "name": f"Project {name}",
            "customer_id": world.customer["id"],
            "cost_price_list_id": world.cost_list["id"],
        },
    )
    contract = api.post(
        "/contracts",
        {
            "name": f"Contract {name}",
            "customer_id": world.customer["id"],
            "currency": "USD",
            "price_list_id": world.sales_list["id"],
        },
    )
    return replace(world, project=project, contract=contract)


def build_contracts(api: Api) -> None:
    """Six contracts with a daily time-and-material line and ready actuals (some also a
    daily expense line), one approved-but-not-ready entry on the first; then one idle
    contract whose only work is approved but not ready. Deterministic: built twice on
    two fresh databases, it gives the same rows with the same ids."""
    daily = {"frequency": "daily", "start_date": "2026-09-01"}
    first = make_world(api)
    for k in range(WORKING_CONTRACTS):
        world = first if k == 0 else another_contract(first, str(k))
        world.line(["time"], invoice_schedule=daily)
        world.approved_time(str(k + 1), f"2026-09-0{2 + k % 4}")
        if k % 2 == 0:
            world.line(["expense"], invoice_schedule=daily)
            world.approved_expense("1", f"{10 * (k + 1)}.00", "2026-09-03")
        world.mark_all_ready()
        if k == 0:
            world.approved_time("3", "2026-09-04")  # approved, not ready: stays in the backlog
    idle = another_contract(first, "idle")
    idle.line(["time"], invoice_schedule=daily)
    idle.approved_time("8", "2026-09-02")  # approved, never marked ready


def _ranks(values: Any) -> dict[int, int]:
    return {v: i for i, v in enumerate(sorted(values))}


def outcome(engine: Engine) -> dict[str, Any]:
    """What the run left, independent of row ids: every invoice (number, contract, date,
    totals, lines, details by actual), the run and its per-contract record, and the
    invoice number counter. Contracts and actuals are named by their rank, so two
    databases built alike compare equal."""
    with session_factory(engine)() as session:
        contracts = _ranks(session.scalars(select(Contract.id)))
        actuals = _ranks(session.scalars(select(Actual.id)))
        invoices = session.scalars(select(Invoice).order_by(Invoice.number)).all()
        lines: dict[int, list[tuple[Any, ...]]] = {}
        for ln in session.scalars(select(InvoiceLine).order_by(InvoiceLine.contract_line_id)):
            lines.setdefault(ln.invoice_id, []).append(
                (ln.name, ln.amount, ln.tax, ln.extended_amount)
            )
        details: dict[int, list[tuple[Any, ...]]] = {}
        for d in session.scalars(select(InvoiceLineDetail).order_by(InvoiceLineDetail.actual_id)):
            details.setdefault(d.invoice_id, []).append(
                (actuals.get(d.actual_id or -1), d.quantity, d.price, d.amount, d.tax)
            )
        run = session.scalars(select(InvoiceRun)).all()
        per_contract = session.execute(
            select(InvoiceRunContract.run_date, InvoiceRunContract.contract_id, Invoice.number)
            .outerjoin(Invoice, Invoice.id == InvoiceRunContract.invoice_id)
            .order_by(InvoiceRunContract.contract_id)
        ).all()
        counter = session.scalar(
            select(Sequence.next_value).where(Sequence.name == INVOICE_SEQUENCE)
        )
        return {
            "invoices": [
                {
                    "number": inv.number,
                    "contract": contracts[inv.contract_id],
                    "invoice_date": inv.invoice_date,
                    "status": (inv.status, inv.project_invoice_status),
                    "totals": (inv.detail_amount, inv.total_tax, inv.total_amount),
                    "lines": lines.get(inv.id, []),
                    "details": details.get(inv.id, []),
                }
                for inv in invoices
            ],
            "runs": [(r.run_date, r.status, r.invoices_created, r.contracts_skipped) for r in run],
            "run_contracts": [(day, contracts[cid], number) for day, cid, number in per_contract],
            "counter": counter,
            "invoice_ids": sorted(inv.id for inv in invoices),
        }


def assert_one_run_worth(engine: Engine, state: dict[str, Any]) -> None:
    """The guarantees read straight from the data, without any reference run."""
    invoices = state["invoices"]
    # one invoice per contract with work (ranks 0..5), none for the idle one (rank 6)
    assert sorted(inv["contract"] for inv in invoices) == list(range(WORKING_CONTRACTS))
    # numbers unique and gap-free, and the counter reserved none that went unused
    assert [inv["number"] for inv in invoices] == [
        invoice_number(n) for n in range(1, WORKING_CONTRACTS + 1)
    ]
    assert state["counter"] == WORKING_CONTRACTS
    assert {inv["invoice_date"] for inv in invoices} == {RUN}
    # one run row for the date, with the totals of the one run
    assert state["runs"] == [(RUN, "succeeded", WORKING_CONTRACTS, 1)]
    # exactly one record per contract: six invoiced, the idle one skipped
    assert [(day, rank) for day, rank, _ in state["run_contracts"]] == [
        (RUN, rank) for rank in range(WORKING_CONTRACTS + 1)
    ]
    invoiced = [number is not None for _, _, number in state["run_contracts"]]
    assert invoiced == [True] * WORKING_CONTRACTS + [False]
    with session_factory(engine)() as session:
        ready = set(
            session.scalars(
                select(Actual.id).where(
                    Actual.transaction_type == "unbilled_sales",
                    Actual.ready_to_invoice.is_(True),
                )
            )
        )
        not_ready = set(
            session.scalars(
                select(Actual.id).where(
                    Actual.transaction_type == "unbilled_sales",
                    Actual.ready_to_invoice.is_(False),
                )
            )
        )
        on_details = Counter(
            session.scalars(
                select(InvoiceLineDetail.actual_id).where(InvoiceLineDetail.actual_id.is_not(None))
            )
        )
        # each invoice's total is the sum of its contract's ready actuals
        expected_totals: defaultdict[int | None, Decimal] = defaultdict(Decimal)
        for a in session.scalars(select(Actual).where(Actual.id.in_(ready))):
            expected_totals[a.contract_id] += a.amount + a.tax
        actual_totals = dict(
            session.execute(select(Invoice.contract_id, Invoice.total_amount)).all()
        )
    assert len(ready) == 9 and len(not_ready) == 2
    assert on_details == dict.fromkeys(ready, 1)  # every ready actual on exactly one detail
    assert not set(on_details) & not_ready
    assert actual_totals == dict(expected_totals)


# --- a second, fresh database of the same kind, for the reference run --------------------


@contextmanager
def fresh_database(engine: Engine, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An empty migrated database of the same kind as ``engine``, removed afterwards."""
    if engine.dialect.name == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = Path(str(engine.url.database)).with_name(f"reference-{uuid.uuid4().hex[:6]}.db")
        shutil.copy(template, path)
        ref = make_engine(f"sqlite:///{path}")
        try:
            yield ref
        finally:
            ref.dispose()
        return
    name = f"billable_ref_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        ref = make_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
        try:
            upgrade(ref)
            yield ref
        finally:
            ref.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def api_on(engine: Engine) -> Iterator[Api]:
    """A project manager's client on ``engine``."""
    factory = session_factory(engine)
    with TestClient(create_app(engine)) as client:
        _, token = add_user(UnitOfWork(factory), "reference-pm", "project_manager")
        yield Api(client, token)


def reference_outcome(engine: Engine, request: pytest.FixtureRequest) -> dict[str, Any]:
    """The same contracts built on a fresh database and invoiced by one single run."""
    with fresh_database(engine, request) as ref:
        with api_on(ref) as api:
            build_contracts(api)
        factory = session_factory(ref)
        single = runs.run_date(lambda: UnitOfWork(factory), RUN)
        assert len(single.invoices) == WORKING_CONTRACTS and len(single.skipped) == 1
        return outcome(ref)


# --- racing runs ---------------------------------------------------------------------------


def race_threads(engine: Engine, count: int, deadline: float = PATIENCE) -> list[runs.RunResult]:
    """``count`` threads each call run_date(RUN), released together by a barrier."""
    factory = session_factory(engine)
    barrier = threading.Barrier(count)
    results: list[runs.RunResult | None] = [None] * count
    errors: list[BaseException] = []

    def racer(slot: int) -> None:
        try:
            barrier.wait(timeout=PATIENCE)
            results[slot] = runs.run_date(lambda: UnitOfWork(factory), RUN)
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=racer, args=(i,), daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    stop = time.monotonic() + deadline
    for t in threads:
        t.join(timeout=max(0.0, stop - time.monotonic()))
    assert not any(t.is_alive() for t in threads), f"runs still going after {deadline} s"
    assert errors == [], errors
    return [r for r in results if r is not None]


def race_processes(url: str, count: int, deadline: float = PATIENCE) -> list[str]:
    """``count`` ``billable invoice-run --date RUN`` processes started at once; their
    outputs, each checked to have exited 0."""
    env = {**os.environ, "BILLABLE_DATABASE_URL": url, "COLUMNS": "200"}
    procs = [
        subprocess.Popen(
            [BILLABLE, "invoice-run", "--date", RUN.isoformat()],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    outputs: list[str] = []
    stop = time.monotonic() + deadline
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=max(1.0, stop - time.monotonic()))
            assert proc.returncode == 0, f"exit {proc.returncode}\n{out}\n{err}"
            outputs.append(out)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    return outputs


def test_eight_runs_of_one_date_in_threads_give_exactly_the_invoices_of_one_run(
    api: Api, engine: Engine, request: pytest.FixtureRequest
) -> None:
    build_contracts(api)
    results = race_threads(engine, RACERS)
    state = outcome(engine)
    assert_one_run_worth(engine, state)
    # the racers between them report each invoice and each skip exactly once
    reported = [inv for r in results for inv in r.invoices]
    assert sorted(reported) == state["invoice_ids"]
    assert sum(len(r.skipped) for r in results) == 1
    expected = reference_outcome(engine, request)
    del state["invoice_ids"], expected["invoice_ids"]  # row ids may differ, nothing else
    assert state == expected


NOTICE = re.compile(
    rf"Invoice run {RUN}: (\d+) invoices created, (\d+) contracts had nothing to invoice"
)


def test_eight_invoice_run_processes_of_one_date_give_exactly_the_invoices_of_one_run(
    api: Api, engine: Engine, request: pytest.FixtureRequest
) -> None:
    build_contracts(api)
    outputs = race_processes(engine.url.render_as_string(hide_password=False), RACERS)
    notices = [NOTICE.search(out) for out in outputs]
    assert all(notices), outputs
    counts = [(int(m[1]), int(m[2])) for m in notices if m]
    # between them the processes created each invoice once and skipped the idle contract once
    assert sum(created for created, _ in counts) == WORKING_CONTRACTS
    assert sum(skipped for _, skipped in counts) == 1
    state = outcome(engine)
    assert_one_run_worth(engine, state)
    with session_factory(engine)() as session:
        run_jobs = session.scalars(select(Job).where(Job.kind == "invoice_run")).all()
        assert [j.status for j in run_jobs] == ["succeeded"] * RACERS
        assert session.scalar(select(func.count()).select_from(Notification)) == RACERS
    expected = reference_outcome(engine, request)
    del state["invoice_ids"], expected["invoice_ids"]  # row ids may differ, nothing else
    assert state == expected


# --- catch-up after downtime ---------------------------------------------------------------


def _run_job(
    make_uow: Callable[[], UnitOfWork], kind: str, params: dict[str, Any]
) -> dict[str, Any]:
    """Enqueue a job of ``kind``, execute it here; its row as it ended."""
    job_id = jobs.enqueue(make_uow(), kind, params, None)
    execute(make_uow, job_id)
    with make_uow() as uow:
        job = uow.session.get(Job, job_id)
        assert job is not None
        return {"id": job.id, "status": job.status, "result": job.result, "error": job.error}


def test_a_catch_up_job_processes_three_missed_days_in_order_and_a_second_does_nothing(
    api: Api, uow_factory: Callable[[], UnitOfWork]
) -> None:
    world = make_world(api)
    world.line(["time"], invoice_schedule={"frequency": "daily", "start_date": "2026-09-01"})
    world.approved_time("2", "2026-09-03")
    world.mark_all_ready()
    before = runs.run_date(uow_factory, dt.date(2026, 9, 3))  # the last run before downtime
    assert len(before.invoices) == 1
    for hours, day in (("1", "2026-09-04"), ("3", "2026-09-05"), ("5", "2026-09-06")):
        world.approved_time(hours, day)
    world.mark_all_ready()

    job = _run_job(uow_factory, "invoice_run_catch_up", {"today": "2026-09-06"})

    assert job["status"] == "succeeded", job["error"]
    assert job["result"] == {
        "run_dates": ["2026-09-04", "2026-09-05", "2026-09-06"],
        "invoices_created": 3,
    }
    invoices = api.get("/invoices", contract_id=world.contract["id"], limit=50)["items"]
    by_number = sorted(invoices, key=lambda inv: inv["number"])
    # numbered in date order: each day took exactly the hours dated by then
    assert [(inv["number"], inv["invoice_date"], inv["total_amount"]) for inv in by_number] == [
        ("INV-000001", "2026-09-03", "500.00"),
        ("INV-000002", "2026-09-04", "250.00"),
        ("INV-000003", "2026-09-05", "750.00"),
        ("INV-000004", "2026-09-06", "1250.00"),
    ]
    with uow_factory() as uow:
        done = uow.session.execute(
            select(InvoiceRun.run_date, InvoiceRun.status, InvoiceRun.invoices_created).order_by(
                InvoiceRun.run_date
            )
        ).all()
        note = uow.session.execute(
            select(Notification.title, Notification.message).where(Notification.job_id == job["id"])
        ).one()
    assert [tuple(row) for row in done] == [
        (dt.date(2026, 9, day), "succeeded", 1) for day in (3, 4, 5, 6)
    ]
    assert tuple(note) == ("Daily invoice run", "3 run dates processed, 3 invoices")

    again = _run_job(uow_factory, "invoice_run_catch_up", {"today": "2026-09-06"})

    assert again["status"] == "succeeded"
    assert again["result"] == {"run_dates": [], "invoices_created": 0}
    assert len(api.get("/invoices", contract_id=world.contract["id"], limit=50)["items"]) == 4


def test_a_run_job_that_opened_its_date_reports_only_what_it_created_not_a_racers_invoices(
    api: Api, uow_factory: Callable[[], UnitOfWork]
) -> None:
    build_contracts(api)
    opener = jobs.enqueue(uow_factory(), "invoice_run", {"run_date": RUN.isoformat()}, None)
    runs._open_run(uow_factory(), RUN, opener)  # the opener opened the date, then stalled
    racer = _run_job(uow_factory, "invoice_run", {"run_date": RUN.isoformat()})
    execute(uow_factory, opener)  # the date is done by now: the opener creates nothing

    with uow_factory() as uow:
        rows = uow.session.execute(select(Notification.job_id, Notification.message)).all()
    messages = {job_id: message for job_id, message in rows}
    assert racer["status"] == "succeeded", racer["error"]
    assert messages == {
        racer["id"]: f"{WORKING_CONTRACTS} invoices created, 1 contracts had nothing to invoice",
        opener: "0 invoices created, 0 contracts had nothing to invoice",
    }
