"""Every write route of the app, read from ``app.routes`` (included routers flattened)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from tests.audited import READS

#: The web UI's posts that write nothing to the database: signing in reads the user and
#: sets the session cookie, signing out clears it. Every other post, the pages' included,
#: names its caller and leaves an event.
WRITE_NOTHING = frozenset({"POST /sign-in", "POST /sign-out"})


def write_routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """``(METHOD /api/v1/template, route)`` for every route that is not a read."""
    for route in app.routes:
        if isinstance(route, APIRoute):
            yield from _writes(route.path, route)
        elif hasattr(route, "effective_route_contexts"):  # an included router
            for context in route.effective_route_contexts():
                if isinstance(context.original_route, APIRoute):
                    yield from _writes(context.path, context.original_route)


def _writes(path: str, route: APIRoute) -> Iterator[tuple[str, APIRoute]]:
    for method in sorted(route.methods - READS):
        yield f"{method} {path}", route


def calls(dependant: Any) -> Iterator[Any]:
    """Every callable in a route's dependency tree."""
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from calls(dependency)
