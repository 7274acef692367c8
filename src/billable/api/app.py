"""The FastAPI application: routers under /api/v1, problem+json errors, OpenAPI served;
the job dispatcher started with the app; logs, metrics and probes for the operator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from billable import __version__
from billable.api import openapi, problems
from billable.api.routers import (
    audit,
    billing,
    contracts,
    documents,
    entries,
    erp,
    invoices,
    jobs,
    journal,
    masterdata,
    proposals,
    users,
)
from billable.api.routers import proposal_format as formatting
from billable.jobs.dispatch import Dispatcher, dispatcher_for
from billable.observability import http
from billable.persistence.db import Engine, make_engine, session_factory
from billable.web import app as web

DESCRIPTION = """Project invoicing: approved time, expenses, material, fees and milestones
become proforma invoices that are edited, confirmed and corrected.

Authenticate with `Authorization: Bearer <token>`; `billable users add NAME --role ROLE`
prints a token. Decimal values are JSON strings; errors are `application/problem+json`."""


def _one_dispatcher(engine: Engine) -> Callable[[], Dispatcher]:
    """This app's one job dispatcher, made on first use (start-up, or a first job)."""
    made: list[Dispatcher] = []

    def get() -> Dispatcher:
        if not made:
            made.append(dispatcher_for(engine))
        return made[0]

    return get


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # At start-up, not on a first request: unfinished jobs resume with no request.
    app.state.dispatcher().start_up()
    yield
    app.state.dispatcher().shut_down()


def create_app(engine: Engine | None = None) -> FastAPI:
    """The app on ``engine`` (default: ``BILLABLE_DATABASE_URL``)."""
    app = FastAPI(
        title="Billable", version=__version__, description=DESCRIPTION, lifespan=_lifespan
    )
    app.state.engine = engine or make_engine()
    app.state.session_factory = session_factory(app.state.engine)
    problems.install(app)
    http.install(app)
    app.state.dispatcher = _one_dispatcher(app.state.engine)
    openapi.install(app)
    # Bulk routes first: /invoices/bulk must not be read as /invoices/{id}.
    for module in (
        jobs,
        masterdata,
        contracts,
        erp,
        journal,
        entries,
        billing,
        invoices,
        proposals,
        audit,
        users,
    ):
        app.include_router(module.router, prefix="/api/v1")
    app.include_router(formatting.router, prefix="/api/v1")
    app.include_router(documents.router, prefix="/api/v1")
    # The web UI: same process, same use cases and views, its own session cookie.
    web.install(app)
    return app
