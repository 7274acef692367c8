"""The browser tier: the app served by uvicorn in a thread on a free port, on a fresh
SQLite database with a small world of master data, driven by Playwright with Debian's
chromium (never a downloaded browser). Skipped, saying why, when either is missing."""

from __future__ import annotations

import shutil
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from billable.api.app import create_app
from billable.identity.passwords import set_password
from billable.identity.users import add_user, link_resource
from billable.persistence.db import make_engine, session_factory
from billable.persistence.uow import UnitOfWork
from tests import audited
from tests.builders import World, make_world
from tests.conftest import Api
from tests.waiting import wait_until

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "correct horse battery"
ROLES = ("project_manager", "accountant", "team_member", "admin")

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    sync_playwright = None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the tier with a clear reason when the browser or Playwright is missing."""
    reason = None
    if sync_playwright is None:
        reason = "browser tests skipped: Playwright is not installed (pip install -e '.[test]')"
    elif not CHROMIUM.exists():
        reason = f"browser tests skipped: no {CHROMIUM} (apt-get install chromium)"
    if reason:
        for item in items:
            if "tests/browser/" in str(item.fspath).replace("\\", "/"):
                item.add_marker(pytest.mark.skip(reason=reason))


class AuditWatch:
    """ASGI middleware: each web write served that left an event naming its route adds
    the route to ``audited.SEEN``, for ``tests/test_zz_every_write_audited.py``."""

    def __init__(self, app: Any, engine: Any) -> None:
        self.app = app
        self.engine = engine

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in audited.READS:
            await self.app(scope, receive, send)
            return
        before = audited.last_event_id(self.engine)
        status: list[int] = []

        async def watch(message: Any) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if status and status[0] < 400:
            audited.seen_since(self.engine, before, scope["method"], scope["path"])


@dataclass
class Site:
    """A served app: its address, the API as an admin (to arrange data), the world of
    master data, and the sign-in name of one user per role (password PASSWORD)."""

    url: str
    api: Api
    world: World
    users: dict[str, str]
    uow_factory: Any


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def site(sqlite_template: Path, tmp_path: Path) -> Iterator[Site]:
    """The app served on a free port over a fresh database, until the test ends."""
    import uvicorn

    path = tmp_path / "billable.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    factory = session_factory(engine)

    def new() -> UnitOfWork:
        return UnitOfWork(factory)

    users = {}
    ids: dict[str, int] = {}
    for role in ROLES:
        name = f"{role.replace('_', '-')}-{uuid.uuid4().hex[:4]}"
        principal, _ = add_user(new(), name, role)
        set_password(new(), name, PASSWORD)
        users[role] = name
        ids[role] = principal.user_id
    _, token = add_user(new(), "arranger", "admin")
    app = create_app(engine)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            AuditWatch(app, engine),
            host="127.0.0.1",
            port=port,
            log_config=None,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started or None, "the web server to start", alive=thread.is_alive)
    # The API through a TestClient on the same app: arranging data takes no browser.
    api = Api(TestClient(app), token)
    try:
        world = make_world(api)
        # The team member enters the world's resource's time: theirs (ownership).
        link_resource(new(), str(ids["team_member"]), world.resource["id"])
        yield Site(f"http://127.0.0.1:{port}", api, world, users, new)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        engine.dispose()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless; closed when the browser tests are done, because
    Playwright's sync API keeps an event loop running in this thread while it is open
    (later tests that call ``asyncio.run``, as a procrastinate worker does, would fail)."""
    assert sync_playwright is not None
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) and page."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    shown = context.new_page()
    yield shown
    context.close()


def sign_in(page: Page, site: Site, role: str) -> None:
    """Sign in through the form, as a person would."""
    page.goto(site.url + "/sign-in")
    page.get_by_label("Name").fill(site.users[role])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it is."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert bad == [], f"{page.url}: {bad}"
