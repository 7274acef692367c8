"""The audit trail over HTTP: who confirmed and posted, the list and its filters, who may
read it; and the table itself refuses to change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from billable.persistence.tables import AuditEvent, AuditEventObject
from tests.scenario.proposal_world import build, post_journal

CONFIRM = "POST /api/v1/invoices/{ident}/confirm"


def _events(api: Any, **filters: Any) -> list[dict[str, Any]]:
    return api.get("/audit-events", limit=500, **filters)["items"]


def _name(api: Any, uow_factory: Any) -> str:
    from billable.identity.users import authenticate

    return authenticate(uow_factory(), api.token).name


def test_a_confirmed_invoice_shows_who_confirmed_it_and_when(make_api, uow_factory):
    pw = build(make_api)
    before = dt.datetime.now(dt.UTC)
    invoice = pw.confirmed_invoice("4")
    manager = _name(pw.api, uow_factory)
    assert invoice["confirmed_by"] == manager
    at = dt.datetime.fromisoformat(invoice["confirmed_at"].replace("Z", "+00:00"))
    assert before - dt.timedelta(seconds=1) <= at <= dt.datetime.now(dt.UTC)
    listed = pw.api.get("/invoices", contract_id=pw.world.contract["id"])["items"]
    assert [i["confirmed_by"] for i in listed] == [manager]

    [event] = _events(pw.accountant, object_kind="invoice", object_id=invoice["id"])[-1:]
    assert event["action"] == CONFIRM
    assert event["user_name"] == manager
    assert event["summary"]["invoice"] == {"project_invoice_status": "confirmed"}
    assert {"kind": "invoice", "id": invoice["id"]} in event["objects"]


def test_a_posted_journal_voucher_and_proposal_show_who_posted_them(make_api, uow_factory):
    pw = build(make_api)
    invoice = pw.confirmed_invoice("4")
    post_journal(pw)
    accountant = _name(pw.accountant, uow_factory)
    [journal] = pw.accountant.get("/integration-journals")["items"]
    assert journal["posted_by"] == accountant and journal["posted_at"].endswith("Z")
    proposal = pw.proposal_of(invoice)
    pw.accountant.action(f"/invoice-proposals/{proposal['id']}/import-from-staging")
    posted = pw.accountant.action(f"/invoice-proposals/{proposal['id']}/post", {"posting": True})
    assert posted["posted_by"] == accountant and posted["posted_at"].endswith("Z")
    vouchers = pw.accountant.get("/vouchers")["items"]
    assert vouchers and {v["posted_by"] for v in vouchers} == {accountant}
    assert all(v["posted_at"].endswith("Z") for v in vouchers)

    [event] = _events(pw.accountant, object_kind="invoice_proposal", object_id=proposal["id"])[-1:]
    assert event["action"] == "POST /api/v1/invoice-proposals/{ident}/post"
    assert event["summary"]["request"] == {"posting": True}


def test_the_list_filters_by_object_user_and_time(make_api, uow_factory):
    admin, manager = make_api("admin"), make_api("project_manager")
    start = dt.datetime.now(dt.UTC)
    body = {"name": "A", "currency": "EUR", "bill_to": {"name": "A", "country": "DE"}}
    first = manager.post("/customers", body)
    second = admin.post("/customers", {**body, "name": "B"})
    manager.patch(f"/customers/{first['id']}", {"name": "A2"})

    on_first = _events(admin, object_kind="customer", object_id=first["id"])
    assert [e["action"] for e in on_first] == [
        "POST /api/v1/customers",
        "PATCH /api/v1/customers/{ident}",
    ]
    assert on_first[1]["summary"] == {"request": {"name": "A2"}}
    by_manager = _events(admin, user=_name(manager, uow_factory))
    assert {o["id"] for e in by_manager for o in e["objects"] if o["kind"] == "customer"} == {
        first["id"]
    }
    assert second["id"] in {
        o["id"] for e in _events(admin, since=start.isoformat()) for o in e["objects"]
    }
    assert _events(admin, until=(start - dt.timedelta(days=1)).isoformat()) == []
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)).isoformat()
    assert len(_events(admin, until=later)) == len(_events(admin)) == 3
    page = admin.get("/audit-events", limit=1)
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = admin.get("/audit-events", limit=500, cursor=page["next_cursor"])["items"]
    assert page["items"][0]["id"] not in {e["id"] for e in rest}


def test_only_admins_and_accountants_read_the_trail(make_api):
    for role in ("admin", "accountant"):
        make_api(role).get("/audit-events")
    for role in ("project_manager", "team_member"):
        body = make_api(role).get("/audit-events", expect=403)
        assert body["status"] == 403


def test_an_object_id_that_is_no_id_is_refused(make_api):
    body = make_api("admin").get("/audit-events", expect=422, object_id="①")
    assert [e["field"] for e in body["errors"]] == ["object_id"]


def test_a_refused_write_records_nothing(make_api, engine: Engine):
    manager = make_api("project_manager")
    before = _count(engine)
    manager.post("/customers", {"name": "", "currency": "EUR"}, expect=422)
    manager.action("/invoices/999/confirm", expect=404)
    assert _count(engine) == before


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(AuditEvent)) or 0


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET user_name = 'someone else'",
        "DELETE FROM audit_events",
        "UPDATE audit_event_objects SET object_id = 1",
        "DELETE FROM audit_event_objects",
    ],
)
def test_the_trail_refuses_to_be_changed_or_deleted(make_api, engine: Engine, statement: str):
    make_api("admin").post("/tax-codes", {"code": "Z0", "name": "Zero", "rate": "0"})
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AuditEventObject))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    assert _count(engine) >= 1
