"""A notification that reports a failure reads as an error; one that reports success,
as info (the job that failed, the items of a job that failed)."""

from __future__ import annotations

from typing import Any

from billable.jobs import handlers
from billable.jobs import records as jobs
from tests.builders import make_world
from tests.conftest import Api


def _note(api: Api, job_id: int) -> dict[str, Any]:
    [note] = [n for n in api.get("/notifications")["items"] if n["job_id"] == str(job_id)]
    return dict(note)


def test_a_job_that_fails_leaves_an_error_notification(api: Api, uow_factory: Any) -> None:
    # A contract that does not exist makes the bulk creation job fail as a whole.
    job_id = jobs.enqueue(uow_factory(), "bulk_invoice", {"contract_ids": ["x"]}, None, 1)
    handlers.execute(uow_factory, job_id)
    assert api.get(f"/jobs/{job_id}")["status"] == "failed"
    assert _note(api, job_id)["level"] == "error"


def test_a_job_that_did_everything_asked_leaves_an_info_notification(
    api: Api, uow_factory: Any
) -> None:
    world = make_world(api)
    world.line(["time"])
    world.approved_time("8", date="2026-08-24")
    world.mark_all_ready()
    invoice = world.invoice("2026-08-31")
    job_id = jobs.enqueue(
        uow_factory(), "bulk_confirm", {"invoice_ids": [int(invoice["id"])]}, None, 1
    )
    handlers.execute(uow_factory, job_id)
    assert api.get(f"/jobs/{job_id}")["result"] == {"confirmed": 1}
    assert _note(api, job_id)["level"] == "info"
