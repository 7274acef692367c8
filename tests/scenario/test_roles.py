"""Who does what: team members enter time, project managers approve and invoice,
accountants read everything and change nothing, admins do all (api.md "Conventions")."""

from tests.builders import make_world
from tests.scenario.support import problem, unbilled_of


def test_a_team_member_enters_and_submits_time_but_cannot_approve_it_or_see_invoices(api, make_api):
    world = make_world(api)
    world.line(["time"])
    member = make_api("team_member", world.resource["id"])

    entry = member.post(
        "/time-entries",
        {"resource_id": world.resource["id"], "project_id": world.project["id"],
         "date": "2026-08-24", "quantity": "7", "internal_comment": "draft notes"},
    )  # fmt: skip
    assert (entry["status"], entry["role_id"]) == ("draft", world.role["id"])
    entry = member.patch(f"/time-entries/{entry['id']}", {"quantity": "7.5"})
    assert entry["quantity"] == "7.5"
    entry = member.action(f"/time-entries/{entry['id']}/submit")
    assert entry["status"] == "submitted"
    assert member.get(f"/time-entries/{entry['id']}") == entry
    assert [e["id"] for e in member.get("/time-entries")["items"]] == [entry["id"]]
    assert member.get(f"/projects/{world.project['id']}")["name"] == "Requirements"

    problem(member, "POST", f"/time-entries/{entry['id']}/approve", 403)
    problem(member, "POST", f"/time-entries/{entry['id']}/reject", 403)
    assert member.get(f"/time-entries/{entry['id']}")["status"] == "submitted"

    # The project manager approves: the actuals appear, priced from the price lists.
    api.action(f"/time-entries/{entry['id']}/approve")
    actuals = api.get("/actuals", source_id=entry["id"])["items"]
    assert [(a["transaction_type"], a["amount"]) for a in actuals] == [
        ("cost", "900.00"),
        ("unbilled_sales", "1875.00"),
    ]
    world.mark_all_ready()
    invoice = world.invoice()

    for path in (
        "/invoices",
        f"/invoices/{invoice['id']}",
        f"/invoice-line-details/{invoice['lines'][0]['details'][0]['id']}",
        "/actuals",
        f"/actuals/{actuals[0]['id']}",
    ):
        body = problem(member, "GET", path, 403)
        assert "team_member" in body["detail"]
    problem(member, "GET", "/billing-backlog", 403, contract_id=world.contract["id"])
    problem(member, "POST", f"/contracts/{world.contract['id']}/invoices", 403, json={})
    problem(member, "POST", f"/invoices/{invoice['id']}/confirm", 403)
    problem(member, "POST", "/customers", 403,
            json={"name": "X", "currency": "USD", "bill_to": {"name": "X"}})  # fmt: skip
    # Approved entries are no longer the team member's to change.
    problem(member, "PATCH", f"/time-entries/{entry['id']}", 409, json={"quantity": "1"})


def test_a_rejected_entry_goes_back_to_the_team_member_and_writes_no_actuals(api, make_api):
    world = make_world(api)
    world.line(["time"])
    member = make_api("team_member", world.resource["id"])
    entry = member.post(
        "/time-entries",
        {"resource_id": world.resource["id"], "project_id": world.project["id"],
         "date": "2026-08-24", "quantity": "12", "status": "submitted"},
    )  # fmt: skip
    assert api.action(f"/time-entries/{entry['id']}/reject")["status"] == "rejected"
    assert api.get("/actuals", source_id=entry["id"])["items"] == []
    member.patch(f"/time-entries/{entry['id']}", {"quantity": "8"})
    assert member.action(f"/time-entries/{entry['id']}/submit")["status"] == "submitted"
    api.action(f"/time-entries/{entry['id']}/approve")
    assert unbilled_of(api, entry["id"])["amount"] == "2000.00"


def test_an_accountant_reads_everything_and_changes_nothing(api, make_api):
    world = make_world(api)
    world.line(["time"])
    entry = world.approved_time("8", date="2026-08-24")
    world.mark_all_ready()
    invoice = world.invoice()
    api.action(f"/invoices/{invoice['id']}/confirm")
    accountant = make_api("accountant")

    assert accountant.get(f"/invoices/{invoice['id']}") == api.get(f"/invoices/{invoice['id']}")
    assert [i["number"] for i in accountant.get("/invoices")["items"]] == ["INV-000001"]
    detail_id = invoice["lines"][0]["details"][0]["id"]
    assert accountant.get(f"/invoice-line-details/{detail_id}")["amount"] == "2000.00"
    actuals = accountant.get("/actuals", source_id=entry["id"])["items"]
    assert [a["transaction_type"] for a in actuals] == [
        "cost", "unbilled_sales", "billed_sales", "unbilled_sales",
    ]  # fmt: skip
    assert accountant.get(f"/actuals/{actuals[0]['id']}")["amount"] == "960.00"
    assert accountant.get("/billing-backlog", contract_id=world.contract["id"]) == {
        "actuals": [], "milestones": [],
    }  # fmt: skip
    assert accountant.get(f"/time-entries/{entry['id']}")["status"] == "approved"
    assert accountant.get(f"/contracts/{world.contract['id']}")["name"] == "Coho SOW 1"
    assert len(accountant.get("/price-lists")["items"]) == 2

    before = api.get(f"/invoices/{invoice['id']}")
    for method, path, body in (
        ("PATCH", f"/invoices/{invoice['id']}", {"status": "paid"}),
        ("POST", f"/invoices/{invoice['id']}/correct", None),
        ("POST", f"/contracts/{world.contract['id']}/invoices", {}),
        ("POST", "/time-entries", {"resource_id": world.resource["id"],
                                   "project_id": world.project["id"],
                                   "date": "2026-08-25", "quantity": "1"}),
        ("POST", "/billing-backlog/not-ready", {"actual_ids": []}),
        ("POST", f"/contracts/{world.contract['id']}/lines",
         {"name": "x", "kind": "project", "billing_method": "time_and_material",
          "project_id": world.project["id"], "transaction_classes": ["fee"]}),
        ("PATCH", f"/projects/{world.project['id']}", {"name": "Renamed"}),
    ):  # fmt: skip
        problem(accountant, method, path, 403, json=body)
    assert api.get(f"/invoices/{invoice['id']}") == before
    assert api.get(f"/projects/{world.project['id']}")["name"] == "Requirements"
    assert api.get("/invoices")["items"][-1]["number"] == "INV-000001"


def test_an_admin_does_all_from_master_data_to_a_paid_corrected_invoice(make_api):
    admin = make_api("admin")
    world = make_world(admin)
    world.line(["time"])
    entry = world.approved_time("8", date="2026-08-24")
    world.mark_all_ready()
    invoice = world.invoice()
    detail = invoice["lines"][0]["details"][0]
    admin.patch(f"/invoice-line-details/{detail['id']}", {"external_description": "Workshop"})
    confirmed = admin.action(f"/invoices/{invoice['id']}/confirm")
    assert admin.patch(f"/invoices/{invoice['id']}", {"status": "paid"})["status"] == "paid"
    corrective = admin.post(f"/invoices/{invoice['id']}/correct")
    admin.patch(f"/invoice-line-details/{corrective['lines'][0]['details'][0]['id']}",
                {"quantity": "7"})  # fmt: skip
    corrective = admin.action(f"/invoices/{corrective['id']}/confirm")
    assert (confirmed["total_amount"], corrective["total_amount"]) == ("2000.00", "-250.00")
    assert (
        admin.get("/actuals", source_id=entry["id"], transaction_type="billed_sales")["items"][-1][
            "quantity"
        ]
        == "7"
    )
