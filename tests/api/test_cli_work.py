"""The commands for background work: ``invoice-run`` with its progress bar and
notification, ``notifications``, and ``worker`` surviving a SIGKILL mid-job (the job
completes under a new worker, nothing is done twice) on PostgreSQL and SQLite."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, insert, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from billable.cli.main import app
from billable.jobs import records as jobs
from billable.jobs.dispatch import ProcrastinateDispatcher
from billable.jobs.handlers import bulk_invoice
from billable.persistence.db import session_factory
from billable.persistence.tables import (
    Actual,
    Contract,
    ContractLine,
    ContractLineClass,
    Customer,
    Invoice,
    InvoiceLineDetail,
    Job,
    Notification,
    PriceList,
    Project,
)
from billable.persistence.uow import UnitOfWork
from tests.builders import scheduled_world
from tests.conftest import Api
from tests.waiting import PATIENCE, wait_until

BILLABLE = str(Path(sys.executable).with_name("billable"))
RUN = "2026-09-07"
runner = CliRunner()


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def invoke(engine: Engine, *args: str) -> Result:
    """``billable ARGS`` in this process, on the test database."""
    return runner.invoke(app, list(args), env={"BILLABLE_DATABASE_URL": url_of(engine)})


# --- invoice-run and notifications -----------------------------------------------------------


def test_invoice_run_draws_a_progress_bar_and_prints_the_notification(
    api: Api, engine: Engine
) -> None:
    scheduled_world(api)

    first = invoke(engine, "invoice-run", "--date", RUN)

    assert first.exit_code == 0, first.output + first.stderr
    bar = [ln for ln in first.stdout.splitlines() if ln.startswith(f"Invoice run {RUN} ")]
    assert len(bar) == 1 and "━" in bar[0] and "1/1" in bar[0], first.stdout
    assert (
        f"Invoice run {RUN}: 1 invoices created, 0 contracts had nothing to invoice" in first.stdout
    )
    invoices = api.get("/invoices")["items"]
    assert [(inv["invoice_date"], inv["total_amount"]) for inv in invoices] == [(RUN, "2110.00")]

    second = invoke(engine, "invoice-run", "--date", RUN)

    assert second.exit_code == 0, second.output + second.stderr
    assert (
        f"Invoice run {RUN}: 0 invoices created, 0 contracts had nothing to invoice"
        in second.stdout
    )
    assert len(api.get("/invoices")["items"]) == 1
    assert api.get("/invoice-runs")["items"][0]["invoices_created"] == 1

    listed = invoke(engine, "notifications")

    assert listed.exit_code == 0, listed.output
    rows = [ln for ln in listed.stdout.splitlines() if f"Invoice run {RUN}" in ln]
    assert len(rows) == 2, listed.stdout  # both runs left one, newest first
    assert "0 invoices created" in rows[0] and "1 invoices created" in rows[1]


def test_invoice_run_with_a_bad_date_exits_2_and_names_the_option(engine: Engine) -> None:
    result = invoke(engine, "invoice-run", "--date", "2026-02-30")

    assert result.exit_code == 2
    assert "--date" in result.stderr and "2026-02-30" in result.stderr
    with session_factory(engine)() as session:
        assert session.scalars(select(Job)).all() == []  # refused before any job


# --- a worker killed mid-job ---------------------------------------------------------------


def seed_contracts(engine: Engine, count: int) -> list[int]:
    """``count`` contracts, each with a time-and-material line and two ready actuals
    (2 h and 3 h at 250.00: 1250.00 per contract). Direct inserts: fast for many."""
    with Session(engine) as s, s.begin():
        customer = Customer(name="Northwind", currency="USD", bill_to_name="Northwind Ltd")
        cost = PriceList(name="Cost", currency="USD", context="cost")
        sales = PriceList(name="Sales", currency="USD", context="sales")
        s.add_all([customer, cost, sales])
        s.flush()
        projects = [
            Project(name=f"P{i}", customer_id=customer.id, cost_price_list_id=cost.id)
            for i in range(count)
        ]
        contracts = [
            Contract(
                name=f"C{i}",
                customer_id=customer.id,
                currency="USD",
                price_list_id=sales.id,
                bill_to_name="Northwind Ltd",
            )
            for i in range(count)
        ]
        s.add_all([*projects, *contracts])
        s.flush()
        lines = [
            ContractLine(
                contract_id=c.id,
                name="T&M",
                kind="project",
                billing_method="time_and_material",
                project_id=p.id,
            )
            for c, p in zip(contracts, projects, strict=True)
        ]
        s.add_all(lines)
        s.flush()
        s.add_all(
            ContractLineClass(
                contract_line_id=ln.id, project_id=ln.project_id, transaction_class="time"
            )
            for ln in lines
        )
        s.execute(
            insert(Actual),
            [
                {
                    "transaction_type": "unbilled_sales",
                    "transaction_class": "time",
                    "source_kind": "time",
                    "project_id": ln.project_id,
                    "contract_id": ln.contract_id,
                    "contract_line_id": ln.id,
                    "date": dt.date(2026, 9, 1),
                    "quantity": Decimal(hours),
                    "unit": "hour",
                    "price": Decimal("250"),
                    "amount": Decimal(250 * hours),
                    "tax": Decimal(0),
                    "currency": "USD",
                    "billing_type": "chargeable",
                    "ready_to_invoice": True,
                    "description": "work",
                    "external_description": "Consulting",
                }
                for ln in lines
                for hours in (2, 3)
            ],
        )
        return [c.id for c in contracts]


def job_row(engine: Engine, job_id: int) -> dict[str, Any]:
    with session_factory(engine)() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return {
            "status": job.status,
            "done": job.progress_done,
            "total": job.progress_total,
            "attempts": job.attempts,
            "result": job.result,
            "error": job.error,
        }


def invoices_by_contract(engine: Engine) -> Counter[int]:
    with session_factory(engine)() as session:
        return Counter(session.scalars(select(Invoice.contract_id)))


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it has not stopped within 10 s."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@contextmanager
def worker(engine: Engine, log: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    """``billable worker ARGS`` as a process on the test database, stopped on exit."""
    env = {**os.environ, "BILLABLE_DATABASE_URL": url_of(engine)}
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [BILLABLE, "worker", *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield proc
    finally:
        stop(proc)


@contextmanager
def reader(engine: Engine) -> Iterator[Engine]:
    """An engine to watch a job from. On SQLite, one without ``BEGIN IMMEDIATE``: in WAL
    mode its reads never queue behind the worker's back-to-back chunk transactions."""
    if engine.dialect.name != "sqlite":
        yield engine
        return
    plain = create_engine(engine.url)
    try:
        yield plain
    finally:
        plain.dispose()


def kill_mid_job(
    engine: Engine, proc: subprocess.Popen[bytes], job_id: int, at: int | None = None
) -> dict[str, Any]:
    """Wait until the job has done ``at`` chunks (or some but not all), SIGKILL the
    worker; the job row as the dead worker left it."""

    def part_way(watch: Engine) -> dict[str, Any] | None:
        row = job_row(watch, job_id)
        assert row["status"] != "succeeded", "the job finished before it could be interrupted"
        if at is not None:
            return row if row["done"] == at else None
        return row if 0 < row["done"] < row["total"] else None

    with reader(engine) as watch:
        wait_until(
            lambda: part_way(watch),
            f"job {job_id} to be part way through",
            alive=lambda: proc.poll() is None,
        )
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    return job_row(engine, job_id)


def assert_completed_once(engine: Engine, job_id: int, contract_ids: list[int]) -> None:
    """The job succeeded with every contract invoiced once, each actual on one detail."""
    row = job_row(engine, job_id)
    assert row["status"] == "succeeded", row
    assert row["done"] == row["total"] == len(contract_ids)
    per_contract = invoices_by_contract(engine)
    assert per_contract == dict.fromkeys(contract_ids, 1)  # no contract has two invoices
    with session_factory(engine)() as session:
        invoice_of = dict(session.execute(select(Invoice.contract_id, Invoice.id)).all())
        totals = set(session.scalars(select(Invoice.total_amount)))
        on_details = Counter(
            session.scalars(
                select(InvoiceLineDetail.actual_id).where(InvoiceLineDetail.actual_id.is_not(None))
            )
        )
        notes = session.scalars(select(Notification.message).where(Notification.job_id == job_id))
        messages = list(notes)
    assert row["result"]["invoices"] == {str(c): str(invoice_of[c]) for c in contract_ids}
    assert totals == {Decimal("1250.00")}
    assert len(on_details) == 2 * len(contract_ids) and set(on_details.values()) == {1}
    assert messages == [f"{len(contract_ids)} invoices created in bulk"]


def enqueue_bulk(engine: Engine, contract_ids: list[int]) -> int:
    """A bulk creation job doing one contract per transaction (long enough to interrupt)."""
    factory = session_factory(engine)
    params = {
        "contract_ids": [str(c) for c in contract_ids],
        "invoice_date": "2026-09-30",
        "chunk": 1,
    }
    return jobs.enqueue(UnitOfWork(factory), "bulk_invoice", params, None, len(contract_ids))


def test_two_workers_that_both_took_one_bulk_job_invoice_each_contract_once(
    engine: Engine,
) -> None:
    # Delivery is at least once: a queue that takes a slow worker for dead hands its job
    # to another, and on SQLite every `billable worker` takes every runnable job.
    contract_ids = seed_contracts(engine, 40)
    job_id = enqueue_bulk(engine, contract_ids)
    factory = session_factory(engine)
    taken = [jobs.claim(UnitOfWork(factory), job_id) for _ in range(2)]  # 2nd: 'running'
    barrier = threading.Barrier(2)
    outcomes: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def work(job: Job) -> None:
        try:
            barrier.wait(timeout=PATIENCE)
            outcomes.append(bulk_invoice(lambda: UnitOfWork(factory), job)[0])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(job,), daemon=True) for job in taken if job]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=PATIENCE)

    assert len(threads) == 2 and not any(t.is_alive() for t in threads) and errors == []
    row = job_row(engine, job_id)
    assert (row["status"], row["done"], row["total"], row["attempts"]) == ("running", 40, 40, 2)
    assert invoices_by_contract(engine) == dict.fromkeys(contract_ids, 1)
    with session_factory(engine)() as session:
        invoice_of = dict(session.execute(select(Invoice.contract_id, Invoice.id)).all())
    every = {str(c): str(invoice_of[c]) for c in contract_ids}
    assert row["result"] == {"invoices": every, "contracts_skipped": []}
    assert outcomes == [{"invoices": every, "contracts_skipped": []}] * 2  # the whole job


@pytest.mark.parametrize(
    "engine", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_job_of_a_worker_killed_mid_way_is_finished_by_another_worker_without_duplicates(
    engine: Engine, tmp_path: Path
) -> None:
    with engine.begin() as conn:  # a clean queue: no job left deferred by an earlier test
        conn.execute(
            text(
                "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_workers, "
                "procrastinate_periodic_defers RESTART IDENTITY CASCADE"
            )
        )
    contract_ids = seed_contracts(engine, 150)
    job_id = enqueue_bulk(engine, contract_ids)
    ProcrastinateDispatcher(engine).dispatch(job_id)
    log = tmp_path / "workers.log"

    # Hold contract 61 locked: the worker does 60 chunks, then waits inside the 61st.
    with engine.connect() as blocker, worker(engine, log, "--stalled-after", "3") as first:
        held = blocker.begin()
        blocker.execute(
            select(Contract.id).where(Contract.id == contract_ids[60]).with_for_update()
        )
        left = kill_mid_job(engine, first, job_id, at=60)
        held.rollback()

    # the dead worker's committed chunks are all recorded, its open one left no trace
    assert (left["status"], left["attempts"], left["done"], left["total"]) == (
        "running",
        1,
        60,
        150,
    )
    assert invoices_by_contract(engine) == dict.fromkeys(contract_ids[:60], 1)
    assert left["result"]["invoices"].keys() == {str(c) for c in contract_ids[:60]}

    with worker(engine, log, "--stalled-after", "3") as second:
        wait_until(
            lambda: job_row(engine, job_id)["status"] == "succeeded" or None,
            f"job {job_id} to succeed under the second worker (log: {log})",
            alive=lambda: second.poll() is None,
        )

    assert_completed_once(engine, job_id, contract_ids)
    assert job_row(engine, job_id)["attempts"] == 2  # resumed once, by the second worker


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_on_sqlite_a_job_of_a_killed_worker_is_finished_by_worker_once_without_duplicates(
    engine: Engine, tmp_path: Path
) -> None:
    contract_ids = seed_contracts(engine, 600)
    job_id = enqueue_bulk(engine, contract_ids)
    log = tmp_path / "workers.log"

    with worker(engine, log) as first:
        left = kill_mid_job(engine, first, job_id)

    assert left["status"] == "running" and left["attempts"] == 1
    assert 0 < left["done"] < left["total"] == 600
    assert sum(invoices_by_contract(engine).values()) == left["done"]

    env = {**os.environ, "BILLABLE_DATABASE_URL": url_of(engine)}
    once = subprocess.run(
        [BILLABLE, "worker", "--once"], env=env, capture_output=True, text=True, timeout=PATIENCE
    )

    assert once.returncode == 0, once.stdout + once.stderr
    assert_completed_once(engine, job_id, contract_ids)
    assert job_row(engine, job_id)["attempts"] == 2
