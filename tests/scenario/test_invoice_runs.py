"""Automated invoice runs: due lines, one invoice per contract and day, idempotence,
catch-up, and the job that runs them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from billable.runs import invoice_runs as runs
from tests.builders import make_world, scheduled_world
from tests.scenario.support import problem
from tests.waiting import wait_until

RUN = "2026-09-07"  # a Monday


def _drain(app_client: Any, engine: Any) -> None:
    """Run every queued job: the in-process thread on SQLite, a procrastinate worker
    (in this process, until the queue is empty) on PostgreSQL."""
    if engine.dialect.name == "postgresql":
        from billable.jobs.queue import QUEUE, build_app

        app = build_app(engine.url.render_as_string(hide_password=False))
        with app.open():
            app.run_worker(queues=[QUEUE], wait=False, install_signal_handlers=False)
    else:
        app_client.app.state.dispatcher().wait_idle()


def _wait_job(api: Any, app_client: Any, engine: Any, job_id: str) -> dict[str, Any]:
    _drain(app_client, engine)

    def finished() -> dict[str, Any] | None:
        job: dict[str, Any] = api.get(f"/jobs/{job_id}")
        return job if job["status"] in ("succeeded", "failed") else None

    return wait_until(finished, f"job {job_id} to finish")


def test_two_lines_of_a_contract_due_the_same_day_share_one_invoice(api, uow_factory):
    world = scheduled_world(api)
    result = runs.run_date(uow_factory, dt.date.fromisoformat(RUN))
    assert len(result.invoices) == 1
    invoice = api.get(f"/invoices/{result.invoices[0]}")
    assert invoice["invoice_date"] == RUN
    assert [ln["name"] for ln in invoice["lines"]] == [
        "time_and_material time",
        "time_and_material expense",
    ]
    assert [ln["amount"] for ln in invoice["lines"]] == ["2000.00", "110.00"]
    assert invoice["total_amount"] == "2110.00"
    assert world.contract["id"] == invoice["contract_id"]


def test_a_line_not_due_is_left_out_of_the_run(api, uow_factory):
    scheduled_world(api)
    tuesday = dt.date(2026, 9, 8)  # the daily expense line is due, the weekly time line not
    result = runs.run_date(uow_factory, tuesday)
    invoice = api.get(f"/invoices/{result.invoices[0]}")
    assert [ln["name"] for ln in invoice["lines"]] == ["time_and_material expense"]
    assert invoice["total_amount"] == "110.00"


def test_a_contract_with_nothing_to_invoice_gets_no_invoice(api, uow_factory):
    world = make_world(api)
    world.line(["time"], invoice_schedule={"frequency": "daily", "start_date": "2026-09-01"})
    world.approved_time("8", "2026-09-02")  # approved but not ready
    result = runs.run_date(uow_factory, dt.date.fromisoformat(RUN))
    assert result.invoices == []
    assert result.skipped == [int(world.contract["id"])]
    assert api.get("/invoices")["items"] == []


def test_a_second_run_of_the_same_date_creates_nothing(api, uow_factory):
    world = scheduled_world(api)
    first = runs.run_date(uow_factory, dt.date.fromisoformat(RUN))
    world.approved_time("2", "2026-09-04")
    world.mark_all_ready()  # new work, but the date is done: it waits for the next date
    second = runs.run_date(uow_factory, dt.date.fromisoformat(RUN))
    assert len(first.invoices) == 1
    assert second.invoices == [] and second.skipped == []
    assert len(api.get("/invoices")["items"]) == 1
    assert api.get("/invoice-runs")["items"][0]["invoices_created"] == 1


def test_a_draft_the_run_made_and_a_user_deleted_leaves_its_contract_invoiced_not_skipped(
    api, uow_factory
):
    # The run's record is history: deleting its draft later returns the work to the
    # backlog, but the contract was invoiced on that date, not found empty; and an
    # invoice made afterwards (SQLite reuses a deleted row's id) is not the run's.
    world = scheduled_world(api)
    date = dt.date.fromisoformat(RUN)
    (made,) = runs.run_date(uow_factory, date).invoices
    assert api.delete(f"/invoices/{made}") is None
    by_hand = world.invoice(RUN)
    outcome = runs.date_outcome(uow_factory(), date, None)
    assert (outcome.invoices, outcome.skipped) == ([], [])
    again = runs.run_date(uow_factory, date)  # the date is done: nothing more for it
    assert (again.invoices, again.skipped) == ([], [])
    [run] = api.get("/invoice-runs")["items"]
    assert (run["invoices_created"], run["contracts_skipped"]) == (1, 0)
    listed = api.get("/invoices", contract_id=world.contract["id"])["items"]
    assert [i["id"] for i in listed] == [by_hand["id"]]


def test_fixed_price_lines_are_due_by_their_ready_milestones(api, uow_factory):
    world = make_world(api)
    line = world.line(["time"], billing_method="fixed_price", amount="5000.00")
    early = api.post(
        f"/contract-lines/{line['id']}/milestones",
        {"name": "Kick-off", "date": "2026-09-01", "amount": "1000.00"},
    )
    api.post(
        f"/contract-lines/{line['id']}/milestones",
        {"name": "Sign-off", "date": "2026-09-30", "amount": "4000.00"},
    )
    api.action("/billing-backlog/ready-to-invoice", {"milestone_ids": [early["id"]]}, expect=204)
    assert runs.run_date(uow_factory, dt.date(2026, 8, 31)).invoices == []
    result = runs.run_date(uow_factory, dt.date.fromisoformat(RUN))
    invoice = api.get(f"/invoices/{result.invoices[0]}")
    assert invoice["total_amount"] == "1000.00"
    assert api.get(f"/milestones/{early['id']}")["status"] == "customer_invoice_created"


def test_catch_up_processes_three_missed_days_in_order(api, uow_factory):
    world = make_world(api)
    world.line(["time"], invoice_schedule={"frequency": "daily", "start_date": "2026-09-01"})
    runs.run_date(uow_factory, dt.date(2026, 9, 3))  # the last run before the downtime
    for day in ("2026-09-04", "2026-09-05", "2026-09-06"):
        world.approved_time("1", day)
    world.mark_all_ready()
    missed = runs.missed_dates(uow_factory(), dt.date(2026, 9, 6))
    assert missed == [dt.date(2026, 9, 4), dt.date(2026, 9, 5), dt.date(2026, 9, 6)]
    made = [runs.run_date(uow_factory, day).invoices for day in missed]
    totals = [api.get(f"/invoices/{ids[0]}")["total_amount"] for ids in made]
    assert totals == ["250.00", "250.00", "250.00"]  # each day takes what was dated by then
    assert runs.missed_dates(uow_factory(), dt.date(2026, 9, 6)) == []


def test_a_run_through_the_api_is_a_job_with_progress_and_a_notification(api, app_client, engine):
    world = scheduled_world(api)
    accepted = api.post("/invoice-runs", {"run_date": RUN}, expect=202)
    job = _wait_job(api, app_client, engine, accepted["job_id"])
    assert job["status"] == "succeeded", job
    assert job["kind"] == "invoice_run"
    assert len(job["result"]["invoices_created"]) == 1
    assert job["progress"]["done"] == job["progress"]["total"] == 1
    notes = api.get("/notifications")["items"]
    assert notes[-1]["title"] == f"Invoice run {RUN}"
    again = api.post("/invoice-runs", {"run_date": RUN}, expect=202)
    assert _wait_job(api, app_client, engine, again["job_id"])["result"]["invoices_created"] == []
    assert len(api.get("/invoices", contract_id=world.contract["id"])["items"]) == 1


def test_bulk_creation_makes_one_invoice_per_contract_in_a_job(api, app_client, engine):
    world = scheduled_world(api)
    accepted = api.post(
        "/invoices/bulk",
        {"contract_ids": [world.contract["id"]], "invoice_date": "2026-09-30"},
        expect=202,
    )
    job = _wait_job(api, app_client, engine, accepted["job_id"])
    assert job["status"] == "succeeded", job
    invoice_id = job["result"]["invoices"][world.contract["id"]]
    assert api.get(f"/invoices/{invoice_id}")["total_amount"] == "2110.00"
    confirm = api.post("/invoices/bulk-confirm", {"invoice_ids": [invoice_id]}, expect=202)
    assert _wait_job(api, app_client, engine, confirm["job_id"])["result"] == {"confirmed": 1}
    assert api.get(f"/invoices/{invoice_id}")["project_invoice_status"] == "confirmed"


@pytest.mark.parametrize(
    "body", [{"contract_ids": []}, {"contract_ids": ["999"]}, {"contract_ids": ["x"]}]
)
def test_bulk_creation_refuses_bad_contract_ids_and_starts_no_job(api, body):
    api.post("/invoices/bulk", body, expect=422)


def test_re_running_a_processed_date_creates_nothing_even_for_new_work(api, uow_factory):
    world = make_world(api)
    line = world.line(["time"], billing_method="fixed_price", amount="1000.00")
    milestone = api.post(
        f"/contract-lines/{line['id']}/milestones",
        {"name": "Kick-off", "date": "2026-08-01", "amount": "1000.00"},
    )
    first = runs.run_date(uow_factory, dt.date(2026, 8, 10))
    api.action(f"/milestones/{milestone['id']}/ready-to-invoice")
    again = runs.run_date(uow_factory, dt.date(2026, 8, 10))
    assert first.invoices == again.invoices == []
    assert api.get("/invoices")["items"] == []
    assert len(runs.run_date(uow_factory, dt.date(2026, 8, 11)).invoices) == 1


def test_a_run_date_in_the_future_is_refused(api):
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    refused = problem(api, "POST", "/invoice-runs", 422, json={"run_date": future})
    assert refused["errors"][0]["field"] == "run_date"
    assert api.get("/invoice-runs")["items"] == []


def test_bulk_creation_reads_ids_as_every_other_route_does(api):
    world = make_world(api)
    api.post("/invoices/bulk", {"contract_ids": ["0" + world.contract["id"]]}, expect=202)
