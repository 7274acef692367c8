"""The project accountant's flow in the browser, as the issue shows it: import from
staging, distribute a line's amount, post the journal, format a proposal (a section,
Move up / Move down, Print preview) and post it with Posting and Print invoice; and
what a team member is neither shown nor allowed."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import Site, assert_accessible, sign_in
from tests.scenario.proposal_world import ACCOUNTS


def _ledger(site: Site) -> None:
    """The seed's accounts and posting profile, VAT 20 % in groups UK / SERV."""
    api = site.api
    entries = []
    for number, name, kind, posting_type in ACCOUNTS:
        api.post("/ledger-accounts", {"number": number, "name": name, "kind": kind})
        entries.append({"posting_type": posting_type, "account": number})
    api.request("PUT", "/posting-profiles", 200, json={"entries": entries})
    api.post("/financial-dimensions", {"name": "Department", "values": ["Sales", "Delivery"]})
    api.post("/tax-codes", {"code": "VAT20", "name": "VAT 20 %", "rate": "20"})
    api.post("/sales-tax-groups", {"code": "UK", "tax_codes": ["VAT20"]})
    api.post("/item-sales-tax-groups", {"code": "SERV", "tax_codes": ["VAT20"]})


def _confirmed_invoice(site: Site) -> None:
    world = site.world
    world.mark_all_ready()
    invoice = world.invoice()
    site.api.action(f"/invoices/{invoice['id']}/confirm")


def test_an_accountant_imports_distributes_posts_formats_and_posts_a_proposal(
    page: Page, site: Site
) -> None:
    _ledger(site)
    site.world.line(["time"])
    site.world.approved_time("4")
    _confirmed_invoice(site)
    sign_in(page, site, "accountant")

    # The proposal waits for its time, not yet posted through the journal; it says so.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Invoice proposals"
    ).click()
    expect(page.get_by_text(re.compile("waits for 1 transactions"))).to_be_visible()
    assert_accessible(page)

    # Integration journal: import, distribute the sales line, set its tax groups, post.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Integration journal"
    ).click()
    assert_accessible(page)
    page.get_by_role("button", name="Import from staging").click()
    expect(page.get_by_role("status")).to_have_text("Imported from staging.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("draft")
    sales_row = page.get_by_role("row").filter(
        has=page.get_by_role("cell", name="sales", exact=True)
    )
    line = sales_row.get_by_role("button", name=re.compile(r"Save line \d+")).inner_text()
    line_id = line.rsplit(" ", 1)[1]
    page.get_by_label(f"Sales tax group, line {line_id}", exact=True).fill("UK")
    page.get_by_label(f"Item sales tax group, line {line_id}").fill("SERV")
    page.get_by_role("button", name=f"Save line {line_id}").click()
    expect(page.get_by_role("status")).to_have_text(f"Line {line_id} saved.")
    page.get_by_label(f"Shares, line {line_id}").fill(
        "60: Department=Sales\n40: Department=Delivery"
    )
    sales_row = page.get_by_role("row").filter(
        has=page.get_by_role("cell", name="sales", exact=True)
    )
    sales_row.get_by_role("button", name="Distribute Amounts").click()
    expect(page.get_by_role("status")).to_have_text(f"Line {line_id} distributed.")
    expect(page.get_by_text(re.compile("60 %: Department=Sales"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Journal posted.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("posted")
    expect(page.get_by_role("button", name="Distribute Amounts")).to_have_count(0)

    # Proposals: selective import from staging of the one now ready to import.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Invoice proposals"
    ).click()
    expect(page.get_by_text("ready to import from staging")).to_be_visible()
    page.get_by_role("checkbox", name=re.compile("Select proposal")).check()
    page.get_by_role("button", name="Import from staging").click()
    expect(page.get_by_role("status")).to_have_text("Imported 1 selected from staging.")
    page.get_by_role("row").filter(has_text="ready").get_by_role("link").click()

    # Format invoice proposal: two sections, reordered; the print preview.
    page.get_by_role("checkbox", name="Include Consulting").check()
    page.get_by_label("Section name").fill("Consulting work")
    page.get_by_label("Section mode").select_option("detail")
    page.get_by_role("button", name="Add section").click()
    expect(page.get_by_role("status")).to_have_text("Section added.")
    page.get_by_label("Section name").fill("Summary")
    page.get_by_label("Section mode").select_option("summary")
    page.get_by_role("button", name="Add section").click()
    expect(page.get_by_role("status")).to_have_text("Section added.")
    headings = page.get_by_role("heading", level=3)
    expect(headings.first).to_contain_text("Consulting work")
    page.get_by_role("button", name="Move up Summary").click()
    expect(page.get_by_role("status")).to_have_text("Section moved up.")
    expect(page.get_by_role("heading", level=3).first).to_contain_text("Summary")
    page.get_by_role("button", name="Move down Summary").click()
    expect(page.get_by_role("heading", level=3).first).to_contain_text("Consulting work")
    assert_accessible(page)
    with page.expect_popup() as opened:
        page.get_by_role("link", name="Print preview").click()
    preview = opened.value
    expect(preview.get_by_text("Consulting work").first).to_be_visible()
    preview.close()

    # Print management: the module level sends printouts to the screen.
    back = page.url
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Print management").click()
    page.get_by_label("Level").select_option("module")
    page.get_by_label("Destination").select_option("screen")
    page.get_by_label("Footer text").fill("Thank you")
    page.get_by_role("button", name="Save print settings").click()
    expect(page.get_by_role("status")).to_have_text("Print settings saved.")
    expect(page.get_by_role("cell", name="Thank you")).to_be_visible()
    assert_accessible(page)
    page.goto(back)

    # Post with Posting and Print invoice checked.
    expect(page.get_by_role("checkbox", name="Posting")).to_be_checked()
    page.get_by_role("checkbox", name="Print invoice").check()
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Proposal posted. Printed.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("posted")
    expect(page.get_by_role("button", name="Add section")).to_have_count(0)

    # What was posted: the vouchers, the trial balance in balance, the transactions.
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Vouchers").click()
    expect(page.get_by_role("cell", name="161300").first).to_be_visible()
    assert_accessible(page)
    nav.get_by_role("link", name="Trial balance").click()
    page.get_by_label("Up to").fill("2026-12-31")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("cell", name="130100")).to_be_visible()
    total = page.get_by_role("row", name="Total")
    expect(total.get_by_role("cell").last).to_have_text("$0.00")
    assert_accessible(page)
    nav.get_by_role("link", name="Posted transactions").click()
    expect(page.get_by_role("button", name="Adjust accounting").first).to_be_visible()
    assert_accessible(page)


def test_a_team_member_is_neither_shown_nor_allowed_the_accountants_pages(
    page: Page, site: Site
) -> None:
    sign_in(page, site, "team_member")
    nav = page.get_by_role("navigation", name="Main")
    for label in (
        "Integration journal",
        "Posted transactions",
        "Invoice proposals",
        "Vouchers",
        "Trial balance",
        "Print management",
    ):
        expect(nav.get_by_role("link", name=label)).to_have_count(0)
    page.goto(site.url + "/journals")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Integration journal")
    # A crafted POST with this session's own CSRF token is still refused.
    page.goto(site.url + "/")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    for path in ("/journals/import", "/proposals/import", "/proposals/1/post"):
        answer = page.request.post(site.url + path, form={"csrf_token": token or ""})
        assert answer.status == 403, (path, answer.status)
