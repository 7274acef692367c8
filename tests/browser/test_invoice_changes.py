"""The manager's invoice page on the paged invoice view: details a page at a time, Delete
draft with its confirm step, a line renamed, and Correct refusing a quantity above what a
detail bills, next to that detail's input."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import Site, assert_accessible, sign_in


def _draft(site: Site, hours: str = "8") -> dict[str, Any]:
    site.world.line(["time"])
    site.world.approved_time(hours, external_comment="Workshop")
    site.world.mark_all_ready()
    return site.world.invoice()


def _manual_details(site: Site, line_id: str, count: int) -> None:
    for n in range(count):
        site.api.post(
            f"/invoice-lines/{line_id}/details",
            {
                "transaction_class": "time",
                "quantity": "1",
                "price": "10",
                "description": f"Extra {n}",
                "external_description": f"Extra {n}",
            },
        )


def test_a_line_of_many_details_shows_fifty_and_pages_through_the_rest(
    page: Page, site: Site
) -> None:
    invoice = _draft(site)
    line = invoice["lines"][0]
    _manual_details(site, line["id"], 59)  # 60 details: 50 shown, then 10
    total = site.api.get(f"/invoices/{invoice['id']}")["total_amount"]
    sign_in(page, site, "project_manager")
    page.goto(f"{site.url}/invoices/{invoice['id']}")
    rows = page.locator("tr[id^=detail-]")
    expect(rows).to_have_count(50)
    expect(page.get_by_text("50 of 60 details shown.")).to_be_visible()
    shown_total = page.locator("[data-total=total_amount]").inner_text()

    page.get_by_role("link", name=f"Show more details of line {line['id']}").click()
    expect(rows).to_have_count(10)
    expect(page.get_by_text("10 of 60 details shown.")).to_be_visible()
    expect(page.get_by_role("link", name=f"Show more details of line {line['id']}")).to_have_count(
        0
    )
    # The totals are the invoice's whole totals on every page of details.
    expect(page.locator("[data-total=total_amount]")).to_have_text(shown_total)
    assert total == site.api.get(f"/invoices/{invoice['id']}")["total_amount"]
    assert_accessible(page)

    page.get_by_role("link", name=f"First details of line {line['id']}").click()
    expect(rows).to_have_count(50)


def test_delete_draft_asks_first_and_returns_the_hours_to_the_backlog(
    page: Page, site: Site
) -> None:
    invoice = _draft(site)
    sign_in(page, site, "project_manager")
    page.goto(f"{site.url}/invoices/{invoice['id']}")
    page.get_by_role("button", name="Delete draft").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("back to the billing backlog")
    assert_accessible(page)
    dialog.get_by_role("button", name="Delete invoice").click()
    expect(page.get_by_role("status")).to_contain_text(f"Invoice {invoice['id']} deleted")
    site.api.get(f"/invoices/{invoice['id']}", expect=404)
    backlog = site.api.get("/billing-backlog", contract_id=site.world.contract["id"])
    assert [a["quantity"] for a in backlog["actuals"]] == ["8"]


def test_a_draft_lines_name_is_saved_and_shown(page: Page, site: Site) -> None:
    invoice = _draft(site)
    line = invoice["lines"][0]
    sign_in(page, site, "project_manager")
    page.goto(f"{site.url}/invoices/{invoice['id']}")
    page.get_by_label(f"Name of line {line['id']}", exact=True).fill("Consulting, August")
    page.get_by_role("button", name=f"Rename line {line['id']}", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Line renamed.")
    expect(page.get_by_role("heading", name="Consulting, August")).to_be_visible()
    assert_accessible(page)


def test_the_header_description_is_saved(page: Page, site: Site) -> None:
    invoice = _draft(site)
    sign_in(page, site, "project_manager")
    page.goto(f"{site.url}/invoices/{invoice['id']}")
    page.get_by_role("region", name="Header").get_by_label("Description").fill(
        "Workshops in August"
    )
    page.get_by_role("button", name="Save header").click()
    expect(page.get_by_role("status")).to_have_text("Invoice saved.")
    assert site.api.get(f"/invoices/{invoice['id']}")["description"] == "Workshops in August"


def test_a_corrected_quantity_above_what_was_billed_is_refused_next_to_its_input(
    page: Page, site: Site
) -> None:
    invoice = _draft(site)
    site.api.action(f"/invoices/{invoice['id']}/confirm")
    detail = invoice["lines"][0]["details"][0]["id"]
    sign_in(page, site, "project_manager")
    page.goto(f"{site.url}/invoices/{invoice['id']}/correct")
    quantity = page.get_by_role("textbox", name=f"Corrected quantity of detail {detail}")
    quantity.fill("9")
    page.get_by_role("button", name="Create corrective invoice").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(quantity).to_have_attribute("aria-invalid", "true")
    assert site.api.get("/invoices", corrects_invoice_id=invoice["id"])["items"] == []
    assert_accessible(page)


def test_an_accountant_is_offered_neither_delete_nor_correct_and_a_crafted_post_is_refused(
    page: Page, site: Site
) -> None:
    invoice = _draft(site)
    sign_in(page, site, "accountant")
    page.goto(f"{site.url}/invoices/{invoice['id']}")
    expect(page.get_by_role("button", name="Delete draft")).to_have_count(0)
    expect(page.get_by_role("button", name="Rename line", exact=False)).to_have_count(0)
    token = page.locator("input[name=csrf_token]").first
    csrf = token.get_attribute("value") if token.count() else ""
    answer = page.request.post(
        f"{site.url}/invoices/{invoice['id']}/delete", form={"csrf_token": csrf or ""}
    )
    assert answer.status == 403
    site.api.get(f"/invoices/{invoice['id']}")
