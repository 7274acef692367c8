"""The web UI's posts the browser tier does not make, made without a browser: each form
posted as its page does succeeds, its change reads back through the API, and it leaves
an audit event naming its route (for tests/test_zz_every_write_audited.py)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.builders import World, make_world
from tests.conftest import Api
from tests.scenario.proposal_world import ProposalWorld, build, post_journal
from tests.web_client import signed_in


def _draft(api: Api) -> tuple[World, dict[str, Any]]:
    """A draft invoice: a time line with 4 h (one detail) and a product line of 2 sensors."""
    world = make_world(api)
    world.line(["time"])
    world.product_line()
    world.approved_time("4", date="2026-08-24")
    world.mark_all_ready()
    return world, world.invoice()


def _line(invoice: dict[str, Any], kind: str) -> dict[str, Any]:
    [found] = [line for line in invoice["lines"] if line["kind"] == kind]
    return found


def test_a_manager_puts_a_draft_in_review_from_its_page(
    api: Api, app_client: TestClient, uow_factory: Any
) -> None:
    _, invoice = _draft(api)
    web = signed_in(app_client, uow_factory, "project_manager")
    web.post(f"/invoices/{invoice['id']}/in-review", "In review.")
    assert api.get(f"/invoices/{invoice['id']}")["project_invoice_status"] == "in_review"


def test_a_manager_adds_a_detail_to_a_line_and_deletes_a_detail_from_the_page(
    api: Api, app_client: TestClient, uow_factory: Any
) -> None:
    _, invoice = _draft(api)
    time_line = _line(invoice, "project")
    [worked] = time_line["details"]
    web = signed_in(app_client, uow_factory, "project_manager")
    web.post(
        f"/invoice-lines/{time_line['id']}/details",
        "Detail added.",
        invoice=invoice["id"],
        transaction_class="time",
        quantity="2",
        price="250.00",
        description="Workshop",
    )
    details = api.get(f"/invoice-lines/{time_line['id']}")["details"]
    assert sorted(d["quantity"] for d in details) == ["2", "4"]
    web.post(
        f"/invoice-line-details/{worked['id']}/delete", "Detail deleted.", invoice=invoice["id"]
    )
    [left] = api.get(f"/invoice-lines/{time_line['id']}")["details"]
    assert left["id"] != worked["id"] and left["external_description"] == "Workshop"


def test_a_manager_deletes_a_product_line_from_the_draft_page(
    api: Api, app_client: TestClient, uow_factory: Any
) -> None:
    _, invoice = _draft(api)
    product_line = _line(invoice, "product")
    web = signed_in(app_client, uow_factory, "project_manager")
    web.post(f"/invoice-lines/{product_line['id']}/delete", "Line deleted.", invoice=invoice["id"])
    kinds = [line["kind"] for line in api.get(f"/invoices/{invoice['id']}")["lines"]]
    assert kinds == ["project"]


def _posted(make_api: Any) -> tuple[ProposalWorld, dict[str, Any]]:
    """A confirmed invoice's proposal, its time posted through the integration journal
    (so it may be imported), and a Department dimension to adjust the accounting by."""
    pw = build(make_api)
    pw.accountant.post("/financial-dimensions", {"name": "Department", "values": ["Sales"]})
    invoice = pw.confirmed_invoice()
    assert post_journal(pw, "UK", "SERV")
    return pw, pw.proposal_of(invoice)


def test_an_accountant_imports_a_proposal_and_sets_its_format_from_its_page(
    make_api: Any, app_client: TestClient, uow_factory: Any
) -> None:
    pw, proposal = _posted(make_api)
    assert proposal["status"] == "waiting"
    web = signed_in(app_client, uow_factory, "accountant")
    web.post(f"/proposals/{proposal['id']}/import", "Imported from staging.")
    assert pw.accountant.get(f"/invoice-proposals/{proposal['id']}")["status"] == "ready"
    path = f"/invoice-proposals/{proposal['id']}/format"
    assert pw.accountant.get(path)["invoice_format"] == "detail"
    web.post(
        f"/proposals/{proposal['id']}/format", "Invoice format saved.", invoice_format="summary"
    )
    assert pw.accountant.get(path)["invoice_format"] == "summary"


def test_an_accountant_adjusts_a_posted_transactions_dimensions_from_the_list(
    make_api: Any, app_client: TestClient, uow_factory: Any
) -> None:
    pw, _ = _posted(make_api)
    posted = pw.accountant.get("/posted-transactions", status="posted")["items"]
    assert posted
    first = posted[0]["id"]
    web = signed_in(app_client, uow_factory, "accountant")
    web.post(
        f"/posted-transactions/{first}/adjust",
        f"Transaction {first} adjusted.",
        dimensions="Department=Sales",
    )
    assert pw.accountant.get(f"/posted-transactions/{first}")["status"] != "posted"
    now = pw.accountant.get("/posted-transactions", status="posted")["items"]
    assert [t for t in now if {"Department": "Sales"} in [p["dimensions"] for p in t["parts"]]]


def test_an_accountant_removes_the_module_print_settings_from_the_page(
    make_api: Any, app_client: TestClient, uow_factory: Any
) -> None:
    accountant = make_api("accountant")
    accountant.request(
        "PUT", "/print-management", 200, json={"level": "module", "destination": "file"}
    )
    web = signed_in(app_client, uow_factory, "accountant")
    web.post("/print-management/remove", "Print settings removed.", level="module")
    assert accountant.get("/print-management")["items"] == []
