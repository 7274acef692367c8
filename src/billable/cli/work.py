"""Commands for background work: ``invoice-run``, ``worker`` and ``notifications``."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from billable.cli.shell import (
    LogLevelOption,
    check_level,
    console,
    database,
    error_console,
    refusals,
    uow_factory,
)
from billable.domain.errors import Invalid
from billable.domain.vocabulary import JobState, NotificationLevel
from billable.jobs import records as jobs
from billable.jobs.deliveries import deliver_if_due
from billable.jobs.handlers import execute
from billable.jobs.queue import STALLED_AFTER
from billable.jobs.scheduler import catch_up_if_due
from billable.observability.logs import DEFAULT_LEVEL, configure_logging
from billable.persistence.db import Engine, name_process, process_name
from billable.persistence.uow import UnitOfWork
from billable.runs import invoice_runs as runs
from billable.views import jobs as job_views

#: Top-level commands (``invoice-run``, ``worker``, ``notifications``), merged into the app.
work_app = typer.Typer()

log = logging.getLogger("billable.worker")
#: How often a worker looks for run dates due (it also looks as it starts).
CATCH_UP_EVERY = 60.0


def _parse_date(text: str | None) -> dt.date:
    if text is None:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid.field("--date", f"'{text}' is not a date (YYYY-MM-DD)") from None


@dataclass(frozen=True)
class _JobState:
    status: str
    done: int
    total: int
    error: str | None


def _job(engine: Engine, job_id: int) -> _JobState:
    with uow_factory(engine)() as uow:
        job = job_views.job(uow.session, job_id)
        return _JobState(job.status, job.progress_done, job.progress_total, job.error)


def _run_with_progress(engine: Engine, job_id: int, label: str) -> _JobState:
    """Run job ``job_id`` here, drawing its recorded progress as a Rich bar."""
    failure: list[BaseException] = []

    def work() -> None:
        try:
            execute(uow_factory(engine), job_id)
        except BaseException as exc:  # reported below, after the bar
            failure.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(label, total=None)
        worker.start()
        while worker.is_alive():
            job = _job(engine, job_id)
            progress.update(task, completed=job.done, total=job.total or None)
            time.sleep(0.2)
        job = _job(engine, job_id)
        progress.update(task, completed=job.total, total=job.total or 1)
    if failure:
        raise failure[0]
    return job


def _show_notifications(engine: Engine, job_id: int) -> None:
    with uow_factory(engine)() as uow:
        for note in job_views.job_notifications(uow.session, job_id):
            style = "red" if note.level == NotificationLevel.ERROR else "green"
            console.print(f"[{style}]{note.title}:[/] {note.message}", soft_wrap=True)


@work_app.command("invoice-run")
def invoice_run(
    date: Annotated[
        str | None, typer.Option("--date", help="The run date (YYYY-MM-DD); default: today (UTC).")
    ] = None,
    catch_up: Annotated[
        bool,
        typer.Option(
            "--catch-up", help="Process every missed run date up to today, in order, instead."
        ),
    ] = False,
) -> None:
    """Process one run date now: invoice every contract line due that day (or, with
    --catch-up, every date missed since the last completed run)."""
    with refusals(), database() as engine:
        if catch_up and date is not None:
            raise Invalid.field("--catch-up", "takes no --date: it runs every missed date")
        run_date = _parse_date(date)
        runs.check_run_date(run_date, dt.datetime.now(dt.UTC).date())
        if catch_up:
            kind, params, label = (
                "invoice_run_catch_up",
                {"today": run_date.isoformat()},
                "Catch-up",
            )
        else:
            kind, params = "invoice_run", {"run_date": run_date.isoformat()}
            label = f"Invoice run {run_date}"
        job_id = jobs.enqueue(uow_factory(engine)(), kind, params, None)
        job = _run_with_progress(engine, job_id, label)
        _show_notifications(engine, job_id)
        if job.status != JobState.SUCCEEDED:
            error_console.print(f"[bold red]Failed:[/] {job.error}")
            raise typer.Exit(1)


@work_app.command()
def worker(
    stalled_after: Annotated[
        float,
        typer.Option(
            help="Seconds without a heartbeat after which another worker's jobs are retried."
        ),
    ] = STALLED_AFTER,
    once: Annotated[
        bool, typer.Option(help="Run the jobs waiting now, then stop (SQLite and PostgreSQL).")
    ] = False,
    log_level: LogLevelOption = DEFAULT_LEVEL,
    metrics_port: Annotated[
        int | None,
        typer.Option(help="Serve this worker's job metrics (Prometheus) on this port."),
    ] = None,
) -> None:
    """Run background jobs: procrastinate's worker on PostgreSQL (any number, on any
    number of machines); on SQLite, a loop over the jobs table. Either way it first
    starts a catch-up job when run dates were missed."""
    name_process("worker")
    with refusals():
        configure_logging(check_level(log_level))
    if metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(metrics_port)
    with refusals(), database() as engine:
        log.info(
            "worker %s starting on %s",
            process_name(),
            engine.dialect.name,
            extra={"event": "worker.started", "worker": process_name(), "once": once},
        )
        if engine.dialect.name == "postgresql":
            _procrastinate_worker(engine, stalled_after, once)
        else:
            _sqlite_worker(engine, once)


class _TableDispatcher:
    """On SQLite the worker loop reads the jobs table: recording a job is enough."""

    def start(
        self, uow: UnitOfWork, kind: str, params: dict[str, Any], user_id: int | None, total: int
    ) -> int:
        return jobs.enqueue(uow, kind, params, user_id, total)

    def dispatch(self, job_id: int) -> None:
        """Nothing to do: the loop finds the queued row."""

    def start_up(self) -> None:
        """Nothing to do: the loop is the start."""

    def shut_down(self) -> None:
        """Nothing to do: the loop stops with the command."""


def _sqlite_worker(engine: Engine, once: bool) -> None:
    make_uow = uow_factory(engine)
    while True:
        catch_up_if_due(make_uow, _TableDispatcher())
        deliver_if_due(make_uow, _TableDispatcher())  # queued, or due again after a failure
        for job_id in jobs.resumable_jobs(make_uow()):
            execute(make_uow, job_id)
        if once:
            return
        time.sleep(1.0)  # polling the jobs table: SQLite has no notifications


def _procrastinate_worker(engine: Engine, stalled_after: float, once: bool) -> None:
    from billable.jobs.queue import QUEUE, build_app, sweep

    url = engine.url.render_as_string(hide_password=False)
    queue_app = build_app(url)

    async def main() -> None:
        async with queue_app.open_async():

            async def look_after() -> None:
                last_catch_up = time.monotonic()
                while True:
                    await asyncio.sleep(max(1.0, stalled_after / 2))
                    due = time.monotonic() - last_catch_up >= CATCH_UP_EVERY
                    await sweep(queue_app, url, stalled_after, catch_up=due)
                    last_catch_up = time.monotonic() if due else last_catch_up

            # Before taking jobs: a late start queues the missed dates first.
            await sweep(queue_app, url, stalled_after, catch_up=True)

            sweeper = asyncio.create_task(look_after())
            try:
                await queue_app.run_worker_async(
                    queues=[QUEUE],
                    name=process_name(),
                    wait=not once,
                    install_signal_handlers=not once,
                    update_heartbeat_interval=max(0.5, stalled_after / 4),
                    stalled_worker_timeout=stalled_after,
                )
            finally:
                sweeper.cancel()

    asyncio.run(main())


@work_app.command()
def notifications(
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
) -> None:
    """The latest notifications left by background jobs."""
    with refusals(), database() as engine, uow_factory(engine)() as uow:
        rows = job_views.latest_notifications(uow.session, limit)
        table = Table("when", "job", "title", "message")
        for note in rows:
            table.add_row(
                f"{note.created_at:%Y-%m-%d %H:%M}",
                str(note.job_id or ""),
                note.title,
                note.message,
            )
        console.print(table)
