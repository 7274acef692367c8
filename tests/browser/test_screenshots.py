"""Screenshots of the main pages for docs/ui/ and the README. Runs only when asked:

BILLABLE_SCREENSHOTS=docs/ui .venv/bin/python -m pytest tests/browser/test_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Site, sign_in

TARGET = os.environ.get("BILLABLE_SCREENSHOTS")


@pytest.mark.skipif(not TARGET, reason="screenshots only when BILLABLE_SCREENSHOTS names a folder")
def test_the_main_pages_are_photographed(page: Page, site: Site) -> None:
    assert TARGET
    folder = Path(TARGET)
    folder.mkdir(parents=True, exist_ok=True)
    world = site.world
    world.line(["time"], invoice_schedule={"frequency": "weekly", "start_date": "2026-08-31"})
    world.line(["expense"])
    for day, hours in (("2026-08-24", "8"), ("2026-08-25", "6"), ("2026-08-26", "7.5")):
        world.approved_time(hours, day, external_comment=f"Requirements workshop {day}")
    world.approved_expense("1", "180.00", "2026-08-26")
    world.mark_all_ready()
    for day in ("2026-08-27", "2026-08-28"):
        site.api.post(
            "/time-entries",
            {
                "resource_id": world.resource["id"],
                "project_id": world.project["id"],
                "date": day,
                "quantity": "8",
                "internal_comment": "work",
                "external_comment": "Design review",
                "status": "submitted",
            },
        )
    invoice = world.invoice()
    sign_in(page, site, "project_manager")
    for name, path in (
        ("dashboard", "/"),
        ("approvals", "/approvals"),
        ("contracts", "/contracts"),
        ("contract", f"/contracts/{world.contract['id']}"),
        ("backlog", "/backlog"),
        ("invoices", "/invoices"),
        ("invoice", f"/invoices/{invoice['id']}"),
        ("confirm-dialog", f"/invoices/{invoice['id']}?dialog=confirm"),
        ("invoice-runs", "/invoice-runs"),
    ):
        page.goto(site.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()
    page.screenshot(path=str(folder / "sign-in.png"))
