"""Jobs finish by themselves after a process dies: ``billable serve`` on SQLite resumes
at start-up what a killed process left, a worker on PostgreSQL takes over a killed
worker's job, and a worker started late catches up every missed run date in order.
Each resumed job reports what an uninterrupted one reports."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text

from billable.api.app import create_app
from billable.jobs import records as jobs
from billable.jobs.handlers import execute
from billable.jobs.scheduler import due_day
from billable.persistence.db import make_engine, session_factory
from billable.persistence.tables import InvoiceRun, Job, JobAttempt, Notification
from billable.persistence.uow import UnitOfWork
from tests.api.test_cli_work import (
    BILLABLE,
    enqueue_bulk,
    invoke,
    job_row,
    reader,
    seed_contracts,
    stop,
    url_of,
    worker,
)
from tests.builders import make_world
from tests.conftest import Api
from tests.waiting import wait_until


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(engine: Engine, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``billable serve`` on the test database, as a process; stopped on exit."""
    env = {**os.environ, "BILLABLE_DATABASE_URL": url_of(engine)}
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [BILLABLE, "serve", "--port", str(_free_port())],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield proc
    finally:
        stop(proc)


def outcome(engine: Engine, job_id: int) -> tuple[Any, list[str]]:
    """A finished job's result and its notifications' messages."""
    with session_factory(engine)() as session:
        job = session.get(Job, job_id)
        assert job is not None and job.status == "succeeded", job and job.error
        notes = session.scalars(select(Notification.message).where(Notification.job_id == job_id))
        return job.result, list(notes)


def uninterrupted(engine: Engine, job_id: int, tmp_path: Path) -> tuple[Any, list[str]]:
    """What the queued job reports when it runs start to end, on a copy of the data."""
    copy = tmp_path / "uninterrupted.db"
    with sqlite3.connect(str(engine.url.database)) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)  # the pages still in the write-ahead log too
    other = make_engine(f"sqlite:///{copy}")
    try:
        factory = session_factory(other)
        execute(lambda: UnitOfWork(factory), job_id)
        return outcome(other, job_id)
    finally:
        other.dispose()


def attempts_of(engine: Engine, job_id: int) -> list[tuple[int, int, str | None]]:
    with session_factory(engine)() as session:
        rows = session.execute(
            select(JobAttempt.attempt, JobAttempt.pid, JobAttempt.outcome)
            .where(JobAttempt.job_id == job_id)
            .order_by(JobAttempt.attempt)
        ).all()
        return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_job_of_a_killed_server_is_finished_by_the_next_start_with_no_request(
    engine: Engine, tmp_path: Path
) -> None:
    contract_ids = seed_contracts(engine, 300)
    job_id = enqueue_bulk(engine, contract_ids)  # one contract a transaction
    expected = uninterrupted(engine, job_id, tmp_path)
    log = tmp_path / "serve.log"
    seen: list[int] = []

    def progress(watch: Engine, until: Any) -> dict[str, Any] | None:
        row = job_row(watch, job_id)
        seen.append(row["done"])
        return row if until(row) else None

    with serving(engine, log) as first, reader(engine) as watch:  # no request is made
        wait_until(
            lambda: progress(watch, lambda r: 0 < r["done"] < r["total"]),
            f"the job to be part way (log: {log.read_text()})",
        )
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    left = job_row(engine, job_id)
    assert left["status"] == "running" and 0 < left["done"] < 300

    with serving(engine, log) as second, reader(engine) as watch:
        wait_until(
            lambda: progress(watch, lambda r: r["status"] == "succeeded"),
            f"the job to finish after the restart (log: {log.read_text()})",
        )

    assert outcome(engine, job_id) == expected
    assert expected[0]["invoices"].keys() == {str(c) for c in contract_ids}
    assert seen == sorted(seen), "progress went backwards"
    [(one, first_pid, died), (two, second_pid, ended)] = attempts_of(engine, job_id)
    assert (one, two, died, ended) == (1, 2, None, "succeeded")
    assert (first_pid, second_pid) == (first.pid, second.pid)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_job_left_running_by_a_process_that_died_resumes_when_the_app_starts(
    engine: Engine, uow_factory: Any
) -> None:
    contract_ids = seed_contracts(engine, 5)
    job_id = enqueue_bulk(engine, contract_ids)
    # A process (like a killed `billable invoice-run`) claims the job and dies at once.
    claim = (
        "import sys; from billable.jobs import records; "
        "from billable.persistence.db import make_engine, session_factory; "
        "from billable.persistence.uow import UnitOfWork; "
        f"records.claim(UnitOfWork(session_factory(make_engine(sys.argv[1]))), {job_id})"
    )
    subprocess.run([sys.executable, "-c", claim, url_of(engine)], check=True, timeout=60)
    assert job_row(engine, job_id)["status"] == "running"

    with TestClient(create_app(engine)):  # start-up: no request
        wait_until(
            lambda: job_row(engine, job_id)["status"] == "succeeded" or None,
            "the left-behind job to be resumed at start-up",
        )
    assert [a for a, _, _ in attempts_of(engine, job_id)] == [1, 2]


def test_a_job_whose_process_is_alive_is_not_taken_from_it(uow_factory: Any) -> None:
    job_id = jobs.enqueue(uow_factory(), "bulk_confirm", {"invoice_ids": []}, None)
    jobs.claim(uow_factory(), job_id)  # this process runs it (its heartbeat is fresh)
    assert jobs.resumable_jobs(uow_factory()) == []


# --- catching up -----------------------------------------------------------------------


def _three_missed_days(api: Api, engine: Engine) -> list[dt.date]:
    """A daily line with work every day; the last completed run three days ago."""
    today = due_day()
    days = [today - dt.timedelta(days=n) for n in (3, 2, 1, 0)]
    world = make_world(api)
    world.line(["time"], invoice_schedule={"frequency": "daily", "start_date": days[0].isoformat()})
    for day in days:
        world.approved_time("1", day.isoformat())
    world.mark_all_ready()
    with session_factory(engine)() as session, session.begin():
        session.add(
            InvoiceRun(
                run_date=days[0], status="succeeded", invoices_created=0, contracts_skipped=0
            )
        )
    return days[1:]


def test_a_worker_started_late_runs_the_three_missed_dates_in_order(
    api: Api, engine: Engine, tmp_path: Path
) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(
                text("TRUNCATE procrastinate_jobs, procrastinate_workers RESTART IDENTITY CASCADE")
            )
    missed = _three_missed_days(api, engine)
    env = {**os.environ, "BILLABLE_DATABASE_URL": url_of(engine)}

    once = subprocess.run(
        [BILLABLE, "worker", "--once"], env=env, capture_output=True, text=True, timeout=120
    )

    assert once.returncode == 0, once.stdout + once.stderr
    with session_factory(engine)() as session:
        runs = session.execute(
            select(InvoiceRun.run_date, InvoiceRun.status, InvoiceRun.invoices_created).order_by(
                InvoiceRun.id
            )
        ).all()
        job = session.scalars(select(Job).where(Job.kind == "invoice_run_catch_up")).one()
    assert [tuple(r) for r in runs[1:]] == [(d, "succeeded", 1) for d in missed]  # in order
    assert job.result == {"run_dates": [d.isoformat() for d in missed], "invoices_created": 3}


@pytest.mark.parametrize(
    "engine", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_worker_killed_mid_job_is_replaced_and_the_job_shows_both_attempts(
    engine: Engine, tmp_path: Path
) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_workers, "
                "procrastinate_periodic_defers RESTART IDENTITY CASCADE"
            )
        )
    contract_ids = seed_contracts(engine, 150)
    factory = session_factory(engine)
    from billable.jobs.dispatch import ProcrastinateDispatcher

    params = {"contract_ids": [str(c) for c in contract_ids], "invoice_date": "2026-09-30"}
    job_id = ProcrastinateDispatcher(engine).start(
        UnitOfWork(factory), "bulk_invoice", {**params, "chunk": 1}, None, len(contract_ids)
    )
    log = tmp_path / "workers.log"
    with worker(engine, log, "--stalled-after", "3") as first:
        wait_until(lambda: 0 < job_row(engine, job_id)["done"] < 150 or None, "the job part way")
        with engine.connect() as conn:  # its connections say who they are
            names = conn.execute(
                text(
                    "SELECT DISTINCT application_name FROM pg_stat_activity "
                    "WHERE datname = current_database() AND application_name LIKE 'billable-w%'"
                )
            ).scalars()
            assert f"billable-worker-{socket.gethostname()}-{first.pid}"[:63] in set(names)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    killed_at = time.monotonic()

    with worker(engine, log, "--stalled-after", "3"):
        wait_until(
            lambda: job_row(engine, job_id)["status"] == "succeeded" or None,
            f"the job to finish under the second worker (log: {log.read_text()})",
        )
    recovered = time.monotonic() - killed_at

    result, notes = outcome(engine, job_id)
    assert len(result["invoices"]) == 150 and notes == ["150 invoices created in bulk"]
    assert [(a, o) for a, _, o in attempts_of(engine, job_id)] == [(1, None), (2, "succeeded")]
    assert recovered < 60, f"recovery took {recovered:.0f} s"
    with engine.connect() as conn:  # the killed worker's row is gone, pruned
        assert conn.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar() == 0


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_invoice_run_catch_up_runs_the_missed_dates_by_hand(api: Api, engine: Engine) -> None:
    missed = _three_missed_days(api, engine)

    result = invoke(engine, "invoice-run", "--catch-up", "--date", missed[-1].isoformat())
    assert result.exit_code == 2 and "--catch-up" in result.output  # one or the other
    done = invoke(engine, "invoice-run", "--catch-up")

    assert done.exit_code == 0, done.output
    assert "3 run dates processed, 3 invoices" in done.output
    with session_factory(engine)() as session:
        dates = session.scalars(select(InvoiceRun.run_date).order_by(InvoiceRun.id)).all()
    assert dates[1:] == missed


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_log_level_that_does_not_exist_is_refused_naming_the_option(engine: Engine) -> None:
    result = invoke(engine, "worker", "--once", "--log-level", "loud")
    assert result.exit_code == 2 and "--log-level" in result.output
