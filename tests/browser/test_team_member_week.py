"""A team member's week in the browser: hours entered in the grid, an expense with its
category and amount, the week submitted and recalled."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Site, assert_accessible, sign_in


def test_a_team_member_enters_and_submits_a_week(page: Page, site: Site) -> None:
    world = site.world
    sign_in(page, site, "team_member")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My week").click()
    expect(page.get_by_label("Resource")).to_have_value(str(world.resource["id"]))  # their own
    page.get_by_label("Week of").fill("2026-08-24")
    page.get_by_role("button", name="Show week").click()
    assert_accessible(page)

    page.get_by_label("Project of the new row").select_option(label=world.project["name"])
    page.get_by_label("New row hours Monday").fill("8")
    page.get_by_label("New row hours Tuesday").fill("6.5")
    page.get_by_role("button", name="Save week").click()
    expect(page.get_by_role("status")).to_have_text("Week saved.")
    tuesday = page.get_by_label(f"Hours {world.project['name']}  Tuesday")
    expect(tuesday).to_have_value("6.5")
    tuesday.fill("7")
    page.get_by_role("button", name="Save week").click()
    expect(page.get_by_role("status")).to_have_text("Week saved.")

    page.get_by_label("Category").select_option(index=0)
    page.get_by_label("Amount").fill("42.50")
    page.get_by_label("Description").fill("Train")
    page.get_by_role("button", name="Add expense").click()
    expect(page.get_by_role("status")).to_have_text("Expense added.")

    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status")).to_have_text("Submitted the week's entries.")
    entries = site.api.get("/time-entries", status="submitted")["items"]
    assert sorted(e["quantity"] for e in entries) == ["7", "8"]
    (expense,) = site.api.get("/expense-entries", status="submitted")["items"]
    assert expense["unit_price"].startswith("42.5")
    # Sent hours are shown, no longer editable.
    expect(page.get_by_label(f"Hours {world.project['name']}  Tuesday")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("button", name="Recall").click()
    expect(page.get_by_role("status")).to_have_text("Recalled the week's entries.")
    expect(page.get_by_label(f"Hours {world.project['name']}  Tuesday")).to_have_value("7")
