"""Ownership: a team member acts on their own resource's entries only, on every entry
route and every kind; another's entry is 404 (ids do not leak) and nothing changes;
project managers act on every entry; a team member reads what entering time needs and
not customers, contracts, price lists, the ledger or invoices."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import World, make_world
from tests.conftest import Api
from tests.scenario.support import problem

KINDS = ["/time-entries", "/expense-entries", "/material-usages", "/fee-entries"]


def _body(world: World, path: str, resource_id: str) -> dict[str, Any]:
    """A draft entry of ``path``'s kind, for ``resource_id`` where the kind names one."""
    base = {"project_id": world.project["id"], "date": "2026-08-24", "quantity": "2"}
    if path == "/time-entries":
        return {**base, "resource_id": resource_id}
    if path == "/expense-entries":
        return {**base, "resource_id": resource_id, "unit_price": "10.00",
                "category_id": world.categories["expense"]["id"]}  # fmt: skip
    if path == "/material-usages":
        return {**base, "product_id": world.product["id"]}
    return {**base, "unit_price": "5.00", "category_id": world.categories["fee"]["id"]}


@pytest.fixture
def people(api: Api, make_api: Any) -> tuple[World, Api, Api, dict[str, Any]]:
    """A world; Alice, a team member linked to its resource; Bob, linked to another."""
    world = make_world(api)
    other = api.post("/resources", {"name": "Bob Kelly", "default_role_id": world.role["id"]})
    alice = make_api("team_member", world.resource["id"])
    bob = make_api("team_member", other["id"])
    return world, alice, bob, other


#: Every route that acts on one entry a team member may use: method, path after the id,
#: body. (Approve and reject are a project manager's: 403 by role, before ownership.)
ONE_ENTRY = [
    ("GET", "", None),
    ("PATCH", "", {"quantity": "3"}),
    ("POST", "/submit", None),
    ("POST", "/recall", None),
]


@pytest.mark.parametrize("path", KINDS)
@pytest.mark.parametrize(("method", "tail", "body"), ONE_ENTRY)
def test_another_team_member_s_entry_is_not_found_on_every_route_and_stays_as_it_was(
    people: Any, api: Api, path: str, method: str, tail: str, body: Any
) -> None:
    world, alice, bob, other = people
    entry = bob.post(path, _body(world, path, other["id"]))
    if tail == "/recall":
        entry = bob.action(f"{path}/{entry['id']}/submit")
    refused = problem(alice, method, f"{path}/{entry['id']}{tail}", 404, json=body)
    assert refused["detail"].endswith(f"entry with id {entry['id']}")
    assert api.get(f"{path}/{entry['id']}") == entry
    # The owner may do what Alice may not.
    if method != "GET":
        bob.request(method, f"{path}/{entry['id']}{tail}", 200, json=body)


@pytest.mark.parametrize("path", KINDS)
@pytest.mark.parametrize("action", ["submit"])
def test_a_bulk_action_naming_another_s_entry_is_refused_by_index_and_moves_nothing(
    people: Any, api: Api, path: str, action: str
) -> None:
    world, alice, bob, other = people
    own = alice.post(path, _body(world, path, world.resource["id"]))
    theirs = bob.post(path, _body(world, path, other["id"]))
    refused = problem(
        alice, "POST", f"{path}/{action}", 422, json={"ids": [own["id"], theirs["id"]]}
    )
    assert [e["field"] for e in refused["errors"]] == ["ids[1]"]
    assert refused["errors"][0]["message"].startswith("no ")
    assert api.get(f"{path}/{own['id']}")["status"] == "draft"
    assert api.get(f"{path}/{theirs['id']}")["status"] == "draft"


@pytest.mark.parametrize("path", KINDS)
def test_lists_show_a_team_member_only_their_own_entries_and_a_manager_all(
    people: Any, api: Api, path: str
) -> None:
    world, alice, bob, other = people
    own = alice.post(path, _body(world, path, world.resource["id"]))
    theirs = bob.post(path, _body(world, path, other["id"]))
    assert [e["id"] for e in alice.get(path)["items"]] == [own["id"]]
    assert [e["id"] for e in bob.get(path)["items"]] == [theirs["id"]]
    assert [e["id"] for e in api.get(path)["items"]] == [own["id"], theirs["id"]]
    # Kinds that name no resource are stamped with the team member's own.
    assert (own["resource_id"], theirs["resource_id"]) == (world.resource["id"], other["id"])


@pytest.mark.parametrize("path", ["/time-entries", "/expense-entries"])
def test_a_team_member_may_not_enter_another_resource_s_entry_one_or_in_bulk(
    people: Any, api: Api, path: str
) -> None:
    world, alice, _, other = people
    body = _body(world, path, other["id"])
    reason = f"a team member enters only their own entries (resource {world.resource['id']})"
    refused = problem(alice, "POST", path, 403, json=body)
    assert refused["errors"] == [{"field": "resource_id", "message": reason}]
    refused = problem(alice, "POST", f"{path}/bulk", 403, json={"items": [body]})
    assert refused["errors"] == [{"field": "items[0].resource_id", "message": reason}]
    own = alice.post(path, _body(world, path, world.resource["id"]))
    # An entry's resource is not editable at all, so it cannot move to another's.
    refused = problem(alice, "PATCH", f"{path}/{own['id']}", 422, json={"resource_id": other["id"]})
    assert refused["errors"][0]["field"] == "resource_id"
    assert [e["id"] for e in api.get(path)["items"]] == [own["id"]]
    assert api.get(f"{path}/{own['id']}")["resource_id"] == world.resource["id"]


@pytest.mark.parametrize("path", KINDS)
def test_a_team_member_linked_to_no_resource_enters_nothing_and_sees_nothing(
    people: Any, api: Api, make_api: Any, path: str
) -> None:
    world, alice, _, _ = people
    alice.post(path, _body(world, path, world.resource["id"]))
    loose = make_api("team_member")
    refused = problem(loose, "POST", path, 403, json=_body(world, path, world.resource["id"]))
    assert refused["errors"] == [
        {"field": "resource_id", "message": "the user is linked to no resource"}
    ]
    assert loose.get(path)["items"] == []
    assert len(api.get(path)["items"]) == 1


def test_a_project_manager_acts_on_every_team_member_s_entries(people: Any, api: Api) -> None:
    world, alice, bob, other = people
    entry = bob.post("/time-entries", _body(world, "/time-entries", other["id"]))
    assert api.patch(f"/time-entries/{entry['id']}", {"quantity": "4"})["quantity"] == "4"
    api.action(f"/time-entries/{entry['id']}/submit")
    assert api.action(f"/time-entries/{entry['id']}/approve")["status"] == "approved"
    assert bob.get(f"/time-entries/{entry['id']}")["status"] == "approved"
    problem(alice, "GET", f"/time-entries/{entry['id']}", 404)


READABLE = ["/projects", "/roles", "/resources", "/transaction-categories", "/products"]
NOT_READABLE = [
    "/customers", "/price-lists", "/contracts", "/invoices", "/actuals", "/vouchers",
    "/ledger-accounts", "/tax-codes", "/payment-terms", "/legal-entities",
    "/integration-journals", "/invoice-proposals", "/customer-invoices",
]  # fmt: skip


def test_a_team_member_reads_what_entering_time_needs_and_nothing_else(people: Any) -> None:
    world, alice, _, _ = people
    for path in READABLE:
        assert alice.get(path)["items"], path
    assert alice.get(f"/projects/{world.project['id']}")["name"] == world.project["name"]
    assert alice.get(f"/projects/{world.project['id']}/tasks")["items"] == []
    for path in NOT_READABLE:
        body = problem(alice, "GET", path, 403)
        assert "team_member" in body["detail"], path
    problem(alice, "GET", f"/customers/{world.customer['id']}", 403)
    problem(alice, "GET", f"/price-lists/{world.sales_list['id']}", 403)
    problem(alice, "GET", f"/contracts/{world.contract['id']}", 403)
