"""Every write route attributes what it writes: walked from ``app.routes``, each has a
dependency that names the caller and the route to the audit trail."""

from __future__ import annotations

from billable.api import deps
from billable.api.app import create_app
from billable.persistence.db import make_engine
from tests.audit_routes import WRITE_NOTHING, calls, write_routes


def _attributes(call: object) -> bool:
    code = getattr(call, "__code__", None)
    return code is not None and deps.attribute.__name__ in code.co_names


def test_every_write_route_names_its_caller_to_the_audit_trail() -> None:
    routes = list(write_routes(create_app(make_engine("sqlite://"))))
    assert len(routes) > 100  # the walk found the included routers' routes
    assert any(name.startswith("POST /time") for name, _ in routes)  # the pages' posts too
    unattributed = [
        name
        for name, route in routes
        if name not in WRITE_NOTHING and not any(map(_attributes, calls(route.dependant)))
    ]
    assert unattributed == []


def test_the_check_tells_an_attributing_dependency_from_one_that_only_authenticates() -> None:
    from billable.domain.permissions import Permission

    assert _attributes(deps.allow(Permission.WRITE_BILLING))
    assert not _attributes(deps.principal)
