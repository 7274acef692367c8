"""Customer invoices with legal numbers (issue 10, item 2): posting a proposal issues a
customer invoice numbered without gaps per legal entity, due after the payment terms,
with seller and buyer as they were at issue and the proposal's lines."""

from __future__ import annotations

from tests.documents.einvoice import assert_valid
from tests.documents.world import SELLER, build_documents


def test_posting_a_proposal_issues_a_numbered_customer_invoice_due_after_its_terms(make_api):
    dw = build_documents(make_api)
    issued = dw.issue("4", "2026-08-27")
    assert issued["kind"] == "invoice"
    assert issued["number"].endswith("-000001")
    assert issued["issue_date"] == "2026-08-31"
    assert issued["due_date"] == "2026-09-30"  # 30 days net
    assert issued["payment_terms"] == {"code": "NET30", "name": "30 days net", "net_days": 30}
    assert issued["seller"]["vat_id"] == SELLER["vat_id"]
    assert issued["buyer"]["vat_id"] == "GB987654321"
    assert issued["period"] == {"start": "2026-08-27", "end": "2026-08-27"}
    assert (issued["total_net"], issued["total_tax"], issued["total_amount"]) == (
        "1000.00",
        "200.00",
        "1200.00",
    )
    assert issued["tax_breakdown"] == [
        {
            "vat_category": "S",
            "rate": "20",
            "taxable_amount": "1000.00",
            "tax_amount": "200.00",
            "exemption_reason": None,
        }
    ]
    assert issued["problems"] == []
    assert {d["format"] for d in issued["documents"]} == {"ubl", "cii"}
    assert_valid(dw.document(issued, "ubl"))
    assert_valid(dw.document(issued, "cii"))
