"""Shared fixtures: a migrated database per test on SQLite and, when a server answers,
on PostgreSQL; an HTTP client per role."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from billable.api.app import create_app
from billable.identity.users import add_user
from billable.persistence.db import make_engine, session_factory
from billable.persistence.migrate import upgrade
from billable.persistence.tables import Base
from billable.persistence.uow import UnitOfWork
from tests import audited

# Apps made by tests sign sessions with a fixed key, not one written beside the database
# (tests/service/test_web_secret.py tests the generated key on its own).
os.environ.setdefault("BILLABLE_SECRET_KEY", "test-only-session-key-" + "0" * 32)
PG_ADMIN_URL = os.environ.get(
    "BILLABLE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
_pg_reason: str | None = None


def _postgres_available() -> bool:
    global _pg_reason
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception as exc:  # any failure to connect means: no server for these tests
        _pg_reason = f"PostgreSQL tests skipped: no server at {PG_ADMIN_URL} ({type(exc).__name__})"
        return False


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file brought to the current schema by the migrations, copied per test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    if not _postgres_available():
        pytest.skip(_pg_reason or "PostgreSQL unavailable")
    name = f"billable_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    """One engine on the session's PostgreSQL database for a module (property tests)."""
    engine = make_engine(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database: SQLite, and PostgreSQL when a server answers."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "billable.db"
        shutil.copy(template, path)
        eng = make_engine(f"sqlite:///{path}")
    else:
        url = request.getfixturevalue("postgres_url")
        eng = make_engine(url)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with eng.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield eng
    eng.dispose()


@pytest.fixture
def uow_factory(engine: Engine) -> Any:
    """Make units of work on the test database."""
    factory = session_factory(engine)
    return lambda: UnitOfWork(factory)


class Api:
    """A TestClient speaking as one user; helpers assert the expected status."""

    def __init__(self, client: TestClient, token: str | None) -> None:
        self.client = client
        self.token = token
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(
        self,
        method: str,
        path: str,
        expect: int,
        json: Any = None,
        params: Any = None,
        writes: bool = True,
    ) -> Any:
        """Send the request and assert its status; a successful write (unless the caller
        says it ``writes`` nothing, as a pro forma) must have left its audit event."""
        engine = self.client.app.state.engine  # type: ignore[attr-defined]
        writes = writes and method not in audited.READS and self.token is not None
        before = audited.last_event_id(engine) if writes else 0
        response = self.client.request(
            method, "/api/v1" + path, json=json, params=params, headers=self.headers
        )
        assert response.status_code == expect, (
            f"{method} {path}: expected {expect}, got {response.status_code}: {response.text}"
        )
        if writes and response.is_success:
            assert self.token is not None
            audited.assert_audited(engine, self.token, method, "/api/v1" + path, before)
        return response.json() if response.content else None

    def get(self, path: str, expect: int = 200, **params: Any) -> Any:
        return self.request("GET", path, expect, params=params or None)

    def post(self, path: str, json: Any = None, expect: int = 201) -> Any:
        return self.request("POST", path, expect, json=json)

    def action(self, path: str, json: Any = None, expect: int = 200, writes: bool = True) -> Any:
        return self.request("POST", path, expect, json=json, writes=writes)

    def patch(self, path: str, json: Any, expect: int = 200) -> Any:
        return self.request("PATCH", path, expect, json=json)

    def delete(self, path: str, expect: int = 204) -> Any:
        return self.request("DELETE", path, expect)


@pytest.fixture
def app_client(engine: Engine) -> Iterator[TestClient]:
    """The app on the test database."""
    with TestClient(create_app(engine)) as client:
        yield client


@pytest.fixture
def make_api(app_client: TestClient, uow_factory: Any) -> Any:
    """``make_api(role, resource=None)``: an :class:`Api` for a new user of that role
    (a team member linked to ``resource``, an id, to enter that resource's time)."""

    def _make(role: str = "project_manager", resource: Any = None) -> Api:
        name = f"{role}-{uuid.uuid4().hex[:6]}"
        _, token = add_user(uow_factory(), name, role, resource=resource)
        return Api(app_client, token)

    return _make


@pytest.fixture
def api(make_api: Any) -> Api:
    """A project manager: may approve entries and create, edit, confirm, correct invoices."""
    return make_api("project_manager")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say plainly, at the end, whether the PostgreSQL half of the suite ran."""
    ran = sum(  # tests marked postgres: the engine's postgres half, and PG-only tests
        1 for report in terminalreporter.stats.get("passed", []) if "postgres" in report.keywords
    )
    if _postgres_available():
        terminalreporter.write_line(f"PostgreSQL: {ran} tests passed against {PG_ADMIN_URL}")
    else:
        terminalreporter.write_line(_pg_reason or "PostgreSQL tests skipped", yellow=True)


def pytest_report_header(config: pytest.Config) -> str:
    if _postgres_available():
        return f"PostgreSQL: tests run against {PG_ADMIN_URL} (a database per session)"
    return _pg_reason or "PostgreSQL unavailable"
