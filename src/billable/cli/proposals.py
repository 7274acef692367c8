"""Periodic processes of invoice proposals: ``proposals import`` (import from staging)
and ``proposals post`` (post every ready proposal, as the background job does)."""

from __future__ import annotations

import typer
from rich.markup import escape

from billable.cli.shell import console, database, error_console, refusals, uow_factory
from billable.domain.vocabulary import JobState
from billable.erp import proposal_import
from billable.jobs import records as jobs
from billable.jobs.handlers import execute
from billable.views import jobs as job_views

proposals_app = typer.Typer(help="Invoice proposals of the ERP side.", no_args_is_help=True)


@proposals_app.command("import")
def import_from_staging() -> None:
    """Import from staging: lines for every waiting proposal whose time is all posted.

    A proposal waits until every time-and-material transaction on it has been posted
    through the integration journal.
    """
    with refusals(), database() as engine:
        result = proposal_import.import_all(uow_factory(engine)())
    console.print(
        f"{len(result.imported)} invoice proposals imported, "
        f"{len(result.waiting)} still waiting for unposted transactions."
    )


@proposals_app.command("post")
def post_ready() -> None:
    """Post every ready invoice proposal, a chunk per transaction (a job, run here)."""
    with refusals(), database() as engine:
        make_uow = uow_factory(engine)
        job_id = jobs.enqueue(make_uow(), "post_invoice_proposals", {}, None)
        execute(make_uow, job_id)
        with make_uow() as uow:
            job = job_views.job(uow.session, job_id)
            status, result, error = job.status, job.result or {}, job.error
    if status != JobState.SUCCEEDED:
        error_console.print(f"[bold red]Failed:[/] {escape(error or status)}")
        raise typer.Exit(1)
    posted, failed = result["posted"], result["failed"]  # not vocabulary: the result's keys
    console.print(f"{len(posted)} invoice proposals posted.")
    for number, why in failed.items():
        error_console.print(f"[red]Not posted {escape(number)}:[/] {escape(why)}")
    if failed:
        raise typer.Exit(3)
