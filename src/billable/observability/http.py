"""The operator's side of the HTTP app: a log line and a latency sample per request,
and ``/health``, ``/ready`` and ``/metrics`` (outside ``/api/v1``, no token)."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import Engine

from billable.observability.metrics import REQUEST_SECONDS, exposition
from billable.persistence.db import READ_ONLY
from billable.persistence.migrate import alembic_config

log = logging.getLogger("billable.http")
#: Requests that are not logged line by line (scrapes and probes come every few seconds).
QUIET = ("/health", "/ready", "/metrics")


def route_template(request: Request) -> str:
    """The matched route's template (``/api/v1/jobs/{ident}``): bounded label values,
    and no ids or query strings in the metrics."""
    route = getattr(request.scope.get("route"), "path", None)
    if not route:
        return "unmatched"
    # The route knows its path below the router's prefix: take the prefix from the URL.
    depth = route.count("/")
    prefix = "/".join(request.url.path.rstrip("/").split("/")[:-depth]) if depth else ""
    return prefix + route


def _observe(app: FastAPI) -> None:
    @app.middleware("http")
    async def observe(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            seconds = time.perf_counter() - started
            route = route_template(request)
            REQUEST_SECONDS.labels(request.method, route, str(status)).observe(seconds)
            if request.url.path not in QUIET:
                log.info(
                    "%s %s %s",
                    request.method,
                    route,
                    status,
                    extra={
                        "event": "http.request",
                        "method": request.method,
                        "route": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 1),
                        "user": getattr(request.state, "user", None),
                    },
                )


def schema_problem(engine: Engine) -> str | None:
    """Why the database cannot serve (unreachable, or not at the migrations' head)."""
    head = ScriptDirectory.from_config(
        alembic_config(engine.url.render_as_string(hide_password=False))
    ).get_current_head()
    try:
        # A read-only look: readiness never queues behind a writer (a catch-up run).
        with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except Exception as exc:  # any failure to reach the database means: not ready
        return f"database unreachable: {type(exc).__name__}"
    if current != head:
        return f"schema at revision {current}, the migrations' head is {head}"
    return None


def install(app: FastAPI) -> None:
    """Add the request middleware and the operator endpoints to ``app``."""
    _observe(app)

    @app.get("/health", tags=["system"])
    def health() -> dict[str, str]:
        """The process is alive (it answers)."""
        return {"status": "ok"}

    @app.get("/ready", tags=["system"])
    def ready() -> JSONResponse:
        """The database is reachable and at the current schema (else 503, with why)."""
        problem = schema_problem(app.state.engine)
        if problem:
            return JSONResponse({"status": "unavailable", "reason": problem}, status_code=503)
        return JSONResponse({"status": "ok"})

    @app.get("/metrics", tags=["system"], response_class=Response)
    async def metrics() -> Response:
        """Prometheus text format."""
        body = await run_in_threadpool(exposition, app.state.engine)
        return Response(body, media_type=CONTENT_TYPE_LATEST)
