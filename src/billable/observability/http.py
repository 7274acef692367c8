"""The operator's side of the HTTP app: a log line and a latency sample per request,
and ``/health``, ``/ready`` and ``/metrics`` (outside ``/api/v1``, no token)."""

from __future__ import annotations

import logging
import time

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class _Observe:
    """The log line and latency sample of every request, as plain ASGI middleware:
    Starlette's ``BaseHTTPMiddleware`` (``@app.middleware``) runs each request in a
    task of its own and streams the answer through a queue, CPU every request paid."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what an exception that escapes the app becomes

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            # The router filled in the matched route, and the caller, in the same scope.
            _record(Request(scope), status, time.perf_counter() - started)


def _record(request: Request, status: int, seconds: float) -> None:
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
    app.add_middleware(_Observe)

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
