"""Confirming: one way, one transaction; each detail becomes a billed sales actual, the
unbilled actual behind it is reversed, and a reduced quantity returns the difference to
the backlog (seed 000, rules.md "Confirming")."""

from decimal import Decimal

import pytest

from billable.billing import confirming
from billable.domain.errors import Conflict
from billable.jobs import handlers
from billable.jobs import records as jobs
from tests.builders import make_world
from tests.scenario.support import (
    all_actuals,
    detail_for,
    problem,
    snapshot,
    totals,
    unbilled_of,
)


def _net(actuals, transaction_type):
    return sum(
        (Decimal(a["quantity"]) for a in actuals if a["transaction_type"] == transaction_type),
        Decimal(0),
    )


def _invoice_with_everything(api):
    world = make_world(api)
    tm = world.line(["time", "expense", "fee"])
    fixed = api.post(
        f"/contracts/{world.contract['id']}/lines",
        {"name": "Fixed", "kind": "project", "billing_method": "fixed_price",
         "project_id": world.project["id"], "transaction_classes": ["material"],
         "amount": "3000.00"},
    )  # fmt: skip
    milestone = api.post(
        f"/contract-lines/{fixed['id']}/milestones",
        {"name": "Handover", "description": "Handover", "date": "2026-08-28",
         "amount": "3000.00", "tax": "300.00", "kind": "fixed"},
    )  # fmt: skip
    api.action(f"/milestones/{milestone['id']}/ready-to-invoice")
    sensors = world.product_line()
    full = world.approved_time("8", date="2026-08-24")
    reduced = world.approved_time("5", date="2026-08-25")
    free = world.approved_time("1", date="2026-08-26")
    travel = world.approved_expense("1", "100.00", date="2026-08-26")
    world.mark_all_ready()
    invoice = world.invoice("2026-08-31")
    entries = {"full": full, "reduced": reduced, "free": free, "travel": travel}
    unbilled = {name: unbilled_of(api, e["id"]) for name, e in entries.items()}
    api.patch(
        f"/invoice-line-details/{detail_for(invoice, actual_id=unbilled['reduced']['id'])['id']}",
        {"quantity": "3"},
    )
    api.patch(
        f"/invoice-line-details/{detail_for(invoice, actual_id=unbilled['full']['id'])['id']}",
        {"tax": "75.00"},
    )
    api.patch(
        f"/invoice-line-details/{detail_for(invoice, actual_id=unbilled['free']['id'])['id']}",
        {"billing_type": "non_chargeable"},
    )
    tm_line = invoice["lines"][0]
    manual = api.post(
        f"/invoice-lines/{tm_line['id']}/details",
        {"transaction_class": "fee", "quantity": "2", "category_id": world.categories["fee"]["id"]},
    )
    invoice = api.get(f"/invoices/{invoice['id']}")
    # 2000 + 750 + (250 non-chargeable) + 110 + 150 + 3000 + 90
    assert totals(invoice) == ("6100.00", "6100.00", "375.00", "6475.00")
    return world, invoice, entries, unbilled, {
        "tm": tm, "fixed": fixed, "sensors": sensors, "milestone": milestone, "manual": manual,
    }  # fmt: skip


def test_confirming_writes_a_billed_actual_per_detail_and_reverses_the_unbilled_ones(api):
    world, invoice, entries, unbilled, other = _invoice_with_everything(api)
    confirmed = api.action(f"/invoices/{invoice['id']}/confirm")
    assert confirmed["project_invoice_status"] == "confirmed"
    assert totals(confirmed) == totals(invoice)

    billed = all_actuals(api, transaction_type="billed_sales")
    by_detail = {d["id"]: d for line in confirmed["lines"] for d in line["details"]}
    assert len(billed) == len(by_detail) == 7
    for actual in billed:
        assert actual["invoice_id"] == invoice["id"]
        assert actual["reverses_actual_id"] is None
        assert actual["currency"] == "USD"
    summary = sorted(
        (a["transaction_class"], a["quantity"], a["price"], a["amount"], a["tax"],
         a["billing_type"], a["source_kind"])
        for a in billed
    )  # fmt: skip
    assert summary == sorted([
        ("time", "8", "250.00", "2000.00", "75.00", "chargeable", "time"),
        ("time", "3", "250.00", "750.00", "0.00", "chargeable", "time"),
        ("time", "1", "250.00", "250.00", "0.00", "non_chargeable", "time"),
        ("expense", "1", "110.00", "110.00", "0.00", "chargeable", "expense"),
        ("fee", "2", "75.00", "150.00", "0.00", "chargeable", "invoice_detail"),
        ("milestone", "1", "3000.00", "3000.00", "300.00", "chargeable", "invoice_detail"),
        ("product", "2", "45.00", "90.00", "0.00", "chargeable", "invoice_detail"),
    ])  # fmt: skip
    lines = {a["transaction_class"]: a["contract_line_id"] for a in billed}
    assert (lines["time"], lines["milestone"], lines["product"]) == (
        other["tm"]["id"],
        other["fixed"]["id"],
        other["sensors"]["id"],
    )
    (milestone_billed,) = [a for a in billed if a["transaction_class"] == "milestone"]
    assert milestone_billed["milestone_id"] == other["milestone"]["id"]

    # Each unbilled actual behind a detail is reversed: same row, negated.
    for name, actual in unbilled.items():
        (reversal,) = [
            a for a in all_actuals(api, source_id=entries[name]["id"])
            if a["reverses_actual_id"] == actual["id"]
        ]  # fmt: skip
        assert reversal["transaction_type"] == "unbilled_sales"
        assert (reversal["quantity"], reversal["amount"]) == (
            f"-{actual['quantity']}",
            f"-{actual['amount']}",
        )
        same = ("transaction_class", "date", "role_id", "resource_id", "price", "contract_line_id")
        assert {k: reversal[k] for k in same} == {k: actual[k] for k in same}
        assert reversal["invoice_id"] == invoice["id"]

    # The reduced detail billed 3 of 5 hours: 2 hours return to the backlog, ready.
    reduced = all_actuals(api, source_id=entries["reduced"]["id"])
    fresh = [
        a for a in reduced
        if a["transaction_type"] == "unbilled_sales" and a["reverses_actual_id"] is None
        and a["id"] != unbilled["reduced"]["id"]
    ]  # fmt: skip
    assert [
        (a["quantity"], a["price"], a["amount"], a["tax"], a["ready_to_invoice"]) for a in fresh
    ] == [("2", "250.00", "500.00", "0.00", True)]
    backlog = api.get("/billing-backlog", contract_id=world.contract["id"])
    assert [a["id"] for a in backlog["actuals"]] == [fresh[0]["id"]]
    assert backlog["milestones"] == []

    # Nothing lost: per entry, net unbilled + net billed = approved.
    for name, approved in (("full", 8), ("reduced", 5), ("free", 1), ("travel", 1)):
        sales = [a for a in all_actuals(api, source_id=entries[name]["id"])
                 if a["source_kind"] != "invoice_detail"]  # fmt: skip
        assert _net(sales, "unbilled_sales") + _net(sales, "billed_sales") == approved, name
    assert _net(all_actuals(api, source_id=entries["reduced"]["id"]), "billed_sales") == 3

    # Sources move on: the milestone and the product line are posted.
    assert api.get(f"/milestones/{other['milestone']['id']}")["status"] == (
        "customer_invoice_posted"
    )
    assert api.get(f"/contract-lines/{other['sensors']['id']}")["product_status"] == (
        "customer_invoice_posted"
    )

    # The remainder is invoiced next time.
    later = world.invoice("2026-09-30")
    assert totals(later) == ("500.00", "500.00", "0.00", "500.00")
    assert later["lines"][0]["invoiced_to_date"] == "3010.00"  # 2000 + 750 + 110 + 150


def test_confirming_twice_is_refused_and_writes_nothing_more(api):
    world, invoice, _, _, _ = _invoice_with_everything(api)
    api.action(f"/invoices/{invoice['id']}/confirm")
    before = snapshot(api, world, invoice["id"])
    body = problem(api, "POST", f"/invoices/{invoice['id']}/confirm", 409)
    assert "confirmed" in body["detail"]
    assert snapshot(api, world, invoice["id"]) == before


def test_a_confirmation_that_fails_part_way_writes_nothing(api, monkeypatch):
    world, invoice, _, _, other = _invoice_with_everything(api)
    before = snapshot(api, world, invoice["id"])

    def write_then_fail(session, ids):
        original(session, ids)  # every billed actual, reversal and remainder is written...
        session.flush()
        raise Conflict("simulated failure after the ledger was written")  # ...then it fails

    original = confirming.confirm_invoices
    monkeypatch.setattr(confirming, "confirm_invoices", write_then_fail)
    problem(api, "POST", f"/invoices/{invoice['id']}/confirm", 409)
    monkeypatch.undo()

    assert snapshot(api, world, invoice["id"]) == before
    assert all_actuals(api, transaction_type="billed_sales") == []
    assert api.get(f"/milestones/{other['milestone']['id']}")["status"] == (
        "customer_invoice_created"
    )
    # And it can still be confirmed for real.
    assert api.action(f"/invoices/{invoice['id']}/confirm")["project_invoice_status"] == (
        "confirmed"
    )
    assert len(all_actuals(api, transaction_type="billed_sales")) == 7


@pytest.mark.parametrize("quantity", ["0", "8"])
def test_a_detail_confirmed_at_zero_or_in_full_leaves_the_right_remainder(api, quantity):
    world = make_world(api)
    world.line(["time"])
    entry = world.approved_time("8", date="2026-08-24")
    world.mark_all_ready()
    invoice = world.invoice("2026-08-31")
    (detail,) = invoice["lines"][0]["details"]
    api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": quantity})
    api.action(f"/invoices/{invoice['id']}/confirm")
    sales = [a for a in all_actuals(api, source_id=entry["id"]) if a["transaction_type"] != "cost"]
    billed = [
        (a["quantity"], a["amount"]) for a in sales if a["transaction_type"] == "billed_sales"
    ]
    remainder = [
        (a["quantity"], a["amount"], a["ready_to_invoice"])
        for a in sales[1:]
        if a["transaction_type"] == "unbilled_sales" and a["reverses_actual_id"] is None
    ]
    if quantity == "0":
        assert billed == [("0", "0.00")]
        assert remainder == [("8", "2000.00", True)]
    else:
        assert billed == [("8", "2000.00")]
        assert remainder == []
    assert _net(sales, "unbilled_sales") + _net(sales, "billed_sales") == 8


def test_billing_more_than_approved_writes_no_remainder_and_the_extra_is_billed(api):
    world = make_world(api)
    world.line(["time"])
    entry = world.approved_time("8", date="2026-08-24")
    world.mark_all_ready()
    invoice = world.invoice("2026-08-31")
    (detail,) = invoice["lines"][0]["details"]
    api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "9.5"})
    confirmed = api.action(f"/invoices/{invoice['id']}/confirm")
    assert totals(confirmed) == ("2375.00", "2375.00", "0.00", "2375.00")
    sales = [a for a in all_actuals(api, source_id=entry["id"]) if a["transaction_type"] != "cost"]
    assert [(a["transaction_type"], a["quantity"], a["amount"]) for a in sales] == [
        ("unbilled_sales", "8", "2000.00"),
        ("billed_sales", "9.5", "2375.00"),
        ("unbilled_sales", "-8", "-2000.00"),
    ]
    # 8 approved + 1.5 deliberately billed above it.
    assert _net(sales, "unbilled_sales") + _net(sales, "billed_sales") == Decimal("9.5")
    assert api.get("/billing-backlog", contract_id=world.contract["id"])["actuals"] == []


def test_a_partly_billed_expense_leaves_the_exact_difference_to_the_cent(api):
    world = make_world(api)
    world.line(["expense"])
    entry = world.approved_expense("3", "33.33", date="2026-08-24")
    world.mark_all_ready()
    invoice = world.invoice("2026-08-31")
    (detail,) = invoice["lines"][0]["details"]
    assert (detail["price"], detail["amount"]) == ("36.663", "109.99")
    edited = api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "1.5"})
    assert edited["amount"] == "54.99"  # 1.5 x 36.663 = 54.9945
    api.action(f"/invoices/{invoice['id']}/confirm")
    (remainder,) = api.get("/billing-backlog", contract_id=world.contract["id"])["actuals"]
    # 109.99 - 54.99, not round(1.5 x 36.663) = 54.99: nothing is lost.
    assert (remainder["quantity"], remainder["amount"], remainder["ready_to_invoice"]) == (
        "1.5",
        "55.00",
        True,
    )
    later = world.invoice("2026-09-30")
    assert later["lines"][0]["details"][0]["amount"] == "55.00"
    assert later["lines"][0]["invoiced_to_date"] == "54.99"
    api.action(f"/invoices/{later['id']}/confirm")
    billed = [a["amount"] for a in all_actuals(api, source_id=entry["id"],
                                               transaction_type="billed_sales")]  # fmt: skip
    assert billed == ["54.99", "55.00"]


def test_confirming_an_invoice_with_no_details_is_refused_and_writes_nothing(api):
    world = make_world(api)
    world.line(["time"])
    invoice = world.invoice("2026-08-31")  # nothing ready: a draft with nothing on it
    assert [d for line in invoice["lines"] for d in line["details"]] == []
    before = snapshot(api, world, invoice["id"])
    body = problem(api, "POST", f"/invoices/{invoice['id']}/confirm", 409)
    assert body["detail"] == (
        f"invoice {invoice['number']} has no details: there is nothing to confirm; "
        "delete it instead"
    )
    assert snapshot(api, world, invoice["id"]) == before
    assert api.get(f"/invoices/{invoice['id']}")["project_invoice_status"] == "draft"


def test_bulk_confirmation_skips_and_lists_an_empty_invoice_and_confirms_the_rest(api, uow_factory):
    world = make_world(api)
    world.line(["time"])
    empty = world.invoice("2026-08-31")
    world.approved_time("8", date="2026-08-24")
    world.mark_all_ready()
    full = world.invoice("2026-08-31")
    ids = [int(empty["id"]), int(full["id"])]
    job_id = jobs.enqueue(uow_factory(), "bulk_confirm", {"invoice_ids": ids}, None, len(ids))
    handlers.execute(uow_factory, job_id)
    job = api.get(f"/jobs/{job_id}")
    assert job["status"] == "succeeded", job
    assert job["result"] == {
        "confirmed": 1,
        "skipped": {
            empty["id"]: f"{empty['number']} has no details: there is nothing to confirm; "
            "delete it instead"
        },
    }
    assert api.get(f"/invoices/{full['id']}")["project_invoice_status"] == "confirmed"
    assert api.get(f"/invoices/{empty['id']}")["project_invoice_status"] == "draft"
    assert api.get("/invoice-proposals", invoice_id=empty["id"])["items"] == []
    # It reports an invoice left unconfirmed: a failure, so the notification is an error.
    [note] = [n for n in api.get("/notifications")["items"] if n["job_id"] == str(job_id)]
    assert (note["level"], note["title"]) == ("error", "Invoices confirmed")


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


def test_one_bulk_confirmation_of_a_corrective_and_an_ordinary_draft_writes_both(api, uow_factory):
    # The two kinds of detail are written by two statements over the same set of
    # invoices: a set holding corrections must still bill the actuals beside them.
    world = make_world(api)
    world.line(["time"])
    first = world.approved_time("8", date="2026-08-20")
    world.mark_all_ready()
    original = api.action(f"/invoices/{world.invoice('2026-08-31')['id']}/confirm")
    corrective = api.post(f"/invoices/{original['id']}/correct", {"invoice_date": "2026-09-15"})
    second = world.approved_time("4", date="2026-08-21")
    world.mark_all_ready()
    ordinary = world.invoice("2026-09-15")
    ids = [int(corrective["id"]), int(ordinary["id"])]
    job_id = jobs.enqueue(uow_factory(), "bulk_confirm", {"invoice_ids": ids}, None, len(ids))
    handlers.execute(uow_factory, job_id)
    assert api.get(f"/jobs/{job_id}")["result"] == {"confirmed": 2}
    billed = {
        entry["id"]: _net(
            [a for a in all_actuals(api, source_id=entry["id"]) if a["source_kind"] == "time"],
            "billed_sales",
        )
        for entry in (first, second)
    }
    # The correction credited all 8 hours; the ordinary draft billed its 4.
    assert billed == {first["id"]: Decimal(0), second["id"]: Decimal(4)}
