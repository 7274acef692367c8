"""Entries in bulk (api.md "Entries and actuals"): creating, submitting, approving and
rejecting many entries in one all-or-nothing request, each refused row named by its
index, and bulk approval writing exactly the actuals one-by-one approval writes."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from sqlalchemy import Engine, event

from tests.builders import World, make_world
from tests.conftest import Api
from tests.scenario.support import all_actuals, problem
from tests.scenario.tax_world import parameters, set_up_tax, tax_master_data

#: What an actual is, without the ids that differ between two entries priced alike.
SHOWN = ("transaction_type", "transaction_class", "quantity", "unit", "price", "amount", "tax",
         "currency", "billing_type", "ready_to_invoice", "contract_line_id", "role_id",
         "description", "external_description")  # fmt: skip


_DAYS = itertools.count()


def _time(world: World, hours: str = "8", **extra: Any) -> dict[str, Any]:
    """A time entry of the world's resource, each on the next day of August (a day holds
    at most 24 hours of one resource, so many entries spread over the month)."""
    day = dt.date(2026, 8, 1) + dt.timedelta(days=next(_DAYS) % 30)
    return {
        "resource_id": world.resource["id"],
        "project_id": world.project["id"],
        "date": day.isoformat(),
        "quantity": hours,
        "internal_comment": "work",
        "external_comment": "Consulting",
        **extra,
    }


def _items(world: World) -> dict[str, list[dict[str, Any]]]:
    """One entry of every kind, and a second time entry, all submitted."""
    submitted = {"status": "submitted"}
    return {
        "/time-entries": [
            _time(world, "8", category_id=world.categories["time"]["id"], **submitted),
            _time(world, "1.25", **submitted),
        ],
        "/expense-entries": [
            {"resource_id": world.resource["id"], "project_id": world.project["id"],
             "category_id": world.categories["expense"]["id"], "date": "2026-08-27",
             "quantity": "2", "unit_price": "33.33", "description": "Travel", **submitted},
        ],
        "/material-usages": [
            {"project_id": world.project["id"], "product_id": world.product["id"],
             "date": "2026-08-27", "quantity": "3", **submitted},
        ],
        "/fee-entries": [
            {"project_id": world.project["id"], "category_id": world.categories["fee"]["id"],
             "date": "2026-08-27", "quantity": "1", "unit_price": "0",
             "description": "Set-up", **submitted},
        ],
    }  # fmt: skip


def _rows(refused: dict[str, Any]) -> list[tuple[int, str]]:
    """``(index, field)`` of every error: the index is the one in the field's path."""
    return [(int(e["field"].split("[")[1].split("]")[0]), e["field"]) for e in refused["errors"]]


def _shown(actuals: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted(tuple(a[k] for k in SHOWN) for a in actuals)


@pytest.fixture
def world(api: Api, make_api: Any) -> World:
    """A world with sales tax set up, and a line covering every entry kind."""
    accountant = make_api("accountant")
    set_up_tax(accountant)
    parameters(accountant, "search")
    world = make_world(api)
    tax_master_data(world)
    world.line(["time", "expense", "material", "fee"])
    return world


def test_bulk_approval_writes_exactly_the_actuals_one_by_one_approval_writes(api, world):
    one_by_one: list[dict[str, Any]] = []
    in_bulk: list[dict[str, Any]] = []
    for path, items in _items(world).items():
        for item in items:
            entry = api.post(path, item)
            api.action(f"{path}/{entry['id']}/approve")
            one_by_one += api.get("/actuals", source_id=entry["id"])["items"]
        created = api.post(f"{path}/bulk", {"items": items})["items"]
        ids = [e["id"] for e in created]
        approved = api.action(f"{path}/approve", {"ids": ids})["items"]
        assert [e["id"] for e in approved] == ids
        assert {e["status"] for e in approved} == {"approved"}
        for ident in ids:
            in_bulk += api.get("/actuals", source_id=ident)["items"]

    assert len(one_by_one) == 10  # a cost and an unbilled sales actual per entry
    assert _shown(in_bulk) == _shown(one_by_one)
    assert any(a["tax"] != "0.00" for a in in_bulk)  # the tax groups applied


def test_bulk_creation_answers_the_entries_in_the_order_given(api, world):
    items = [_time(world, str(hours)) for hours in range(1, 6)]
    created = api.post("/time-entries/bulk", {"items": items})["items"]
    assert [e["quantity"] for e in created] == ["1", "2", "3", "4", "5"]
    assert {e["status"] for e in created} == {"draft"}
    assert {e["role_id"] for e in created} == {world.role["id"]}  # the resource's role
    listed = api.get("/time-entries", limit=500)["items"]
    assert sorted(e["id"] for e in listed) == sorted(e["id"] for e in created)


def test_bulk_creation_refuses_all_rows_naming_every_bad_row_by_index(api, world):
    items = [
        _time(world),
        _time(world, resource_id="999999"),
        _time(world),
        _time(world, task_id="999998", category_id=world.categories["expense"]["id"]),
    ]
    refused = problem(api, "POST", "/time-entries/bulk", 422, json={"items": items})
    errors = sorted(_rows(refused))
    assert errors == [
        (1, "items[1].resource_id"),
        (3, "items[3].category_id"),
        (3, "items[3].task_id"),
    ]
    assert "999999" in refused["detail"]
    assert api.get("/time-entries")["items"] == []


def test_bulk_creation_reports_invalid_values_of_every_row_by_index(api, world):
    items = [_time(world, "-1"), _time(world), _time(world, hours="8", hours_worked="8")]
    refused = problem(api, "POST", "/time-entries/bulk", 422, json={"items": items})
    assert sorted(_rows(refused)) == [
        (0, "items[0].quantity"),
        (2, "items[2].hours_worked"),
    ]
    assert api.get("/time-entries")["items"] == []


def test_bulk_submit_then_approve_or_reject_moves_every_entry(api, world):
    created = api.post("/time-entries/bulk", {"items": [_time(world) for _ in range(4)]})
    ids = [e["id"] for e in created["items"]]
    submitted = api.action("/time-entries/submit", {"ids": ids})["items"]
    assert {e["status"] for e in submitted} == {"submitted"}
    rejected = api.action("/time-entries/reject", {"ids": ids[:2]})["items"]
    assert {e["status"] for e in rejected} == {"rejected"}
    approved = api.action("/time-entries/approve", {"ids": ids[2:]})["items"]
    assert {e["status"] for e in approved} == {"approved"}
    assert sorted({a["source_id"] for a in all_actuals(api)}) == sorted(ids[2:])


def test_one_refused_id_refuses_the_whole_approval_and_names_the_id_and_reason(api, world):
    submitted = api.post(
        "/time-entries/bulk", {"items": [_time(world, status="submitted") for _ in range(3)]}
    )["items"]
    draft = api.post("/time-entries", _time(world))
    architect = api.post("/roles", {"name": "Architect"})
    unpriced = api.post("/time-entries", _time(world, role_id=architect["id"], status="submitted"))
    ids = [e["id"] for e in submitted]

    state = problem(api, "POST", "/time-entries/approve", 409, json={"ids": [*ids, draft["id"]]})
    assert _rows(state) == [(3, "ids[3]")]
    assert draft["id"] in state["errors"][0]["message"]
    assert "draft" in state["errors"][0]["message"]

    mixed = [ids[0], "999999", ids[1], unpriced["id"], ids[1]]
    invalid = problem(api, "POST", "/time-entries/approve", 422, json={"ids": mixed})
    assert _rows(invalid) == [
        (1, "ids[1]"),
        (3, "ids[3].role_id"),
        (4, "ids[4]"),
    ]
    assert "999999" in invalid["errors"][0]["message"]
    assert unpriced["id"] in invalid["errors"][1]["message"]
    assert "twice" in invalid["errors"][2]["message"]

    assert all_actuals(api) == []
    statuses = {e["id"]: e["status"] for e in api.get("/time-entries", limit=500)["items"]}
    assert statuses == {**dict.fromkeys(ids, "submitted"), draft["id"]: "draft",
                        unpriced["id"]: "submitted"}  # fmt: skip


def test_an_entry_of_another_kind_is_not_found_in_this_collection(api, world):
    fee = api.post("/fee-entries/bulk", {"items": _items(world)["/fee-entries"]})["items"][0]
    refused = problem(api, "POST", "/time-entries/approve", 422, json={"ids": [fee["id"]]})
    assert refused["errors"][0]["field"] == "ids[0]"
    problem(api, "POST", f"/time-entries/{fee['id']}/approve", 404)
    assert api.get(f"/fee-entries/{fee['id']}")["status"] == "submitted"


def test_a_team_member_may_enter_and_submit_in_bulk_but_not_approve(make_api, world):
    member = make_api("team_member", world.resource["id"])
    created = member.post("/time-entries/bulk", {"items": [_time(world)]})["items"]
    ids = [e["id"] for e in created]
    member.action("/time-entries/submit", {"ids": ids})
    problem(member, "POST", "/time-entries/approve", 403, json={"ids": ids})
    problem(member, "POST", "/time-entries/reject", 403, json={"ids": ids})


def test_an_empty_bulk_request_is_refused(api, world):
    problem(api, "POST", "/time-entries/bulk", 422, json={"items": []})
    problem(api, "POST", "/time-entries/approve", 422, json={"ids": []})


def test_approving_many_entries_takes_as_many_statements_as_approving_one(
    api, world, engine: Engine
):
    def statements_to_approve(count: int) -> int:
        items = [_time(world, "1", status="submitted") for _ in range(count)]
        ids = [e["id"] for e in api.post("/time-entries/bulk", {"items": items})["items"]]
        seen: list[str] = []

        def count_statement(*args: Any) -> None:
            seen.append(args[2])

        event.listen(engine, "before_cursor_execute", count_statement)
        try:
            api.action("/time-entries/approve", {"ids": ids})
        finally:
            event.remove(engine, "before_cursor_execute", count_statement)
        return len(seen)

    assert statements_to_approve(200) == statements_to_approve(1)
