"""One invoice for a whole contract: time-and-material, fixed-price and product lines,
every line and detail with real numbers (seeds 000 and 001, rules.md "Creating invoices")."""

from typing import Any

from tests.builders import make_world
from tests.scenario.support import all_actuals, line_for, line_totals, problem, totals, unbilled_of

BILL_TO = {
    "name": "Coho Winery Ltd",
    "street": "1 Vine St",
    "city": "London",
    "postal_code": "EC1A 1AA",
    "country": "GB",
}


def _contract(api) -> dict[str, Any]:
    """A contract with five lines, and everything on it ready for the August invoice."""
    world = make_world(api)
    api.patch(f"/contracts/{world.contract['id']}", {"description": "Statement of work 1"})
    rollout = api.post(
        "/projects",
        {
            "name": "Rollout",
            "customer_id": world.customer["id"],
            "cost_price_list_id": world.cost_list["id"],
        },
    )
    support = api.post(
        "/projects",
        {
            "name": "Support",
            "customer_id": world.customer["id"],
            "cost_price_list_id": world.cost_list["id"],
        },
    )
    task = api.post(f"/projects/{world.project['id']}/tasks", {"name": "Workshops"})
    contract_id = world.contract["id"]
    tm = world.line(["time", "expense", "fee"])
    fixed = api.post(
        f"/contracts/{contract_id}/lines",
        {
            "name": "Rollout fixed price",
            "kind": "project",
            "billing_method": "fixed_price",
            "project_id": rollout["id"],
            "transaction_classes": ["time"],
            "amount": "15000.00",
        },
    )
    sensors = world.product_line("12")
    spare = api.post(
        f"/contracts/{contract_id}/lines",
        {
            "name": "Spare sensors",
            "kind": "product",
            "product_id": world.product["id"],
            "quantity": "3",
            "ready_to_invoice": False,
        },
    )
    idle = api.post(
        f"/contracts/{contract_id}/lines",
        {
            "name": "Support hours",
            "kind": "project",
            "billing_method": "time_and_material",
            "project_id": support["id"],
            "transaction_classes": ["time"],
        },
    )
    kickoff = api.post(
        f"/contract-lines/{fixed['id']}/milestones",
        {
            "name": "Kick-off",
            "description": "Kick-off workshop held",
            "date": "2026-08-20",
            "amount": "5000.00",
            "tax": "500.00",
            "kind": "fixed",
        },
    )
    build = api.post(
        f"/contract-lines/{fixed['id']}/milestones",
        {
            "name": "Build",
            "description": "Build progress",
            "date": "2026-09-30",
            "amount": "10000.00",
            "tax": "1000.00",
            "kind": "progress",
        },
    )

    workshop = world.approved_time("8", date="2026-08-24", task_id=task["id"])
    analysis = world.approved_time("7.5", date="2026-08-25")
    expense = world.approved_expense("3", "33.33", date="2026-08-26")
    fee = api.post(
        "/fee-entries",
        {
            "project_id": world.project["id"],
            "category_id": world.categories["fee"]["id"],
            "date": "2026-08-27",
            "quantity": "2",
            "unit_price": "10.00",
            "description": "Licence setup",
            "status": "submitted",
        },
    )
    fee = api.action(f"/fee-entries/{fee['id']}/approve")
    rollout_time = api.post(
        "/time-entries",
        {
            "resource_id": world.resource["id"],
            "project_id": rollout["id"],
            "date": "2026-08-26",
            "quantity": "5",
            "status": "submitted",
        },
    )
    rollout_time = api.action(f"/time-entries/{rollout_time['id']}/approve")
    world.mark_all_ready()
    api.action(f"/milestones/{kickoff['id']}/ready-to-invoice")
    api.action(f"/milestones/{build['id']}/ready-to-invoice", {"amount": "2500.00"})
    return {
        "world": world,
        "task": task,
        "rollout": rollout,
        "support": support,
        "lines": {"tm": tm, "fixed": fixed, "sensors": sensors, "spare": spare, "idle": idle},
        "milestones": {"kickoff": kickoff, "build": build},
        "entries": {
            "workshop": workshop,
            "analysis": analysis,
            "expense": expense,
            "fee": fee,
            "rollout_time": rollout_time,
        },
    }


def test_one_invoice_carries_every_contract_line_with_its_details_and_exact_totals(api):
    c = _contract(api)
    world = c["world"]
    lines, entries, milestones = c["lines"], c["entries"], c["milestones"]
    invoice = world.invoice("2026-08-31")

    # Header: copied from the contract, bill-to defaulted from the customer.
    assert {k: v for k, v in invoice.items() if k != "lines" and k != "id"} == {
        "number": "INV-000001",
        "name": "Coho SOW 1",
        "description": "Statement of work 1",
        "contract_id": world.contract["id"],
        "customer_id": world.customer["id"],
        "currency": "USD",
        "price_list_id": world.sales_list["id"],
        "opportunity": "OPP-7",
        "bill_to": BILL_TO,
        "invoice_date": "2026-08-31",
        "status": "active",
        "project_invoice_status": "draft",
        "corrects_invoice_id": None,
        "detail_amount": "12174.99",
        "discount_percent": "0",
        "discount_amount": "0.00",
        "pre_freight_amount": "12174.99",
        "freight_amount": "0.00",
        "total_tax": "750.00",
        "total_amount": "12924.99",
        "confirmed_at": None,  # a draft: nobody confirmed it yet
        "confirmed_by": None,
    }

    # One invoice line per contract line, in contract order, empty ones included.
    assert [ln["contract_line_id"] for ln in invoice["lines"]] == [
        lines[k]["id"] for k in ("tm", "fixed", "sensors", "spare", "idle")
    ]
    summary = [
        (
            ln["name"],
            ln["kind"],
            ln["project_id"],
            ln["billing_method"],
            ln["contract_line_amount"],
            ln["invoiced_to_date"],
            *line_totals(ln),
            len(ln["details"]),
        )
        for ln in invoice["lines"]
    ]
    assert summary == [
        ("time_and_material time/expense/fee", "project", world.project["id"],
         "time_and_material", None, "0.00", "4134.99", "0.00", "4134.99", 4),
        ("Rollout fixed price", "project", c["rollout"]["id"],
         "fixed_price", "15000.00", "0.00", "7500.00", "750.00", "8250.00", 2),
        ("Sensors", "product", None, None, "540.00", "0.00", "540.00", "0.00", "540.00", 1),
        ("Spare sensors", "product", None, None, "135.00", "0.00", "0.00", "0.00", "0.00", 0),
        ("Support hours", "project", c["support"]["id"],
         "time_and_material", None, "0.00", "0.00", "0.00", "0.00", 0),
    ]  # fmt: skip

    # Time-and-material details: one per ready actual, priced from the price list.
    tm = line_for(invoice, lines["tm"]["id"])
    workshop, analysis, expense, fee = tm["details"]
    common = {
        "invoice_line_id": tm["id"],
        "milestone_id": None,
        "original_billed_actual_id": None,
        "transaction_type": "unbilled_sales",
        "project_id": world.project["id"],
        "original_quantity": None,
        "currency": "USD",
        "tax": "0.00",
        "billing_type": "chargeable",
        "backed_by": "actual",
        "product_id": None,
        "product_name": None,
        "write_in_description": None,
        "milestone_progress": None,  # not a progress milestone's detail
    }
    assert workshop == {
        **common,
        "id": workshop["id"],
        "actual_id": unbilled_of(api, entries["workshop"]["id"])["id"],
        "transaction_class": "time",
        "description": "work",
        "external_description": "Consulting",
        "date": "2026-08-24",
        "task_id": c["task"]["id"],
        "category_id": None,
        "role_id": world.role["id"],
        "resource_id": world.resource["id"],
        "quantity": "8",
        "unit": "hour",
        "price": "250.00",
        "amount": "2000.00",
        "extended_amount": "2000.00",
    }
    assert (analysis["quantity"], analysis["price"], analysis["amount"]) == (
        "7.5",
        "250.00",
        "1875.00",
    )
    assert expense == {
        **common,
        "id": expense["id"],
        "actual_id": unbilled_of(api, entries["expense"]["id"])["id"],
        "transaction_class": "expense",
        "description": "Travel",
        "external_description": "Travel",
        "date": "2026-08-26",
        "task_id": None,
        "category_id": world.categories["expense"]["id"],
        "role_id": None,
        "resource_id": world.resource["id"],
        "quantity": "3",
        "unit": "each",
        "price": "36.663",  # 33.33 + 10 % markup
        "amount": "109.99",  # 3 x 36.663 = 109.989, rounded half up
        "extended_amount": "109.99",
    }
    assert (fee["transaction_class"], fee["description"], fee["category_id"]) == (
        "fee",
        "Licence setup",
        world.categories["fee"]["id"],
    )
    assert (fee["quantity"], fee["price"], fee["amount"]) == ("2", "75.00", "150.00")

    # Fixed price: one detail per ready milestone; a progress milestone bills its part.
    fixed = line_for(invoice, lines["fixed"]["id"])
    kickoff, build = fixed["details"]
    milestone_common = {
        "invoice_line_id": fixed["id"],
        "actual_id": None,
        "original_billed_actual_id": None,
        "transaction_class": "milestone",
        "transaction_type": "billed_sales",
        "project_id": c["rollout"]["id"],
        "task_id": None,
        "category_id": None,
        "role_id": None,
        "resource_id": None,
        "product_id": None,
        "product_name": None,
        "write_in_description": None,
        "quantity": "1",
        "original_quantity": None,
        "unit": "each",
        "currency": "USD",
        "billing_type": "chargeable",
        "backed_by": "milestone",
        "milestone_progress": None,  # a fixed-price milestone: no progress figures
    }
    assert kickoff == {
        **milestone_common,
        "id": kickoff["id"],
        "milestone_id": milestones["kickoff"]["id"],
        "description": "Kick-off workshop held",
        "external_description": "Kick-off workshop held",
        "date": "2026-08-20",
        "price": "5000.00",
        "amount": "5000.00",
        "tax": "500.00",
        "extended_amount": "5500.00",
    }
    assert build == {
        **milestone_common,
        "id": build["id"],
        "milestone_id": milestones["build"]["id"],
        "description": "Build progress",
        "external_description": "Build progress",
        "date": "2026-09-30",
        "price": "2500.00",
        "amount": "2500.00",
        "tax": "250.00",  # a quarter of the milestone, a quarter of its tax
        "extended_amount": "2750.00",
        # A progress milestone (seed 001): this invoice's share, before and what is left.
        "milestone_progress": {
            "milestone_amount": "10000.00",
            "amount_on_this_invoice": "2500.00",
            "invoiced_to_date": "0.00",
            "remaining_amount": "7500.00",
        },
    }

    # Product-based line: its one detail, priced from the contract's price list (45.00).
    (sensor,) = line_for(invoice, lines["sensors"]["id"])["details"]
    assert {
        k: sensor[k]
        for k in (
            "transaction_class", "transaction_type", "product_id", "product_name",
            "quantity", "unit", "price", "amount", "tax", "extended_amount",
            "billing_type", "backed_by", "actual_id", "milestone_id", "date",
        )
    } == {
        "transaction_class": "product",
        "transaction_type": "billed_sales",
        "product_id": world.product["id"],
        "product_name": "Sensor",
        "quantity": "12",
        "unit": "each",
        "price": "45.00",
        "amount": "540.00",
        "tax": "0.00",
        "extended_amount": "540.00",
        "billing_type": "chargeable",
        "backed_by": "product",
        "actual_id": None,
        "milestone_id": None,
        "date": "2026-08-31",
    }  # fmt: skip

    # What was taken left the backlog; the fixed-price project's time wrote cost only.
    backlog = api.get("/billing-backlog", contract_id=world.contract["id"])
    assert backlog["actuals"] == []
    assert [m["status"] for m in backlog["milestones"]] == []
    assert api.get(f"/milestones/{milestones['kickoff']['id']}")["status"] == (
        "customer_invoice_created"
    )
    build_now = api.get(f"/milestones/{milestones['build']['id']}")
    assert (build_now["status"], build_now["ready_amount"], build_now["remaining_amount"]) == (
        "customer_invoice_created",
        "2500.00",
        "10000.00",
    )
    assert api.get(f"/contract-lines/{lines['sensors']['id']}")["product_status"] == (
        "customer_invoice_created"
    )
    assert api.get(f"/contract-lines/{lines['spare']['id']}")["product_status"] == "not_ready"
    rollout_actuals = all_actuals(api, source_id=entries["rollout_time"]["id"])
    assert [(a["transaction_type"], a["amount"]) for a in rollout_actuals] == [
        ("cost", "600.00"),
    ]


def test_a_write_in_product_line_is_invoiced_at_its_own_price(api):
    world = make_world(api)
    line = api.post(
        f"/contracts/{world.contract['id']}/lines",
        {
            "name": "Site survey",
            "kind": "product",
            "write_in_name": "Site survey",
            "quantity": "1.5",
            "unit_price": "333.33",
            "ready_to_invoice": True,
        },
    )
    assert line["amount"] == "500.00"  # 1.5 x 333.33 = 499.995, rounded half up
    invoice = world.invoice()
    (detail,) = invoice["lines"][0]["details"]
    assert (
        detail["product_id"],
        detail["product_name"],
        detail["write_in_description"],
        detail["quantity"],
        detail["price"],
        detail["amount"],
    ) == (None, "Site survey", "Site survey", "1.5", "333.33", "500.00")
    assert totals(invoice) == ("500.00", "500.00", "0.00", "500.00")


def test_invoice_numbers_are_gap_free_even_when_creations_are_refused(api, make_api):
    world = make_world(api)
    world.line(["time"])
    world.approved_time("8", date="2026-08-03")
    world.mark_all_ready()
    first = world.invoice("2026-08-10")

    problem(make_api("team_member"), "POST", f"/contracts/{world.contract['id']}/invoices", 403,
            json={"invoice_date": "2026-08-31"})  # fmt: skip
    problem(api, "POST", "/contracts/999999/invoices", 404, json={"invoice_date": "2026-08-31"})
    problem(api, "POST", f"/contracts/{world.contract['id']}/invoices", 422,
            json={"invoice_date": "2026-02-30"})  # fmt: skip

    second = world.invoice("2026-08-31")  # nothing ready: an invoice with an empty line
    assert totals(second) == ("0.00", "0.00", "0.00", "0.00")
    assert [len(ln["details"]) for ln in second["lines"]] == [0]
    api.action(f"/invoices/{first['id']}/confirm")
    corrective = api.post(f"/invoices/{first['id']}/correct")
    other = api.post(  # another contract shares the sequence
        "/contracts",
        {
            "name": "Coho SOW 2",
            "customer_id": world.customer["id"],
            "currency": "USD",
            "price_list_id": world.sales_list["id"],
        },
    )
    third = api.post(f"/contracts/{other['id']}/invoices", {"invoice_date": "2026-09-01"})
    assert (third["name"], third["opportunity"], third["lines"]) == ("Coho SOW 2", None, [])

    assert [i["number"] for i in (first, second, corrective, third)] == [
        "INV-000001", "INV-000002", "INV-000003", "INV-000004",
    ]  # fmt: skip
    listed = api.get("/invoices")["items"]
    assert [i["number"] for i in listed] == ["INV-000001", "INV-000002", "INV-000003",
                                             "INV-000004"]  # fmt: skip
    only_other = api.get("/invoices", contract_id=other["id"])["items"]
    assert [i["number"] for i in only_other] == ["INV-000004"]


def test_the_invoice_number_is_read_only_and_the_name_and_bill_to_are_editable(api):
    world = make_world(api)
    world.line(["time"])
    invoice = world.invoice()
    body = problem(api, "PATCH", f"/invoices/{invoice['id']}", 422, json={"number": "INV-9"})
    assert [e["field"] for e in body["errors"]] == ["number"]
    changed = api.patch(
        f"/invoices/{invoice['id']}",
        {"name": "August services", "description": "Phase 1", "bill_to": {"city": "Leeds"}},
    )
    assert (changed["number"], changed["name"], changed["description"]) == (
        "INV-000001",
        "August services",
        "Phase 1",
    )
    assert changed["bill_to"] == {**BILL_TO, "city": "Leeds"}
    # The contract keeps its own bill-to.
    assert api.get(f"/contracts/{world.contract['id']}")["bill_to"] == BILL_TO
