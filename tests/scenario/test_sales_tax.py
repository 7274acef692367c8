"""Sales tax from master data into unbilled actuals and invoices (seed 003 "Billing sales
tax", issue 4 point 3), with the rates of :mod:`tests.scenario.tax_world`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from billable.billing.bulk_create import create_invoices
from billable.persistence.tables import Contract
from tests.builders import World, make_world
from tests.conftest import Api
from tests.scenario.support import all_actuals, detail_for, line_for, unbilled_of
from tests.scenario.tax_world import parameters, set_up_tax, tax_master_data


@pytest.fixture
def accountant(make_api: Any) -> Api:
    accountant = make_api("accountant")
    set_up_tax(accountant)
    return accountant


def _world(api: Api, **groups: str | None) -> World:
    world = make_world(api)
    tax_master_data(world, **groups)
    return world


def _time(world: World, hours: str = "8", date: str = "2026-08-27") -> dict[str, Any]:
    entry = world.approved_time(hours, date, category_id=world.categories["time"]["id"])
    return unbilled_of(world.api, entry["id"])


def _fee(world: World) -> dict[str, Any]:
    api = world.api
    fee = api.post(
        "/fee-entries",
        {
            "project_id": world.project["id"],
            "category_id": world.categories["fee"]["id"],
            "date": "2026-08-27",
            "quantity": "1",
            "unit_price": "0",
            "status": "submitted",
        },
    )
    api.action(f"/fee-entries/{fee['id']}/approve")
    return unbilled_of(api, fee["id"])


def _material(world: World, category_id: str | None) -> dict[str, Any]:
    api = world.api
    usage = api.post(
        "/material-usages",
        {
            "project_id": world.project["id"],
            "product_id": world.product["id"],
            "category_id": category_id,
            "date": "2026-08-27",
            "quantity": "2",
            "status": "submitted",
        },
    )
    api.action(f"/material-usages/{usage['id']}/approve")
    return unbilled_of(api, usage["id"])


def _invoice(world: World) -> dict[str, Any]:
    world.mark_all_ready()
    return world.invoice()


@pytest.mark.parametrize(
    ("method", "tax", "total"),
    [
        ("project", "200.00", "2200.00"),
        ("contract", "100.00", "2100.00"),
        ("customer", "160.00", "2160.00"),
        ("search", "200.00", "2200.00"),
    ],
)
def test_each_sales_tax_group_method_taxes_the_actual_and_the_invoice(
    api, accountant, method, tax, total
):
    parameters(accountant, method)
    world = _world(api)
    world.line(["time"])
    actual = _time(world)
    # 8 h at 250.00: only the code in both groups applies (S3 and I7 never do).
    assert (actual["amount"], actual["tax"]) == ("2000.00", tax)
    assert [a["tax"] for a in all_actuals(api, transaction_type="cost")] == ["0.00"]
    invoice = _invoice(world)
    detail = detail_for(invoice, actual_id=actual["id"])
    assert (detail["tax"], detail["extended_amount"]) == (tax, total)
    assert (invoice["lines"][0]["tax"], invoice["lines"][0]["extended_amount"]) == (tax, total)
    assert (invoice["total_tax"], invoice["total_amount"]) == (tax, total)


def test_search_takes_the_project_then_the_contract_then_the_customer(api, accountant):
    parameters(accountant, "search")
    world = _world(api)
    world.line(["time"])
    assert _time(world)["tax"] == "200.00"
    # One working day per entry: a resource's day holds at most 24 hours.
    api.patch(f"/projects/{world.project['id']}", {"sales_tax_group": None})
    assert _time(world, date="2026-08-26")["tax"] == "100.00"
    api.patch(f"/contracts/{world.contract['id']}", {"sales_tax_group": None})
    assert _time(world, date="2026-08-25")["tax"] == "160.00"
    api.patch(f"/customers/{world.customer['id']}", {"sales_tax_group": None})
    assert _time(world, date="2026-08-24")["tax"] == "0.00"


def test_time_expense_and_fee_take_the_group_of_their_category(api, accountant):
    parameters(accountant, "project")
    world = _world(api)
    world.line(["time", "expense", "fee"])
    assert _time(world)["tax"] == "200.00"
    untaxed = world.approved_time("8")  # no category: no item group, no tax
    assert unbilled_of(api, untaxed["id"])["tax"] == "0.00"
    expense = world.approved_expense("2", "33.33")
    # 2 x 36.663 (33.33 + 10 %) = 73.33; 10 % of it.
    assert (unbilled_of(api, expense["id"])["amount"], unbilled_of(api, expense["id"])["tax"]) == (
        "73.33",
        "7.33",
    )
    assert _fee(world)["tax"] == "7.50"
    fee_category = world.categories["fee"]["id"]
    api.patch(f"/transaction-categories/{fee_category}", {"item_sales_tax_group": "SPLIT"})
    assert _fee(world)["tax"] == "0.00"  # PRJ and SPLIT share no code
    invoice = _invoice(world)
    assert invoice["total_tax"] == "214.83"  # 200.00 + 0.00 + 7.33 + 7.50 + 0.00


def test_material_takes_the_products_group_or_the_categorys_per_parameter(api, accountant):
    world = _world(api, project="SPLIT")
    world.line(["material"])
    category = api.post(
        "/transaction-categories",
        {"name": "Parts", "transaction_class": "material", "item_sales_tax_group": "SPLIT"},
    )
    parameters(accountant, "project", material="item")
    by_item = _material(world, category["id"])  # the product's STD shares nothing with SPLIT
    assert (by_item["amount"], by_item["tax"]) == ("90.00", "0.00")
    parameters(accountant, "project", material="category")
    by_category = _material(world, category["id"])  # 2.5 % 2.25 + 1.5 % 1.35
    assert by_category["tax"] == "3.60"
    assert _material(world, None)["tax"] == "0.00"  # no category: nothing to take
    api.patch(f"/products/{world.product['id']}", {"item_sales_tax_group": "SPLIT"})
    parameters(accountant, "project", material="item")
    assert _material(world, None)["tax"] == "3.60"
    invoice = _invoice(world)
    assert invoice["total_tax"] == "7.20"


def test_two_codes_in_both_groups_round_per_code_on_actual_line_and_header(api, accountant):
    parameters(accountant, "project")
    world = _world(api, project="SPLIT")
    fee_category = world.categories["fee"]["id"]
    api.patch(f"/transaction-categories/{fee_category}", {"item_sales_tax_group": "SPLIT"})
    line = world.line(["fee"])
    # 75.00: 2.5 % is 1.875 -> 1.88, 1.5 % is 1.125 -> 1.13: 3.01 (4 % of the sum: 3.00).
    first, second = _fee(world), _fee(world)
    assert (first["tax"], second["tax"]) == ("3.01", "3.01")
    invoice = _invoice(world)
    assert line_for(invoice, line["id"])["tax"] == "6.02"
    assert (invoice["detail_amount"], invoice["total_tax"], invoice["total_amount"]) == (
        "150.00",
        "6.02",
        "156.02",
    )


def test_a_shortened_detail_prorates_the_tax_and_the_remainder_keeps_the_rest(api, accountant):
    parameters(accountant, "project")
    world = _world(api)
    world.line(["time"])
    actual = _time(world)
    invoice = _invoice(world)
    detail = detail_for(invoice, actual_id=actual["id"])
    edited = api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "6"})
    assert (edited["amount"], edited["tax"]) == ("1500.00", "150.00")
    assert api.get(f"/invoices/{invoice['id']}")["total_tax"] == "150.00"
    api.action(f"/invoices/{invoice['id']}/confirm")
    rest = [
        a
        for a in all_actuals(api, transaction_type="unbilled_sales")
        if a["quantity"] == "2" and a["reverses_actual_id"] is None
    ]
    assert [(a["amount"], a["tax"]) for a in rest] == [("500.00", "50.00")]


def test_set_based_creation_carries_the_tax_of_actuals_and_products(api, accountant, uow_factory):
    parameters(accountant, "search")
    world = _world(api)
    world.line(["time"])
    product_line = world.product_line("3")
    actual = _time(world)
    world.mark_all_ready()
    with uow_factory() as uow:
        (contract_id,) = uow.session.scalars(select(Contract.id)).all()
        created = create_invoices(
            uow.session, {contract_id: None}, dt.date(2026, 8, 31), skip_empty=False
        )
        uow.commit()
    invoice = api.get(f"/invoices/{created.invoices[contract_id]}")
    assert detail_for(invoice, actual_id=actual["id"])["tax"] == "200.00"
    # The product line: 3 x 45.00 = 135.00; search finds the contract's CON (5 %).
    products = line_for(invoice, product_line["id"])
    assert (products["amount"], products["tax"], products["extended_amount"]) == (
        "135.00",
        "6.75",
        "141.75",
    )
    assert (invoice["total_tax"], invoice["total_amount"]) == ("206.75", "2341.75")


def test_the_one_contract_use_case_taxes_a_product_line_alike(api, accountant):
    parameters(accountant, "customer")
    world = _world(api)
    product_line = world.product_line("3")
    invoice = world.invoice()
    products = line_for(invoice, product_line["id"])
    assert (products["tax"], invoice["total_tax"]) == ("10.80", "10.80")  # 8 % of 135.00


def test_without_groups_tax_stays_zero(api, accountant):
    parameters(accountant, "search")
    world = make_world(api)
    world.line(["time"])
    actual = _time(world)
    assert actual["tax"] == "0.00"
    assert _invoice(world)["total_tax"] == "0.00"
