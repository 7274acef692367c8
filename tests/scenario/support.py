"""Helpers the scenario stories share: snapshots of what a user can see, problem+json
checks, and short ways to find lines and details on an invoice."""

from __future__ import annotations

from typing import Any

from tests.builders import World
from tests.conftest import Api

PROBLEM_JSON = "application/problem+json"


def all_actuals(api: Api, **filters: Any) -> list[dict[str, Any]]:
    """Every actual (all pages), optionally filtered."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params = {"limit": 500, **filters}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/actuals", **params)
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return items


def snapshot(api: Api, world: World, *invoice_ids: str) -> dict[str, Any]:
    """What a project manager sees of a world: its invoices, every actual, the backlog,
    the invoice list and the milestones of every contract line."""
    contract_id = world.contract["id"]
    lines = api.get(f"/contracts/{contract_id}/lines", limit=500)["items"]
    return {
        "invoices": {i: api.get(f"/invoices/{i}") for i in invoice_ids},
        "invoice_list": api.get("/invoices", limit=500),
        "actuals": all_actuals(api),
        "backlog": api.get("/billing-backlog", contract_id=contract_id),
        "lines": lines,
        "milestones": [
            api.get(f"/contract-lines/{line['id']}/milestones", limit=500) for line in lines
        ],
    }


def problem(
    api: Api, method: str, path: str, status: int, json: Any = None, **params: Any
) -> dict[str, Any]:
    """Send a request expected to be refused; check the problem+json shape; return it."""
    response = api.client.request(
        method, "/api/v1" + path, json=json, params=params or None, headers=api.headers
    )
    assert response.status_code == status, (
        f"{method} {path}: expected {status}, got {response.status_code}: {response.text}"
    )
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail", "errors"}
    assert body["status"] == status
    assert isinstance(body["type"], str) and body["type"]
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
        assert error["field"] and error["message"]
    return body


def fields_of(body: dict[str, Any]) -> list[str]:
    """The fields a problem names, in order."""
    return [e["field"] for e in body["errors"]]


def line_for(invoice: dict[str, Any], contract_line_id: str) -> dict[str, Any]:
    """The invoice line of a contract line."""
    (line,) = [ln for ln in invoice["lines"] if ln["contract_line_id"] == contract_line_id]
    return line


def detail_for(
    invoice: dict[str, Any], *, actual_id: str | None = None, milestone_id: str | None = None
) -> dict[str, Any]:
    """The detail backed by an actual or a milestone."""
    found = [
        d
        for line in invoice["lines"]
        for d in line["details"]
        if (actual_id is not None and d["actual_id"] == actual_id)
        or (milestone_id is not None and d["milestone_id"] == milestone_id)
    ]
    assert len(found) == 1, found
    return found[0]


def totals(invoice: dict[str, Any]) -> tuple[str, str, str, str]:
    """Header detail amount, pre-freight amount, total tax and total amount."""
    return (
        invoice["detail_amount"],
        invoice["pre_freight_amount"],
        invoice["total_tax"],
        invoice["total_amount"],
    )


def line_totals(line: dict[str, Any]) -> tuple[str, str, str]:
    """A line's amount, tax and extended amount."""
    return (line["amount"], line["tax"], line["extended_amount"])


def figures(detail: dict[str, Any]) -> tuple[str, str, str, str, str, str]:
    """A detail's quantity, price, amount, tax, extended amount and billing type."""
    return (
        detail["quantity"],
        detail["price"],
        detail["amount"],
        detail["tax"],
        detail["extended_amount"],
        detail["billing_type"],
    )


def unbilled_of(api: Api, entry_id: str) -> dict[str, Any]:
    """The one unbilled sales actual an approval wrote for an entry."""
    (actual,) = [
        a
        for a in all_actuals(api, source_id=entry_id, transaction_type="unbilled_sales")
        if a["reverses_actual_id"] is None and a["source_kind"] != "invoice_detail"
    ]
    return actual


def ready(api: Api, *actual_ids: str, milestone_ids: tuple[str, ...] = ()) -> None:
    """Mark backlog actuals (and fixed milestones) ready to invoice."""
    api.action(
        "/billing-backlog/ready-to-invoice",
        {"actual_ids": list(actual_ids), "milestone_ids": list(milestone_ids)},
        expect=204,
    )


def ledger(api: Api, entry_id: str) -> list[tuple[str, str, str, str, bool]]:
    """Sales actuals of an entry as (type, quantity, amount, billing type, reversal?)."""
    return [
        (
            a["transaction_type"],
            a["quantity"],
            a["amount"],
            a["billing_type"],
            a["reverses_actual_id"] is not None,
        )
        for a in all_actuals(api, source_id=entry_id)
        if a["transaction_type"] != "cost" and a["source_kind"] != "invoice_detail"
    ]
