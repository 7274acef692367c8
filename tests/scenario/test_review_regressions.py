"""Defects found in review, each pinned by the story that showed it."""

from __future__ import annotations

import datetime as dt

import pytest

from billable.services import runs
from tests.builders import make_world
from tests.scenario.support import problem


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/roles/{role}", {"name": None}, "name"),
        ("/products/{product}", {"list_price": None}, "list_price"),
        ("/contracts/{contract}", {"name": None}, "name"),
        ("/customers/{customer}", {"bill_to": {"name": None}}, "bill_to.name"),
    ],
)
def test_a_null_for_a_required_field_is_refused_with_the_field_named(api, path, body, field):
    world = make_world(api)
    ids = {
        "role": world.role["id"],
        "product": world.product["id"],
        "contract": world.contract["id"],
        "customer": world.customer["id"],
    }
    before = api.get(path.format(**ids))
    refused = problem(api, "PATCH", path.format(**ids), 422, json=body)
    assert [e["field"] for e in refused["errors"]] == [field]
    assert api.get(path.format(**ids)) == before


def test_an_entry_cannot_lose_its_unit_price_and_then_fail_approval(api):
    world = make_world(api)
    entry = api.post(
        "/expense-entries",
        {
            "resource_id": world.resource["id"],
            "project_id": world.project["id"],
            "category_id": world.categories["expense"]["id"],
            "date": "2026-08-27",
            "quantity": "1",
            "unit_price": "10.00",
        },
    )
    api.patch(f"/expense-entries/{entry['id']}", {"unit_price": None}, expect=422)
    api.patch(f"/expense-entries/{entry['id']}", {"task_id": None})  # optional: cleared
    assert api.get(f"/expense-entries/{entry['id']}")["unit_price"] == "10.00"


def test_a_price_list_s_prices_can_be_replaced(api):
    world = make_world(api)
    sales = world.sales_list
    changed = api.patch(
        f"/price-lists/{sales['id']}",
        {"role_prices": [{"role_id": world.role["id"], "price": "300.00"}]},
    )
    assert changed["role_prices"] == [{"role_id": world.role["id"], "price": "300.00"}]
    assert changed["category_prices"] == sales["category_prices"]  # left out: unchanged


def test_re_running_a_processed_date_creates_nothing_even_for_new_work(api, uow_factory):
    world = make_world(api)
    line = world.line(["time"], billing_method="fixed_price", amount="1000.00")
    milestone = api.post(
        f"/contract-lines/{line['id']}/milestones",
        {"name": "Kick-off", "date": "2026-08-01", "amount": "1000.00"},
    )
    first = runs.run_date(uow_factory, dt.date(2026, 8, 10))
    api.action(f"/milestones/{milestone['id']}/ready-to-invoice")
    again = runs.run_date(uow_factory, dt.date(2026, 8, 10))
    assert first.invoices == again.invoices == []
    assert api.get("/invoices")["items"] == []
    assert len(runs.run_date(uow_factory, dt.date(2026, 8, 11)).invoices) == 1


def test_correcting_an_invoice_without_changing_its_quantity_creates_no_cent(api):
    world = make_world(api)
    world.line(["time"])
    api.patch(
        f"/price-lists/{world.sales_list['id']}",
        {"role_prices": [{"role_id": world.role["id"], "price": "10.125"}]},
    )
    world.approved_time("2")
    world.mark_all_ready()
    first = world.invoice()
    detail = first["lines"][0]["details"][0]
    api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "1"})
    api.action(f"/invoices/{first['id']}/confirm")  # bills 10.13; 10.12 remains
    world.mark_all_ready()
    second = world.invoice()
    assert second["total_amount"] == "10.12"
    api.action(f"/invoices/{second['id']}/confirm")
    corrective = api.post(f"/invoices/{second['id']}/correct")
    kept = corrective["lines"][0]["details"][0]
    kept = api.patch(f"/invoice-line-details/{kept['id']}", {"quantity": "1"})
    assert kept["amount"] == "0.00"
    api.action(f"/invoices/{corrective['id']}/confirm")
    billed = api.get("/actuals", transaction_type="billed_sales", limit=500)["items"]
    assert sum(float(a["amount"]) * 100 for a in billed) == pytest.approx(2025)


def test_tax_kept_on_a_zero_quantity_correction_stays_in_the_ledger(api):
    world = make_world(api)
    world.line(["time"])
    world.approved_time("8")
    world.mark_all_ready()
    invoice = world.invoice()
    detail = invoice["lines"][0]["details"][0]
    api.patch(f"/invoice-line-details/{detail['id']}", {"tax": "380.00"})
    api.action(f"/invoices/{invoice['id']}/confirm")
    corrective = api.post(f"/invoices/{invoice['id']}/correct")
    fix = corrective["lines"][0]["details"][0]
    api.patch(f"/invoice-line-details/{fix['id']}", {"tax": "0"})  # credit hours, keep tax
    confirmed = api.action(f"/invoices/{corrective['id']}/confirm")
    assert confirmed["total_tax"] == "0.00" and confirmed["detail_amount"] == "-2000.00"
    billed = api.get("/actuals", transaction_type="billed_sales")["items"]
    assert sum(float(a["tax"]) for a in billed) == pytest.approx(380.0)
    assert sum(float(a["quantity"]) for a in billed) == 0
