"""The FastAPI application: routers under /api/v1, problem+json errors, OpenAPI served."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from billable import __version__
from billable.api import openapi, problems
from billable.api.routers import (
    billing,
    contracts,
    entries,
    erp,
    invoices,
    jobs,
    journal,
    masterdata,
    proposals,
)
from billable.api.routers import proposal_format as formatting
from billable.jobs.dispatch import Dispatcher, dispatcher_for
from billable.persistence.db import Engine, make_engine, session_factory

DESCRIPTION = """Project invoicing: approved time, expenses, material, fees and milestones
become proforma invoices that are edited, confirmed and corrected.

Authenticate with `Authorization: Bearer <token>`; `billable users add NAME --role ROLE`
prints a token. Decimal values are JSON strings; errors are `application/problem+json`."""


def _lazy_dispatcher(engine: Engine) -> Callable[[], Dispatcher]:
    """The job dispatcher, made on first use (most requests never need one)."""
    made: list[Dispatcher] = []

    def get() -> Dispatcher:
        if not made:
            made.append(dispatcher_for(engine))
        return made[0]

    return get


def create_app(engine: Engine | None = None) -> FastAPI:
    """The app on ``engine`` (default: ``BILLABLE_DATABASE_URL``)."""
    app = FastAPI(title="Billable", version=__version__, description=DESCRIPTION)
    app.state.engine = engine or make_engine()
    app.state.session_factory = session_factory(app.state.engine)
    problems.install(app)
    openapi.install(app)
    app.state.dispatcher = _lazy_dispatcher(app.state.engine)
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
    ):
        app.include_router(module.router, prefix="/api/v1")
    app.include_router(formatting.router, prefix="/api/v1")

    @app.get("/health", tags=["system"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
