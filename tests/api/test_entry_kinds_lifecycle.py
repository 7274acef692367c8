"""The entry lifecycle of the kinds other than time (api.md "Entries and actuals"):
expense entries, material usages and fee entries are submitted and rejected one by one
and in bulk exactly as time entries are (tests/scenario/test_entries_bulk.py,
tests/scenario/test_roles.py). Rejecting sets the entry's status to ``rejected`` and
writes no actuals; a rejected entry may be edited and submitted again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.builders import World, make_world
from tests.conftest import Api
from tests.scenario.support import all_actuals


def _expense(world: World, quantity: str) -> dict[str, Any]:
    return {"resource_id": world.resource["id"], "project_id": world.project["id"],
            "category_id": world.categories["expense"]["id"], "date": "2026-08-27",
            "quantity": quantity, "unit_price": "33.33", "description": "Travel"}  # fmt: skip


def _material(world: World, quantity: str) -> dict[str, Any]:
    return {"project_id": world.project["id"], "product_id": world.product["id"],
            "date": "2026-08-27", "quantity": quantity}  # fmt: skip


def _fee(world: World, quantity: str) -> dict[str, Any]:
    return {"project_id": world.project["id"], "category_id": world.categories["fee"]["id"],
            "date": "2026-08-27", "quantity": quantity, "unit_price": "0",
            "description": "Set-up"}  # fmt: skip


#: Each kind but time: its collection and a new entry of it (a draft unless told).
KINDS = [
    pytest.param("/expense-entries", _expense, id="expense"),
    pytest.param("/material-usages", _material, id="material"),
    pytest.param("/fee-entries", _fee, id="fee"),
]

Entry = Callable[[World, str], dict[str, Any]]


@pytest.fixture
def world(api: Api) -> World:
    """A world whose contract line covers every entry kind, so approval prices them."""
    world = make_world(api)
    world.line(["time", "expense", "material", "fee"])
    return world


def _statuses(api: Api, path: str) -> dict[str, str]:
    return {e["id"]: e["status"] for e in api.get(path, limit=500)["items"]}


@pytest.mark.parametrize(("path", "entry"), KINDS)
def test_bulk_submit_then_reject_or_approve_moves_every_entry_of_each_kind(
    api: Api, world: World, path: str, entry: Entry
) -> None:
    items = [entry(world, quantity) for quantity in ("1", "2", "3")]
    ids = [e["id"] for e in api.post(f"{path}/bulk", {"items": items})["items"]]
    submitted = api.action(f"{path}/submit", {"ids": ids})["items"]
    assert [(e["id"], e["status"]) for e in submitted] == [(i, "submitted") for i in ids]
    assert _statuses(api, path) == dict.fromkeys(ids, "submitted")

    rejected = api.action(f"{path}/reject", {"ids": ids[:2]})["items"]
    assert [(e["id"], e["status"]) for e in rejected] == [(i, "rejected") for i in ids[:2]]
    assert [e["quantity"] for e in rejected] == ["1", "2"]  # only the status moved
    api.action(f"{path}/approve", {"ids": ids[2:]})
    assert _statuses(api, path) == {**dict.fromkeys(ids[:2], "rejected"), ids[2]: "approved"}
    assert {a["source_id"] for a in all_actuals(api)} == {ids[2]}

    # Rejected entries go back to whoever entered them: submitted again, in bulk.
    again = api.action(f"{path}/submit", {"ids": ids[:2]})["items"]
    assert {e["status"] for e in again} == {"submitted"}


@pytest.mark.parametrize(("path", "entry"), KINDS)
def test_a_rejected_entry_of_each_kind_writes_no_actuals_and_may_be_edited_and_resubmitted(
    api: Api, world: World, path: str, entry: Entry
) -> None:
    made = api.post(path, {**entry(world, "2"), "status": "submitted"})
    rejected = api.action(f"{path}/{made['id']}/reject")
    assert rejected == {**made, "status": "rejected"}
    assert api.get(f"{path}/{made['id']}") == rejected
    assert api.get("/actuals", source_id=made["id"])["items"] == []

    edited = api.patch(f"{path}/{made['id']}", {"quantity": "4"})
    assert (edited["status"], edited["quantity"]) == ("rejected", "4")
    assert api.action(f"{path}/{made['id']}/submit")["status"] == "submitted"
    api.action(f"{path}/{made['id']}/approve")
    actuals = api.get("/actuals", source_id=made["id"])["items"]
    assert {a["quantity"] for a in actuals} == {"4"}
    assert "unbilled_sales" in {a["transaction_type"] for a in actuals}
