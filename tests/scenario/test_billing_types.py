"""Chargeable, non-chargeable and complimentary work: all of it is shown on the invoice,
only the chargeable part is charged (seed 001, rules.md "Draft editing")."""

from tests.builders import make_world
from tests.scenario.support import (
    detail_for,
    figures,
    ledger,
    line_totals,
    problem,
    ready,
    totals,
    unbilled_of,
)


def _three_entries(api):
    world = make_world(api)
    line = world.line(["time"])
    workshop = world.approved_time("8", date="2026-08-24")
    support = world.approved_time("4", date="2026-08-25")
    training = world.approved_time("2", date="2026-08-26")
    actuals = {
        name: unbilled_of(api, entry["id"])
        for name, entry in (("workshop", workshop), ("support", support), ("training", training))
    }
    return world, line, (workshop, support, training), actuals


def test_billing_types_set_in_the_backlog_and_on_details_leave_only_chargeable_work_in_totals(
    api,
):
    world, _line, _, actuals = _three_entries(api)
    assert [a["billing_type"] for a in actuals.values()] == ["chargeable"] * 3
    assert [a["amount"] for a in actuals.values()] == ["2000.00", "1000.00", "500.00"]

    changed = api.patch(f"/actuals/{actuals['support']['id']}", {"billing_type": "non_chargeable"})
    assert changed["billing_type"] == "non_chargeable"
    assert changed["amount"] == "1000.00"  # the price stays: it is shown, not charged
    ready(api, *(a["id"] for a in actuals.values()))

    invoice = world.invoice()
    workshop = detail_for(invoice, actual_id=actuals["workshop"]["id"])
    support = detail_for(invoice, actual_id=actuals["support"]["id"])
    training = detail_for(invoice, actual_id=actuals["training"]["id"])
    assert figures(workshop) == ("8", "250.00", "2000.00", "0.00", "2000.00", "chargeable")
    assert figures(support) == ("4", "250.00", "1000.00", "0.00", "1000.00", "non_chargeable")
    assert figures(training) == ("2", "250.00", "500.00", "0.00", "500.00", "chargeable")
    (invoice_line,) = invoice["lines"]
    assert line_totals(invoice_line) == ("2500.00", "0.00", "2500.00")
    assert totals(invoice) == ("2500.00", "2500.00", "0.00", "2500.00")

    # On the draft: the training is complimentary, and tax goes on two details.
    api.patch(f"/invoice-line-details/{training['id']}", {"billing_type": "complimentary"})
    api.patch(f"/invoice-line-details/{workshop['id']}", {"tax": "200.00"})
    api.patch(f"/invoice-line-details/{support['id']}", {"tax": "80.00"})
    invoice = api.get(f"/invoices/{invoice['id']}")

    assert figures(detail_for(invoice, actual_id=actuals["workshop"]["id"])) == (
        "8",
        "250.00",
        "2000.00",
        "200.00",
        "2200.00",
        "chargeable",
    )
    assert figures(detail_for(invoice, actual_id=actuals["support"]["id"])) == (
        "4",
        "250.00",
        "1000.00",
        "80.00",
        "1080.00",
        "non_chargeable",
    )
    assert figures(detail_for(invoice, actual_id=actuals["training"]["id"])) == (
        "2",
        "250.00",
        "500.00",
        "0.00",
        "500.00",
        "complimentary",
    )
    (invoice_line,) = invoice["lines"]
    assert line_totals(invoice_line) == ("2000.00", "200.00", "2200.00")
    assert totals(invoice) == ("2000.00", "2000.00", "200.00", "2200.00")
    assert (invoice["discount_amount"], invoice["freight_amount"]) == ("0.00", "0.00")


def test_a_detail_made_chargeable_again_counts_again(api):
    world, _, _, actuals = _three_entries(api)
    api.patch(f"/actuals/{actuals['training']['id']}", {"billing_type": "complimentary"})
    ready(api, *(a["id"] for a in actuals.values()))
    invoice = world.invoice()
    assert totals(invoice) == ("3000.00", "3000.00", "0.00", "3000.00")

    training = detail_for(invoice, actual_id=actuals["training"]["id"])
    assert training["billing_type"] == "complimentary"
    api.patch(f"/invoice-line-details/{training['id']}", {"billing_type": "chargeable"})
    invoice = api.get(f"/invoices/{invoice['id']}")
    assert totals(invoice) == ("3500.00", "3500.00", "0.00", "3500.00")


def test_billed_actuals_keep_their_billing_type_and_only_chargeable_is_invoiced_to_date(api):
    world, _line, entries, actuals = _three_entries(api)
    api.patch(f"/actuals/{actuals['support']['id']}", {"billing_type": "non_chargeable"})
    api.patch(f"/actuals/{actuals['training']['id']}", {"billing_type": "complimentary"})
    ready(api, *(a["id"] for a in actuals.values()))
    first = world.invoice()
    api.action(f"/invoices/{first['id']}/confirm")

    workshop, support, training = entries
    assert ledger(api, workshop["id"]) == [
        ("unbilled_sales", "8", "2000.00", "chargeable", False),
        ("billed_sales", "8", "2000.00", "chargeable", False),
        ("unbilled_sales", "-8", "-2000.00", "chargeable", True),
    ]
    assert ledger(api, support["id"]) == [
        ("unbilled_sales", "4", "1000.00", "non_chargeable", False),
        ("billed_sales", "4", "1000.00", "non_chargeable", False),
        ("unbilled_sales", "-4", "-1000.00", "non_chargeable", True),
    ]
    assert ledger(api, training["id"]) == [
        ("unbilled_sales", "2", "500.00", "complimentary", False),
        ("billed_sales", "2", "500.00", "complimentary", False),
        ("unbilled_sales", "-2", "-500.00", "complimentary", True),
    ]

    world.approved_time("1", date="2026-09-02")
    world.mark_all_ready()
    second = world.invoice("2026-09-30")
    (second_line,) = second["lines"]
    assert second_line["invoiced_to_date"] == "2000.00"
    assert line_totals(second_line) == ("250.00", "0.00", "250.00")


def test_billing_type_cannot_be_changed_in_the_backlog_once_the_actual_is_on_an_invoice(api):
    world, _, _, actuals = _three_entries(api)
    ready(api, *(a["id"] for a in actuals.values()))
    invoice = world.invoice()
    body = problem(
        api,
        "PATCH",
        f"/actuals/{actuals['support']['id']}",
        409,
        json={"billing_type": "non_chargeable"},
    )
    assert actuals["support"]["id"] in body["detail"]
    assert api.get(f"/actuals/{actuals['support']['id']}")["billing_type"] == "chargeable"
    assert api.get(f"/invoices/{invoice['id']}") == invoice

    # The billing type is one of three: anything else is invalid input.
    body = problem(
        api, "PATCH", f"/actuals/{actuals['support']['id']}", 422, json={"billing_type": "free"}
    )
    assert [e["field"] for e in body["errors"]] == ["billing_type"]
