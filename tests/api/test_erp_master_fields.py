"""The ERP fields of master data over HTTP (api.md "ERP side"): sales tax groups on
customers, projects and contracts; item sales tax groups on categories and products;
legal entities on projects and contracts; dimensions on projects and contract lines.
Every refusal names its field and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import make_world
from tests.conftest import Api
from tests.scenario.proposal_world import build, post_journal
from tests.scenario.support import fields_of, problem
from tests.scenario.tax_world import set_up_tax


@pytest.fixture
def accountant(make_api: Any) -> Api:
    accountant = make_api("accountant")
    set_up_tax(accountant)
    return accountant


def test_master_data_shows_its_erp_fields_and_patches_and_clears_them(api, accountant):
    world = make_world(api)
    default_entity = accountant.get("/legal-entities")["items"][0]["id"]
    project = world.project
    assert (project["legal_entity_id"], project["sales_tax_group"], project["dimensions"]) == (
        default_entity,
        None,
        None,
    )
    assert world.contract["legal_entity_id"] == default_entity
    assert world.customer["sales_tax_group"] is None
    assert world.product["item_sales_tax_group"] is None
    uk = accountant.post("/legal-entities", {"name": "Contoso UK", "accounting_currency": "GBP"})
    changed = api.patch(
        f"/projects/{project['id']}",
        {
            "sales_tax_group": "PRJ",
            "legal_entity_id": uk["id"],
            "dimensions": {"Department": "Sales", "CostCenter": "020"},
        },
    )
    assert changed == api.get(f"/projects/{project['id']}")
    assert (changed["sales_tax_group"], changed["legal_entity_id"]) == ("PRJ", uk["id"])
    assert changed["dimensions"] == {"CostCenter": "020", "Department": "Sales"}
    cleared = api.patch(
        f"/projects/{project['id']}",
        {"sales_tax_group": None, "dimensions": None, "legal_entity_id": None},
    )
    assert (cleared["sales_tax_group"], cleared["dimensions"]) == (None, None)
    assert cleared["legal_entity_id"] == default_entity  # null: back to the default
    customer = api.patch(f"/customers/{world.customer['id']}", {"sales_tax_group": "CUS"})
    assert api.get(f"/customers/{customer['id']}")["sales_tax_group"] == "CUS"
    contract = api.patch(f"/contracts/{world.contract['id']}", {"sales_tax_group": "CON"})
    assert api.get(f"/contracts/{contract['id']}")["sales_tax_group"] == "CON"
    category = world.categories["fee"]["id"]
    api.patch(f"/transaction-categories/{category}", {"item_sales_tax_group": "STD"})
    assert api.get(f"/transaction-categories/{category}")["item_sales_tax_group"] == "STD"
    api.patch(f"/products/{world.product['id']}", {"item_sales_tax_group": "SPLIT"})
    assert api.get(f"/products/{world.product['id']}")["item_sales_tax_group"] == "SPLIT"


def test_new_master_data_takes_erp_fields_on_creation(api, accountant):
    world = make_world(api)
    uk = accountant.post("/legal-entities", {"name": "Contoso UK", "accounting_currency": "GBP"})
    customer = api.post(
        "/customers",
        {"name": "Fabrikam", "currency": "GBP", "bill_to": {"name": "F"}, "sales_tax_group": "CUS"},
    )
    assert customer["sales_tax_group"] == "CUS"
    project = api.post(
        "/projects",
        {
            "name": "UK work",
            "customer_id": world.customer["id"],
            "cost_price_list_id": world.cost_list["id"],
            "legal_entity_id": uk["id"],
            "sales_tax_group": "PRJ",
            "dimensions": {"Department": "Consulting"},
        },
    )
    assert (project["legal_entity_id"], project["dimensions"]) == (
        uk["id"],
        {"Department": "Consulting"},
    )
    product = api.post(
        "/products",
        {"name": "Cable", "unit": "m", "list_price": "2.00", "item_sales_tax_group": "STD"},
    )
    assert product["item_sales_tax_group"] == "STD"
    line = world.line(["time"], dimensions={"CostCenter": "010"})
    assert line["dimensions"] == {"CostCenter": "010"}
    patched = api.patch(f"/contract-lines/{line['id']}", {"dimensions": {"CostCenter": "020"}})
    assert api.get(f"/contract-lines/{line['id']}")["dimensions"] == {"CostCenter": "020"}
    assert patched["dimensions"] == {"CostCenter": "020"}


def test_unknown_groups_dimensions_and_entities_are_refused_and_change_nothing(api, accountant):
    world = make_world(api)
    before = {
        "customers": api.get("/customers"),
        "projects": api.get("/projects"),
        "contracts": api.get("/contracts"),
        "categories": api.get("/transaction-categories"),
        "products": api.get("/products"),
        "lines": api.get(f"/contracts/{world.contract['id']}/lines"),
    }
    project, contract = f"/projects/{world.project['id']}", f"/contracts/{world.contract['id']}"
    refusals = [
        (
            "PATCH",
            f"/customers/{world.customer['id']}",
            {"sales_tax_group": "NOPE"},
            "sales_tax_group",
        ),
        ("PATCH", project, {"sales_tax_group": "STD"}, "sales_tax_group"),  # an item group
        ("PATCH", project, {"dimensions": {"Region": "EU"}}, "dimensions.Region"),
        ("PATCH", project, {"dimensions": {"Department": "Legal"}}, "dimensions.Department"),
        ("PATCH", project, {"legal_entity_id": "999"}, "legal_entity_id"),
        ("PATCH", contract, {"legal_entity_id": "999"}, "legal_entity_id"),
        ("PATCH", contract, {"sales_tax_group": "NOPE", "name": "Renamed"}, "sales_tax_group"),
        (
            "PATCH",
            f"/transaction-categories/{world.categories['fee']['id']}",
            {"item_sales_tax_group": "PRJ"},  # a sales group, not an item group
            "item_sales_tax_group",
        ),
        (
            "PATCH",
            f"/products/{world.product['id']}",
            {"item_sales_tax_group": "X"},
            "item_sales_tax_group",
        ),
        (
            "POST",
            "/customers",
            {"name": "F", "currency": "USD", "bill_to": {"name": "F"}, "sales_tax_group": "X"},
            "sales_tax_group",
        ),
        (
            "POST",
            "/projects",
            {
                "name": "P",
                "customer_id": world.customer["id"],
                "cost_price_list_id": world.cost_list["id"],
                "legal_entity_id": "999",
            },
            "legal_entity_id",
        ),
        (
            "POST",
            "/contracts",
            {
                "name": "C",
                "customer_id": world.customer["id"],
                "currency": "USD",
                "price_list_id": world.sales_list["id"],
                "sales_tax_group": "X",
            },
            "sales_tax_group",
        ),
        (
            "POST",
            f"{contract}/lines",
            {
                "name": "T&M",
                "kind": "project",
                "billing_method": "time_and_material",
                "project_id": world.project["id"],
                "transaction_classes": ["time"],
                "dimensions": {"CostCenter": "999"},
            },
            "dimensions.CostCenter",
        ),
    ]
    for method, path, body, field in refusals:
        assert fields_of(problem(api, method, path, 422, json=body)) == [field], (path, body)
    after = {
        "customers": api.get("/customers"),
        "projects": api.get("/projects"),
        "contracts": api.get("/contracts"),
        "categories": api.get("/transaction-categories"),
        "products": api.get("/products"),
        "lines": api.get(f"/contracts/{world.contract['id']}/lines"),
    }
    assert after == before


def test_a_project_line_must_join_a_project_and_contract_of_one_legal_entity(api, accountant):
    world = make_world(api)
    uk = accountant.post("/legal-entities", {"name": "Contoso UK", "accounting_currency": "GBP"})
    api.patch(f"/projects/{world.project['id']}", {"legal_entity_id": uk["id"]})
    body = {
        "name": "T&M",
        "kind": "project",
        "billing_method": "time_and_material",
        "project_id": world.project["id"],
        "transaction_classes": ["time"],
    }
    refused = problem(api, "POST", f"/contracts/{world.contract['id']}/lines", 422, json=body)
    assert fields_of(refused) == ["project_id"]
    api.patch(f"/contracts/{world.contract['id']}", {"legal_entity_id": uk["id"]})
    assert world.line(["time"])["project_id"] == world.project["id"]


def test_the_milestone_item_group_parameter_is_shown_and_checked(accountant):
    body = {
        "sales_tax_group_method": "project",
        "material_item_tax_group_method": "item",
        "milestone_item_sales_tax_group": "MILESTONE",
    }
    assert accountant.request("PUT", "/parameters", 200, json=body) == body
    bad = {**body, "milestone_item_sales_tax_group": "PRJ"}  # a sales group
    refused = problem(accountant, "PUT", "/parameters", 422, json=bad)
    assert fields_of(refused) == ["milestone_item_sales_tax_group"]
    assert accountant.get("/parameters") == body


def test_a_project_or_contract_keeps_its_legal_entity_once_the_ledger_knows_it(make_api):
    pw = build(make_api)
    api, accountant = pw.api, pw.accountant
    other = accountant.post("/legal-entities", {"name": "Contoso UK", "accounting_currency": "USD"})
    invoice = pw.confirmed_invoice()
    post_journal(pw)  # the WIP is in the default entity's ledger
    project_path = f"/projects/{pw.world.project['id']}"
    contract_path = f"/contracts/{pw.world.contract['id']}"
    move = {"legal_entity_id": other["id"]}
    # Moving either would post the proposal's WIP reversal in another entity's ledger
    # than the one the journal accrued it in: refused, and nothing changes.
    for path in (project_path, contract_path):
        refused = problem(api, "PATCH", path, 409, move)
        assert fields_of(refused) == ["legal_entity_id"]
        assert api.get(path)["legal_entity_id"] != other["id"]
    proposal = pw.proposal_of(invoice)
    assert proposal["legal_entity_id"] != other["id"]
    # A project without ledger activity may still move.
    body = {"name": "Fresh", "customer_id": pw.world.customer["id"]}
    body["cost_price_list_id"] = pw.world.project["cost_price_list_id"]
    fresh = api.post("/projects", body)
    assert api.patch(f"/projects/{fresh['id']}", move)["legal_entity_id"] == other["id"]
