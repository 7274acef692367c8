"""The read side behind the accountant's new pages, on SQLite and PostgreSQL: the
milestones invoiced on account, the fixed-rate agreements, a setup collection paged,
and a setup form's refusal leaving nothing behind (the browser tier runs on SQLite)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from billable.identity.passwords import set_password
from billable.identity.users import add_user
from tests.builders import make_world

PASSWORD = "setup pages password"


def _signed_in_accountant(client: TestClient, uow_factory: Any) -> str:
    """Sign ``client`` in as a new accountant; the session's CSRF token."""
    add_user(uow_factory(), "setup-accountant", "accountant")
    set_password(uow_factory(), "setup-accountant", PASSWORD)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sign-in").text)
    assert token
    client.post(
        "/sign-in",
        data={"name": "setup-accountant", "password": PASSWORD, "csrf_token": token[1]},
    )
    page = client.get("/setup", follow_redirects=False)
    assert page.status_code == 200  # signed in: no redirect to the sign-in page
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/setup/tax-codes").text)
    assert found
    return found[1]


def test_the_on_account_page_lists_only_milestones_a_confirmed_invoice_billed(
    make_api: Any, app_client: TestClient, uow_factory: Any
) -> None:
    admin = make_api("admin")
    world = make_world(admin)
    line = world.line(["fee"], billing_method="fixed_price", amount="1000.00")
    for name, day in (("Kick-off", "2026-08-20"), ("Delivery", "2026-12-20")):
        admin.post(
            f"/contract-lines/{line['id']}/milestones",
            {"name": name, "date": day, "amount": "400.00"},
        )
    kick_off = admin.get(f"/contract-lines/{line['id']}/milestones")["items"][0]
    admin.action(f"/milestones/{kick_off['id']}/ready-to-invoice")
    invoice = world.invoice()
    _signed_in_accountant(app_client, uow_factory)
    assert "Kick-off" not in app_client.get("/on-account").text  # a draft bills nothing yet
    admin.action(f"/invoices/{invoice['id']}/confirm")
    shown = app_client.get("/on-account").text
    assert "Kick-off" in shown and "Delivery" not in shown
    assert "$400.00" in shown


def test_the_setup_pages_page_their_rows_and_a_refused_form_adds_nothing(
    make_api: Any, app_client: TestClient, uow_factory: Any
) -> None:
    admin = make_api("admin")
    world = make_world(admin)
    for i in range(51):
        admin.post("/tax-codes", {"code": f"T{i:02d}", "name": f"Tax {i}", "rate": "5"})
    admin.request(
        "PUT",
        f"/contracts/{world.contract['id']}/fixed-rate-agreement",
        200,
        json={"currency": "EUR", "rate": "0.9", "reference": "FX-1"},
    )
    csrf = _signed_in_accountant(app_client, uow_factory)
    first = app_client.get("/setup/tax-codes").text
    assert "T49" in first and "T50" not in first
    cursor = re.search(r'cursor=([^"&]+)"', first)
    assert cursor
    assert "T50" in app_client.get(f"/setup/tax-codes?cursor={cursor[1]}").text
    agreements = app_client.get("/setup/fixed-rate-agreements").text
    assert world.contract["name"] in agreements and "FX-1" in agreements
    refused = app_client.post(
        "/setup/tax-codes",
        data={"csrf_token": csrf, "code": "BAD CODE", "name": "Bad", "rate": "5"},
    )
    assert "err-code" in refused.text  # back on the page, the reason by the code field
    codes = [t["code"] for t in admin.get("/tax-codes", limit=500)["items"]]
    assert len(codes) == 51 and "BAD CODE" not in codes


def test_a_refused_posting_profile_entry_is_named_by_its_line_blank_lines_counted(
    make_api: Any, app_client: TestClient, uow_factory: Any
) -> None:
    admin = make_api("admin")
    make_world(admin)
    admin.post("/ledger-accounts", {"number": "540100", "name": "Cost", "kind": "expense"})
    csrf = _signed_in_accountant(app_client, uow_factory)
    typed = "project_cost, time: 540100\n\nproject_cost, expense: 999999\n"
    refused = app_client.post("/setup/posting-profile", data={"csrf_token": csrf, "entries": typed})
    assert "line 3, account" in refused.text
    assert "line 2," not in refused.text
    malformed = app_client.post(
        "/setup/posting-profile",
        data={"csrf_token": csrf, "entries": "project_cost: 540100\n\nno colon"},
    )
    assert "line 3: write it as project_cost, time: 540100" in malformed.text


def test_an_edit_form_clears_a_field_emptied_there_and_refuses_emptying_a_required_one(
    make_api: Any, app_client: TestClient, uow_factory: Any
) -> None:
    admin = make_api("admin")
    code = admin.post(
        "/tax-codes",
        {"code": "ZR", "name": "Zero rated", "rate": "0", "vat_category": "Z",
         "exemption_reason": "Export of goods"},
    )  # fmt: skip
    csrf = _signed_in_accountant(app_client, uow_factory)
    form = {"csrf_token": csrf, "name": "Zero rated", "rate": "0", "exemption_reason": ""}
    cleared = app_client.post(f"/setup/tax-codes/{code['id']}", data=form)
    assert 'role="status">Tax code saved.<' in cleared.text
    assert admin.get(f"/tax-codes/{code['id']}")["exemption_reason"] is None

    refused = app_client.post(f"/setup/tax-codes/{code['id']}", data={**form, "name": " "})
    assert "name: must not be empty" in refused.text and "err-name" in refused.text
    assert admin.get(f"/tax-codes/{code['id']}")["name"] == "Zero rated"
