"""Create Project Invoices as a background job with its progress bar and notification;
every manager page passes the accessibility check; a role sees only what it may use."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Site, assert_accessible, sign_in


def _ready_contract(site: Site, name: str) -> str:
    """Another contract on the world's project, for its expenses (none ready)."""
    world = site.world
    contract = site.api.post(
        "/contracts",
        {
            "name": name,
            "customer_id": world.customer["id"],
            "currency": "USD",
            "price_list_id": world.sales_list["id"],
        },
    )
    site.api.post(
        f"/contracts/{contract['id']}/lines",
        {
            "name": f"{name} expenses",
            "kind": "project",
            "billing_method": "time_and_material",
            "project_id": world.project["id"],
            "transaction_classes": ["expense"],
        },
    )
    return str(contract["id"])


def test_create_project_invoices_runs_as_a_job_with_a_progress_bar_and_a_notification(
    page: Page, site: Site
) -> None:
    world = site.world
    world.line(["time"])
    world.approved_time("8", "2026-08-25")
    world.mark_all_ready()
    other = _ready_contract(site, "Coho SOW 2")
    sign_in(page, site, "project_manager")
    page.goto(site.url + "/contracts")
    expect(page.get_by_role("link", name="Coho SOW 2")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("checkbox", name="Select Coho SOW 1").check()
    page.get_by_role("checkbox", name="Select Coho SOW 2").check()
    page.get_by_label("Invoice date").fill("2026-08-31")
    page.get_by_role("button", name="Create Project Invoices").click()

    bar = page.get_by_role("progressbar", name="Progress")
    expect(bar).to_have_attribute("max", "2")
    # The page refreshes itself while the job runs; it ends with everything done.
    expect(page.get_by_text("succeeded", exact=True)).to_be_visible(timeout=120_000)
    expect(bar).to_have_attribute("value", "2")
    expect(page.get_by_text("Invoices created: 1", exact=False)).to_be_visible()
    assert_accessible(page)
    invoices = site.api.get("/invoices", contract_id=world.contract["id"])["items"]
    assert len(invoices) == 1  # the first contract's; the other had nothing ready
    assert site.api.get("/invoices", contract_id=other)["items"] == []
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("table")).to_be_visible()


def test_every_manager_page_passes_the_accessibility_check(page: Page, site: Site) -> None:
    world = site.world
    world.line(["time"])
    world.line(["fee"], billing_method="fixed_price", amount="1000.00")
    world.approved_time("8", "2026-08-25")
    world.mark_all_ready()
    invoice = world.invoice()
    sign_in(page, site, "project_manager")
    for path, heading in (
        ("/", "What waits for you"),
        ("/approvals", "Approvals"),
        ("/contracts", "Project contracts"),
        (f"/contracts/{world.contract['id']}", "Coho SOW 1"),
        ("/backlog", "Billing backlog"),
        ("/invoices", "Invoices"),
        (f"/invoices/{invoice['id']}", f"Invoice {invoice['number']}"),
        (f"/invoices/{invoice['id']}?dialog=confirm", f"Invoice {invoice['number']}"),
        ("/invoice-runs", "Invoice runs"),
        ("/notifications", "Notifications"),
    ):
        page.goto(site.url + path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page)


def test_a_team_member_is_offered_no_billing_and_a_crafted_post_is_refused(
    page: Page, site: Site
) -> None:
    world = site.world
    world.line(["time"])
    world.approved_time("8", "2026-08-25")
    world.mark_all_ready()
    invoice = world.invoice()
    sign_in(page, site, "team_member")
    nav = page.get_by_role("navigation", name="Main")
    for hidden in ("Approvals", "Project contracts", "Billing backlog", "Invoices"):
        expect(nav.get_by_role("link", name=hidden)).to_have_count(0)
    for path in ("/approvals", "/contracts", "/backlog", "/invoices", f"/invoices/{invoice['id']}"):
        assert page.goto(site.url + path).status == 403  # type: ignore[union-attr]
    page.goto(site.url + "/")
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    assert csrf
    for action, form in (
        (f"/invoices/{invoice['id']}/confirm", {}),
        ("/contracts/create-invoices", {"ids": world.contract["id"]}),
        (f"/contracts/{world.contract['id']}/invoices", {}),
        ("/invoice-runs", {"run_date": "2026-08-31"}),
        ("/approvals", {"kind": "time", "action": "approve", "ids": "1"}),
    ):
        answer = page.request.post(site.url + action, form={"csrf_token": csrf, **form})
        assert answer.status == 403, action
    assert site.api.get(f"/invoices/{invoice['id']}")["project_invoice_status"] == "draft"
    assert site.api.get("/jobs")["items"] == []


def test_an_accountant_reads_invoices_but_is_offered_no_billing_action(
    page: Page, site: Site
) -> None:
    world = site.world
    world.line(["time"])
    world.approved_time("8", "2026-08-25")
    world.mark_all_ready()
    invoice = world.invoice()
    sign_in(page, site, "accountant")
    page.goto(f"{site.url}/invoices/{invoice['id']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(invoice["number"])
    for button in ("Confirm", "Correct", "In review", "Refresh Invoice Line Transactions"):
        expect(page.get_by_role("button", name=button, exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Save", exact=False)).to_have_count(0)
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(
        f"{site.url}/invoices/{invoice['id']}/confirm", form={"csrf_token": csrf or ""}
    )
    assert answer.status == 403
    assert site.api.get(f"/invoices/{invoice['id']}")["project_invoice_status"] == "draft"


def test_a_refused_edit_shows_the_servers_reason_next_to_the_field(page: Page, site: Site) -> None:
    world = site.world
    world.line(["time"])
    world.approved_time("8", "2026-08-25")
    world.mark_all_ready()
    invoice = world.invoice()
    (detail,) = [d for line in invoice["lines"] for d in line["details"]]
    sign_in(page, site, "project_manager")
    page.goto(f"{site.url}/invoices/{invoice['id']}")
    page.get_by_role("textbox", name=f"Quantity of detail {detail['id']}").fill("-3")
    page.get_by_role("button", name=f"Save detail {detail['id']}").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#err-quantity")).not_to_be_empty()
    quantity = page.get_by_role("textbox", name=f"Quantity of detail {detail['id']}")
    expect(quantity).to_have_attribute("aria-invalid", "true")
    assert site.api.get(f"/invoices/{invoice['id']}")["lines"][0]["details"][0]["quantity"] == "8"
