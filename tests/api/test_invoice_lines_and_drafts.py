"""Invoice lines read and renamed on their own, journal lines read on their own, and draft
invoices deleted (issue 9, item 7): statuses, shapes, and every refusal changing nothing."""

from __future__ import annotations

from typing import Any

from tests.builders import World, make_world
from tests.conftest import Api
from tests.scenario.journal_world import seed_world
from tests.scenario.support import fields_of, problem, snapshot


def _draft(api: Api) -> tuple[World, dict[str, Any], dict[str, Any]]:
    """A draft with 8 h of time (2000.00), a fixed-price milestone (3000.00) and a ready
    product line of 2 sensors (90.00); and the product contract line."""
    world = make_world(api)
    world.line(["time"])
    fixed = world.line(["fee"], billing_method="fixed_price", amount="9000.00")
    milestone = api.post(
        f"/contract-lines/{fixed['id']}/milestones",
        {"name": "Handover", "date": "2026-08-28", "amount": "3000.00", "kind": "fixed"},
    )
    api.action(f"/milestones/{milestone['id']}/ready-to-invoice")
    sensors = world.product_line()
    world.approved_time("8", date="2026-08-24")
    world.mark_all_ready()
    return world, world.invoice(), {"milestone": milestone, "sensors": sensors, "fixed": fixed}


def test_an_invoice_line_reads_as_the_invoice_shows_it(api: Api) -> None:
    _, invoice, _ = _draft(api)
    for line in invoice["lines"]:
        assert api.get(f"/invoice-lines/{line['id']}") == line
        assert line["invoice_id"] == invoice["id"]
        assert line["detail_count"] == len(line["details"]) == 1
        assert line["details_next_cursor"] is None
    problem(api, "GET", "/invoice-lines/999999", 404)
    problem(api, "GET", "/invoice-lines/٣", 404)


def test_a_draft_lines_name_is_editable_and_nothing_else_changes(api: Api) -> None:
    _, invoice, _ = _draft(api)
    time_line = invoice["lines"][0]
    renamed = api.patch(f"/invoice-lines/{time_line['id']}", {"name": "August consulting"})
    assert renamed == {**time_line, "name": "August consulting"}
    after = api.get(f"/invoices/{invoice['id']}")
    assert after["lines"][0]["name"] == "August consulting"
    assert {k: v for k, v in after.items() if k != "lines"} == {
        k: v for k, v in invoice.items() if k != "lines"
    }


def test_refused_line_edits_name_the_field_and_change_nothing(api: Api) -> None:
    world, invoice, _ = _draft(api)
    time_line, _, product_line = invoice["lines"]
    before = snapshot(api, world, invoice["id"])

    body = problem(api, "PATCH", f"/invoice-lines/{product_line['id']}", 422, json={"name": "X"})
    assert fields_of(body) == ["name"]
    assert "locked on a product-based invoice line" in body["errors"][0]["message"]
    for bad in ({"name": ""}, {"name": None}, {"amount": "1.00"}, {"name": "x" * 201}):
        body = problem(api, "PATCH", f"/invoice-lines/{time_line['id']}", 422, json=bad)
        assert fields_of(body) == [next(iter(bad))]
    problem(api, "PATCH", "/invoice-lines/999999", 404, json={"name": "X"})
    assert snapshot(api, world, invoice["id"]) == before

    confirmed = api.action(f"/invoices/{invoice['id']}/confirm")
    before = snapshot(api, world, invoice["id"])
    body = problem(api, "PATCH", f"/invoice-lines/{time_line['id']}", 409, json={"name": "X"})
    assert "confirmed" in body["detail"]
    assert snapshot(api, world, invoice["id"]) == before
    assert api.get(f"/invoice-lines/{time_line['id']}")["name"] == confirmed["lines"][0]["name"]


def test_a_team_member_may_not_rename_a_line_nor_delete_an_invoice(api: Api, make_api: Any) -> None:
    world, invoice, _ = _draft(api)
    member = make_api("team_member")
    before = snapshot(api, world, invoice["id"])
    line_id = invoice["lines"][0]["id"]
    problem(member, "PATCH", f"/invoice-lines/{line_id}", 403, json={"name": "X"})
    problem(member, "DELETE", f"/invoices/{invoice['id']}", 403)
    assert snapshot(api, world, invoice["id"]) == before


def test_deleting_a_draft_returns_its_time_milestone_and_product_line_to_the_backlog(
    api: Api,
) -> None:
    world, invoice, made = _draft(api)
    assert api.delete(f"/invoices/{invoice['id']}") is None
    problem(api, "GET", f"/invoices/{invoice['id']}", 404)
    for line in invoice["lines"]:
        problem(api, "GET", f"/invoice-lines/{line['id']}", 404)
        for detail in line["details"]:
            problem(api, "GET", f"/invoice-line-details/{detail['id']}", 404)
    milestone = api.get(f"/contract-lines/{made['fixed']['id']}/milestones")["items"][0]
    assert milestone["status"] == "ready_to_invoice"
    sensors = api.get(f"/contract-lines/{made['sensors']['id']}")
    assert (sensors["product_status"], sensors["ready_to_invoice"]) == ("ready_to_invoice", True)
    backlog = api.get("/billing-backlog", contract_id=world.contract["id"])
    assert [
        (a["quantity"], a["ready_to_invoice"], a["invoice_id"]) for a in backlog["actuals"]
    ] == [("8", True, None)]
    again = world.invoice()
    assert again["total_amount"] == invoice["total_amount"] == "5090.00"
    assert [ln["detail_count"] for ln in again["lines"]] == [1, 1, 1]


def test_deleting_an_in_review_invoice_works_and_a_confirmed_one_is_refused(api: Api) -> None:
    world, invoice, _ = _draft(api)
    api.patch(f"/invoices/{invoice['id']}", {"project_invoice_status": "in_review"})
    api.delete(f"/invoices/{invoice['id']}")
    invoice = world.invoice()
    api.action(f"/invoices/{invoice['id']}/confirm")
    before = snapshot(api, world, invoice["id"])
    body = problem(api, "DELETE", f"/invoices/{invoice['id']}", 409)
    assert "confirmed" in body["detail"]
    problem(api, "DELETE", "/invoices/999999", 404)
    problem(api, "DELETE", "/invoices/²", 404)
    assert snapshot(api, world, invoice["id"]) == before


def test_a_confirmed_corrective_is_not_deleted_but_its_draft_is(api: Api) -> None:
    world, invoice, _ = _draft(api)
    api.action(f"/invoices/{invoice['id']}/confirm")
    corrective = api.post(f"/invoices/{invoice['id']}/correct")
    api.delete(f"/invoices/{corrective['id']}")
    # Deleting the draft frees its billed actuals for the next correction.
    corrective = api.post(f"/invoices/{invoice['id']}/correct")
    api.action(f"/invoices/{corrective['id']}/confirm")
    before = snapshot(api, world, invoice["id"], corrective["id"])
    problem(api, "DELETE", f"/invoices/{corrective['id']}", 409)
    assert snapshot(api, world, invoice["id"], corrective["id"]) == before


def test_a_journal_line_reads_as_its_journal_shows_it(make_api: Any, uow_factory: Any) -> None:
    seed = seed_world(make_api, uow_factory)
    seed.agreement("1.25")
    seed.world.approved_time("4", "2026-08-27")
    journal = seed.import_journal()
    for line in journal["lines"]:
        assert seed.accountant.get(f"/integration-journal-lines/{line['id']}") == line
    problem(seed.accountant, "GET", "/integration-journal-lines/999999", 404)
    member = make_api("team_member")
    problem(member, "GET", f"/integration-journal-lines/{journal['lines'][0]['id']}", 403)
