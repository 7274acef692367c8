"""Defects found in review, each pinned by the story that showed it."""

from __future__ import annotations

import datetime as dt

import pytest

from billable.runs import invoice_runs as runs
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


def test_describing_a_corrective_detail_keeps_the_tax_typed_on_it(api):
    world = make_world(api)
    world.line(["time"])
    world.approved_time("8")
    world.mark_all_ready()
    invoice = world.invoice()
    api.action(f"/invoices/{invoice['id']}/confirm")
    corrective = api.post(f"/invoices/{invoice['id']}/correct")
    fix = corrective["lines"][0]["details"][0]
    api.patch(f"/invoice-line-details/{fix['id']}", {"quantity": "6", "tax": "-12.34"})
    described = api.patch(f"/invoice-line-details/{fix['id']}", {"description": "Two hours off"})
    assert described["tax"] == "-12.34"
    assert described["description"] == "Two hours off"
    requantified = api.patch(f"/invoice-line-details/{fix['id']}", {"quantity": "7"})
    assert requantified["tax"] == "0.00"  # a new quantity recomputes it (no tax set up)


def test_an_amount_beyond_the_largest_is_refused_at_approval_and_nothing_is_written(api):
    world = make_world(api)
    world.line(["time"])
    api.patch(
        f"/price-lists/{world.sales_list['id']}",
        {"role_prices": [{"role_id": world.role["id"], "price": "999999999999"}]},
    )
    entry = api.post(
        "/time-entries",
        {
            "resource_id": world.resource["id"],
            "project_id": world.project["id"],
            "date": "2026-08-27",
            "quantity": "999999999",
            "status": "submitted",
        },
    )
    refused = problem(api, "POST", f"/time-entries/{entry['id']}/approve", 422)
    assert refused["errors"][0]["field"] == "quantity"
    assert api.get(f"/time-entries/{entry['id']}")["status"] == "submitted"
    assert api.get("/actuals")["items"] == []


def test_a_cursor_out_of_range_is_refused(api):
    import base64

    cursor = base64.urlsafe_b64encode(b"99999999999999999999999").decode()
    refused = problem(api, "GET", "/actuals", 422, cursor=cursor)
    assert refused["errors"][0]["field"] == "cursor"


def test_a_schedule_near_the_end_of_the_calendar_is_shown_to_its_end(api):
    world = make_world(api)
    line = world.line(
        ["time"], invoice_schedule={"frequency": "weekly", "start_date": "9999-12-25"}
    )
    assert line["run_dates"] == ["9999-12-25"]
    assert len(api.get(f"/contracts/{world.contract['id']}/lines")["items"]) == 1


def test_milestone_amounts_finer_than_the_currency_are_refused(api):
    world = make_world(api)
    line = world.line(["time"], billing_method="fixed_price", amount="1000.00")
    refused = problem(
        api,
        "POST",
        f"/contract-lines/{line['id']}/milestones",
        422,
        json={"name": "Dust", "date": "2026-08-01", "amount": "0.004"},
    )
    assert refused["errors"][0]["field"] == "amount"
    progress = api.post(
        f"/contract-lines/{line['id']}/milestones",
        {"name": "Build", "date": "2026-08-01", "amount": "1000.00", "kind": "progress"},
    )
    problem(
        api,
        "POST",
        f"/milestones/{progress['id']}/ready-to-invoice",
        422,
        json={"amount": "333.3333"},
    )
    assert api.get(f"/milestones/{progress['id']}")["status"] == "not_ready"


def test_a_fixed_price_line_amount_cannot_drop_below_its_milestones(api):
    world = make_world(api)
    line = world.line(["time"], billing_method="fixed_price", amount="1000.00")
    api.post(
        f"/contract-lines/{line['id']}/milestones",
        {"name": "All", "date": "2026-08-01", "amount": "1000.00"},
    )
    for amount in ("100.00", None, "-5.00"):
        problem(api, "PATCH", f"/contract-lines/{line['id']}", 422, json={"amount": amount})
    assert api.get(f"/contract-lines/{line['id']}")["amount"] == "1000.00"


def test_a_run_date_in_the_future_is_refused(api):
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    refused = problem(api, "POST", "/invoice-runs", 422, json={"run_date": future})
    assert refused["errors"][0]["field"] == "run_date"
    assert api.get("/invoice-runs")["items"] == []


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/invoices", {"project_invoice_status": "bogus"}),
        ("/actuals", {"transaction_type": "bogus"}),
        ("/time-entries", {"status": "bogus"}),
    ],
)
def test_an_unknown_filter_value_is_refused_not_answered_with_nothing(api, path, params):
    refused = api.get(path, expect=422, **params)  # ("status" would clash with problem())
    assert refused["errors"][0]["field"] == next(iter(params))


def test_bulk_creation_reads_ids_as_every_other_route_does(api):
    world = make_world(api)
    api.post("/invoices/bulk", {"contract_ids": ["0" + world.contract["id"]]}, expect=202)


def test_a_tax_typed_on_a_partly_billed_detail_does_not_return_to_the_backlog_negated(api):
    world = make_world(api)
    world.line(["time"])
    entry = world.approved_time("8")
    world.mark_all_ready()
    invoice = world.invoice()
    detail = invoice["lines"][0]["details"][0]
    api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "6", "tax": "75.00"})
    api.action(f"/invoices/{invoice['id']}/confirm")
    unbilled = api.get("/actuals", source_id=entry["id"], transaction_type="unbilled_sales")
    remainder = unbilled["items"][-1]
    assert (remainder["quantity"], remainder["amount"], remainder["tax"]) == ("2", "500.00", "0.00")
    billed = api.get("/actuals", source_id=entry["id"], transaction_type="billed_sales")
    assert [(a["quantity"], a["tax"]) for a in billed["items"]] == [("6", "75.00")]
