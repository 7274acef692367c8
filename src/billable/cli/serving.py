"""``billable serve``: the API in one process, or in N worker processes on one port.

With ``--workers N`` uvicorn's supervisor starts N processes, each building the app
from the environment (:func:`worker_app`); on SQLite they share the database file's
writer line (``persistence.writer_line``), each runs jobs on its own job thread, and
the supervisor keeps the daily invoice-run check, so it runs once however many
workers serve. Two job threads may both run one queued job (delivery is at least
once, as with several ``billable worker``); its handler's effects happen once.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from billable.cli.shell import uow_factory
from billable.jobs.dispatch import dispatcher_for
from billable.observability.logs import DEFAULT_LEVEL, configure_logging
from billable.persistence.db import Engine, make_engine, name_process

#: What the supervisor tells its workers: the log level (the database is the
#: environment's ``BILLABLE_DATABASE_URL``, set to the supervisor's own).
LOG_LEVEL_ENV = "BILLABLE_LOG_LEVEL"


def serve_api(
    engine: Engine, host: str, port: int, log_level: str = DEFAULT_LEVEL, workers: int = 1
) -> None:
    """Serve the API on ``engine`` until stopped; on SQLite with the daily run check."""
    import uvicorn

    from billable.api.app import create_app
    from billable.jobs.scheduler import start_daily_runs
    from billable.web.secret import secret_key

    configure_logging(log_level)
    level = log_level.lower()
    # On SQLite this process checks for due run dates (PostgreSQL: `billable worker`).
    runs_here = engine.dialect.name != "postgresql"
    if workers <= 1:
        api = create_app(engine)
        if runs_here:  # the jobs it starts run on the app's job thread
            start_daily_runs(uow_factory(engine), api.state.dispatcher())
        uvicorn.run(api, host=host, port=port, log_config=None, log_level=level)
        return
    secret_key(engine)  # made once here, not raced by the workers' first starts
    os.environ["BILLABLE_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    os.environ[LOG_LEVEL_ENV] = log_level
    # The app is in the workers: the jobs the check starts run on a job thread here.
    own = dispatcher_for(engine) if runs_here else None
    if own is not None:
        own.start_up()
        start_daily_runs(uow_factory(engine), own)
    try:
        uvicorn.run(
            "billable.cli.serving:worker_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=None,
            log_level=level,
        )
    finally:
        if own is not None:  # its job finishes its chunk; the rest resume later
            own.shut_down()


def worker_app() -> FastAPI:
    """One worker process's app (uvicorn's factory): the environment's database and
    log level."""
    from billable.api.app import create_app

    name_process("serve")
    configure_logging(os.environ.get(LOG_LEVEL_ENV, DEFAULT_LEVEL))
    return create_app(make_engine())
