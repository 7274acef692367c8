"""The project manager's flow in the browser, as the issue shows it: approve, mark the
backlog ready, create an invoice, make a detail non-chargeable and see the totals change,
refresh, confirm, correct 8 h to 6 h and see the 2 h back in the backlog."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import Site, assert_accessible, sign_in


def _submitted_time(site: Site, hours: str, day: str, comment: str) -> dict[str, Any]:
    world = site.world
    return site.api.post(
        "/time-entries",
        {
            "resource_id": world.resource["id"],
            "project_id": world.project["id"],
            "date": day,
            "quantity": hours,
            "internal_comment": comment,
            "external_comment": comment,
            "status": "submitted",
        },
    )


def _detail_id(site: Site, invoice_id: str, comment: str) -> str:
    invoice = site.api.get(f"/invoices/{invoice_id}")
    (found,) = [
        d["id"]
        for line in invoice["lines"]
        for d in line["details"]
        if d["external_description"] == comment
    ]
    return str(found)


def _invoice_id(page: Page) -> str:
    match = re.search(r"/invoices/(\d+)", page.url)
    assert match, page.url
    return match.group(1)


def test_a_manager_bills_corrects_and_sees_the_hours_back_in_the_backlog(
    page: Page, site: Site
) -> None:
    world = site.world
    world.line(["time"])
    workshop = _submitted_time(site, "8", "2026-08-25", "Workshop")
    review = _submitted_time(site, "4", "2026-08-26", "Review")
    sign_in(page, site, "project_manager")

    # Approvals: both entries, selected and approved at once.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    page.get_by_role("checkbox", name=f"Select entry {workshop['id']}").check()
    page.get_by_role("checkbox", name=f"Select entry {review['id']}").check()
    assert_accessible(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_have_text("Approved 2 entries.")

    # Billing backlog: everything ready to invoice.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Billing backlog").click()
    page.get_by_role("checkbox", name="Select all actuals").check()
    assert_accessible(page)
    page.get_by_role("button", name="Ready to Invoice").click()
    expect(page.get_by_role("status")).to_have_text("Ready to invoice: 2 rows.")

    # The contract: Create Invoice.
    page.get_by_role("link", name="Open the contract").click()
    assert_accessible(page)
    page.get_by_label("Invoice date").fill("2026-08-31")
    page.get_by_role("button", name="Create Invoice").click()
    expect(page.get_by_role("status")).to_have_text("Invoice created.")
    invoice_id = _invoice_id(page)
    totals = page.locator("#totals")
    expect(totals.locator("[data-total=total_amount]")).to_have_text("$3,000.00")  # 12 h x 250
    assert_accessible(page)

    workshop_detail = _detail_id(site, invoice_id, "Workshop")

    # The review's 4 h become non-chargeable: the total drops to the workshop's 8 h.
    detail = _detail_id(site, invoice_id, "Review")
    page.get_by_role("combobox", name=f"Billing type of detail {detail}").select_option(
        "non_chargeable"
    )
    page.get_by_role("button", name=f"Save detail {detail}").click()
    expect(page.get_by_role("status")).to_have_text("Detail saved.")
    expect(totals.locator("[data-total=total_amount]")).to_have_text("$2,000.00")
    expect(page.get_by_role("heading", name="Non-chargeable")).to_be_visible()

    # An hour approved and made ready since: Refresh takes it in.
    late = world.approved_time("1", "2026-08-28", external_comment="Late")
    site.api.action(
        "/billing-backlog/ready-to-invoice",
        {"actual_ids": [a["id"] for a in world.sales_actuals(late["id"])]},
        expect=204,
    )
    page.get_by_role("button", name="Refresh Invoice Line Transactions").click()
    expect(page.get_by_role("status")).to_have_text("Invoice line transactions refreshed.")
    expect(totals.locator("[data-total=total_amount]")).to_have_text("$2,250.00")

    # Confirm, through the dialog that says what it writes.
    page.get_by_role("button", name="Confirm", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("one-way")
    assert_accessible(page)
    dialog.get_by_role("button", name="Confirm invoice").click()
    expect(page.get_by_role("status")).to_have_text("Invoice confirmed.")
    expect(page.get_by_role("button", name="Save detail", exact=False)).to_have_count(0)

    # Correct: choose the workshop's detail and give 6 h; the other details need none.
    page.get_by_role("button", name="Correct").click()
    assert_accessible(page)
    page.get_by_role("textbox", name=f"Corrected quantity of detail {workshop_detail}").fill("6")
    page.get_by_role("button", name="Create corrective invoice").click()
    expect(page.get_by_role("status")).to_have_text(
        "Corrective invoice created: review it and confirm."
    )
    corrective_id = _invoice_id(page)
    assert corrective_id != invoice_id
    corrective = site.api.get(f"/invoices/{corrective_id}")
    assert [d["external_description"] for ln in corrective["lines"] for d in ln["details"]] == [
        "Workshop"
    ]
    page.get_by_role("button", name="Confirm", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Confirm invoice").click()
    expect(page.get_by_role("status")).to_have_text("Invoice confirmed.")

    # The 2 h are back in the backlog.
    page.goto(f"{site.url}/backlog?contract={world.contract['id']}")
    rows = page.get_by_role("row").filter(has_text="Workshop")
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("cell").nth(6)).to_have_text("2")
