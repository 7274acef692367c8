"""Jobs as an operator sees them: many started at once, listed and filtered, their
attempts shown; results and progress read from the data; structured logs, metrics,
health and readiness."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, select, text

from billable.api.app import create_app
from billable.domain.vocabulary import JobState
from billable.jobs import records as jobs
from billable.jobs.dispatch import ProcrastinateDispatcher
from billable.jobs.handlers import execute
from billable.observability.logs import configure_logging
from billable.persistence.db import make_engine, name_process, process_name
from billable.persistence.tables import Actual, Job, Notification
from tests.api.test_cli_work import seed_contracts
from tests.builders import scheduled_world
from tests.conftest import Api
from tests.waiting import wait_until

RUN = "2026-09-07"


def clean_queue(engine: Engine) -> None:
    """On PostgreSQL, no queue entry left by an earlier test (job ids restart per test)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(
                text(
                    "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_workers, "
                    "procrastinate_periodic_defers RESTART IDENTITY CASCADE"
                )
            )


def drain(app_client: TestClient, engine: Engine) -> None:
    """Run every queued job: the in-process thread, or a procrastinate worker here."""
    if engine.dialect.name == "postgresql":
        from billable.jobs.queue import QUEUE, build_app

        queue_app = build_app(engine.url.render_as_string(hide_password=False))
        with queue_app.open():
            queue_app.run_worker(queues=[QUEUE], wait=False, install_signal_handlers=False)
    else:
        app_client.app.state.dispatcher().wait_idle()  # type: ignore[attr-defined]


def wait_job(api: Api, app_client: TestClient, engine: Engine, job_id: str) -> dict[str, Any]:
    drain(app_client, engine)

    def finished() -> dict[str, Any] | None:
        job: dict[str, Any] = api.get(f"/jobs/{job_id}")
        return job if job["status"] in ("succeeded", "failed") else None

    return wait_until(finished, f"job {job_id} to finish")


def test_fifty_job_starts_at_once_are_each_accepted_and_all_finish(
    api: Api, app_client: TestClient, engine: Engine
) -> None:
    clean_queue(engine)
    scheduled_world(api)

    def start(_: int) -> tuple[int, str]:
        response = app_client.post(
            "/api/v1/invoice-runs", json={"run_date": RUN}, headers=api.headers
        )
        return response.status_code, response.json()["job_id"]

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(start, range(50)))

    # How fast they are answered is measured by benchmarks/job_starts.py, not asserted
    # here: before, one in six answered 500 after 30 s.
    assert [status for status, _ in answers] == [202] * 50
    if engine.dialect.name == "postgresql":  # each job row has its queue entry, no more
        with engine.connect() as conn:
            queued = conn.execute(
                text("SELECT (args->>'job_id')::int FROM procrastinate_jobs WHERE task_name = :t"),
                {"t": "billable.run_job"},
            ).scalars()
            assert sorted(queued) == sorted(int(j) for _, j in answers)
    finished = [wait_job(api, app_client, engine, job_id) for _, job_id in answers]
    assert {job["status"] for job in finished} == {"succeeded"}
    # the date was done once: one job reports the invoice, the other 49 nothing new
    assert sorted(len(job["result"]["invoices_created"]) for job in finished) == [0] * 49 + [1]


def test_a_job_shows_each_attempt_with_its_host_and_process(
    api: Api, app_client: TestClient, engine: Engine
) -> None:
    clean_queue(engine)
    scheduled_world(api)
    job_id = api.post("/invoice-runs", {"run_date": RUN}, expect=202)["job_id"]

    job = wait_job(api, app_client, engine, job_id)

    assert job["attempt_count"] == 1
    [attempt] = job["attempts"]
    assert attempt["attempt"] == 1 and attempt["outcome"] == "succeeded"
    assert attempt["pid"] > 0 and attempt["host"]
    assert attempt["worker"] == f"{attempt['host']}:{attempt['pid']}"
    assert attempt["started_at"] <= attempt["finished_at"]


def test_jobs_are_listed_in_pages_and_filtered_by_kind_status_and_date(
    api: Api, app_client: TestClient, engine: Engine, uow_factory: Any
) -> None:
    clean_queue(engine)
    scheduled_world(api)
    run = api.post("/invoice-runs", {"run_date": RUN}, expect=202)["job_id"]
    wait_job(api, app_client, engine, run)
    waiting = [
        str(jobs.enqueue(uow_factory(), "bulk_confirm", {"invoice_ids": []}, None))
        for _ in range(3)
    ]
    today = time.strftime("%Y-%m-%d", time.gmtime())

    first = api.get("/jobs", limit=2)
    second = api.get("/jobs", limit=2, cursor=first["next_cursor"])

    assert [j["id"] for j in first["items"] + second["items"]] == [run, *waiting]
    assert second["next_cursor"] is None
    assert [j["id"] for j in api.get("/jobs", kind="bulk_confirm")["items"]] == waiting
    assert [j["id"] for j in api.get("/jobs", status="succeeded")["items"]] == [run]
    assert len(api.get("/jobs", date_from=today, date_to=today)["items"]) == 4
    assert api.get("/jobs", date_to="2000-01-01")["items"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "done"}, "status"),
        ({"kind": "nap"}, "kind"),
        ({"date_from": "2026-09-08", "date_to": "2026-09-07"}, "date_to"),
    ],
)
def test_a_bad_job_filter_is_refused_naming_the_filter(
    api: Api, params: dict[str, str], field: str
) -> None:
    response = api.client.get("/api/v1/jobs", params=params, headers=api.headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in response.text


def test_progress_never_goes_backwards_when_a_retry_counts_again(uow_factory: Any) -> None:
    job_id = jobs.enqueue(uow_factory(), "bulk_confirm", {"invoice_ids": []}, None, 10)
    seen = []
    for done, total in ((4, 10), (6, 10), (2, 8), (5, 8), (9, 10)):  # a retry from 2
        uow = uow_factory()
        with uow:
            jobs.record_progress(uow, job_id, done, total)
            uow.commit()
        with uow_factory() as uow:
            job = uow.session.get(Job, job_id)
            seen.append((job.progress_done, job.progress_total))
    assert seen == [(4, 10), (6, 10), (6, 8), (6, 8), (9, 10)]


def test_bulk_creation_skips_a_contract_with_nothing_to_invoice_and_lists_it(
    api: Api, app_client: TestClient, engine: Engine, uow_factory: Any
) -> None:
    clean_queue(engine)
    busy, idle = seed_contracts(engine, 2)
    with engine.begin() as conn:  # the second contract's work is all gone
        conn.execute(delete(Actual).where(Actual.contract_id == idle))
    ids = [str(busy), str(idle)]

    job_id = api.post("/invoices/bulk", {"contract_ids": ids, "invoice_date": RUN}, 202)
    job = wait_job(api, app_client, engine, job_id["job_id"])

    assert job["status"] == "succeeded", job
    assert list(job["result"]["invoices"]) == [str(busy)]
    assert job["result"]["contracts_skipped"] == [str(idle)]
    assert api.get("/invoices", contract_id=str(idle))["items"] == []
    with uow_factory() as uow:
        note = uow.session.scalars(
            select(Notification.message).where(Notification.job_id == int(job["id"]))
        ).one()
    assert note == "1 invoices created in bulk, 1 contracts had nothing to invoice"


def test_a_failed_job_leaves_a_notification_of_level_error(uow_factory: Any) -> None:
    job_id = jobs.enqueue(uow_factory(), "invoice_run", {"run_date": "not a date"}, None)
    execute(uow_factory, job_id)
    with uow_factory() as uow:
        job = uow.session.get(Job, job_id)
        note = uow.session.scalars(select(Notification).where(Notification.job_id == job_id)).one()
        assert (job.status, note.level) == ("failed", "error")


@pytest.mark.parametrize(
    "engine", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_job_row_without_a_queue_entry_is_queued_again_by_the_reconciler(
    engine: Engine, uow_factory: Any
) -> None:
    clean_queue(engine)
    dispatcher = ProcrastinateDispatcher(engine)
    orphan = jobs.enqueue(uow_factory(), "bulk_confirm", {"invoice_ids": []}, None)
    queued = dispatcher.start(uow_factory(), "bulk_confirm", {"invoice_ids": []}, None, 0)

    assert dispatcher.reconcile() == [orphan]
    assert dispatcher.reconcile() == []  # now it has one
    with engine.connect() as conn:
        entries = conn.execute(text("SELECT (args->>'job_id')::int FROM procrastinate_jobs"))
        assert sorted(entries.scalars()) == sorted([orphan, queued])


@pytest.mark.parametrize(
    "engine", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_every_database_connection_names_its_process(engine: Engine) -> None:
    name_process("worker")
    try:
        named = make_engine(engine.url.render_as_string(hide_password=False))
        with named.connect() as conn:
            shown = conn.execute(text("SHOW application_name")).scalar()
        named.dispose()
    finally:
        name_process("cli")
    assert shown == process_name().replace("-cli-", "-worker-")
    assert str(shown).startswith("billable-worker-")


# --- logs, metrics, probes ---------------------------------------------------------------


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything logged during the test, as the JSON lines ``serve`` writes."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    configure_logging("info", stream)
    try:
        yield stream
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


def test_a_request_and_a_job_are_logged_as_json_lines_without_the_token(
    api: Api, app_client: TestClient, engine: Engine, log_lines: io.StringIO
) -> None:
    clean_queue(engine)
    scheduled_world(api)
    job_id = api.post("/invoice-runs", {"run_date": RUN}, expect=202)["job_id"]
    wait_job(api, app_client, engine, job_id)

    text_ = log_lines.getvalue()
    entries = [json.loads(line) for line in text_.splitlines()]  # every line is JSON
    token = api.headers["Authorization"].removeprefix("Bearer ")
    assert token not in text_
    [start] = [
        e
        for e in entries
        if e.get("event") == "http.request" and e["route"] == "/api/v1/invoice-runs"
    ]
    assert start["route"] == "/api/v1/invoice-runs" and start["status"] == 202
    assert start["user"].startswith("project_manager-") and start["duration_ms"] >= 0
    mine = [e for e in entries if e.get("job_id") == int(job_id)]
    events = [e["event"] for e in mine]
    assert events[0] == "job.started" and events[-1] == "job.finished"
    assert "job.progress" in events
    finished = mine[-1]
    assert finished["kind"] == "invoice_run" and finished["attempt"] == 1
    assert finished["worker"].startswith("billable-") and finished["duration_ms"] >= 0


def test_metrics_show_request_latency_per_route_and_jobs_per_kind_and_outcome(
    api: Api, app_client: TestClient, engine: Engine
) -> None:
    clean_queue(engine)
    scheduled_world(api)
    job_id = api.post("/invoice-runs", {"run_date": RUN}, expect=202)["job_id"]
    wait_job(api, app_client, engine, job_id)

    response = app_client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    body = response.text
    assert (
        'billable_http_request_duration_seconds_count{method="GET",route="/api/v1/jobs/{ident}",'
        'status="200"}' in body
    )
    assert 'billable_jobs_executed_total{kind="invoice_run",outcome="succeeded"}' in body
    assert 'billable_job_duration_seconds_bucket{kind="invoice_run",le="+Inf",outcome' in body
    assert 'billable_jobs{kind="invoice_run",status="succeeded"} 1.0' in body
    assert "billable_job_heartbeat_age_seconds 0.0" in body
    if engine.dialect.name == "postgresql":
        assert "billable_queue_depth{" in body and "billable_workers " in body


def test_health_and_readiness_answer_without_a_token(app_client: TestClient) -> None:
    assert app_client.get("/health").json() == {"status": "ok"}
    assert app_client.get("/ready").json() == {"status": "ok"}


def test_a_database_not_at_the_current_schema_is_not_ready(tmp_path: Any) -> None:
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with TestClient(create_app(empty)) as client:
            response = client.get("/ready")
    finally:
        empty.dispose()
    assert response.status_code == 503
    assert "schema at revision None" in response.json()["reason"]


def test_the_job_thread_is_started_by_the_app_not_by_a_first_request(
    engine: Engine, uow_factory: Any
) -> None:
    if engine.dialect.name == "postgresql":
        return  # PostgreSQL: workers run jobs (see the worker tests)
    job_id = jobs.enqueue(uow_factory(), "bulk_confirm", {"invoice_ids": []}, None)

    def succeeded() -> bool | None:
        with uow_factory() as uow:
            return uow.session.get(Job, job_id).status == JobState.SUCCEEDED or None

    with TestClient(create_app(engine)):  # start-up only: no request at all
        wait_until(succeeded, "the job left queued to be run by the app's own thread")
    with uow_factory() as uow:
        assert uow.session.get(Job, job_id).status == "succeeded"
