"""A contract's milestone made Ready to invoice from its page, its fixed-rate agreement
shown, and an invoice run started for a date and followed to its end."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Site, assert_accessible, sign_in


def test_a_milestone_made_ready_on_the_contract_page_is_invoiced_by_create_invoice(
    page: Page, site: Site
) -> None:
    world = site.world
    line = world.line(["fee"], billing_method="fixed_price", amount="1000.00")
    site.api.post(
        f"/contract-lines/{line['id']}/milestones",
        {"name": "Kick-off", "date": "2026-08-20", "amount": "400.00"},
    )
    sign_in(page, site, "project_manager")
    page.goto(f"{site.url}/contracts/{world.contract['id']}")
    expect(page.get_by_role("heading", name="Milestones of fixed_price fee")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ready to invoice: Kick-off").click()
    expect(page.get_by_role("status")).to_have_text("The milestone is ready to invoice.")
    expect(page.get_by_role("button", name="Ready to invoice: Kick-off")).to_have_count(0)
    page.get_by_label("Invoice date").fill("2026-08-31")
    page.get_by_role("button", name="Create Invoice").click()
    expect(page.locator("[data-total=total_amount]")).to_have_text("$400.00")


def test_an_invoice_run_started_for_a_date_shows_its_progress_and_result(
    page: Page, site: Site
) -> None:
    world = site.world
    world.line(["time"], invoice_schedule={"frequency": "weekly", "start_date": "2026-08-31"})
    world.approved_time("8", "2026-09-02")
    world.mark_all_ready()
    sign_in(page, site, "project_manager")
    page.goto(site.url + "/invoice-runs")
    assert_accessible(page)
    page.get_by_label("Run date").fill("2026-09-07")
    page.get_by_role("button", name="Start run").click()
    expect(page.get_by_role("progressbar", name="Progress")).to_be_visible()
    expect(page.get_by_text("succeeded", exact=True)).to_be_visible(timeout=120_000)
    page.goto(site.url + "/invoice-runs")
    row = page.get_by_role("row").filter(has_text="Sep 7, 2026")
    expect(row.get_by_role("cell").nth(2)).to_have_text("1")  # one invoice created
    assert len(site.api.get("/invoices", contract_id=world.contract["id"])["items"]) == 1


def test_a_run_date_in_the_future_is_refused_next_to_the_date(page: Page, site: Site) -> None:
    sign_in(page, site, "project_manager")
    page.goto(site.url + "/invoice-runs")
    page.get_by_label("Run date").fill("2999-01-01")
    page.get_by_role("button", name="Start run").click()
    expect(page.locator("#err-run_date")).to_contain_text("is in the future")
    assert site.api.get("/jobs")["items"] == []


def test_the_contract_page_shows_its_fixed_rate_agreement(page: Page, site: Site) -> None:
    contract = site.world.contract
    sign_in(page, site, "project_manager")
    page.goto(f"{site.url}/contracts/{contract['id']}")
    expect(page.locator("#fixed-rate")).to_contain_text("None")
    site.api.request(
        "PUT",
        f"/contracts/{contract['id']}/fixed-rate-agreement",
        200,
        {"currency": contract["currency"], "rate": "0.92", "reference": "FRA-7"},
    )
    page.reload()
    expect(page.locator("#fixed-rate")).to_have_text(
        f"1 {contract['currency']} = 0.92 in the accounting currency (agreement FRA-7)"
    )
    assert_accessible(page)


def test_a_contract_of_many_lines_shows_them_a_page_at_a_time(page: Page, site: Site) -> None:
    contract, product = site.world.contract, site.world.product
    for n in range(51):  # one more than a page
        site.api.post(
            f"/contracts/{contract['id']}/lines",
            {
                "name": f"Phase {n:02d}",
                "kind": "product",
                "product_id": product["id"],
                "quantity": "1",
            },
        )
    sign_in(page, site, "project_manager")
    page.goto(f"{site.url}/contracts/{contract['id']}")
    expect(page.get_by_role("cell", name="Phase 00", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Phase 50", exact=True)).to_have_count(0)
    pages = page.get_by_role("navigation", name="Pages of contract lines")
    pages.get_by_role("link", name="Next page").click()
    expect(page.get_by_role("cell", name="Phase 50", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Phase 00", exact=True)).to_have_count(0)
    assert_accessible(page)
