"""Users over HTTP (issue 9, point 1): an admin lists them a page at a time, without a
token or a hash, and links a team member to the resource whose entries they act on;
nobody else may; a refused link names its field and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from billable.identity.users import hash_token
from tests.api.test_list_statements import clone, counting
from tests.builders import World, make_world
from tests.conftest import Api
from tests.scenario.support import fields_of, problem

SHOWN = {
    "id", "name", "role", "resource_id", "resource_name", "created_at", "expires_at",
    "revoked_at", "state",
}  # fmt: skip


@pytest.fixture
def admin(make_api: Any) -> Api:
    return make_api("admin")


def _every_user(admin: Api, limit: int) -> list[dict[str, Any]]:
    users: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = admin.get("/users", limit=limit, **({"cursor": cursor} if cursor else {}))
        assert len(page["items"]) <= limit
        users.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return users


def _user_of(admin: Api, role: str) -> dict[str, Any]:
    (found,) = [u for u in _every_user(admin, 500) if u["role"] == role]
    return found


def _time(world: World, resource_id: str, hours: str) -> dict[str, Any]:
    body = {
        "resource_id": resource_id,
        "project_id": world.project["id"],
        "date": "2026-08-24",
        "quantity": hours,
    }
    return world.api.post("/time-entries", body)


def test_an_admin_lists_users_a_page_at_a_time_without_a_token_or_a_hash(
    api: Api, admin: Api, make_api: Any
) -> None:
    others = [make_api(role) for role in ("accountant", "team_member", "team_member")]
    first = admin.get("/users", limit=2)
    assert len(first["items"]) == 2 and first["next_cursor"]
    users = _every_user(admin, 2)
    assert len(users) == 5
    assert [int(u["id"]) for u in users] == sorted(int(u["id"]) for u in users)
    assert all(set(u) == SHOWN for u in users)
    assert {u["state"] for u in users} == {"active"}
    text = admin.client.get("/api/v1/users", params={"limit": 500}, headers=admin.headers).text
    for caller in (api, admin, *others):
        assert caller.token is not None
        assert caller.token not in text and hash_token(caller.token) not in text


def test_an_admin_links_a_team_member_who_then_sees_only_that_resource_s_entries(
    api: Api, admin: Api, make_api: Any
) -> None:
    world = make_world(api)
    other = api.post("/resources", {"name": "Bob Kelly", "default_role_id": world.role["id"]})
    julia_s = _time(world, world.resource["id"], "2")
    _time(world, other["id"], "3")
    member = make_api("team_member")
    assert member.get("/time-entries")["items"] == []  # linked to no resource yet
    user = _user_of(admin, "team_member")
    linked = admin.patch(f"/users/{user['id']}", {"resource_id": world.resource["id"]})
    assert (linked["resource_id"], linked["resource_name"]) == (
        world.resource["id"],
        "Julia Funderburk",
    )
    assert [e["id"] for e in member.get("/time-entries")["items"]] == [julia_s["id"]]
    events = admin.get("/audit-events", object_kind="user", object_id=user["id"])["items"]
    assert [e["action"] for e in events] == ["PATCH /api/v1/users/{ident}"]
    unlinked = admin.patch(f"/users/{user['id']}", {"resource_id": None})
    assert unlinked["resource_id"] is None
    assert member.get("/time-entries")["items"] == []


@pytest.mark.parametrize("role", ["project_manager", "accountant", "team_member"])
def test_only_an_admin_lists_or_links_users(api: Api, admin: Api, make_api: Any, role: str) -> None:
    world = make_world(api)
    caller = make_api(role)
    member = _user_of(admin, "team_member") if role == "team_member" else None
    target = member or _user_of(admin, "admin")
    before = _every_user(admin, 500)
    problem(caller, "GET", "/users", 403)
    body = {"resource_id": world.resource["id"]}
    problem(caller, "PATCH", f"/users/{target['id']}", 403, json=body)
    assert _every_user(admin, 500) == before


def test_an_unknown_user_is_not_found_and_nothing_changes(api: Api, admin: Api) -> None:
    world = make_world(api)
    before = _every_user(admin, 500)
    for ident in ("999999", "abc"):
        problem(admin, "PATCH", f"/users/{ident}", 404, json={"resource_id": world.resource["id"]})
    assert _every_user(admin, 500) == before


def test_a_link_to_a_missing_resource_or_of_a_user_who_is_not_a_team_member_is_refused(
    api: Api, admin: Api, make_api: Any
) -> None:
    world = make_world(api)
    make_api("team_member")
    member = _user_of(admin, "team_member")
    manager = _user_of(admin, "project_manager")
    before = _every_user(admin, 500)
    missing = problem(admin, "PATCH", f"/users/{member['id']}", 422, json={"resource_id": "999999"})
    assert fields_of(missing) == ["resource_id"]
    assert "999999" in missing["detail"]
    not_member = problem(
        admin, "PATCH", f"/users/{manager['id']}", 422, json={"resource_id": world.resource["id"]}
    )
    assert fields_of(not_member) == ["resource_id"]
    assert "only a team member" in not_member["detail"]
    for body in ({"resource_id": "x1"}, {}, {"resource_id": None, "role": "admin"}):
        problem(admin, "PATCH", f"/users/{member['id']}", 422, json=body)
    problem(admin, "GET", "/users", 422, limit=0)
    problem(admin, "GET", "/users", 422, cursor="not-a-cursor")
    assert _every_user(admin, 500) == before


def test_any_user_can_be_unlinked(api: Api, admin: Api) -> None:
    manager = _user_of(admin, "project_manager")
    unlinked = admin.patch(f"/users/{manager['id']}", {"resource_id": None})
    assert (unlinked["role"], unlinked["resource_id"]) == ("project_manager", None)


def test_a_page_of_500_users_reads_in_as_many_statements_as_a_page_of_5(
    engine: Engine, api: Api, admin: Api, make_api: Any
) -> None:
    world = make_world(api)
    make_api("team_member")
    member = _user_of(admin, "team_member")
    admin.patch(f"/users/{member['id']}", {"resource_id": world.resource["id"]})
    clone(engine, "users", member["id"], name=lambda i: f"tm-{i}", token_hash=lambda i: f"h{i}")
    assert len(admin.get("/users", limit=500)["items"]) == 500
    counts = []
    for limit in (5, 500):
        with counting(engine) as seen:
            admin.get("/users", limit=limit)
        counts.append(len(seen))
    assert counts[0] == counts[1] <= 12, counts
