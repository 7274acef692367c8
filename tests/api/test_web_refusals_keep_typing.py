"""A refused form never loses what was typed: the page shown after the refusal has each
control as the user filled it, beside the field's reason; secrets are never kept, and a
form too large for the session cookie is shown as stored instead."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.builders import make_world
from tests.conftest import Api
from tests.web_client import Web, signed_in


def _refused(web: Web, path: str, **fields: str) -> str:
    """Post ``fields`` to ``path``; assert the page came back with a refusal. The page."""
    response = web.client.post(path, data={"csrf_token": web.csrf, **fields})
    assert response.status_code == 200, f"POST {path}: {response.status_code}"
    assert 'role="alert"' in response.text, f"POST {path} was not refused"
    return response.text


def _value(page: str, name: str) -> str | None:
    """The value attribute of the input named ``name`` on ``page``."""
    found = re.search(rf'<input [^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', page)
    return found[1] if found else None


def test_a_refused_fixed_rate_agreement_keeps_the_currency_rate_reference_and_contract(
    api: Api, app_client: TestClient, uow_factory: Any
) -> None:
    world = make_world(api)
    web = signed_in(app_client, uow_factory, "accountant")
    contract = str(world.contract["id"])
    shown = _refused(
        web,
        "/setup/fixed-rate-agreements",
        contract=contract,
        currency="GBP",
        rate="1.25x",
        reference="Agreement 2026/7",
    )
    assert _value(shown, "currency") == "GBP"
    assert _value(shown, "rate") == "1.25x"
    assert _value(shown, "reference") == "Agreement 2026/7"
    assert f'<option value="{contract}" selected>' in shown
    assert 'aria-invalid="true" aria-describedby="err-rate"' in shown
    # Shown once: the next visit has the empty form again.
    again = web.client.get("/setup/fixed-rate-agreements").text
    assert _value(again, "rate") == ""


def test_a_refused_expense_keeps_its_amount_and_description_on_the_week_page(
    api: Api, app_client: TestClient, uow_factory: Any
) -> None:
    world = make_world(api)
    web = signed_in(app_client, uow_factory, "project_manager")
    shown = _refused(
        web,
        "/time/expenses",
        resource=str(world.resource["id"]),
        week="2026-08-24",
        project=str(world.project["id"]),
        category=str(world.categories["expense"]["id"]),
        date="2026-08-25",
        amount="12,50",
        description="Taxi to the client's site",
    )
    assert _value(shown, "amount") == "12,50"
    assert _value(shown, "description") == "Taxi to the client&#39;s site"
    assert _value(shown, "date") == "2026-08-25"
    assert "must be a plain decimal" in shown
    assert api.get("/expense-entries")["items"] == []  # the refusal changed nothing


def test_a_refused_sign_in_keeps_the_name_but_never_the_password(app_client: TestClient) -> None:
    client = TestClient(app_client.app)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sign-in").text)
    assert csrf
    shown = client.post(
        "/sign-in", data={"name": "nobody", "password": "s3cret-typed", "csrf_token": csrf[1]}
    ).text
    assert 'role="alert"' in shown
    assert _value(shown, "name") == "nobody"
    assert "s3cret-typed" not in shown
    assert "s3cret-typed" not in str(client.cookies.get("session", ""))


def test_a_form_too_large_for_the_session_cookie_is_shown_as_stored(
    api: Api, app_client: TestClient, uow_factory: Any
) -> None:
    world = make_world(api)
    web = signed_in(app_client, uow_factory, "accountant")
    long_reference = "R" * 2000
    shown = _refused(
        web,
        "/setup/fixed-rate-agreements",
        contract=str(world.contract["id"]),
        currency="GBP",
        rate="not a rate",
        reference=long_reference,
    )
    assert long_reference not in shown
    assert _value(shown, "rate") == ""
    # The user is still signed in: the cookie was not dropped for its size.
    assert web.client.get("/setup/fixed-rate-agreements").status_code == 200
