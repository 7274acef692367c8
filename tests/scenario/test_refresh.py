"""Refreshing a draft: actuals that came in after the invoice was created join it when they
are ready and dated on or before the invoice date (seed 001, rules.md "Billing backlog")."""

from tests.builders import make_world
from tests.scenario.support import (
    all_actuals,
    detail_for,
    line_totals,
    problem,
    ready,
    snapshot,
    totals,
    unbilled_of,
)


def test_refresh_pulls_only_ready_actuals_dated_on_or_before_the_invoice_date(api):
    world = make_world(api)
    world.line(["time", "expense"])
    first = world.approved_time("8", date="2026-08-24")
    world.mark_all_ready()
    invoice = world.invoice("2026-08-31")
    assert totals(invoice) == ("2000.00", "2000.00", "0.00", "2000.00")

    # New actuals arrive after the invoice was created.
    past_ready = unbilled_of(api, world.approved_time("3", date="2026-08-28")["id"])
    on_the_day = unbilled_of(api, world.approved_expense("2", "40.00", date="2026-08-31")["id"])
    future_ready = unbilled_of(api, world.approved_time("5", date="2026-09-01")["id"])
    not_ready = unbilled_of(api, world.approved_time("6", date="2026-08-29")["id"])
    ready(api, past_ready["id"], on_the_day["id"], future_ready["id"])
    assert api.get(f"/invoices/{invoice['id']}") == invoice  # nothing joins by itself

    refreshed = api.action(f"/invoices/{invoice['id']}/refresh")

    (line,) = refreshed["lines"]
    assert [(d["actual_id"], d["quantity"], d["amount"]) for d in line["details"]] == [
        (unbilled_of(api, first["id"])["id"], "8", "2000.00"),
        (past_ready["id"], "3", "750.00"),
        (on_the_day["id"], "2", "88.00"),  # 40.00 + 10% markup = 44.00 each
    ]
    assert line_totals(line) == ("2838.00", "0.00", "2838.00")
    assert totals(refreshed) == ("2838.00", "2838.00", "0.00", "2838.00")
    assert detail_for(refreshed, actual_id=past_ready["id"])["date"] == "2026-08-28"

    backlog = api.get("/billing-backlog", contract_id=world.contract["id"])
    assert [(a["id"], a["ready_to_invoice"]) for a in backlog["actuals"]] == [
        (not_ready["id"], False),
        (future_ready["id"], True),
    ]
    assert api.get(f"/actuals/{past_ready['id']}")["invoice_id"] == invoice["id"]
    assert api.get(f"/actuals/{future_ready['id']}")["invoice_id"] is None

    # Refreshing again adds nothing: an actual is on an invoice once.
    assert api.action(f"/invoices/{invoice['id']}/refresh") == refreshed


def test_refresh_does_not_take_actuals_that_another_open_invoice_holds(api):
    world = make_world(api)
    world.line(["time"])
    world.approved_time("8", date="2026-08-24")
    world.mark_all_ready()
    first = world.invoice("2026-08-31")
    late = unbilled_of(api, world.approved_time("2", date="2026-08-25")["id"])
    ready(api, late["id"])
    second = world.invoice("2026-08-31")
    assert [d["actual_id"] for d in second["lines"][0]["details"]] == [late["id"]]

    assert api.action(f"/invoices/{first['id']}/refresh") == first
    assert (first["number"], second["number"]) == ("INV-000001", "INV-000002")


def test_refresh_pulls_a_milestone_made_ready_after_the_invoice_was_created(api):
    world = make_world(api)
    fixed = world.line(["material"], billing_method="fixed_price", amount="6000.00")
    milestone = api.post(
        f"/contract-lines/{fixed['id']}/milestones",
        {
            "name": "Design",
            "description": "Design signed off",
            "date": "2026-09-15",
            "amount": "6000.00",
            "tax": "600.00",
            "kind": "fixed",
        },
    )
    invoice = world.invoice("2026-08-31")
    assert totals(invoice) == ("0.00", "0.00", "0.00", "0.00")

    api.action(f"/milestones/{milestone['id']}/ready-to-invoice")
    refreshed = api.action(f"/invoices/{invoice['id']}/refresh")
    detail = detail_for(refreshed, milestone_id=milestone["id"])
    # A milestone is taken when ready, whatever its date (docs/decisions.md).
    assert (detail["date"], detail["amount"], detail["tax"], detail["extended_amount"]) == (
        "2026-09-15",
        "6000.00",
        "600.00",
        "6600.00",
    )
    assert totals(refreshed) == ("6000.00", "6000.00", "600.00", "6600.00")
    assert api.get(f"/milestones/{milestone['id']}")["status"] == "customer_invoice_created"


def test_refreshing_a_confirmed_invoice_is_refused_and_changes_nothing(api):
    world = make_world(api)
    world.line(["time"])
    world.approved_time("8", date="2026-08-24")
    world.mark_all_ready()
    invoice = world.invoice("2026-08-31")
    api.action(f"/invoices/{invoice['id']}/confirm")
    late = unbilled_of(api, world.approved_time("2", date="2026-08-25")["id"])
    ready(api, late["id"])
    before = snapshot(api, world, invoice["id"])

    body = problem(api, "POST", f"/invoices/{invoice['id']}/refresh", 409)
    assert "confirmed" in body["detail"]

    assert snapshot(api, world, invoice["id"]) == before
    assert api.get(f"/actuals/{late['id']}")["invoice_id"] is None
    assert len(all_actuals(api, transaction_type="billed_sales")) == 1
