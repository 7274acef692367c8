"""Signing in and out, the dashboard, notifications, CSRF, and accessibility of the
foundation's pages."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Site, assert_accessible, sign_in


def test_a_visitor_is_sent_to_sign_in_and_a_manager_reaches_the_dashboard(
    page: Page, site: Site
) -> None:
    page.goto(site.url + "/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)
    sign_in(page, site, "project_manager")
    expect(page.get_by_role("heading", name="What waits for you")).to_be_visible()
    expect(page.get_by_role("link", name="Approvals")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("Signed out.")).to_be_visible()
    page.goto(site.url + "/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_a_wrong_password_is_refused_next_to_the_password_field(page: Page, site: Site) -> None:
    page.goto(site.url + "/sign-in")
    page.get_by_label("Name").fill(site.users["project_manager"])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#err-password")).to_have_text("the name or the password is not right")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_the_session_cookie_is_http_only_and_same_site_lax(page: Page, site: Site) -> None:
    sign_in(page, site, "team_member")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "billable_session"]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["expires"] > 0  # not a browser-session cookie: it carries an expiry


def test_a_post_without_the_csrf_token_is_refused_and_signs_nobody_in(
    page: Page, site: Site
) -> None:
    page.goto(site.url + "/sign-in")  # a session exists, with its token
    refused = page.request.post(
        site.url + "/sign-in",
        form={"name": site.users["admin"], "password": "correct horse battery"},
    )
    assert refused.status == 403
    assert "CSRF" in refused.text()
    page.goto(site.url + "/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
