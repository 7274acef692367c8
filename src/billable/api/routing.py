"""A router that turns a request away at a glance when none of its routes can match.

FastAPI tries a request against every included router in turn, and each of those
against every one of its routes (about 165 checks for a path near the end of the
list, each a regular expression and some bookkeeping). A :class:`SegmentRouter`
first asks whether the request's path holds the first segment of any of its routes
(``invoices`` for ``/invoices/{ident}``): when it holds none, no route of this router
can match, so the answer is "no match" at the cost of one split of the path. The
routes, their order, their paths and the OpenAPI document are untouched.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.routing import Match
from starlette.types import Scope


def _first_segment(path: str | None) -> str | None:
    """The literal first segment of a route's path, or None when it has none (a root
    path, a parameter first, or no path at all, as for an included router)."""
    head = (path or "").lstrip("/").split("/", 1)[0]
    return head if head and "{" not in head else None


class SegmentRouter(APIRouter):
    """An :class:`APIRouter` that answers "no match" at once for a request whose path
    holds none of its routes' first segments (else it matches as FastAPI does)."""

    _heads: frozenset[str] | None = None
    _heads_of: int = -1

    def first_segments(self) -> frozenset[str] | None:
        """Every route's first segment, or None when some route has none (then every
        request is tried as usual). Recomputed when routes were added since."""
        if self._heads_of != len(self.routes):
            found = [_first_segment(getattr(route, "path", None)) for route in self.routes]
            self._heads = None if None in found else frozenset(h for h in found if h)
            self._heads_of = len(self.routes)
        return self._heads

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """FastAPI's match, skipped when the path cannot belong to this router: a
        route's literal first segment is a segment of every path it matches, wherever
        the router is included."""
        heads = self.first_segments()
        if heads is not None and heads.isdisjoint(scope.get("path", "").split("/")):
            return Match.NONE, {}
        return super().matches(scope)
