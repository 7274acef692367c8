"""The web UI without a browser: a user signed in with a password through a TestClient
of its own (its own session cookie), posting forms as the pages do and checking that each
succeeded and left an audit event naming its route (``audited.SEEN``)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from billable.identity.passwords import set_password
from billable.identity.users import add_user
from tests import audited

PASSWORD = "web client password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Web:
    """A signed-in user's browser session: its client, the database, its CSRF token."""

    client: TestClient
    engine: Engine
    csrf: str

    def post(self, path: str, done: str, **fields: str) -> str:
        """Post a page's form to ``path``; assert it came back with the flash ``done``
        and no refusal, and that an event naming the route was written. The page shown."""
        before = audited.last_event_id(self.engine)
        response = self.client.post(path, data={"csrf_token": self.csrf, **fields})
        assert response.status_code == 200, f"POST {path}: {response.status_code}"
        shown = response.text
        refused = re.search(r'role="alert">([^<]*)<', shown)
        assert refused is None, f"POST {path} was refused: {refused[1] if refused else ''}"
        assert f'role="status">{done}<' in shown, f"POST {path}: no flash {done!r}"
        found = audited.seen_since(self.engine, before, "POST", path)
        assert found, f"POST {path} succeeded but left no audit event naming its route"
        return shown


def signed_in(app_client: TestClient, uow_factory: Any, role: str) -> Web:
    """A new user of ``role`` with a password, signed in through the sign-in form on a
    client of its own, so an API client on the same app keeps its own cookies."""
    name = f"web-{role}-{uuid.uuid4().hex[:6]}"
    add_user(uow_factory(), name, role)
    set_password(uow_factory(), name, PASSWORD)
    client = TestClient(app_client.app)
    form = CSRF.search(client.get("/sign-in").text)
    assert form
    client.post("/sign-in", data={"name": name, "password": PASSWORD, "csrf_token": form[1]})
    # Signing in starts a fresh session with a new token: read it from a page's form.
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 200, f"{name} did not sign in: {home.status_code}"
    token = CSRF.search(home.text)
    assert token
    engine = app_client.app.state.engine  # type: ignore[attr-defined]
    return Web(client, engine, token[1])
