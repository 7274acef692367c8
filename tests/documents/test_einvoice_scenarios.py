"""E-invoices a tax office accepts (issue 10, item 4): every scenario's UBL (Peppol BIS
Billing 3.0) and CII (EN 16931) pass the XML schemas and the official schematron rule
sets with zero fatal asserts; the rule ids are printed when one fails."""

from __future__ import annotations

from typing import Any

from tests.documents.einvoice import assert_valid
from tests.documents.world import DocumentWorld, build_documents, journal_by_class, post_proposal


def _valid_documents(dw: DocumentWorld, issued: dict[str, Any]) -> None:
    for fmt in ("ubl", "cii"):
        assert_valid(dw.document(issued, fmt))


def _everything(dw: DocumentWorld) -> dict[str, Any]:
    """Time at 20 %, an exempt expense, a complimentary hour, two non-chargeable hours,
    a fixed-price milestone and a product line at 5 %, on one proforma, confirmed."""
    world, api = dw.pw.world, dw.api
    dw.accountant.request(
        "PUT",
        "/parameters",
        200,
        json={
            "sales_tax_group_method": "contract",
            "material_item_tax_group_method": "item",
            "milestone_item_sales_tax_group": "SERV",
        },
    )
    api.patch(f"/contracts/{world.contract['id']}", {"sales_tax_group": "UK"})
    api.patch(f"/products/{world.product['id']}", {"item_sales_tax_group": "LOW"})
    world.line(["expense"])
    fixed = world.line(["fee"], billing_method="fixed_price", amount="3000.00")
    milestone = api.post(
        f"/contract-lines/{fixed['id']}/milestones",
        {"name": "Design", "date": "2026-08-15", "amount": "3000.00"},
    )
    api.action(f"/milestones/{milestone['id']}/ready-to-invoice")
    world.product_line()
    world.approved_time("4", date="2026-08-24")
    free = world.approved_time("1", date="2026-08-25")
    internal = world.approved_time("2", date="2026-08-25")
    world.approved_expense("1", "100.00", date="2026-08-26")
    world.mark_all_ready()
    invoice = world.invoice("2026-08-31")
    billing_types = {
        world.sales_actuals(free["id"])[0]["id"]: "complimentary",
        world.sales_actuals(internal["id"])[0]["id"]: "non_chargeable",
    }
    for line in invoice["lines"]:
        for detail in line["details"]:
            if detail.get("actual_id") in billing_types:
                change = {"billing_type": billing_types[detail["actual_id"]]}
                api.patch(f"/invoice-line-details/{detail['id']}", change)
    return api.action(f"/invoices/{invoice['id']}/confirm")


def test_several_rates_an_exempt_line_a_milestone_and_a_product_make_a_valid_e_invoice(make_api):
    dw = build_documents(make_api)
    invoice = _everything(dw)
    journal_by_class(dw, {"time": "SERV", "expense": "EDU"})
    issued = post_proposal(dw, invoice)
    rows = {(t["vat_category"], t["rate"]): t for t in issued["tax_breakdown"]}
    assert set(rows) == {("S", "20"), ("S", "5"), ("E", "0")}
    assert rows["E", "0"]["exemption_reason"] == "Exempt education services"
    assert rows["E", "0"]["taxable_amount"] == "110.00"  # the expense sells at cost + 10 %
    # The complimentary and non-chargeable hours are not billed: 4 h of time, not 7.
    time_lines = [ln for ln in issued["lines"] if ln["unit"] == "hour"]
    assert [ln["quantity"] for ln in time_lines] == ["4"]
    assert issued["problems"] == []
    _valid_documents(dw, issued)


def test_a_summary_section_prints_one_line_per_tax_and_stays_valid(make_api):
    dw = build_documents(make_api)
    world = dw.pw.world
    world.line(["expense"])
    world.approved_time("4", date="2026-08-24")
    world.approved_time("2", date="2026-08-25")
    world.approved_expense("1", "100.00", date="2026-08-26")
    world.mark_all_ready()
    invoice = dw.api.action(f"/invoices/{world.invoice('2026-08-31')['id']}/confirm")
    journal_by_class(dw, {"time": "SERV", "expense": "LOW"})
    proposal = dw.pw.proposal_of(invoice)
    ready = dw.accountant.action(f"/invoice-proposals/{proposal['id']}/import-from-staging")
    dw.accountant.post(
        f"/invoice-proposals/{proposal['id']}/sections",
        {"name": "Consulting", "mode": "summary", "line_ids": [ln["id"] for ln in ready["lines"]]},
    )
    issued = post_proposal(dw, invoice)
    summary = [(ln["description"], ln["amount"]) for ln in issued["lines"]]
    assert summary == [("Consulting", "1500.00"), ("Consulting", "110.00")]
    _valid_documents(dw, issued)


def test_a_reverse_charge_customer_gets_a_valid_e_invoice_naming_its_vat_id(make_api):
    dw = build_documents(make_api)
    invoice = dw.pw.confirmed_invoice("4")
    issued = dw.post(invoice, item_group="RCG")
    assert [(t["vat_category"], t["tax_amount"]) for t in issued["tax_breakdown"]] == [
        ("AE", "0.00")
    ]
    ubl = dw.document(issued, "ubl")
    assert b"<cbc:TaxExemptionReason>Reverse charge</cbc:TaxExemptionReason>" in ubl
    _valid_documents(dw, issued)


def test_a_credit_note_names_the_invoice_it_credits_and_is_valid(make_api):
    dw = build_documents(make_api)
    invoice = dw.pw.confirmed_invoice("4")
    original = dw.post(invoice)
    corrective = dw.api.post(f"/invoices/{invoice['id']}/correct")
    [detail] = corrective["lines"][0]["details"]
    dw.api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "1"})
    dw.api.action(f"/invoices/{corrective['id']}/confirm")
    credit = post_proposal(dw, corrective)
    assert credit["kind"] == "credit_note"
    assert credit["corrects_customer_invoice_id"] == original["id"]
    assert credit["number"].endswith("-000002")  # one sequence, no gaps
    assert credit["total_amount"] == "-900.00"
    ubl = dw.document(credit, "ubl")
    assert b"<CreditNote" in ubl and original["number"].encode() in ubl
    _valid_documents(dw, credit)


def test_a_correction_that_raises_the_amount_is_an_invoice_naming_the_original(make_api):
    dw = build_documents(make_api)
    invoice = dw.pw.confirmed_invoice("4")
    original = dw.post(invoice)
    corrective = dw.api.post(f"/invoices/{invoice['id']}/correct")
    [detail] = corrective["lines"][0]["details"]
    dw.api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "5"})
    dw.api.action(f"/invoices/{corrective['id']}/confirm")
    raised = post_proposal(dw, corrective)
    assert (raised["kind"], raised["corrects_customer_invoice_id"]) == ("invoice", original["id"])
    assert b"<cac:BillingReference>" in dw.document(raised, "ubl")
    _valid_documents(dw, raised)


def test_a_euro_contract_issues_a_valid_euro_e_invoice(make_api):
    dw = build_documents(make_api, currency="EUR")
    issued = dw.issue("4")
    assert (issued["currency"], issued["total_amount"]) == ("EUR", "1200.00")
    assert b'currencyID="EUR"' in dw.document(issued, "ubl")
    _valid_documents(dw, issued)
