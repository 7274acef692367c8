"""The billing backlog across contracts, the invoice list's filters and the actuals of
one entry: what each filter keeps, pages, and refusals that name the field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.builders import World, make_world
from tests.conftest import Api
from tests.scenario.support import problem


@dataclass
class TwoContracts:
    """Coho's contract (world) with 8 h and an expense, and Fabrikam's with 3 h."""

    world: World
    other_customer: dict[str, Any]
    other_project: dict[str, Any]
    other_contract: dict[str, Any]
    coho_time: dict[str, Any]
    coho_expense: dict[str, Any]
    fabrikam_time: dict[str, Any]


def _time(api: Api, world: World, project: dict[str, Any], hours: str, date: str) -> Any:
    entry = api.post(
        "/time-entries",
        {
            "resource_id": world.resource["id"],
            "project_id": project["id"],
            "date": date,
            "quantity": hours,
            "status": "submitted",
        },
    )
    return api.action(f"/time-entries/{entry['id']}/approve")


@pytest.fixture
def two(api: Api) -> TwoContracts:
    world = make_world(api)
    world.line(["time", "expense", "fee"])
    customer = api.post(
        "/customers",
        {"name": "Fabrikam", "currency": "USD", "bill_to": {**world.customer["bill_to"]}},
    )
    project = api.post(
        "/projects",
        {
            "name": "Rollout",
            "customer_id": customer["id"],
            "cost_price_list_id": world.cost_list["id"],
        },
    )
    contract = api.post(
        "/contracts",
        {
            "name": "Fabrikam SOW",
            "customer_id": customer["id"],
            "currency": "USD",
            "price_list_id": world.sales_list["id"],
        },
    )
    line = {
        "name": "T&M",
        "kind": "project",
        "billing_method": "time_and_material",
        "project_id": project["id"],
        "transaction_classes": ["time"],
    }
    api.post(f"/contracts/{contract['id']}/lines", line)
    coho_time = world.approved_time("8", "2026-08-27")
    coho_expense = world.approved_expense("1", "100.00", "2026-09-02")
    fabrikam_time = _time(api, world, project, "3", "2026-09-01")
    return TwoContracts(world, customer, project, contract, coho_time, coho_expense, fabrikam_time)


def _sales(api: Api, kind: str, entry: dict[str, Any]) -> dict[str, Any]:
    (found,) = api.get(
        "/actuals", source_kind=kind, source_id=entry["id"], transaction_type="unbilled_sales"
    )["items"]
    return dict(found)


def _backlog_ids(api: Api, **params: Any) -> list[str]:
    return [a["id"] for a in api.get("/billing-backlog", **params)["items"]]


def test_the_backlog_across_contracts_lists_every_contracts_open_actuals_by_id(
    api: Api, two: TwoContracts
) -> None:
    coho_time = _sales(api, "time", two.coho_time)["id"]
    coho_expense = _sales(api, "expense", two.coho_expense)["id"]
    fabrikam = _sales(api, "time", two.fabrikam_time)["id"]
    first = api.get("/billing-backlog", limit=2)
    assert [a["id"] for a in first["items"]] == sorted(
        [coho_time, coho_expense, fabrikam], key=int
    )[:2]
    rest = api.get("/billing-backlog", limit=2, cursor=first["next_cursor"])
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert _backlog_ids(api, customer_id=two.other_customer["id"]) == [fabrikam]
    assert _backlog_ids(api, project_id=two.world.project["id"]) == sorted(
        [coho_time, coho_expense], key=int
    )
    assert _backlog_ids(api, contract_id=two.other_contract["id"], limit=50) == [fabrikam]
    assert _backlog_ids(api, transaction_class="expense") == [coho_expense]
    assert _backlog_ids(api, date_from="2026-09-01") == sorted([coho_expense, fabrikam], key=int)
    assert _backlog_ids(api, date_to="2026-08-31") == [coho_time]
    assert _backlog_ids(api, date_from="2026-09-01", date_to="2026-09-01") == [fabrikam]


def test_the_backlog_filters_by_readiness_and_drops_what_an_invoice_took(
    api: Api, two: TwoContracts
) -> None:
    coho_time = _sales(api, "time", two.coho_time)["id"]
    fabrikam = _sales(api, "time", two.fabrikam_time)["id"]
    api.action("/billing-backlog/ready-to-invoice", {"actual_ids": [coho_time]}, expect=204)
    assert _backlog_ids(api, ready_to_invoice="true") == [coho_time]
    assert fabrikam in _backlog_ids(api, ready_to_invoice="false")
    two.world.invoice("2026-08-31")
    assert _backlog_ids(api, ready_to_invoice="true") == []
    assert coho_time not in _backlog_ids(api, limit=50)


def test_a_contract_id_alone_still_answers_that_contracts_whole_backlog(
    api: Api, two: TwoContracts
) -> None:
    whole = api.get("/billing-backlog", contract_id=two.other_contract["id"])
    assert set(whole) == {"actuals", "milestones"}
    assert [a["id"] for a in whole["actuals"]] == [_sales(api, "time", two.fabrikam_time)["id"]]
    problem(api, "GET", "/billing-backlog", 404, contract_id="999999")
    assert api.get("/billing-backlog", contract_id="999999", limit=5)["items"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ready_to_invoice": "yes"}, "ready_to_invoice"),
        ({"transaction_class": "travel"}, "transaction_class"),
        ({"date_from": "0"}, "date_from"),
        ({"date_to": "2026-9-1"}, "date_to"),
        ({"date_from": "2026-09-02", "date_to": "2026-09-01"}, "date_to"),
        ({"limit": "0"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_the_backlog_refuses_a_filter_it_cannot_read_naming_it(
    api: Api, two: TwoContracts, params: dict[str, str], field: str
) -> None:
    before = api.get("/billing-backlog", limit=50)
    found = problem(api, "GET", "/billing-backlog", 422, **params)
    assert [e["field"] for e in found["errors"]] == [field]
    assert found["errors"][0]["message"]
    assert api.get("/billing-backlog", limit=50) == before


def test_a_team_member_may_not_read_the_backlog_across_contracts(
    make_api: Any, two: TwoContracts
) -> None:
    problem(make_api("team_member"), "GET", "/billing-backlog", 403, limit=5)


def _invoice_ids(api: Api, **params: Any) -> list[str]:
    return [i["id"] for i in api.get("/invoices", **params)["items"]]


def test_invoices_filter_by_customer_contract_status_payment_and_date(
    api: Api, two: TwoContracts
) -> None:
    two.world.mark_all_ready()
    coho = two.world.invoice("2026-08-31")["id"]
    fabrikam_ready = api.get("/billing-backlog", contract_id=two.other_contract["id"])
    api.action(
        "/billing-backlog/ready-to-invoice",
        {"actual_ids": [a["id"] for a in fabrikam_ready["actuals"]]},
        expect=204,
    )
    fabrikam = api.post(
        f"/contracts/{two.other_contract['id']}/invoices", {"invoice_date": "2026-09-15"}
    )["id"]
    api.action(f"/invoices/{coho}/confirm")
    api.patch(f"/invoices/{coho}", {"status": "paid"})
    assert _invoice_ids(api, customer_id=two.other_customer["id"]) == [fabrikam]
    assert _invoice_ids(api, contract_id=two.world.contract["id"]) == [coho]
    assert _invoice_ids(api, project_invoice_status="draft") == [fabrikam]
    assert _invoice_ids(api, status="paid") == [coho]
    assert _invoice_ids(api, status="active") == [fabrikam]
    assert _invoice_ids(api, date_from="2026-09-01") == [fabrikam]
    assert _invoice_ids(api, date_to="2026-08-31") == [coho]
    assert _invoice_ids(api, date_from="2026-08-31", date_to="2026-09-15") == [coho, fabrikam]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "overdue"}, "status"),
        ({"project_invoice_status": "posted"}, "project_invoice_status"),
        ({"date_from": "31.08.2026"}, "date_from"),
        ({"date_to": "1700000000"}, "date_to"),
        ({"date_from": "2026-09-02", "date_to": "2026-09-01"}, "date_to"),
    ],
)
def test_the_invoice_list_refuses_an_unknown_status_or_a_loose_date_naming_it(
    api: Api, two: TwoContracts, params: dict[str, str], field: str
) -> None:
    before = api.get("/invoices")
    response = api.client.get("/api/v1/invoices", params=params, headers=api.headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert api.get("/invoices") == before


def test_an_entrys_actuals_are_its_own_when_the_kind_is_named(api: Api, two: TwoContracts) -> None:
    two.world.mark_all_ready()
    invoice = two.world.invoice("2026-09-30")
    manual = api.post(
        f"/invoice-lines/{invoice['lines'][0]['id']}/details",
        {
            "transaction_class": "fee",
            "quantity": "2",
            "category_id": two.world.categories["fee"]["id"],
        },
    )
    api.action(f"/invoices/{invoice['id']}/confirm")
    # Details and entries are numbered apart: the manual detail's billed actual names
    # the detail as its source, by an id that is also Fabrikam's time entry's.
    entry_id = two.fabrikam_time["id"]
    assert manual["id"] == entry_id
    both = api.get("/actuals", source_id=entry_id)["items"]
    assert {a["source_kind"] for a in both} == {"time", "invoice_detail"}
    own = api.get("/actuals", source_id=entry_id, source_kind="time")["items"]
    assert [(a["source_kind"], a["transaction_type"]) for a in own] == [
        ("time", "cost"),
        ("time", "unbilled_sales"),
    ]
    written = api.get("/actuals", source_id=entry_id, source_kind="invoice_detail")["items"]
    assert [(a["transaction_type"], a["amount"]) for a in written] == [("billed_sales", "150.00")]
    expense = api.get("/actuals", source_kind="expense")["items"]
    assert {a["source_id"] for a in expense} == {two.coho_expense["id"]}
    found = problem(api, "GET", "/actuals", 422, source_kind="timesheet")
    assert [e["field"] for e in found["errors"]] == ["source_kind"]
