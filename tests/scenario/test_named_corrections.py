"""A correction that names its details (issue 9, item 7): crediting one hour of a
38-detail invoice is one call, the hour returns to the backlog, and nothing is billed
twice after; every refused request names its field and changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.builders import World, make_world
from tests.conftest import Api
from tests.scenario.support import all_actuals, fields_of, problem, snapshot, totals

#: 38 days of time: 8 h on weekdays, with a few short days (Consultant sells at 250.00).
HOURS = [("8" if i % 5 else "4.5") for i in range(38)]


def _confirmed(api: Api) -> tuple[World, dict[str, Any]]:
    world = make_world(api)
    world.line(["time"])
    items = [
        {"resource_id": world.resource["id"], "project_id": world.project["id"],
         "date": f"2026-07-{1 + i % 28:02d}" if i < 28 else f"2026-08-{i - 27:02d}",
         "quantity": hours, "external_comment": f"Day {i + 1}", "status": "submitted"}
        for i, hours in enumerate(HOURS)
    ]  # fmt: skip
    created = api.post("/time-entries/bulk", {"items": items})["items"]
    api.action("/time-entries/approve", {"ids": [e["id"] for e in created]})
    world.mark_all_ready()
    invoice = world.invoice("2026-08-31")
    return world, api.action(f"/invoices/{invoice['id']}/confirm")


def _billed_quantity(api: Api) -> Decimal:
    return sum(
        (Decimal(a["quantity"]) for a in all_actuals(api, transaction_type="billed_sales")),
        Decimal(0),
    )


def test_crediting_one_hour_of_a_38_detail_invoice_is_one_call(api: Api) -> None:
    world, invoice = _confirmed(api)
    (line,) = invoice["lines"]
    assert line["detail_count"] == 38
    assert invoice["total_amount"] == "69000.00"  # (30 x 8 + 8 x 4.5) h x 250.00
    target = line["details"][16]
    assert target["quantity"] == "8"

    corrective = api.post(
        f"/invoices/{invoice['id']}/correct",
        {"details": [{"detail_id": target["id"], "quantity": "7"}]},
    )
    (cline,) = corrective["lines"]
    (detail,) = cline["details"]
    assert (cline["detail_count"], detail["quantity"], detail["original_quantity"]) == (1, "7", "8")
    assert (detail["amount"], detail["extended_amount"]) == ("-250.00", "-250.00")
    assert totals(corrective) == ("-250.00", "-250.00", "0.00", "-250.00")

    confirmed = api.action(f"/invoices/{corrective['id']}/confirm")
    assert totals(confirmed) == ("-250.00", "-250.00", "0.00", "-250.00")
    assert _billed_quantity(api) == Decimal("276") - 1
    (hour,) = api.get("/billing-backlog", contract_id=world.contract["id"])["actuals"]
    assert (hour["quantity"], hour["amount"], hour["ready_to_invoice"]) == ("1", "250.00", False)

    # Billing the hour again is one more invoice of 250.00, and only one.
    api.action("/billing-backlog/ready-to-invoice", {"actual_ids": [hour["id"]]}, expect=204)
    again = world.invoice("2026-09-30")
    assert totals(again) == ("250.00", "250.00", "0.00", "250.00")
    api.action(f"/invoices/{again['id']}/confirm")
    assert world.invoice("2026-09-30")["total_amount"] == "0.00"
    assert _billed_quantity(api) == Decimal("276")
    assert api.get("/billing-backlog", contract_id=world.contract["id"])["actuals"] == []


def test_without_a_body_every_detail_goes_on_the_corrective_at_zero(api: Api) -> None:
    _, invoice = _confirmed(api)
    corrective = api.post(f"/invoices/{invoice['id']}/correct")
    (line,) = corrective["lines"]
    assert line["detail_count"] == 38
    assert {d["quantity"] for d in line["details"]} == {"0"}
    assert totals(corrective)[3] == "-69000.00"


def test_two_named_details_at_zero_and_at_a_part(api: Api) -> None:
    _, invoice = _confirmed(api)
    first, second = invoice["lines"][0]["details"][0], invoice["lines"][0]["details"][1]
    assert (first["quantity"], second["quantity"]) == ("4.5", "8")
    corrective = api.post(
        f"/invoices/{invoice['id']}/correct",
        {"details": [{"detail_id": second["id"], "quantity": "2.25"},
                     {"detail_id": first["id"], "quantity": "0"}]},
    )  # fmt: skip
    shown = [(d["original_quantity"], d["quantity"], d["amount"])
             for d in corrective["lines"][0]["details"]]  # fmt: skip
    assert shown == [("4.5", "0", "-1125.00"), ("8", "2.25", "-1437.50")]
    assert totals(corrective)[3] == "-2562.50"
    # Another correction may name other details while this one is open; not these.
    other = invoice["lines"][0]["details"][2]
    api.post(f"/invoices/{invoice['id']}/correct",
             {"details": [{"detail_id": other["id"], "quantity": "1"}]})  # fmt: skip
    body = problem(api, "POST", f"/invoices/{invoice['id']}/correct", 409,
                   json={"details": [{"detail_id": first["id"], "quantity": "1"}]})  # fmt: skip
    assert "already corrects" in body["detail"]


def test_refused_corrections_name_the_field_and_change_nothing(api: Api) -> None:
    world, invoice = _confirmed(api)
    details = invoice["lines"][0]["details"]
    world.approved_time("2", date="2026-08-20")
    world.mark_all_ready()
    foreign = world.invoice("2026-08-31")["lines"][0]["details"][0]  # on another invoice
    before = snapshot(api, world, invoice["id"])
    path = f"/invoices/{invoice['id']}/correct"

    cases: list[tuple[list[dict[str, str]], list[str], str]] = [
        ([{"detail_id": "999999", "quantity": "1"}], ["details[0].detail_id"],
         "no invoice line detail with id 999999"),
        ([{"detail_id": foreign["id"], "quantity": "1"}], ["details[0].detail_id"],
         f"not on invoice {invoice['id']}"),
        ([{"detail_id": details[1]["id"], "quantity": "8.5"}], ["details[0].quantity"],
         "must be at most 8"),
        ([{"detail_id": details[1]["id"], "quantity": "1"},
          {"detail_id": details[1]["id"], "quantity": "2"}], ["details[1].detail_id"],
         "listed twice"),
    ]  # fmt: skip
    for named, fields, reason in cases:
        body = problem(api, "POST", path, 422, json={"details": named})
        assert fields_of(body) == fields, body
        assert reason in body["errors"][0]["message"], body
    for bad, field in (("-1", "quantity"), ("1e3", "quantity"), ("x", "detail_id")):
        entry = {"detail_id": details[0]["id"], "quantity": "1", field: bad}
        body = problem(api, "POST", path, 422, json={"details": [entry]})
        assert fields_of(body) == [f"details[0].{field}"], body
    body = problem(api, "POST", path, 422, json={"details": []})
    assert fields_of(body) == ["details"]
    assert snapshot(api, world, invoice["id"]) == before
    assert api.get("/invoices", corrects_invoice_id=invoice["id"])["items"] == []
