"""Documents that cannot be valid (rules.md "Customer documents"): a line taxed by two
codes, a currency with three decimals, a seller without a VAT id. The pro forma warns
before posting, the invoice is still issued (its number is legal), and each e-invoice
request answers 422 naming what is missing; the PDF is still there."""

from __future__ import annotations

from tests.documents.world import build_documents
from tests.scenario.proposal_world import post_journal


def _fields(problem: dict) -> list[str]:
    return [error["field"] for error in problem["errors"]]


def test_a_line_taxed_by_two_codes_warns_before_posting_and_its_e_invoice_is_refused(make_api):
    dw = build_documents(make_api)
    invoice = dw.pw.confirmed_invoice("4")
    post_journal(dw.pw, sales_tax_group="UK", item_sales_tax_group="MIX")
    proposal = dw.pw.proposal_of(invoice)
    dw.accountant.action(f"/invoice-proposals/{proposal['id']}/import-from-staging")
    pro_forma = dw.accountant.action(
        f"/invoice-proposals/{proposal['id']}/post", {"posting": False}, writes=False
    )
    assert [w["field"] for w in pro_forma["warnings"]] == ["lines[0].taxes"]
    assert "RED5, VAT20" in pro_forma["warnings"][0]["reason"]
    assert pro_forma["customer_invoice_id"] is None
    assert dw.accountant.get("/customer-invoices")["items"] == []
    posted = dw.accountant.action(f"/invoice-proposals/{proposal['id']}/post", {"posting": True})
    issued = dw.accountant.get(f"/customer-invoices/{posted['customer_invoice_id']}")
    assert issued["documents"] == []
    for fmt in ("ubl", "cii", "facturx"):
        problem = dw.document(issued, fmt, expect=422)
        assert _fields(problem) == ["lines[0].taxes"], fmt
    assert dw.document(issued, "pdf")[:5] == b"%PDF-"


def test_a_seller_without_a_vat_id_gets_a_422_naming_it(make_api):
    dw = build_documents(make_api)
    dw.accountant.patch(f"/legal-entities/{dw.entity['id']}", {"vat_id": None})
    issued = dw.issue("4")
    assert {p["field"] for p in issued["problems"]} == {"seller.vat_id"}
    problem = dw.document(issued, "ubl", expect=422)
    assert _fields(problem) == ["seller.vat_id"]
    assert "VAT id" in problem["detail"]


def test_a_currency_with_three_decimals_cannot_be_an_en16931_invoice(make_api):
    dw = build_documents(make_api, currency="KWD")
    issued = dw.issue("4")
    assert issued["total_amount"] == "1200.000"
    problem = dw.document(issued, "cii", expect=422)
    assert _fields(problem) == ["currency"]
    assert "KWD has 3" in problem["detail"]


def test_a_customer_without_an_electronic_address_gets_cii_but_no_peppol_ubl(make_api):
    dw = build_documents(make_api)
    dw.api.patch(f"/customers/{dw.pw.world.customer['id']}", {"endpoint": None})
    issued = dw.issue("4")
    assert _fields(dw.document(issued, "ubl", expect=422)) == ["buyer.endpoint"]
    assert dw.document(issued, "cii")[:5] == b"<?xml"
