"""Editing a draft invoice: what each kind of detail lets a project manager change, adding
and deleting details and lines, statuses, and the read-only confirmed invoice (seed 001,
rules.md "Draft editing")."""

from tests.builders import make_world
from tests.scenario.support import (
    all_actuals,
    detail_for,
    fields_of,
    figures,
    line_totals,
    problem,
    snapshot,
    totals,
    unbilled_of,
)


def _draft(api):
    """Eight hours and an expense on a draft invoice dated 2026-08-31."""
    world = make_world(api)
    line = world.line(["time", "expense", "fee"])
    hours = world.approved_time("8", date="2026-08-24")
    travel = world.approved_expense("1", "180.00", date="2026-08-25")
    world.mark_all_ready()
    invoice = world.invoice("2026-08-31")
    assert totals(invoice) == ("2198.00", "2198.00", "0.00", "2198.00")
    return world, line, invoice, unbilled_of(api, hours["id"]), unbilled_of(api, travel["id"])


def test_quantity_billing_type_descriptions_and_tax_of_an_actual_backed_detail_are_editable(api):
    _world, _, invoice, hours, _travel = _draft(api)
    detail = detail_for(invoice, actual_id=hours["id"])

    edited = api.patch(
        f"/invoice-line-details/{detail['id']}",
        {
            "quantity": "2.3333",
            "description": "Workshop, shortened",
            "external_description": "Requirements workshop",
            "tax": "58.33",
        },
    )
    # amount = round(2.3333 x 250.00) = round(583.325) = 583.33
    assert figures(edited) == ("2.3333", "250.00", "583.33", "58.33", "641.66", "chargeable")
    assert (edited["description"], edited["external_description"]) == (
        "Workshop, shortened",
        "Requirements workshop",
    )
    # What is locked is as it was.
    unchanged = ("date", "role_id", "resource_id", "price", "unit", "actual_id", "currency")
    assert {k: edited[k] for k in unchanged} == {k: detail[k] for k in unchanged}
    assert api.get(f"/invoice-line-details/{detail['id']}") == edited

    invoice = api.get(f"/invoices/{invoice['id']}")
    assert line_totals(invoice["lines"][0]) == ("781.33", "58.33", "839.66")
    assert totals(invoice) == ("781.33", "781.33", "58.33", "839.66")

    # Billing more than was approved is the project manager's call. A quantity edit without
    # tax prorates the backing actual's tax (0 here), as docs/decisions.md says.
    more = api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "10"})
    assert (more["quantity"], more["amount"], more["tax"]) == ("10", "2500.00", "0.00")
    non_chargeable = api.patch(
        f"/invoice-line-details/{detail['id']}", {"billing_type": "non_chargeable"}
    )
    assert non_chargeable["amount"] == "2500.00"
    invoice = api.get(f"/invoices/{invoice['id']}")
    assert totals(invoice) == ("198.00", "198.00", "0.00", "198.00")

    # The backlog actual itself is untouched: actuals are append-only.
    assert api.get(f"/actuals/{hours['id']}") == {**hours, "invoice_id": invoice["id"]}


def test_locked_fields_of_an_actual_backed_detail_are_refused_by_name_and_nothing_changes(api):
    world, _, invoice, hours, _ = _draft(api)
    detail = detail_for(invoice, actual_id=hours["id"])
    before = snapshot(api, world, invoice["id"])

    body = problem(
        api,
        "PATCH",
        f"/invoice-line-details/{detail['id']}",
        422,
        json={"price": "1.00", "date": "2026-08-01", "role_id": world.role["id"], "quantity": "1"},
    )
    assert fields_of(body) == ["date", "price", "role_id"]
    assert all("locked" in e["message"] for e in body["errors"])
    for field, value in (
        ("resource_id", world.resource["id"]),
        ("task_id", "1"),
        ("category_id", world.categories["time"]["id"]),
        ("product_id", world.product["id"]),
        ("unit", "day"),
        ("write_in_description", "Anything"),
    ):
        body = problem(api, "PATCH", f"/invoice-line-details/{detail['id']}", 422,
                       json={field: value})  # fmt: skip
        assert fields_of(body) == [field]
    # Fields a detail does not have at all are unknown.
    body = problem(api, "PATCH", f"/invoice-line-details/{detail['id']}", 422,
                   json={"actual_id": "1", "amount": "5.00"})  # fmt: skip
    assert sorted(fields_of(body)) == ["actual_id", "amount"]
    body = problem(api, "PATCH", f"/invoice-line-details/{detail['id']}", 422,
                   json={"quantity": "-1"})  # fmt: skip
    assert fields_of(body) == ["quantity"]

    assert snapshot(api, world, invoice["id"]) == before


def test_milestone_and_product_details_lock_their_figures(api):
    world = make_world(api)
    fixed = world.line(["material"], billing_method="fixed_price", amount="5000.00")
    milestone = api.post(
        f"/contract-lines/{fixed['id']}/milestones",
        {"name": "Go-live", "description": "Go-live", "date": "2026-08-20",
         "amount": "5000.00", "kind": "fixed"},
    )  # fmt: skip
    api.action(f"/milestones/{milestone['id']}/ready-to-invoice")
    world.product_line("4")
    invoice = world.invoice()
    go_live = detail_for(invoice, milestone_id=milestone["id"])
    (sensor,) = invoice["lines"][1]["details"]
    before = snapshot(api, world, invoice["id"])

    for field, value in (("quantity", "2"), ("billing_type", "complimentary"), ("tax", "1.00")):
        body = problem(api, "PATCH", f"/invoice-line-details/{go_live['id']}", 422,
                       json={field: value})  # fmt: skip
        assert fields_of(body) == [field]
    for field, value in (("quantity", "2"), ("description", "Other")):
        body = problem(api, "PATCH", f"/invoice-line-details/{sensor['id']}", 422,
                       json={field: value})  # fmt: skip
        assert fields_of(body) == [field]
    assert snapshot(api, world, invoice["id"]) == before

    # A milestone detail's descriptions stay editable.
    renamed = api.patch(f"/invoice-line-details/{go_live['id']}", {"external_description": "Live"})
    assert (renamed["external_description"], renamed["amount"]) == ("Live", "5000.00")


def test_a_detail_not_backed_by_an_actual_takes_its_price_from_the_price_list_unless_given(api):
    world, line, invoice, _, _ = _draft(api)
    (tm,) = invoice["lines"]

    time = api.post(
        f"/invoice-lines/{tm['id']}/details",
        {"transaction_class": "time", "quantity": "3", "resource_id": world.resource["id"],
         "description": "Extra analysis"},
    )  # fmt: skip
    assert {
        k: time[k]
        for k in ("transaction_class", "transaction_type", "backed_by", "actual_id", "role_id",
                  "resource_id", "unit", "date", "currency", "project_id", "description")
    } == {
        "transaction_class": "time",
        "transaction_type": "billed_sales",
        "backed_by": "manual",
        "actual_id": None,
        "role_id": world.role["id"],  # the resource's default role
        "resource_id": world.resource["id"],
        "unit": "hour",
        "date": "2026-08-31",  # the invoice date
        "currency": "USD",
        "project_id": world.project["id"],
        "description": "Extra analysis",
    }  # fmt: skip
    assert figures(time) == ("3", "250.00", "750.00", "0.00", "750.00", "chargeable")

    fee = api.post(
        f"/invoice-lines/{tm['id']}/details",
        {"transaction_class": "fee", "quantity": "2",
         "category_id": world.categories["fee"]["id"], "tax": "15.00"},
    )  # fmt: skip
    assert figures(fee) == ("2", "75.00", "150.00", "15.00", "165.00", "chargeable")

    discounted = api.post(
        f"/invoice-lines/{tm['id']}/details",
        {"transaction_class": "time", "quantity": "1.5", "role_id": world.role["id"],
         "price": "199.99", "date": "2026-08-30", "billing_type": "complimentary"},
    )  # fmt: skip
    # 1.5 x 199.99 = 299.985, rounded half up
    assert figures(discounted) == ("1.5", "199.99", "299.99", "0.00", "299.99", "complimentary")
    assert discounted["date"] == "2026-08-30"

    invoice = api.get(f"/invoices/{invoice['id']}")
    # 2000.00 + 198.00 + 750.00 + 150.00; the complimentary detail adds nothing.
    assert line_totals(invoice["lines"][0]) == ("3098.00", "15.00", "3113.00")
    assert totals(invoice) == ("3098.00", "3098.00", "15.00", "3113.00")

    # Its price and date stay editable; the amount follows.
    repriced = api.patch(f"/invoice-line-details/{time['id']}", {"price": "260.00"})
    assert (repriced["price"], repriced["amount"]) == ("260.00", "780.00")
    assert api.get(f"/invoices/{invoice['id']}")["total_amount"] == "3143.00"
    assert all_actuals(api, transaction_type="billed_sales") == []  # nothing before confirming
    assert line["id"] == tm["contract_line_id"]


def test_an_unbacked_detail_needs_a_class_the_line_includes_and_a_price_somewhere(api):
    world, _, invoice, _, _ = _draft(api)
    fixed = api.post(
        f"/contracts/{world.contract['id']}/lines",
        {"name": "Fixed", "kind": "project", "billing_method": "fixed_price",
         "project_id": world.project["id"], "transaction_classes": ["material"],
         "amount": "100.00"},
    )  # fmt: skip
    invoice = api.post(f"/contracts/{world.contract['id']}/invoices",
                       {"invoice_date": "2026-08-31"})  # fmt: skip
    tm_line, fixed_line = invoice["lines"]
    assert fixed_line["contract_line_id"] == fixed["id"]
    before = snapshot(api, world, invoice["id"])

    body = problem(api, "POST", f"/invoice-lines/{tm_line['id']}/details", 422,
                   json={"transaction_class": "material", "quantity": "1",
                         "product_id": world.product["id"]})  # fmt: skip
    assert fields_of(body) == ["transaction_class"]
    assert "expense, fee, time" in body["errors"][0]["message"]
    # An expense category priced by markup has no list price: the price must be given.
    body = problem(api, "POST", f"/invoice-lines/{tm_line['id']}/details", 422,
                   json={"transaction_class": "expense", "quantity": "1",
                         "category_id": world.categories["expense"]["id"]})  # fmt: skip
    assert fields_of(body) == ["price"]
    body = problem(
        api,
        "POST",
        f"/invoice-lines/{fixed_line['id']}/details",
        422,
        json={"transaction_class": "material", "quantity": "1", "price": "1.00"},
    )
    assert fields_of(body) == ["invoice_line_id"]
    body = problem(api, "POST", f"/invoice-lines/{tm_line['id']}/details", 422,
                   json={"transaction_class": "time", "quantity": "1", "price": "-5"})  # fmt: skip
    assert fields_of(body) == ["price"]
    body = problem(
        api,
        "POST",
        f"/invoice-lines/{tm_line['id']}/details",
        422,
        json={"transaction_class": "time", "quantity": "1", "role_id": "999999"},
    )
    assert fields_of(body) == ["role_id"]
    problem(api, "POST", "/invoice-lines/999999/details", 404,
            json={"transaction_class": "time", "quantity": "1", "price": "1.00"})  # fmt: skip

    assert snapshot(api, world, invoice["id"]) == before
    travel = api.post(f"/invoice-lines/{tm_line['id']}/details",
                      {"transaction_class": "expense", "quantity": "2", "price": "99.99",
                       "category_id": world.categories["expense"]["id"]})  # fmt: skip
    assert (travel["price"], travel["amount"]) == ("99.99", "199.98")


def test_a_deleted_detail_returns_its_actual_to_the_backlog(api):
    world, _, invoice, hours, travel = _draft(api)
    detail = detail_for(invoice, actual_id=travel["id"])
    api.delete(f"/invoice-line-details/{detail['id']}")

    invoice = api.get(f"/invoices/{invoice['id']}")
    assert [d["actual_id"] for d in invoice["lines"][0]["details"]] == [hours["id"]]
    assert totals(invoice) == ("2000.00", "2000.00", "0.00", "2000.00")
    backlog = api.get("/billing-backlog", contract_id=world.contract["id"])
    # It stays ready (docs: readiness is the project manager's call), so a refresh or the
    # next invoice takes it again.
    assert [(a["id"], a["ready_to_invoice"], a["invoice_id"]) for a in backlog["actuals"]] == [
        (travel["id"], True, None)
    ]
    assert api.get(f"/actuals/{travel['id']}") == {**travel, "invoice_id": None}
    problem(api, "GET", f"/invoice-line-details/{detail['id']}", 404)
    problem(api, "DELETE", f"/invoice-line-details/{detail['id']}", 404)

    # Deleting an unbacked detail just removes it.
    manual = api.post(f"/invoice-lines/{invoice['lines'][0]['id']}/details",
                      {"transaction_class": "fee", "quantity": "1",
                       "category_id": world.categories["fee"]["id"]})  # fmt: skip
    assert api.get(f"/invoices/{invoice['id']}")["total_amount"] == "2075.00"
    api.delete(f"/invoice-line-details/{manual['id']}")
    assert api.get(f"/invoices/{invoice['id']}")["total_amount"] == "2000.00"


def test_a_product_based_line_can_only_be_deleted_whole_and_a_project_line_not_at_all(api):
    world, _, _, _, _ = _draft(api)
    sensors = world.product_line("10")
    invoice = api.post(f"/contracts/{world.contract['id']}/invoices",
                       {"invoice_date": "2026-09-01"})  # fmt: skip
    project_line, product_line = invoice["lines"]
    assert totals(invoice) == ("450.00", "450.00", "0.00", "450.00")
    (sensor_detail,) = product_line["details"]
    before = snapshot(api, world, invoice["id"])

    problem(api, "DELETE", f"/invoice-line-details/{sensor_detail['id']}", 409)
    body = problem(api, "DELETE", f"/invoice-lines/{project_line['id']}", 422)
    assert fields_of(body) == ["invoice_line_id"]
    problem(api, "DELETE", "/invoice-lines/999999", 404)
    assert snapshot(api, world, invoice["id"]) == before

    api.delete(f"/invoice-lines/{product_line['id']}")
    invoice = api.get(f"/invoices/{invoice['id']}")
    assert [ln["id"] for ln in invoice["lines"]] == [project_line["id"]]
    assert totals(invoice) == ("0.00", "0.00", "0.00", "0.00")
    shown = api.get(f"/contract-lines/{sensors['id']}")
    assert (shown["product_status"], shown["ready_to_invoice"]) == ("ready_to_invoice", True)
    # A refresh does not bring a deleted product line back; the next invoice does.
    assert api.action(f"/invoices/{invoice['id']}/refresh") == invoice
    later = api.post(f"/contracts/{world.contract['id']}/invoices",
                     {"invoice_date": "2026-09-02"})  # fmt: skip
    assert later["lines"][1]["amount"] == "450.00"


def test_payment_status_discount_and_freight_on_a_draft_are_refused(api):
    world, _, invoice, _, _ = _draft(api)
    before = snapshot(api, world, invoice["id"])

    body = problem(api, "PATCH", f"/invoices/{invoice['id']}", 409, json={"status": "paid"})
    assert "confirmed" in body["detail"]
    for status in ("closed", "canceled"):
        body = problem(api, "PATCH", f"/invoices/{invoice['id']}", 422, json={"status": status})
        assert fields_of(body) == ["status"]
    for field in ("discount_percent", "discount_amount", "freight_amount"):
        body = problem(api, "PATCH", f"/invoices/{invoice['id']}", 422, json={field: "5"})
        assert fields_of(body) == [field]
    body = problem(api, "PATCH", f"/invoices/{invoice['id']}", 422,
                   json={"project_invoice_status": "confirmed"})  # fmt: skip
    assert fields_of(body) == ["project_invoice_status"]
    body = problem(api, "PATCH", f"/invoices/{invoice['id']}", 422,
                   json={"project_invoice_status": "posted"})  # fmt: skip
    assert fields_of(body) == ["project_invoice_status"]
    # A refused field refuses the whole request: the name does not change either.
    problem(api, "PATCH", f"/invoices/{invoice['id']}", 422,
            json={"name": "Renamed", "freight_amount": "10.00"})  # fmt: skip
    assert snapshot(api, world, invoice["id"]) == before

    # Zero discount and freight are what they are already: accepted, nothing changes.
    same = api.patch(f"/invoices/{invoice['id']}", {"discount_amount": "0", "freight_amount": "0"})
    assert same == before["invoices"][invoice["id"]]


def test_an_invoice_in_review_stays_editable_and_can_go_back_to_draft(api):
    _world, _, invoice, hours, _ = _draft(api)
    in_review = api.patch(f"/invoices/{invoice['id']}", {"project_invoice_status": "in_review"})
    assert in_review["project_invoice_status"] == "in_review"
    detail = detail_for(in_review, actual_id=hours["id"])
    api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "6"})
    assert api.get(f"/invoices/{invoice['id']}")["total_amount"] == "1698.00"
    listed = api.get("/invoices", project_invoice_status="in_review")["items"]
    assert [i["id"] for i in listed] == [invoice["id"]]

    back = api.patch(f"/invoices/{invoice['id']}", {"project_invoice_status": "draft"})
    assert back["project_invoice_status"] == "draft"
    again = api.patch(f"/invoices/{invoice['id']}", {"project_invoice_status": "in_review"})
    confirmed = api.action(f"/invoices/{again['id']}/confirm")  # confirming from review
    assert (confirmed["project_invoice_status"], confirmed["total_amount"]) == (
        "confirmed",
        "1698.00",
    )


def test_every_change_to_a_confirmed_invoice_is_refused_with_409_and_changes_nothing(api):
    world, _, first, hours, _ = _draft(api)
    sensors = world.product_line("1")
    second = api.post(f"/contracts/{world.contract['id']}/invoices",
                      {"invoice_date": "2026-08-31"})  # fmt: skip
    api.action(f"/invoices/{first['id']}/confirm")
    api.action(f"/invoices/{second['id']}/confirm")
    product_line = second["lines"][1]
    assert product_line["contract_line_id"] == sensors["id"]
    detail = detail_for(first, actual_id=hours["id"])
    tm_line = first["lines"][0]
    before = snapshot(api, world, first["id"], second["id"])

    refused = [
        ("PATCH", f"/invoices/{first['id']}", {"name": "Renamed"}),
        ("PATCH", f"/invoices/{first['id']}", {"description": "Changed"}),
        ("PATCH", f"/invoices/{first['id']}", {"bill_to": {"city": "Leeds"}}),
        ("PATCH", f"/invoices/{first['id']}", {"project_invoice_status": "draft"}),
        ("PATCH", f"/invoices/{first['id']}", {"project_invoice_status": "in_review"}),
        ("PATCH", f"/invoice-line-details/{detail['id']}", {"quantity": "1"}),
        ("PATCH", f"/invoice-line-details/{detail['id']}", {"billing_type": "complimentary"}),
        ("PATCH", f"/invoice-line-details/{detail['id']}", {"description": "x"}),
        ("DELETE", f"/invoice-line-details/{detail['id']}", None),
        ("POST", f"/invoice-lines/{tm_line['id']}/details",
         {"transaction_class": "time", "quantity": "1", "price": "1.00"}),
        ("DELETE", f"/invoice-lines/{product_line['id']}", None),
        ("POST", f"/invoices/{first['id']}/refresh", None),
        ("POST", f"/invoices/{first['id']}/confirm", None),
    ]  # fmt: skip
    for method, path, body in refused:
        shown = problem(api, method, path, 409, json=body)
        assert "confirmed" in shown["detail"], (method, path, shown)
    assert snapshot(api, world, first["id"], second["id"]) == before

    # Paid is the one change a confirmed invoice takes, and it can be taken back.
    paid = api.patch(f"/invoices/{first['id']}", {"status": "paid"})
    assert (paid["status"], paid["project_invoice_status"]) == ("paid", "confirmed")
    problem(api, "PATCH", f"/invoices/{first['id']}", 409, json={"status": "active", "name": "x"})
    assert api.get(f"/invoices/{first['id']}")["status"] == "paid"
    assert api.patch(f"/invoices/{first['id']}", {"status": "active"})["status"] == "active"


def test_tax_entered_on_a_draft_is_rounded_to_the_currency_minor_unit(api):
    _world, _, invoice, hours, _ = _draft(api)
    detail = detail_for(invoice, actual_id=hours["id"])
    edited = api.patch(f"/invoice-line-details/{detail['id']}", {"tax": "0.005"})
    assert (edited["tax"], edited["extended_amount"]) == ("0.01", "2000.01")
    added = api.post(
        f"/invoice-lines/{invoice['lines'][0]['id']}/details",
        {"transaction_class": "time", "quantity": "1", "price": "1.00", "tax": "0.334"},
    )
    assert (added["tax"], added["extended_amount"]) == ("0.33", "1.33")
    invoice = api.get(f"/invoices/{invoice['id']}")
    assert totals(invoice) == ("2199.00", "2199.00", "0.34", "2199.34")
    api.action(f"/invoices/{invoice['id']}/confirm")
    assert sorted(a["tax"] for a in all_actuals(api, transaction_type="billed_sales")) == [
        "0.00", "0.01", "0.33",
    ]  # fmt: skip


def test_a_yen_invoice_has_no_minor_unit_anywhere(api):
    world = make_world(api, currency="JPY")
    world.line(["time"])
    hours = unbilled_of(api, world.approved_time("2.5", date="2026-08-24")["id"])
    world.mark_all_ready()
    invoice = world.invoice()
    detail = detail_for(invoice, actual_id=hours["id"])
    assert figures(detail) == ("2.5", "250", "625", "0", "625", "chargeable")
    edited = api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "1.25", "tax": "62.5"})
    # 1.25 x 250 = 312.5 -> 313; tax 62.5 -> 63 (half up)
    assert figures(edited) == ("1.25", "250", "313", "63", "376", "chargeable")
    assert totals(api.get(f"/invoices/{invoice['id']}")) == ("313", "313", "63", "376")
