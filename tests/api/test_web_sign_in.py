"""Web sign-in from the command line to the session: `billable users add --password`,
`billable users set-password`, the argon2id hash, and the generated session key."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from billable.api.app import create_app
from billable.persistence.db import make_engine, session_factory
from billable.persistence.tables import User
from billable.web.secret import ENV, key_file, secret_key
from tests.api.test_cli import invoke


def _signs_in(url: str, name: str, password: str) -> bool:
    with TestClient(create_app(make_engine(url))) as client:
        form = client.get("/sign-in").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token
        client.post(
            "/sign-in", data={"name": name, "password": password, "csrf_token": token.group(1)}
        )
        return client.get("/", follow_redirects=False).status_code == 200


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    assert invoke(url, "db", "upgrade").exit_code == 0
    return url


def test_a_user_added_with_a_password_signs_in_and_the_hash_is_argon2id(url: str) -> None:
    added = invoke_stdin(
        url,
        "s3cret-password\n",
        "users",
        "add",
        "ann",
        "--role",
        "project_manager",
        "--password-stdin",
    )
    assert added.exit_code == 0, added.output
    assert "signs in to the web UI" in added.stdout
    with session_factory(make_engine(url))() as session:
        stored = session.scalars(select(User.password_hash).where(User.name == "ann")).one()
    assert stored is not None and stored.startswith("$argon2id$")
    assert _signs_in(url, "ann", "s3cret-password")
    assert not _signs_in(url, "ann", "wrong-password")


def test_set_password_replaces_the_old_one(url: str) -> None:
    assert invoke(url, "users", "add", "bob", "--role", "accountant").exit_code == 0
    assert not _signs_in(url, "bob", "")  # no password yet: no sign-in at all
    changed = invoke_stdin(
        url, "new-password-1\n", "users", "set-password", "bob", "--password-stdin"
    )
    assert changed.exit_code == 0, changed.output
    assert _signs_in(url, "bob", "new-password-1")


def test_a_short_password_is_refused_and_no_user_is_added(url: str) -> None:
    refused = invoke_stdin(
        url, "short\n", "users", "add", "cy", "--role", "team_member", "--password-stdin"
    )
    assert refused.exit_code == 2
    assert "at least 8 characters" in refused.output
    with session_factory(make_engine(url))() as session:
        assert session.scalars(select(User).where(User.name == "cy")).first() is None


def test_without_the_environment_a_key_is_generated_once_beside_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV, raising=False)
    engine = make_engine(f"sqlite:///{tmp_path / 'keyed.db'}")
    first = secret_key(engine)
    assert key_file(engine) == tmp_path / "billable.secret"
    assert stat.S_IMODE(key_file(engine).stat().st_mode) == 0o600
    assert secret_key(engine) == first and len(first) >= 48
    monkeypatch.setenv(ENV, "given-key")
    assert secret_key(engine) == "given-key"


def invoke_stdin(url: str, stdin: str, *args: str):  # type: ignore[no-untyped-def]
    from billable.cli.main import app
    from tests.api.test_cli import runner

    return runner.invoke(app, list(args), input=stdin, env={"BILLABLE_DATABASE_URL": url})
