"""Billing milestones as on-account transactions (seed 003, "Manage the financial
attributes of billing milestones"): defaults, tax from the groups, edits until the
invoice is confirmed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import World, make_world
from tests.conftest import Api
from tests.scenario.support import detail_for, fields_of, problem
from tests.scenario.tax_world import parameters, set_up_tax, tax_master_data


@pytest.fixture
def accountant(make_api: Any) -> Api:
    accountant = make_api("accountant")
    set_up_tax(accountant)
    parameters(accountant, "contract", milestone="MILESTONE")
    return accountant


def _fixed_line(api: Api) -> tuple[World, dict[str, Any]]:
    world = make_world(api)
    tax_master_data(world)
    line = world.line(
        ["time"],
        billing_method="fixed_price",
        amount="9000.00",
        dimensions={"Department": "Consulting", "CostCenter": "010"},
    )
    return world, line


def _milestone(api: Api, line: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body = {"name": "Design", "date": "2026-08-15", "amount": "3000.00", **extra}
    return api.post(f"/contract-lines/{line['id']}/milestones", body)


def test_a_new_milestone_defaults_its_groups_dimensions_and_tax(api, accountant):
    _, line = _fixed_line(api)
    milestone = _milestone(api, line)
    assert (milestone["sales_tax_group"], milestone["item_sales_tax_group"]) == (
        "CON",
        "MILESTONE",
    )
    assert milestone["dimensions"] == {"CostCenter": "010", "Department": "Consulting"}
    assert milestone["tax"] == "150.00"  # CON and MILESTONE share C5: 5 % of 3000.00
    typed = _milestone(api, line, tax="300.00", sales_tax_group="PRJ")
    assert (typed["tax"], typed["sales_tax_group"]) == ("300.00", "PRJ")


def test_without_the_parameter_a_milestone_has_no_item_group_and_no_tax(api, accountant):
    parameters(accountant, "contract")
    _, line = _fixed_line(api)
    milestone = _milestone(api, line)
    assert (milestone["item_sales_tax_group"], milestone["tax"]) == (None, "0.00")


def test_changing_a_group_recomputes_the_tax_unless_a_tax_is_given(api, accountant):
    _, line = _fixed_line(api)
    milestone = _milestone(api, line)
    changed = api.patch(f"/milestones/{milestone['id']}", {"sales_tax_group": "CUS"})
    assert changed["tax"] == "240.00"  # K8
    typed = api.patch(f"/milestones/{milestone['id']}", {"sales_tax_group": "PRJ", "tax": "123.45"})
    assert (typed["sales_tax_group"], typed["tax"]) == ("PRJ", "123.45")
    moved = accountant.patch(
        f"/milestones/{milestone['id']}", {"dimensions": {"Department": "Sales"}}
    )
    assert (moved["dimensions"], moved["tax"]) == ({"Department": "Sales"}, "123.45")


def test_a_draft_invoice_takes_the_new_tax_and_a_confirmed_one_locks_the_milestone(api, accountant):
    world, line = _fixed_line(api)
    milestone = _milestone(api, line)
    api.action("/billing-backlog/ready-to-invoice", {"milestone_ids": [milestone["id"]]}, 204)
    invoice = world.invoice()
    assert detail_for(invoice, milestone_id=milestone["id"])["tax"] == "150.00"
    api.patch(f"/milestones/{milestone['id']}", {"sales_tax_group": "PRJ"})
    draft = api.get(f"/invoices/{invoice['id']}")
    detail = detail_for(draft, milestone_id=milestone["id"])
    assert (detail["tax"], detail["extended_amount"]) == ("300.00", "3300.00")
    assert (draft["total_tax"], draft["total_amount"]) == ("300.00", "3300.00")
    api.action(f"/invoices/{invoice['id']}/confirm")
    before = api.get(f"/milestones/{milestone['id']}")
    for body in ({"sales_tax_group": "CUS"}, {"dimensions": None}, {"tax": "1.00"}):
        problem(accountant, "PATCH", f"/milestones/{milestone['id']}", 409, json=body)
    assert api.get(f"/milestones/{milestone['id']}") == before
    assert api.get(f"/invoices/{invoice['id']}")["total_tax"] == "300.00"


def test_refused_milestone_edits_change_nothing(api, accountant, make_api):
    _, line = _fixed_line(api)
    milestone = _milestone(api, line)
    path = f"/milestones/{milestone['id']}"
    refusals = [
        ({"sales_tax_group": "NOPE"}, "sales_tax_group"),
        ({"item_sales_tax_group": "NOPE"}, "item_sales_tax_group"),
        ({"dimensions": {"Region": "EU"}}, "dimensions.Region"),
        ({"dimensions": {"Department": "Legal"}}, "dimensions.Department"),
    ]
    for body, field in refusals:
        assert fields_of(problem(api, "PATCH", path, 422, json=body)) == [field]
    problem(make_api("team_member"), "PATCH", path, 403, json={"sales_tax_group": "PRJ"})
    problem(api, "PATCH", "/milestones/999", 404, json={"sales_tax_group": "PRJ"})
    assert api.get(path) == milestone
    body = {"name": "X", "date": "2026-08-15", "amount": "10.00", "sales_tax_group": "NOPE"}
    problem(api, "POST", f"/contract-lines/{line['id']}/milestones", 422, json=body)
    assert len(api.get(f"/contract-lines/{line['id']}/milestones")["items"]) == 1


def test_a_milestone_whose_sales_tax_group_was_cleared_is_proposed_without_tax(make_api):
    accountant = make_api("accountant")
    set_up_tax(accountant)
    parameters(accountant, "contract", milestone="MILESTONE")
    world = make_world(make_api("project_manager"))
    tax_master_data(world)
    line = world.line(["time"], billing_method="fixed_price", amount="9000.00")
    body = {"name": "Design", "date": "2026-08-15", "amount": "3000.00"}
    milestone = world.api.post(f"/contract-lines/{line['id']}/milestones", body)
    cleared = accountant.patch(f"/milestones/{milestone['id']}", {"sales_tax_group": None})
    assert (cleared["sales_tax_group"], cleared["tax"]) == (None, "0.00")
    ready = {"milestone_ids": [milestone["id"]]}
    world.api.action("/billing-backlog/ready-to-invoice", ready, 204)
    invoice = world.api.action(f"/invoices/{world.invoice()['id']}/confirm")
    assert invoice["total_tax"] == "0.00"

    [proposal] = accountant.get("/invoice-proposals", invoice_id=invoice["id"])["items"]
    ready_proposal = accountant.action(f"/invoice-proposals/{proposal['id']}/import-from-staging")
    [proposed] = ready_proposal["lines"]
    # Seed 003: the proposal line uses the on-account transaction's values, a cleared
    # group included; it must not default the group back and tax the customer.
    assert (proposed["sales_tax_group"], proposed["tax"]) == (None, "0.00")
    assert ready_proposal["totals"]["tax"] == "0.00"
