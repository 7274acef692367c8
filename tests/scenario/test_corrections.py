"""Correcting confirmed invoices: a corrective draft credits or charges the difference;
confirming it reverses the billed actual and writes the new one (seed 000, rules.md
"Correcting a confirmed invoice")."""

from decimal import Decimal

import pytest

from tests.builders import make_world
from tests.scenario.support import (
    all_actuals,
    detail_for,
    fields_of,
    ledger,
    problem,
    ready,
    snapshot,
    totals,
    unbilled_of,
)


def _billed(api, *hours, expense=None):
    """A confirmed invoice for time entries of ``hours`` (and an expense)."""
    world = make_world(api)
    world.line(["time", "expense"])
    entries = [world.approved_time(h, date=f"2026-08-{20 + i:02d}") for i, h in enumerate(hours)]
    if expense:
        entries.append(world.approved_expense("1", expense, date="2026-08-28"))
    world.mark_all_ready()
    invoice = world.invoice("2026-08-31")
    confirmed = api.action(f"/invoices/{invoice['id']}/confirm")
    return world, confirmed, entries


def _billed_actual(api, entry, invoice):
    (actual,) = [
        a
        for a in all_actuals(api, source_id=entry["id"], transaction_type="billed_sales")
        if a["invoice_id"] == invoice["id"] and a["reverses_actual_id"] is None
    ]
    return actual


def _net_quantity(api, entry):
    sales = [
        a
        for a in all_actuals(api, source_id=entry["id"])
        if a["transaction_type"] != "cost" and a["source_kind"] != "invoice_detail"
    ]
    return {
        kind: sum((Decimal(a["quantity"]) for a in sales if a["transaction_type"] == kind),
                  Decimal(0))
        for kind in ("unbilled_sales", "billed_sales")
    }  # fmt: skip


def test_the_seed_example_eight_hours_billed_corrected_to_six(api):
    world, invoice, (entry,) = _billed(api, "8")
    billed = _billed_actual(api, entry, invoice)

    corrective = api.post(f"/invoices/{invoice['id']}/correct", {"invoice_date": "2026-09-15"})
    assert {k: corrective[k] for k in (
        "number", "name", "corrects_invoice_id", "project_invoice_status", "status",
        "invoice_date", "contract_id", "customer_id", "currency", "bill_to",
    )} == {
        "number": "INV-000002",
        "name": invoice["name"],
        "corrects_invoice_id": invoice["id"],
        "project_invoice_status": "draft",
        "status": "active",
        "invoice_date": "2026-09-15",
        "contract_id": invoice["contract_id"],
        "customer_id": invoice["customer_id"],
        "currency": "USD",
        "bill_to": invoice["bill_to"],
    }  # fmt: skip
    (line,) = corrective["lines"]
    (detail,) = line["details"]
    assert {k: detail[k] for k in (
        "backed_by", "original_billed_actual_id", "transaction_class", "quantity",
        "original_quantity", "price", "amount", "tax", "extended_amount", "billing_type",
        "date", "role_id", "resource_id",
    )} == {
        "backed_by": "correction",
        "original_billed_actual_id": billed["id"],
        "transaction_class": "time",
        "quantity": "0",
        "original_quantity": "8",
        "price": "250.00",
        "amount": "-2000.00",  # everything reversed until told otherwise
        "tax": "0.00",
        "extended_amount": "-2000.00",
        "billing_type": "chargeable",
        "date": "2026-08-20",
        "role_id": world.role["id"],
        "resource_id": world.resource["id"],
    }  # fmt: skip
    assert totals(corrective) == ("-2000.00", "-2000.00", "0.00", "-2000.00")
    assert line["invoiced_to_date"] == "2000.00"
    assert [i["id"] for i in api.get("/invoices", corrects_invoice_id=invoice["id"])["items"]] == [
        corrective["id"]
    ]

    edited = api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "6"})
    assert (edited["quantity"], edited["original_quantity"], edited["amount"]) == (
        "6",
        "8",
        "-500.00",
    )
    problem(api, "PATCH", f"/invoice-line-details/{detail['id']}", 422, json={"price": "1.00"})
    confirmed = api.action(f"/invoices/{corrective['id']}/confirm")
    assert totals(confirmed) == ("-500.00", "-500.00", "0.00", "-500.00")

    assert ledger(api, entry["id"]) == [
        ("unbilled_sales", "8", "2000.00", "chargeable", False),
        ("billed_sales", "8", "2000.00", "chargeable", False),
        ("unbilled_sales", "-8", "-2000.00", "chargeable", True),
        ("billed_sales", "-8", "-2000.00", "chargeable", True),
        ("billed_sales", "6", "1500.00", "chargeable", False),
        ("unbilled_sales", "2", "500.00", "chargeable", False),
    ]
    actuals = all_actuals(api, source_id=entry["id"])
    reversal = actuals[-3]
    assert (reversal["reverses_actual_id"], reversal["invoice_id"]) == (
        billed["id"],
        corrective["id"],
    )
    assert actuals[-2]["invoice_id"] == corrective["id"]
    assert _net_quantity(api, entry) == {
        "unbilled_sales": Decimal(2), "billed_sales": Decimal(6),
    }  # fmt: skip

    # The two hours wait in the backlog, not ready: billing them again is a decision.
    (remainder,) = api.get("/billing-backlog", contract_id=world.contract["id"])["actuals"]
    assert (remainder["quantity"], remainder["amount"], remainder["ready_to_invoice"]) == (
        "2",
        "500.00",
        False,
    )
    assert world.invoice("2026-09-30")["total_amount"] == "0.00"
    api.patch(f"/actuals/{remainder['id']}", {"billing_type": "non_chargeable"})
    ready(api, remainder["id"])
    later = world.invoice("2026-09-30")
    assert later["lines"][0]["invoiced_to_date"] == "1500.00"  # 2000 - 2000 + 1500
    assert totals(later) == ("0.00", "0.00", "0.00", "0.00")
    assert later["lines"][0]["details"][0]["billing_type"] == "non_chargeable"


def test_a_correction_can_bill_more_than_the_original(api):
    world, invoice, (entry,) = _billed(api, "8")
    corrective = api.post(f"/invoices/{invoice['id']}/correct")
    (detail,) = corrective["lines"][0]["details"]
    api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "10"})
    confirmed = api.action(f"/invoices/{corrective['id']}/confirm")
    assert totals(confirmed) == ("500.00", "500.00", "0.00", "500.00")
    assert ledger(api, entry["id"])[3:] == [
        ("billed_sales", "-8", "-2000.00", "chargeable", True),
        ("billed_sales", "10", "2500.00", "chargeable", False),
    ]
    # 8 approved, 2 deliberately billed above: nothing goes back to the backlog.
    assert _net_quantity(api, entry) == {
        "unbilled_sales": Decimal(0), "billed_sales": Decimal(10),
    }  # fmt: skip
    assert api.get("/billing-backlog", contract_id=world.contract["id"])["actuals"] == []


def test_details_that_need_no_correction_are_deleted_and_their_billed_actuals_stay(api):
    _world, invoice, (long_day, short_day, travel) = _billed(api, "8", "4", expense="100.00")
    assert invoice["total_amount"] == "3110.00"
    untouched = [_billed_actual(api, e, invoice) for e in (short_day, travel)]
    corrective = api.post(f"/invoices/{invoice['id']}/correct")
    assert totals(corrective) == ("-3110.00", "-3110.00", "0.00", "-3110.00")
    for actual in untouched:
        api.delete(f"/invoice-line-details/{detail_for_billed(corrective, actual)['id']}")
    corrective = api.get(f"/invoices/{corrective['id']}")
    (remaining,) = corrective["lines"][0]["details"]
    api.patch(f"/invoice-line-details/{remaining['id']}", {"quantity": "7"})
    confirmed = api.action(f"/invoices/{corrective['id']}/confirm")
    assert totals(confirmed) == ("-250.00", "-250.00", "0.00", "-250.00")

    reversed_ids = {a["reverses_actual_id"] for a in all_actuals(api) if a["reverses_actual_id"]}
    assert _billed_actual(api, long_day, invoice)["id"] in reversed_ids
    assert not {a["id"] for a in untouched} & reversed_ids
    assert [ledger(api, e["id"]) for e in (short_day, travel)] == [
        [("unbilled_sales", "4", "1000.00", "chargeable", False),
         ("billed_sales", "4", "1000.00", "chargeable", False),
         ("unbilled_sales", "-4", "-1000.00", "chargeable", True)],
        [("unbilled_sales", "1", "110.00", "chargeable", False),
         ("billed_sales", "1", "110.00", "chargeable", False),
         ("unbilled_sales", "-1", "-110.00", "chargeable", True)],
    ]  # fmt: skip
    # Deleting a corrective detail is not a correction: the original is still in force, so
    # correcting the original again can pick those transactions up.
    again = api.post(f"/invoices/{invoice['id']}/correct")
    assert sorted(d["original_quantity"] for d in again["lines"][0]["details"]) == [
        "1", "4", "7",
    ]  # fmt: skip


def detail_for_billed(invoice, actual):
    (detail,) = [
        d for line in invoice["lines"] for d in line["details"]
        if d["original_billed_actual_id"] == actual["id"]
    ]  # fmt: skip
    return detail


def test_a_chain_of_corrections_always_refers_to_the_latest_billed_actuals(api):
    world, invoice, (entry,) = _billed(api, "8")
    first = api.post(f"/invoices/{invoice['id']}/correct")
    api.patch(f"/invoice-line-details/{first['lines'][0]['details'][0]['id']}", {"quantity": "6"})
    first = api.action(f"/invoices/{first['id']}/confirm")
    six = _billed_actual(api, entry, first)
    assert six["quantity"] == "6"

    # Correcting the corrective invoice: it carries the six hours now in force.
    second = api.post(f"/invoices/{first['id']}/correct")
    assert second["corrects_invoice_id"] == first["id"]
    (detail,) = second["lines"][0]["details"]
    assert (detail["original_billed_actual_id"], detail["original_quantity"], detail["amount"]) == (
        six["id"],
        "6",
        "-1500.00",
    )
    # While it is a draft, the same transactions cannot be corrected again, from either end.
    before = snapshot(api, world, invoice["id"], first["id"], second["id"])
    body = problem(api, "POST", f"/invoices/{invoice['id']}/correct", 409)
    assert second["id"] in body["detail"]
    problem(api, "POST", f"/invoices/{first['id']}/correct", 409)
    problem(api, "POST", f"/invoices/{second['id']}/correct", 409)  # a draft
    assert snapshot(api, world, invoice["id"], first["id"], second["id"]) == before

    api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "7"})
    second = api.action(f"/invoices/{second['id']}/confirm")
    assert totals(second) == ("250.00", "250.00", "0.00", "250.00")
    seven = _billed_actual(api, entry, second)
    assert (seven["quantity"], seven["amount"]) == ("7", "1750.00")
    assert any(a["reverses_actual_id"] == six["id"] for a in all_actuals(api))

    # Correcting the original invoice again follows the chain to the seven hours.
    third = api.post(f"/invoices/{invoice['id']}/correct")
    (detail,) = third["lines"][0]["details"]
    assert (detail["original_billed_actual_id"], detail["original_quantity"]) == (
        seven["id"],
        "7",
    )
    third = api.action(f"/invoices/{third['id']}/confirm")  # left at 0: a full credit
    assert totals(third) == ("-1750.00", "-1750.00", "0.00", "-1750.00")
    # The 2 hours of the first correction and the 7 of the last wait in the backlog.
    assert _net_quantity(api, entry) == {
        "unbilled_sales": Decimal(9), "billed_sales": Decimal(0),
    }  # fmt: skip
    assert sorted(a["quantity"] for a in api.get(
        "/billing-backlog", contract_id=world.contract["id"])["actuals"]) == ["2", "7"]  # fmt: skip
    # Nothing billed is left on the original: correcting it again is refused.
    problem(api, "POST", f"/invoices/{invoice['id']}/correct", 409)
    assert [i["number"] for i in api.get("/invoices")["items"]] == [
        "INV-000001", "INV-000002", "INV-000003", "INV-000004",
    ]  # fmt: skip


def test_only_a_confirmed_invoice_can_be_corrected(api):
    world = make_world(api)
    world.line(["time"])
    world.approved_time("8", date="2026-08-20")
    world.mark_all_ready()
    draft = world.invoice("2026-08-31")
    before = snapshot(api, world, draft["id"])
    body = problem(api, "POST", f"/invoices/{draft['id']}/correct", 409)
    assert "draft" in body["detail"]
    problem(api, "POST", "/invoices/999999/correct", 404)
    body = problem(api, "POST", f"/invoices/{draft['id']}/correct", 422,
                   json={"invoice_date": "yesterday"})  # fmt: skip
    assert fields_of(body) == ["invoice_date"]
    assert snapshot(api, world, draft["id"]) == before


def test_a_credited_invoice_lowers_invoiced_to_date_on_later_invoices(api):
    world, invoice, (entry,) = _billed(api, "8")
    corrective = api.post(f"/invoices/{invoice['id']}/correct")
    api.patch(
        f"/invoice-line-details/{corrective['lines'][0]['details'][0]['id']}", {"quantity": "5"}
    )
    api.action(f"/invoices/{corrective['id']}/confirm")
    new = unbilled_of(api, world.approved_time("2", date="2026-09-02")["id"])
    ready(api, new["id"])
    later = world.invoice("2026-09-30")
    assert later["lines"][0]["invoiced_to_date"] == "1250.00"
    assert detail_for(later, actual_id=new["id"])["amount"] == "500.00"
    assert entry["status"] == "approved"


def test_a_corrective_detail_made_complimentary_credits_what_the_customer_was_charged(api):
    world, invoice, (entry,) = _billed(api, "8")
    corrective = api.post(f"/invoices/{invoice['id']}/correct")
    (detail,) = corrective["lines"][0]["details"]
    edited = api.patch(
        f"/invoice-line-details/{detail['id']}",
        {"quantity": "8", "billing_type": "complimentary"},
    )
    # The hours stay on record, now complimentary: the detail's own difference is 0, and the
    # customer is credited the 2000.00 charged before.
    assert (edited["amount"], edited["billing_type"]) == ("0.00", "complimentary")
    corrective = api.get(f"/invoices/{corrective['id']}")
    assert totals(corrective) == ("-2000.00", "-2000.00", "0.00", "-2000.00")
    confirmed = api.action(f"/invoices/{corrective['id']}/confirm")
    assert totals(confirmed) == totals(corrective)
    assert ledger(api, entry["id"])[3:] == [
        ("billed_sales", "-8", "-2000.00", "chargeable", True),
        ("billed_sales", "8", "2000.00", "complimentary", False),
    ]
    # What the confirmed invoices charge is what the ledger says is billed chargeable.
    world.approved_time("1", date="2026-09-01")
    world.mark_all_ready()
    later = world.invoice("2026-09-30")
    assert later["lines"][0]["invoiced_to_date"] == "0.00"


def test_a_non_chargeable_line_made_chargeable_by_a_correction_charges_it_in_full(api):
    world = make_world(api)
    world.line(["time"])
    entry = world.approved_time("4", date="2026-08-20")
    (actual,) = [a for a in all_actuals(api, source_id=entry["id"]) if a["transaction_type"] ==
                 "unbilled_sales"]  # fmt: skip
    api.patch(f"/actuals/{actual['id']}", {"billing_type": "non_chargeable"})
    world.mark_all_ready()
    invoice = world.invoice("2026-08-31")
    assert invoice["total_amount"] == "0.00"
    api.action(f"/invoices/{invoice['id']}/confirm")

    corrective = api.post(f"/invoices/{invoice['id']}/correct")
    (detail,) = corrective["lines"][0]["details"]
    assert (detail["amount"], detail["billing_type"]) == ("-1000.00", "non_chargeable")
    assert corrective["total_amount"] == "0.00"  # a non-chargeable credit credits nothing
    api.patch(f"/invoice-line-details/{detail['id']}",
              {"quantity": "4", "billing_type": "chargeable"})  # fmt: skip
    corrective = api.action(f"/invoices/{corrective['id']}/confirm")
    assert totals(corrective) == ("1000.00", "1000.00", "0.00", "1000.00")
    world.approved_time("1", date="2026-09-01")
    world.mark_all_ready()
    assert world.invoice("2026-09-30")["lines"][0]["invoiced_to_date"] == "1000.00"


def test_refreshing_a_corrective_draft_is_refused_and_pulls_nothing(api):
    world = make_world(api)
    world.line(["time"])
    world.approved_time("8")
    world.mark_all_ready()
    invoice = world.invoice()
    api.action(f"/invoices/{invoice['id']}/confirm")
    corrective = api.post(f"/invoices/{invoice['id']}/correct")
    world.approved_time("3", "2026-08-28")
    world.mark_all_ready()
    api.action(f"/invoices/{corrective['id']}/refresh", expect=409)
    after = api.get(f"/invoices/{corrective['id']}")
    assert [len(ln["details"]) for ln in after["lines"]] == [1]
    assert after["total_amount"] == "-2000.00"


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
