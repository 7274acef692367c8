"""Run last (``zz``): every write route of the app, walked from ``app.routes``, was seen
by the suite succeeding and leaving an audit event naming the route and its caller.

Each write a test makes through ``conftest.Api`` is checked when it succeeds
(``tests/audited.py``), and each page post the browser tier makes when its served app
sees the event (``tests/browser/conftest.py``); this compares the routes so checked
with all of them. It needs the suite's API, scenario, document and browser tests in the
same run, and says so otherwise.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from billable.api.app import create_app
from billable.persistence.db import make_engine
from tests import audited
from tests.audit_routes import WRITE_NOTHING, write_routes

#: The API's writes are checked through ``conftest.Api``; the pages' posts by the
#: browser tier, whose served app notes each post that left its event.
WALKERS = ("api", "scenario", "documents", "browser")


def test_every_write_route_succeeded_somewhere_in_the_suite_and_left_its_event(
    request: pytest.FixtureRequest,
) -> None:
    ran = {
        Path(item.path).parent.name
        for item in request.session.items
        if item.get_closest_marker("skip") is None  # the browser tier skips without chromium
    }
    if not set(WALKERS) <= ran:
        pytest.skip("needs tests/api, scenario, documents and browser in the same run")
    every = {name for name, _ in write_routes(create_app(make_engine("sqlite://")))}
    every -= WRITE_NOTHING
    missing = sorted(every - audited.SEEN)
    assert missing == [], f"{len(missing)} write routes never seen leaving an event: {missing}"
