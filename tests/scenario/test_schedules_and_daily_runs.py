"""Contract lines show when they are due; the recurring daily run starts by itself."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from sqlalchemy import select

from billable.persistence.tables import Invoice, InvoiceRun, Job
from tests.builders import make_world
from tests.waiting import wait_until


def test_a_scheduled_line_shows_its_next_run_dates(api):
    world = make_world(api)
    today = dt.date.today()
    line = world.line(
        ["time"], invoice_schedule={"frequency": "weekly", "start_date": today.isoformat()}
    )
    assert line["next_run_date"] == today.isoformat()
    assert line["run_dates"][:3] == [(today + dt.timedelta(weeks=i)).isoformat() for i in range(3)]


def test_a_product_line_is_due_from_its_own_date_while_ready(api, uow_factory):
    from billable.runs import invoice_runs as runs

    world = make_world(api)
    line = world.product_line(date="2026-09-10")
    assert line["date"] == "2026-09-10"
    assert runs.due_plan(uow_factory(), dt.date(2026, 9, 9)) == {}
    assert runs.due_plan(uow_factory(), dt.date(2026, 9, 10)) == {
        int(world.contract["id"]): [int(line["id"])]
    }
    api.patch(f"/contract-lines/{line['id']}", {"ready_to_invoice": False})
    assert api.get(f"/contract-lines/{line['id']}")["run_dates"] == []


def test_tasks_are_read_and_renamed_by_id(api):
    world = make_world(api)
    task = api.post(f"/projects/{world.project['id']}/tasks", {"name": "Requirements"})
    assert api.get(f"/tasks/{task['id']}") == task
    renamed = api.patch(f"/tasks/{task['id']}", {"name": "Requirement gathering"})
    assert renamed["name"] == "Requirement gathering"
    api.patch(f"/tasks/{task['id']}", {"name": ""}, expect=422)
    api.get("/tasks/999", expect=404)


def _scheduled_work(api: Any) -> None:
    world = make_world(api)
    yesterday = dt.date.today() - dt.timedelta(days=1)
    world.line(
        ["time"], invoice_schedule={"frequency": "daily", "start_date": yesterday.isoformat()}
    )
    world.approved_time("8", yesterday.isoformat())
    world.mark_all_ready()


def test_the_daily_run_thread_of_serve_starts_a_catch_up_job_by_itself(
    api, app_client, engine, uow_factory
):
    if engine.dialect.name == "postgresql":
        return  # on PostgreSQL the worker's periodic task does this (next test)
    from billable.jobs.scheduler import start_daily_runs

    _scheduled_work(api)
    dispatcher = app_client.app.state.dispatcher()
    stop = start_daily_runs(uow_factory, dispatcher, every_seconds=3600)

    def succeeded_catch_up() -> Any:
        with uow_factory() as uow:
            return uow.session.scalars(
                select(Job.result).where(
                    Job.kind == "invoice_run_catch_up", Job.status == "succeeded"
                )
            ).first()

    try:
        done = wait_until(succeeded_catch_up, "the daily run to start and succeed")
    finally:
        stop.set()
    assert done is not None, "the daily run did not start"
    assert done["run_dates"] == [dt.datetime.now(dt.UTC).date().isoformat()]
    with uow_factory() as uow:
        assert len(uow.session.scalars(select(Invoice.id)).all()) == 1


def test_the_periodic_task_of_the_worker_runs_the_missed_dates(api, engine, uow_factory):
    if engine.dialect.name != "postgresql":
        return  # SQLite: the serve thread above
    from billable.jobs.queue import build_app

    _scheduled_work(api)
    queue_app = build_app(engine.url.render_as_string(hide_password=False))
    now = int(time.time())
    queue_app.tasks["billable.daily_run"].func(timestamp=now)
    today = dt.datetime.fromtimestamp(now, dt.UTC).date()
    with uow_factory() as uow:
        runs_done = list(uow.session.scalars(select(InvoiceRun.run_date)))
        invoice_dates = list(uow.session.scalars(select(Invoice.invoice_date)))
    assert runs_done == [today]
    assert invoice_dates == [today]


def test_a_schedule_near_the_end_of_the_calendar_is_shown_to_its_end(api):
    world = make_world(api)
    line = world.line(
        ["time"], invoice_schedule={"frequency": "weekly", "start_date": "9999-12-25"}
    )
    assert line["run_dates"] == ["9999-12-25"]
    assert len(api.get(f"/contracts/{world.contract['id']}/lines")["items"]) == 1
