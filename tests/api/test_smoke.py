"""The seed's correction example end to end through HTTP, on every database."""

from tests.builders import make_world


def test_billed_eight_hours_corrected_to_six_leaves_two_unbilled(api):
    world = make_world(api)
    world.line(["time"])
    entry = world.approved_time("8")
    world.mark_all_ready()
    invoice = world.invoice()
    assert invoice["total_amount"] == "2000.00"
    api.action(f"/invoices/{invoice['id']}/confirm")
    corrective = api.post(f"/invoices/{invoice['id']}/correct")
    detail = corrective["lines"][0]["details"][0]
    assert (detail["quantity"], detail["original_quantity"]) == ("0", "8")
    api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "6"})
    corrective = api.action(f"/invoices/{corrective['id']}/confirm")
    assert corrective["total_amount"] == "-500.00"
    actuals = api.get("/actuals", source_id=entry["id"])["items"]
    billed = [
        (a["quantity"], a["amount"]) for a in actuals if a["transaction_type"] == "billed_sales"
    ]
    assert billed == [("8", "2000.00"), ("-8", "-2000.00"), ("6", "1500.00")]
    unbilled = [a for a in actuals if a["transaction_type"] == "unbilled_sales"]
    assert [(a["quantity"], a["amount"]) for a in unbilled][-1] == ("2", "500.00")
