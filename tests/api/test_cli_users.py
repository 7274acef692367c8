"""``billable users``: add with a resource and an expiry, list (never a token), revoke and
rotate; the API answers 401 with the reason for a revoked or expired token."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from billable.persistence.db import make_engine
from billable.persistence.tables import User
from tests.api.test_cli import client, invoke, token_in, user_count


@pytest.fixture
def migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'users.db'}"
    assert invoke(url, "db", "upgrade").exit_code == 0
    return url


def _admin(url: str) -> str:
    result = invoke(url, "users", "add", "root", "--role", "admin")
    assert result.exit_code == 0, result.output
    return token_in(result.stdout)


def test_a_team_member_is_added_linked_to_a_resource_by_name(migrated: str) -> None:
    admin = _admin(migrated)
    with client(migrated, admin) as api:
        role = api.post("/api/v1/roles", json={"name": "Consultant"}).json()
        api.post("/api/v1/resources", json={"name": "Julia", "default_role_id": role["id"]})
    result = invoke(migrated, "users", "add", "ada", "--role", "team_member", "--resource", "Julia")
    assert result.exit_code == 0, result.output
    assert "resource 1" in result.stdout
    listed = invoke(migrated, "users", "list")
    assert listed.exit_code == 0, listed.output
    assert "1 Julia" in listed.stdout and "team_member" in listed.stdout
    refused = invoke(migrated, "users", "add", "bea", "--role", "team_member", "--resource", "No")
    assert refused.exit_code == 2
    assert "no resource with id or name 'No'" in refused.stderr
    assert user_count(migrated) == 2


def test_the_list_shows_every_user_and_state_and_never_a_token(migrated: str) -> None:
    admin = _admin(migrated)
    invoke(migrated, "users", "add", "ada", "--role", "accountant", "--expires-in", "30d")
    invoke(migrated, "users", "add", "bob", "--role", "accountant")
    invoke(migrated, "users", "revoke", "bob")
    listed = invoke(migrated, "users", "list")
    assert listed.exit_code == 0, listed.output
    rows = {line.split("│")[1].strip(): line for line in listed.stdout.splitlines() if "│" in line}
    assert set(rows) >= {"root", "ada", "bob"}
    cells = {name: [c.strip() for c in line.split("│")[1:-1]] for name, line in rows.items()}
    # name, role, resource, created, expires, revoked, state (a long time folds onto the
    # next line, so the first line of a cell is checked)
    assert cells["ada"][4].startswith("20") and cells["ada"][6] == "active"
    assert cells["bob"][4] == "" and cells["bob"][5].startswith("20")
    assert cells["bob"][6] == "revoked"
    assert cells["root"][4:] == ["", "", "active"]
    assert "bl_" not in listed.stdout and admin not in listed.stdout


def test_a_revoked_token_answers_401_with_the_reason_until_a_new_one_is_made(
    migrated: str,
) -> None:
    token = _admin(migrated)
    revoked = invoke(migrated, "users", "revoke", "root")
    assert revoked.exit_code == 0, revoked.output
    with client(migrated, token) as api:
        answer = api.get("/api/v1/customers")
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["detail"].startswith("the bearer token was revoked at ")
    rotated = invoke(migrated, "users", "token", "root")
    assert rotated.exit_code == 0, rotated.output
    with client(migrated, token_in(rotated.stdout)) as api:
        assert api.get("/api/v1/customers").status_code == 200


def test_rotating_prints_a_new_token_once_and_the_old_one_stops_working(migrated: str) -> None:
    old = _admin(migrated)
    rotated = invoke(migrated, "users", "token", "root", "--expires-in", "12h")
    assert rotated.exit_code == 0, rotated.output
    new = token_in(rotated.stdout)
    assert new != old and "It expires at" in rotated.stdout
    with client(migrated, old) as api:
        refused = api.get("/api/v1/customers")
        assert refused.status_code == 401
        assert refused.json()["detail"] == "the bearer token is not valid"
    with client(migrated, new) as api:
        assert api.get("/api/v1/customers").status_code == 200
    assert user_count(migrated) == 1


def test_an_expired_token_answers_401_with_the_reason(migrated: str) -> None:
    added = invoke(migrated, "users", "add", "ada", "--role", "admin", "--expires-in", "90m")
    assert added.exit_code == 0, added.output
    token = token_in(added.stdout)
    with client(migrated, token) as api:
        assert api.get("/api/v1/customers").status_code == 200
    engine = make_engine(migrated)
    try:
        with engine.begin() as connection:  # ninety minutes on, without waiting them
            connection.execute(update(User).values(expires_at=User.created_at))
    finally:
        engine.dispose()
    with client(migrated, token) as api:
        answer = api.get("/api/v1/customers")
    assert answer.status_code == 401
    assert answer.json()["detail"].startswith("the bearer token expired at ")
    assert "expired" in invoke(migrated, "users", "list").stdout


@pytest.mark.parametrize("command", [("revoke", "nobody"), ("token", "nobody")])
def test_revoking_or_rotating_an_unknown_user_exits_not_found(
    migrated: str, command: tuple[str, str]
) -> None:
    result = invoke(migrated, "users", *command)
    assert result.exit_code == 4
    assert "no user named 'nobody'" in result.stderr


def test_a_bad_expiry_exits_invalid_and_adds_no_user(migrated: str) -> None:
    result = invoke(migrated, "users", "add", "ada", "--role", "admin", "--expires-in", "soon")
    assert result.exit_code == 2
    assert "--expires-in" in result.stderr
    assert user_count(migrated) == 0
