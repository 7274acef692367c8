"""Fixed-price lines billed by milestones: the milestone's billing status follows its
invoice detail, progress milestones bill in parts (seed 001, rules.md "Billing backlog")."""

from tests.builders import make_world
from tests.scenario.support import (
    all_actuals,
    detail_for,
    line_totals,
    problem,
    ready,
    snapshot,
    totals,
)


def _fixed_price(api):
    world = make_world(api)
    line = world.line(["material"], billing_method="fixed_price", amount="15000.00")
    design = api.post(
        f"/contract-lines/{line['id']}/milestones",
        {
            "name": "Design",
            "description": "Design approved",
            "date": "2026-08-15",
            "amount": "5000.00",
            "tax": "500.00",
            "kind": "fixed",
        },
    )
    build = api.post(
        f"/contract-lines/{line['id']}/milestones",
        {
            "name": "Build",
            "description": "Build",
            "date": "2026-09-30",
            "amount": "10000.00",
            "tax": "1000.00",
            "kind": "progress",
        },
    )
    return world, line, design, build


def _status(api, milestone):
    return api.get(f"/milestones/{milestone['id']}")["status"]


def test_a_fixed_milestone_goes_ready_invoiced_back_to_ready_on_delete_then_posted(api):
    world, line, design, _ = _fixed_price(api)
    assert (design["status"], design["ready_amount"], design["remaining_amount"]) == (
        "not_ready",
        "0.00",
        "5000.00",
    )
    backlog = api.get("/billing-backlog", contract_id=world.contract["id"])
    assert [(m["name"], m["status"]) for m in backlog["milestones"]] == [
        ("Design", "not_ready"),
        ("Build", "not_ready"),
    ]

    # Not ready: an invoice leaves it alone.
    invoice = world.invoice("2026-08-31")
    assert invoice["lines"][0]["details"] == []
    assert _status(api, design) == "not_ready"

    # Ready through the backlog, and back again, and ready through its own action.
    ready(api, milestone_ids=(design["id"],))
    assert _status(api, design) == "ready_to_invoice"
    api.action(
        "/billing-backlog/not-ready", {"actual_ids": [], "milestone_ids": [design["id"]]}, 204
    )
    assert _status(api, design) == "not_ready"
    shown = api.action(f"/milestones/{design['id']}/ready-to-invoice")
    assert (shown["status"], shown["ready_amount"]) == ("ready_to_invoice", "5000.00")

    invoice = api.action(f"/invoices/{invoice['id']}/refresh")
    detail = detail_for(invoice, milestone_id=design["id"])
    assert (detail["amount"], detail["tax"], detail["extended_amount"]) == (
        "5000.00",
        "500.00",
        "5500.00",
    )
    assert _status(api, design) == "customer_invoice_created"
    backlog = api.get("/billing-backlog", contract_id=world.contract["id"])
    assert [m["name"] for m in backlog["milestones"]] == ["Build"]
    # While on an invoice it can be made neither ready nor not ready.
    problem(api, "POST", "/billing-backlog/not-ready", 409,
            json={"milestone_ids": [design["id"]]})  # fmt: skip

    # Deleting the detail returns the milestone to the backlog, still ready.
    api.delete(f"/invoice-line-details/{detail['id']}")
    assert _status(api, design) == "ready_to_invoice"
    invoice = api.get(f"/invoices/{invoice['id']}")
    assert totals(invoice) == ("0.00", "0.00", "0.00", "0.00")
    backlog = api.get("/billing-backlog", contract_id=world.contract["id"])
    assert [(m["name"], m["status"]) for m in backlog["milestones"]] == [
        ("Design", "ready_to_invoice"),
        ("Build", "not_ready"),
    ]

    invoice = api.action(f"/invoices/{invoice['id']}/refresh")
    assert totals(invoice) == ("5000.00", "5000.00", "500.00", "5500.00")
    assert _status(api, design) == "customer_invoice_created"

    confirmed = api.action(f"/invoices/{invoice['id']}/confirm")
    assert confirmed["project_invoice_status"] == "confirmed"
    milestone = api.get(f"/milestones/{design['id']}")
    assert (milestone["status"], milestone["invoiced_amount"], milestone["remaining_amount"]) == (
        "customer_invoice_posted",
        "5000.00",
        "0.00",
    )
    billed = all_actuals(api, transaction_type="billed_sales")
    assert [(a["milestone_id"], a["transaction_class"], a["quantity"], a["amount"], a["tax"])
            for a in billed] == [(design["id"], "milestone", "1", "5000.00", "500.00")]  # fmt: skip
    assert billed[0]["contract_line_id"] == line["id"]
    assert billed[0]["invoice_id"] == invoice["id"]


def test_a_posted_fixed_milestone_cannot_be_made_ready_again(api):
    world, _, design, _ = _fixed_price(api)
    api.action(f"/milestones/{design['id']}/ready-to-invoice")
    invoice = world.invoice("2026-08-31")
    api.action(f"/invoices/{invoice['id']}/confirm")
    before = snapshot(api, world, invoice["id"])

    problem(api, "POST", f"/milestones/{design['id']}/ready-to-invoice", 409)
    problem(api, "POST", "/billing-backlog/ready-to-invoice", 409,
            json={"milestone_ids": [design["id"]]})  # fmt: skip

    assert snapshot(api, world, invoice["id"]) == before
    later = world.invoice("2026-09-30")
    assert later["lines"][0]["details"] == []


def test_a_progress_milestone_is_billed_in_two_parts_and_invoiced_to_date_follows(api):
    world, line, design, build = _fixed_price(api)
    # A progress milestone needs the part to bill, at most what remains.
    assert (
        "amount"
        in problem(api, "POST", f"/milestones/{build['id']}/ready-to-invoice", 422)["detail"]
    )
    problem(api, "POST", f"/milestones/{build['id']}/ready-to-invoice", 422,
            json={"amount": "10000.01"})  # fmt: skip
    problem(api, "POST", "/billing-backlog/ready-to-invoice", 422,
            json={"milestone_ids": [build["id"]]})  # fmt: skip
    assert _status(api, build) == "not_ready"

    api.action(f"/milestones/{design['id']}/ready-to-invoice")
    part = api.action(f"/milestones/{build['id']}/ready-to-invoice", {"amount": "4000.00"})
    assert (part["status"], part["ready_amount"], part["remaining_amount"]) == (
        "ready_to_invoice",
        "4000.00",
        "10000.00",
    )
    first = world.invoice("2026-08-31")
    (first_line,) = first["lines"]
    detail = detail_for(first, milestone_id=build["id"])
    assert (detail["price"], detail["amount"], detail["tax"], detail["extended_amount"]) == (
        "4000.00",
        "4000.00",
        "400.00",
        "4400.00",
    )
    # Seed 001: the detail shows the milestone's billing status.
    assert detail["milestone_progress"] == {
        "milestone_amount": "10000.00",
        "amount_on_this_invoice": "4000.00",
        "invoiced_to_date": "0.00",
        "remaining_amount": "6000.00",
    }
    assert detail_for(first, milestone_id=design["id"])["milestone_progress"] is None
    assert (first_line["contract_line_amount"], first_line["invoiced_to_date"]) == (
        "15000.00",
        "0.00",
    )
    assert line_totals(first_line) == ("9000.00", "900.00", "9900.00")
    api.action(f"/invoices/{first['id']}/confirm")

    after_first = api.get(f"/milestones/{build['id']}")
    assert (
        after_first["status"],
        after_first["ready_amount"],
        after_first["invoiced_amount"],
        after_first["remaining_amount"],
    ) == ("customer_invoice_posted", "0.00", "4000.00", "6000.00")

    # The remainder stays in the backlog until it is billed.
    backlog = api.get("/billing-backlog", contract_id=world.contract["id"])["milestones"]
    assert [(m["name"], m["status"], m["remaining_amount"]) for m in backlog] == [
        ("Build", "customer_invoice_posted", "6000.00"),
    ]

    # The remainder: a later invoice, whose line shows what confirmed invoices billed.
    problem(api, "POST", f"/milestones/{build['id']}/ready-to-invoice", 422,
            json={"amount": "6000.01"})  # fmt: skip
    api.action(f"/milestones/{build['id']}/ready-to-invoice", {"amount": "6000.00"})
    second = world.invoice("2026-09-30")
    (second_line,) = second["lines"]
    assert second_line["invoiced_to_date"] == "9000.00"
    assert line_totals(second_line) == ("6000.00", "600.00", "6600.00")
    remainder = detail_for(second, milestone_id=build["id"])
    assert remainder["milestone_progress"] == {
        "milestone_amount": "10000.00",
        "amount_on_this_invoice": "6000.00",
        "invoiced_to_date": "4000.00",
        "remaining_amount": "0.00",
    }
    shown = api.get(f"/invoice-line-details/{remainder['id']}")
    assert shown["milestone_progress"] == remainder["milestone_progress"]
    # A draft counts for no one's invoiced to date.
    assert api.get(f"/invoices/{first['id']}")["lines"][0]["invoiced_to_date"] == "0.00"

    api.action(f"/invoices/{second['id']}/confirm")
    done = api.get(f"/milestones/{build['id']}")
    assert (done["status"], done["invoiced_amount"], done["remaining_amount"]) == (
        "customer_invoice_posted",
        "10000.00",
        "0.00",
    )
    problem(api, "POST", f"/milestones/{build['id']}/ready-to-invoice", 422,
            json={"amount": "1.00"})  # fmt: skip
    assert api.get("/billing-backlog", contract_id=world.contract["id"])["milestones"] == []

    # Invoiced to date excludes the invoice itself and counts every other confirmed one.
    third = world.invoice("2026-10-31")
    assert third["lines"][0]["invoiced_to_date"] == "15000.00"
    assert api.get(f"/invoices/{second['id']}")["lines"][0]["invoiced_to_date"] == "9000.00"
    assert api.get(f"/invoices/{first['id']}")["lines"][0]["invoiced_to_date"] == "6000.00"
    assert line["id"] == third["lines"][0]["contract_line_id"]


def test_milestones_may_not_add_up_to_more_than_the_line_amount(api):
    world, line, _, _ = _fixed_price(api)
    body = problem(api, "POST", f"/contract-lines/{line['id']}/milestones", 422, json={
        "name": "Extra", "date": "2026-10-01", "amount": "0.01", "kind": "fixed",
    })  # fmt: skip
    assert [e["field"] for e in body["errors"]] == ["amount"]
    assert len(api.get(f"/contract-lines/{line['id']}/milestones")["items"]) == 2
    tm = world.line(["time"])
    problem(api, "POST", f"/contract-lines/{tm['id']}/milestones", 422, json={
        "name": "Extra", "date": "2026-10-01", "amount": "10.00", "kind": "fixed",
    })  # fmt: skip


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
