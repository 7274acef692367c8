"""Screenshots of the accountant's pages (the setup pages too) and the team member's
for docs/ui/. Runs only when asked:

BILLABLE_SCREENSHOTS=docs/ui .venv/bin/python -m pytest tests/browser/test_screenshots_accounting.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Site, sign_in
from tests.browser.test_accountant_flow import _confirmed_invoice, _ledger
from tests.browser.test_setup_pages import _invoiced_milestone

TARGET = os.environ.get("BILLABLE_SCREENSHOTS")


def _shoot(page: Page, site: Site, folder: Path, shots: tuple[tuple[str, str], ...]) -> None:
    for name, path in shots:
        page.goto(site.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.mark.skipif(not TARGET, reason="screenshots only when BILLABLE_SCREENSHOTS names a folder")
def test_the_accountants_pages_are_photographed(page: Page, site: Site) -> None:
    assert TARGET
    folder = Path(TARGET)
    folder.mkdir(parents=True, exist_ok=True)
    api, world = site.api, site.world
    _ledger(site)
    world.line(["time"])
    for day, hours in (("2026-08-24", "8"), ("2026-08-25", "6")):
        world.approved_time(hours, day)
    _confirmed_invoice(site)
    draft = api.post("/integration-journals/import-from-staging")
    sign_in(page, site, "accountant")
    _shoot(page, site, folder, (("journal-draft", f"/journals/{draft['id']}"),))
    for line in draft["lines"]:
        if line["kind"] == "sales":
            api.patch(
                f"/integration-journal-lines/{line['id']}",
                {"sales_tax_group": "UK", "item_sales_tax_group": "SERV"},
            )
    api.action(f"/integration-journals/{draft['id']}/post")
    api.action("/invoice-proposals/import-from-staging")
    (proposal,) = api.get("/invoice-proposals")["items"]
    first = proposal["lines"][0]["id"]
    api.post(
        f"/invoice-proposals/{proposal['id']}/sections",
        {"name": "Consulting", "mode": "detail", "line_ids": [first]},
    )
    _shoot(
        page,
        site,
        folder,
        (
            ("journals", "/journals"),
            ("proposals", "/proposals"),
            ("proposal-format", f"/proposals/{proposal['id']}"),
            ("posted-transactions", "/posted-transactions"),
        ),
    )
    api.action(f"/invoice-proposals/{proposal['id']}/post", {"posting": True, "print": False})
    _shoot(page, site, folder, (("vouchers", "/vouchers"), ("trial-balance", "/trial-balance")))
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, site, "team_member")
    _shoot(page, site, folder, (("week", "/time?week=2026-08-24"),))


@pytest.mark.skipif(not TARGET, reason="screenshots only when BILLABLE_SCREENSHOTS names a folder")
def test_the_setup_pages_are_photographed(page: Page, site: Site) -> None:
    assert TARGET
    folder = Path(TARGET)
    folder.mkdir(parents=True, exist_ok=True)
    _ledger(site)
    _invoiced_milestone(site)
    for pair, rate in (("EUR", "0.92"), ("GBP", "0.79")):
        site.api.post(
            "/exchange-rates",
            {"from_currency": "USD", "to_currency": pair, "rate": rate, "valid_from": "2026-08-01"},
        )
    sign_in(page, site, "accountant")
    _shoot(
        page,
        site,
        folder,
        (("setup-exchange-rates", "/setup/exchange-rates"), ("on-account", "/on-account")),
    )
