"""The accountant's ERP setup pages (an exchange rate and a ledger account added, a
refusal shown next to its field, a rate edited, the parameters and the posting profile
saved, a fixed-rate agreement set and removed), the milestones invoiced on account, who
may not see or post the setup pages, and the backlog paged."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from tests.browser.conftest import Site, assert_accessible, sign_in
from tests.browser.test_accountant_flow import _confirmed_invoice, _ledger

SETUP_PAGES = (
    ("/setup", "ERP setup"),
    ("/setup/parameters", "Parameters"),
    ("/setup/posting-profile", "Posting profile"),
    ("/setup/fixed-rate-agreements", "Fixed-rate agreements"),
    (
        "/setup/item-groups/transaction-categories",
        "Item sales tax groups of transaction categories",
    ),
    ("/setup/item-groups/products", "Item sales tax groups of products"),
    ("/setup/legal-entities", "Legal entities"),
    ("/setup/ledger-accounts", "Ledger accounts"),
    ("/setup/exchange-rates", "Exchange rates"),
    ("/setup/tax-codes", "Tax codes"),
    ("/setup/sales-tax-groups", "Sales tax groups"),
    ("/setup/item-sales-tax-groups", "Item sales tax groups"),
    ("/setup/financial-dimensions", "Financial dimensions"),
)


def _invoiced_milestone(site: Site) -> None:
    """A 400.00 milestone of a fixed-price line on a confirmed invoice."""
    line = site.world.line(["fee"], billing_method="fixed_price", amount="1000.00")
    milestone = site.api.post(
        f"/contract-lines/{line['id']}/milestones",
        {"name": "Kick-off", "date": "2026-08-20", "amount": "400.00"},
    )
    site.api.action(f"/milestones/{milestone['id']}/ready-to-invoice")
    _confirmed_invoice(site)


def test_an_accountant_adds_an_exchange_rate_and_a_ledger_account_and_sees_a_refusal_by_its_field(
    page: Page, site: Site
) -> None:
    _ledger(site)
    _invoiced_milestone(site)
    sign_in(page, site, "accountant")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="ERP setup").click()
    for path, heading in SETUP_PAGES:
        page.goto(site.url + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)

    page.goto(site.url + "/setup/exchange-rates")
    page.get_by_label("From currency").fill("USD")
    page.get_by_label("To currency").fill("EUR")
    page.get_by_label("Rate", exact=True).fill("-1")
    page.get_by_label("Valid from").fill("2026-08-01")
    page.get_by_role("button", name="Add exchange rate").click()
    # Refused by the API's schema: the reason next to the rate, nothing added.
    expect(page.get_by_role("alert")).to_contain_text("rate")
    expect(page.get_by_label("Rate", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#err-rate")).to_contain_text("greater than 0")
    assert site.api.get("/exchange-rates")["items"] == []
    page.get_by_label("From currency").fill("USD")
    page.get_by_label("To currency").fill("EUR")
    page.get_by_label("Rate", exact=True).fill("0.92")
    page.get_by_label("Valid from").fill("2026-08-01")
    page.get_by_role("button", name="Add exchange rate").click()
    expect(page.get_by_role("status")).to_have_text("Exchange rate added.")
    expect(page.get_by_role("cell", name="0.92", exact=True)).to_be_visible()
    page.get_by_role("link", name="Edit exchange rate USD").click()
    assert_accessible(page)
    page.get_by_label("Rate", exact=True).fill("0.93")
    page.get_by_role("button", name="Save exchange rate").click()
    expect(page.get_by_role("status")).to_have_text("Exchange rate saved.")
    (rate,) = site.api.get("/exchange-rates")["items"]
    assert (rate["rate"], rate["valid_from"]) == ("0.93", "2026-08-01")

    page.goto(site.url + "/setup/ledger-accounts")
    page.get_by_label("Account number").fill("411100")  # the seed's revenue account
    page.get_by_label("Account name").fill("Again")
    page.get_by_role("button", name="Add ledger account").click()
    expect(page.locator("#err-number")).to_be_visible()
    page.get_by_label("Account number").fill("7100")
    page.get_by_label("Account name").fill("Bank fees")
    page.get_by_label("Account kind").select_option("expense")
    page.get_by_role("button", name="Add ledger account").click()
    expect(page.get_by_role("status")).to_have_text("Ledger account added.")
    expect(page.get_by_role("cell", name="Bank fees")).to_be_visible()
    numbers = [a["number"] for a in site.api.get("/ledger-accounts", limit=500)["items"]]
    assert numbers.count("7100") == 1 and numbers.count("411100") == 1

    page.goto(site.url + "/setup/parameters")
    page.get_by_label("Fixed price milestone item sales tax group").fill("SERV")
    page.get_by_role("button", name="Save parameters").click()
    expect(page.get_by_role("status")).to_have_text("Parameters saved.")
    assert site.api.get("/parameters")["milestone_item_sales_tax_group"] == "SERV"

    page.goto(site.url + "/setup/posting-profile")
    entries = page.get_by_label("Entries")
    typed = entries.input_value()
    entries.fill(typed + "\nproject_cost, expense: 999999")
    page.get_by_role("button", name="Save posting profile").click()
    expect(page.locator("#err-entries")).to_contain_text("line 9")
    assert len(site.api.get("/posting-profiles")["entries"]) == 8
    page.get_by_label("Entries").fill(typed + "\nproject_cost, expense: 540100")
    page.get_by_role("button", name="Save posting profile").click()
    expect(page.get_by_role("status")).to_have_text("Posting profile saved.")
    profile = site.api.get("/posting-profiles")["entries"]
    assert {
        "posting_type": "project_cost",
        "transaction_class": "expense",
        "account": "540100",
    } in profile

    page.goto(site.url + "/setup/item-groups/transaction-categories")
    category = site.world.categories["expense"]
    page.get_by_role("textbox", name=f"Item sales tax group of {category['name']}").fill("SERV")
    page.get_by_role("button", name=f"Save the item sales tax group of {category['name']}").click()
    expect(page.get_by_role("status")).to_have_text("Item sales tax group saved.")
    saved = site.api.get(f"/transaction-categories/{category['id']}")
    assert saved["item_sales_tax_group"] == "SERV"

    page.goto(site.url + "/setup/fixed-rate-agreements")
    page.get_by_label("Contract", exact=True).select_option(label="Coho SOW 1")
    page.get_by_label("Currency").fill("EUR")
    page.get_by_label("Agreed rate").fill("0.9")
    page.get_by_role("button", name="Save agreement").click()
    expect(page.get_by_role("status")).to_have_text("Fixed-rate agreement saved.")
    expect(page.get_by_role("cell", name="0.9", exact=True)).to_be_visible()
    page.get_by_role("button", name="Remove the agreement of Coho SOW 1").click()
    expect(page.get_by_role("status")).to_have_text("Fixed-rate agreement removed.")
    contract = site.world.contract["id"]
    site.api.get(f"/contracts/{contract}/fixed-rate-agreement", expect=404)

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="On-account milestones"
    ).click()
    expect(page.get_by_role("cell", name="Kick-off")).to_be_visible()
    expect(page.get_by_role("cell", name="$400.00").first).to_be_visible()
    assert_accessible(page)
    # A post without the session's CSRF token is refused.
    answer = page.request.post(
        site.url + "/setup/ledger-accounts",
        form={"number": "7200", "name": "No token", "kind": "expense"},
    )
    assert answer.status == 403


def test_team_members_and_managers_neither_see_nor_post_the_setup_pages(
    page: Page, site: Site
) -> None:
    for role in ("team_member", "project_manager"):
        sign_in(page, site, role)
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="ERP setup")).to_have_count(0)
        for path in ("/setup", "/setup/ledger-accounts", "/setup/parameters"):
            assert page.goto(site.url + path).status == 403  # type: ignore[union-attr]
        page.goto(site.url + "/")
        csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
        for path, form in (
            ("/setup/ledger-accounts", {"number": "7300", "name": "Crafted", "kind": "expense"}),
            ("/setup/parameters", {"sales_tax_group_method": "contract"}),
        ):
            answer = page.request.post(site.url + path, form={"csrf_token": csrf, **form})
            assert answer.status == 403, (role, path)
        page.get_by_role("button", name="Sign out").click()
    numbers = [a["number"] for a in site.api.get("/ledger-accounts", limit=500)["items"]]
    assert "7300" not in numbers
    assert site.api.get("/parameters")["sales_tax_group_method"] != "contract"


def test_the_backlog_pages_its_actuals(page: Page, site: Site) -> None:
    world = site.world
    world.line(["time"])
    day = dt.date(2026, 3, 1)
    items = [
        {
            "resource_id": world.resource["id"],
            "project_id": world.project["id"],
            "date": (day + dt.timedelta(days=i)).isoformat(),
            "quantity": "1",
            "internal_comment": "work",
            "external_comment": f"Work {i}",
            "status": "submitted",
        }
        for i in range(51)
    ]
    made = site.api.post("/time-entries/bulk", {"items": items})["items"]
    site.api.action("/time-entries/approve", {"ids": [e["id"] for e in made]})
    sign_in(page, site, "project_manager")
    page.goto(f"{site.url}/backlog?contract={world.contract['id']}")
    rows = page.get_by_role("checkbox", name="Select actual")
    expect(rows).to_have_count(50)
    page.get_by_role("link", name="Next page").click()
    expect(rows).to_have_count(1)
    expect(page.get_by_text("Work 50")).to_be_visible()
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    page.get_by_role("link", name="First page").click()
    expect(rows).to_have_count(50)
