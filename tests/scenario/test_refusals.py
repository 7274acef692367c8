"""A refused request changes nothing, and says why as application/problem+json
(api.md "Conventions"): 401, 403, 404, 409 and 422 on a world with a draft and a
confirmed invoice, compared before and after."""

from typing import Any

from tests.builders import make_world
from tests.conftest import Api
from tests.scenario.support import fields_of, problem, snapshot, unbilled_of


def _world(api: Api):
    world = make_world(api)
    world.line(["time", "expense"])
    billed = world.approved_time("8", date="2026-08-20")
    world.mark_all_ready()
    confirmed = world.invoice("2026-08-25")
    api.action(f"/invoices/{confirmed['id']}/confirm")
    on_draft = world.approved_time("4", date="2026-08-26")
    world.mark_all_ready()
    draft = world.invoice("2026-08-31")
    waiting = unbilled_of(api, world.approved_time("2", date="2026-08-27")["id"])
    submitted = api.post(
        "/time-entries",
        {"resource_id": world.resource["id"], "project_id": world.project["id"],
         "date": "2026-08-28", "quantity": "3", "status": "submitted"},
    )  # fmt: skip
    # A role without a price on any list: approving its time is refused.
    architect = api.post("/roles", {"name": "Architect"})
    unpriced = api.post(
        "/time-entries",
        {"resource_id": world.resource["id"], "project_id": world.project["id"],
         "role_id": architect["id"], "date": "2026-08-28", "quantity": "1",
         "status": "submitted"},
    )  # fmt: skip
    return world, {
        "confirmed": api.get(f"/invoices/{confirmed['id']}"),
        "draft": draft,
        "billed": billed,
        "on_draft": on_draft,
        "waiting": waiting,
        "submitted": submitted,
        "unpriced": unpriced,
    }


def _everything(api: Api, world, objects) -> dict[str, Any]:
    seen = snapshot(api, world, objects["confirmed"]["id"], objects["draft"]["id"])
    for path in ("/time-entries", "/expense-entries", "/customers", "/contracts", "/roles",
                 "/projects", "/resources", "/price-lists"):  # fmt: skip
        seen[path] = api.get(path, limit=500)
    return seen


def test_refused_requests_of_every_kind_change_nothing(api, make_api):
    world, o = _world(api)
    team_member, accountant = make_api("team_member"), make_api("accountant")
    anonymous = Api(api.client, None)
    forged = Api(api.client, "bl_not-a-token")
    draft, confirmed = o["draft"], o["confirmed"]
    draft_detail = draft["lines"][0]["details"][0]
    confirmed_detail = confirmed["lines"][0]["details"][0]
    contract_id = world.contract["id"]
    base_time = {"resource_id": world.resource["id"], "project_id": world.project["id"],
                 "date": "2026-08-29", "quantity": "1"}  # fmt: skip
    cost = api.get("/actuals", transaction_type="cost")["items"][0]
    on_draft = unbilled_of(api, o["on_draft"]["id"])
    before = _everything(api, world, o)

    refused: list[tuple[Api, str, str, int, Any, list[str] | None]] = [
        # 401: no token, or a token that names no one.
        (anonymous, "GET", f"/invoices/{draft['id']}", 401, None, None),
        (anonymous, "POST", f"/contracts/{contract_id}/invoices", 401, {}, None),
        (anonymous, "POST", "/time-entries", 401, base_time, None),
        (forged, "POST", f"/invoices/{draft['id']}/confirm", 401, None, None),
        (forged, "PATCH", f"/invoices/{draft['id']}", 401, {"name": "x"}, None),
        # 403: a role that may not act.
        (team_member, "POST", f"/contracts/{contract_id}/invoices", 403, {}, None),
        (team_member, "POST", f"/time-entries/{o['submitted']['id']}/approve", 403, None, None),
        (team_member, "POST", f"/time-entries/{o['submitted']['id']}/reject", 403, None, None),
        (team_member, "POST", "/billing-backlog/ready-to-invoice", 403,
         {"actual_ids": [o["waiting"]["id"]]}, None),
        (team_member, "POST", "/roles", 403, {"name": "Tester"}, None),
        (accountant, "PATCH", f"/invoices/{draft['id']}", 403, {"name": "x"}, None),
        (accountant, "PATCH", f"/invoice-line-details/{draft_detail['id']}", 403,
         {"quantity": "1"}, None),
        (accountant, "POST", f"/invoices/{draft['id']}/confirm", 403, None, None),
        (accountant, "POST", f"/invoices/{confirmed['id']}/correct", 403, None, None),
        (accountant, "PATCH", f"/actuals/{o['waiting']['id']}", 403,
         {"billing_type": "complimentary"}, None),
        (accountant, "POST", "/time-entries", 403, base_time, None),
        # 404: unknown ids (a non-numeric id in a path names nothing).
        (api, "GET", "/invoices/999999", 404, None, None),
        (api, "PATCH", "/invoices/999999", 404, {"name": "x"}, None),
        (api, "POST", "/invoices/abc/confirm", 404, None, None),
        (api, "POST", "/contracts/999999/invoices", 404, {}, None),
        (api, "PATCH", "/invoice-line-details/999999", 404, {"quantity": "1"}, None),
        (api, "DELETE", "/invoice-line-details/999999", 404, None, None),
        (api, "PATCH", "/actuals/999999", 404, {"billing_type": "chargeable"}, None),
        (api, "POST", "/time-entries/999999/approve", 404, None, None),
        (api, "POST", "/milestones/999999/ready-to-invoice", 404, None, None),
        (api, "GET", "/billing-backlog", 404, None, None),  # contract_id given below
        # 409: what the state forbids.
        (api, "POST", f"/invoices/{confirmed['id']}/confirm", 409, None, None),
        (api, "PATCH", f"/invoice-line-details/{confirmed_detail['id']}", 409,
         {"quantity": "1"}, None),
        (api, "POST", f"/invoices/{confirmed['id']}/refresh", 409, None, None),
        (api, "POST", f"/invoices/{draft['id']}/correct", 409, None, None),
        (api, "PATCH", f"/invoices/{draft['id']}", 409, {"status": "paid"}, None),
        (api, "POST", f"/time-entries/{o['billed']['id']}/approve", 409, None, None),
        (api, "PATCH", f"/time-entries/{o['billed']['id']}", 409, {"quantity": "9"}, None),
        (api, "PATCH", f"/actuals/{on_draft['id']}", 409, {"billing_type": "complimentary"}, None),
        (api, "PATCH", f"/actuals/{cost['id']}", 409, {"billing_type": "complimentary"}, None),
        (api, "POST", "/billing-backlog/not-ready", 409, {"actual_ids": [on_draft["id"]]}, None),
        (api, "POST", "/billing-backlog/ready-to-invoice", 409,
         {"actual_ids": [o["waiting"]["id"], on_draft["id"]]}, None),
        # 422: invalid input.
        (api, "POST", "/time-entries", 422, {**base_time, "quantity": "-8"}, ["quantity"]),
        (api, "POST", "/time-entries", 422, {**base_time, "hours": "8"}, ["hours"]),
        (api, "POST", "/time-entries", 422, {**base_time, "resource_id": "abc"},
         ["resource_id"]),
        (api, "POST", "/time-entries", 422, {**base_time, "resource_id": "999999"},
         ["resource_id"]),
        (api, "POST", "/time-entries", 422, {**base_time, "date": "2026-13-01"}, ["date"]),
        (api, "POST", "/time-entries", 422, {**base_time, "status": "approved"}, ["status"]),
        (api, "POST", "/customers", 422,
         {"name": "X", "currency": "ZZZ", "bill_to": {"name": "X"}}, ["currency"]),
        (api, "POST", "/contracts", 422,
         {"name": "X", "customer_id": world.customer["id"], "currency": "usd",
          "price_list_id": world.sales_list["id"]}, ["currency"]),
        (api, "PATCH", f"/invoices/{draft['id']}", 422, {"colour": "red"}, ["colour"]),
        (api, "PATCH", f"/invoices/{draft['id']}", 422, {"status": "canceled"}, ["status"]),
        (api, "PATCH", f"/invoice-line-details/{draft_detail['id']}", 422,
         {"quantity": "-1"}, ["quantity"]),
        (api, "PATCH", f"/invoice-line-details/{draft_detail['id']}", 422,
         {"price": "1.00"}, ["price"]),
        (api, "PATCH", f"/invoice-line-details/{draft_detail['id']}", 422,
         {"quantity": "1.00001"}, ["quantity"]),
        (api, "GET", "/no-such-collection", 404, None, None),
        (api, "PATCH", f"/actuals/{o['waiting']['id']}", 422, {"billing_type": "gratis"},
         ["billing_type"]),
        # All or none: one unknown id refuses the whole selection.
        (api, "POST", "/billing-backlog/ready-to-invoice", 422,
         {"actual_ids": [o["waiting"]["id"], "999999"]}, ["actual_ids[1]"]),
        (api, "POST", "/billing-backlog/ready-to-invoice", 422,
         {"actual_ids": ["x1"]}, ["actual_ids[0]"]),
        # Approval that cannot price the time writes no actuals and leaves it submitted.
        (api, "POST", f"/time-entries/{o['unpriced']['id']}/approve", 422, None, ["role_id"]),
    ]  # fmt: skip
    for caller, method, path, status, body, named in refused:
        params = {"contract_id": "999999"} if path == "/billing-backlog" else {}
        shown = problem(caller, method, path, status, json=body, **params)
        if named is not None:
            assert fields_of(shown) == named, (method, path, shown)
        if status == 401:
            assert shown["title"] == "Unauthorized"

    assert _everything(api, world, o) == before
    assert api.get(f"/time-entries/{o['unpriced']['id']}")["status"] == "submitted"
    assert api.get("/actuals", source_id=o["unpriced"]["id"])["items"] == []


def test_a_problem_says_what_was_wrong_in_detail_and_per_field(api):
    world = make_world(api)
    response = api.client.post(
        "/api/v1/time-entries",
        json={"resource_id": world.resource["id"], "project_id": world.project["id"],
              "date": "2026-08-29", "quantity": "-8", "colour": "red"},
        headers=api.headers,
    )  # fmt: skip
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["type"], body["title"], body["status"]) == (
        "https://billable.dev/problems/422",
        "Invalid input",
        422,
    )
    assert sorted(fields_of(body)) == ["colour", "quantity"]
    assert "quantity" in body["detail"] and "colour" in body["detail"]

    unauthorized = api.client.get("/api/v1/invoices")
    assert unauthorized.status_code == 401
    assert unauthorized.headers["content-type"] == "application/problem+json"
    assert unauthorized.headers["www-authenticate"] == "Bearer"
    assert unauthorized.json()["errors"] == []

    missing = problem(api, "GET", "/invoices/424242", 404)
    assert "424242" in missing["detail"]
    assert missing["type"] == "https://billable.dev/problems/404"


def test_an_entry_cannot_lose_its_unit_price_and_then_fail_approval(api):
    world = make_world(api)
    entry = api.post(
        "/expense-entries",
        {
            "resource_id": world.resource["id"],
            "project_id": world.project["id"],
            "category_id": world.categories["expense"]["id"],
            "date": "2026-08-27",
            "quantity": "1",
            "unit_price": "10.00",
        },
    )
    api.patch(f"/expense-entries/{entry['id']}", {"unit_price": None}, expect=422)
    api.patch(f"/expense-entries/{entry['id']}", {"task_id": None})  # optional: cleared
    assert api.get(f"/expense-entries/{entry['id']}")["unit_price"] == "10.00"


def test_hours_too_many_to_price_are_refused_at_the_request_and_nothing_is_written(api):
    # A day holds 24 hours and a price at most 999999999999, so their product always fits
    # an amount: what once overflowed at approval is refused when it is entered.
    world = make_world(api)
    world.line(["time"])
    api.patch(
        f"/price-lists/{world.sales_list['id']}",
        {"role_prices": [{"role_id": world.role["id"], "price": "999999999999"}]},
    )
    refused = problem(
        api,
        "POST",
        "/time-entries",
        422,
        json={
            "resource_id": world.resource["id"],
            "project_id": world.project["id"],
            "date": "2026-08-27",
            "quantity": "999999999",
            "status": "submitted",
        },
    )
    assert refused["errors"][0]["field"] == "quantity"
    assert "holds at most 24 hours" in refused["errors"][0]["message"]
    assert api.get("/time-entries")["items"] == []
    assert api.get("/actuals")["items"] == []
