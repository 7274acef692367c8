"""Strict input, the rest of it: a day holds at most 24 hours of one resource's time,
entries dated after today are not approved, query booleans are true or false only, and
every name or code a user chooses answers 409 "a ... exists already" when it is taken.
Each refusal names its field and reason, and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from billable.persistence.errors import CHOSEN_COLUMNS, CHOSEN_KEYS
from billable.persistence.tables import Base
from tests.builders import World, make_world
from tests.conftest import Api
from tests.scenario.support import problem


def _time(world: World, hours: str, day: str = "2026-08-24", **extra: Any) -> dict[str, Any]:
    return {"resource_id": world.resource["id"], "project_id": world.project["id"],
            "date": day, "quantity": hours, **extra}  # fmt: skip


FULL = "2026-08-24 holds at most 24 hours per resource and has {booked} booked already, so {more} more do not fit"  # noqa: E501


def test_a_day_holds_at_most_24_hours_of_one_resource_across_entries(api: Api) -> None:
    world = make_world(api)
    first = api.post("/time-entries", _time(world, "16"))
    api.post("/time-entries", _time(world, "7.5", status="submitted"))
    before = api.get("/time-entries")
    refused = problem(api, "POST", "/time-entries", 422, json=_time(world, "1"))
    reason = FULL.format(booked="23.5", more="1")
    assert refused["errors"] == [{"field": "quantity", "message": reason}]
    assert api.get("/time-entries") == before
    api.post("/time-entries", _time(world, "0.5"))  # exactly 24 fits
    api.post("/time-entries", _time(world, "8", "2026-08-25"))  # another day
    # Editing counts the other entries, not the entry's own hours.
    refused = problem(api, "PATCH", f"/time-entries/{first['id']}", 422, json={"quantity": "17"})
    assert refused["errors"] == [
        {"field": "quantity", "message": FULL.format(booked="8", more="17")}
    ]
    assert api.get(f"/time-entries/{first['id']}") == first


def test_another_resource_s_day_is_its_own(api: Api) -> None:
    world = make_world(api)
    other = api.post("/resources", {"name": "Bob", "default_role_id": world.role["id"]})
    api.post("/time-entries", _time(world, "24"))
    api.post("/time-entries", _time(world, "24", resource_id=other["id"]))


def test_a_bulk_request_past_24_hours_names_the_row_and_writes_nothing(api: Api) -> None:
    world = make_world(api)
    api.post("/time-entries", _time(world, "8"))
    items = [
        _time(world, "10"),
        _time(world, "6"),
        _time(world, "1"),
        _time(world, "4", "2026-08-25"),
    ]
    refused = problem(api, "POST", "/time-entries/bulk", 422, json={"items": items})
    assert refused["errors"] == [
        {"field": "items[2].quantity", "message": FULL.format(booked="24", more="1")}
    ]
    assert len(api.get("/time-entries")["items"]) == 1


def _future() -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()


def test_an_entry_dated_after_today_is_not_approved_one_or_in_bulk(api: Api) -> None:
    world = make_world(api)
    world.line(["time"])
    future = api.post("/time-entries", _time(world, "8", _future(), status="submitted"))
    past = api.post("/time-entries", _time(world, "8", status="submitted"))
    today = dt.datetime.now(dt.UTC).date().isoformat()
    reason = (
        f"is {future['date']}, after today ({today}): an entry dated in the future cannot be "
        "approved"
    )
    refused = problem(api, "POST", f"/time-entries/{future['id']}/approve", 422)
    assert refused["errors"] == [{"field": "date", "message": reason}]
    refused = problem(
        api, "POST", "/time-entries/approve", 422, json={"ids": [past["id"], future["id"]]}
    )
    assert refused["errors"] == [
        {"field": "ids[1].date", "message": f"time entry {future['id']}: {reason}"}
    ]
    for entry in (future, past):
        assert api.get(f"/time-entries/{entry['id']}")["status"] == "submitted"
    assert api.get("/actuals")["items"] == []
    # Today's and earlier entries are approved as before.
    assert api.action(f"/time-entries/{past['id']}/approve")["status"] == "approved"


@pytest.mark.parametrize("value", ["yes", "1", "on", "True", "t", ""])
def test_a_query_boolean_other_than_true_or_false_is_refused(api: Api, value: str) -> None:
    refused = problem(api, "GET", "/invoice-proposals/999999/printout", 422, pro_forma=value)
    assert refused["errors"] == [
        {"field": "pro_forma", "message": f"{value!r} is not a boolean: true or false only"}
    ]


@pytest.mark.parametrize("value", ["true", "false"])
def test_a_query_boolean_true_or_false_passes_on_to_the_route(api: Api, value: str) -> None:
    problem(api, "GET", "/invoice-proposals/999999/printout", 404, pro_forma=value)


#: Every kind of row with a name or code a user chooses, created through the API:
#: (path, body, field, reason). Users are the CLI's (tests/service/test_tokens.py).
NAMED = [
    ("/roles", {"name": "Architect"}, "name", "a role named Architect exists already"),
    ("/transaction-categories", {"name": "Travel", "transaction_class": "expense"}, "name",
     "a transaction category named Travel exists already"),
    ("/ledger-accounts", {"number": "400100", "name": "Sales", "kind": "revenue"}, "number",
     "a ledger account with number 400100 exists already"),
    ("/tax-codes", {"code": "VAT20", "name": "VAT", "rate": "20"}, "code",
     "a tax code with code VAT20 exists already"),
    ("/sales-tax-groups", {"code": "UK", "tax_codes": []}, "code",
     "a sales tax group with code UK exists already"),
    ("/item-sales-tax-groups", {"code": "FULL", "tax_codes": []}, "code",
     "an item sales tax group with code FULL exists already"),
    ("/financial-dimensions", {"name": "Region", "values": ["North"]}, "name",
     "a financial dimension named Region exists already"),
    ("/payment-terms", {"code": "NET30", "name": "30 days", "net_days": 30}, "code",
     "payment terms with code NET30 exist already"),
]  # fmt: skip
#: The tables of those paths.
TABLES = {
    "roles", "transaction_categories", "ledger_accounts", "tax_codes", "sales_tax_groups",
    "item_sales_tax_groups", "financial_dimensions", "payment_terms", "users",
}  # fmt: skip


def test_every_table_with_a_chosen_unique_name_is_covered_here() -> None:
    chosen = {
        table.name
        for table in Base.metadata.tables.values()
        for column in table.columns
        if column.unique
        and (column.name in CHOSEN_KEYS or (table.name, column.name) in CHOSEN_COLUMNS)
    }
    assert chosen == TABLES


@pytest.mark.parametrize(("path", "body", "field", "reason"), NAMED)
def test_a_taken_name_is_a_409_that_says_so_for_every_named_kind(
    make_api: Any, path: str, body: dict[str, Any], field: str, reason: str
) -> None:
    admin = make_api("admin")
    admin.post(path, body)
    before = admin.get(path, limit=500)
    refused = problem(admin, "POST", path, 409, json=body)
    assert refused["detail"] == reason
    assert refused["errors"] == [{"field": field, "message": reason}]
    assert admin.get(path, limit=500) == before
