"""The pure rules of customer documents: kind, due date, period, tax breakdown per VAT
category and rate, VAT categories of tax codes, and what stops an e-invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from billable.domain.documents import (
    DocumentFormat,
    DocumentKind,
    DocumentLine,
    IssuedDocument,
    LineTax,
    Party,
    VatCategory,
    document_kind,
    due_date,
    period,
    problems,
    tax_breakdown,
    tax_code_problems,
)

S20 = LineTax("VAT20", VatCategory.STANDARD, D("20"), D("200.00"))
RC = LineTax("RC", VatCategory.REVERSE_CHARGE, D("0"), D("0.00"), "Reverse charge")


def _line(amount: str, *taxes: LineTax, billed: bool = True) -> DocumentLine:
    return DocumentLine("Work", D("1"), "hour", D(amount), D(amount), taxes, billed)


def _doc(*lines: DocumentLine, minor_units: int = 2, **parties: Party) -> IssuedDocument:
    seller = Party("Seller", vat_id="GB1", country="GB", endpoint_scheme="0088", endpoint_id="1")
    buyer = Party("Buyer", vat_id=None, country="GB", endpoint_scheme="9932", endpoint_id="2")
    return IssuedDocument(
        "1-000001", DocumentKind.INVOICE, dt.date(2026, 8, 31), dt.date(2026, 9, 30), "GBP",
        minor_units, "en", parties.get("seller", seller), parties.get("buyer", buyer), lines,
        tuple(tax_breakdown(lines)), D(0), D(0), "INV-1",
    )  # fmt: skip


def test_a_correction_with_a_negative_total_is_a_credit_note_and_anything_else_an_invoice():
    assert document_kind(D("-1"), corrective=True) is DocumentKind.CREDIT_NOTE
    assert document_kind(D("1"), corrective=True) is DocumentKind.INVOICE
    assert document_kind(D("-1"), corrective=False) is DocumentKind.INVOICE


def test_the_due_date_adds_the_net_days_and_without_terms_is_the_issue_date():
    assert due_date(dt.date(2026, 8, 31), 30) == dt.date(2026, 9, 30)
    assert due_date(dt.date(2026, 8, 31), None) == dt.date(2026, 8, 31)


def test_the_period_runs_from_the_earliest_to_the_latest_date():
    days = [dt.date(2026, 8, 27), dt.date(2026, 8, 3), dt.date(2026, 8, 14)]
    assert period(days) == (dt.date(2026, 8, 3), dt.date(2026, 8, 27))
    assert period([]) is None


def test_the_breakdown_sums_billed_lines_per_category_and_rate():
    lines = [_line("1000.00", S20), _line("500.00", S20), _line("300.00", RC)]
    lines.append(_line("999.00", S20, billed=False))
    rows = {(r.category, r.rate): (r.taxable_amount, r.tax_amount) for r in tax_breakdown(lines)}
    assert rows == {
        (VatCategory.STANDARD, D("20")): (D("1500.00"), D("400.00")),
        (VatCategory.REVERSE_CHARGE, D("0")): (D("300.00"), D("0.00")),
    }


def test_a_tax_code_category_must_fit_its_rate_and_exemptions_need_a_reason():
    assert tax_code_problems(VatCategory.STANDARD, D("20"), None) == []
    assert [p.field for p in tax_code_problems(VatCategory.STANDARD, D("0"), None)] == ["rate"]
    assert [p.field for p in tax_code_problems(VatCategory.EXEMPT, D("0"), "")] == [
        "exemption_reason"
    ]
    assert [p.field for p in tax_code_problems(VatCategory.EXPORT, D("5"), "Export")] == ["rate"]


def test_a_valid_document_has_no_problems_in_any_format():
    doc = _doc(_line("1000.00", S20))
    assert all(problems(doc, fmt) == [] for fmt in DocumentFormat)


def test_two_taxes_on_a_line_three_decimals_or_no_seller_vat_id_stop_an_e_invoice():
    two = _doc(_line("1000.00", S20, RC))
    assert [p.field for p in problems(two, DocumentFormat.CII)] == [
        "lines[0].taxes",
        "buyer.vat_id",
    ]
    assert [
        p.field for p in problems(_doc(_line("1", S20), minor_units=3), DocumentFormat.UBL)
    ] == ["currency"]
    seller = Party("Seller", country="GB", endpoint_scheme="0088", endpoint_id="1")
    no_vat = _doc(_line("1", S20), seller=seller)
    assert [p.field for p in problems(no_vat, DocumentFormat.UBL)] == ["seller.vat_id"]
    assert problems(no_vat, DocumentFormat.PDF) == []


def test_peppol_ubl_needs_both_electronic_addresses_and_cii_does_not():
    buyer = Party("Buyer", country="GB")
    doc = _doc(_line("1", S20), buyer=buyer)
    assert [p.field for p in problems(doc, DocumentFormat.UBL)] == ["buyer.endpoint"]
    assert problems(doc, DocumentFormat.CII) == []
