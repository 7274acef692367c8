"""What a customer document lacks, said exactly: each problem names its field and gives
the reason a person reads; the document kind at its edges; the tax breakdown's order,
its untaxed lines and its exemption reasons."""

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
    Problem,
    TaxSubtotal,
    VatCategory,
    document_kind,
    problems,
    tax_breakdown,
    tax_code_problems,
)

S20 = LineTax("VAT20", VatCategory.STANDARD, D("20"), D("20.00"))
S5 = LineTax("VAT5", VatCategory.STANDARD, D("5"), D("50.00"))
RC = LineTax("RC", VatCategory.REVERSE_CHARGE, D("0"), D("0.00"), "Reverse charge")
SELLER = Party("Seller", vat_id="GB1", country="GB", endpoint_scheme="0088", endpoint_id="1")
BUYER = Party("Buyer", country="GB", endpoint_scheme="9932", endpoint_id="2")


def _line(amount: str, *taxes: LineTax, billed: bool = True) -> DocumentLine:
    return DocumentLine("Work", D("1"), "hour", D(amount), D(amount), taxes, billed)


def _doc(
    *lines: DocumentLine,
    seller: Party = SELLER,
    buyer: Party = BUYER,
    currency: str = "GBP",
    minor_units: int = 2,
) -> IssuedDocument:
    return IssuedDocument(
        "1-000001", DocumentKind.INVOICE, dt.date(2026, 8, 31), dt.date(2026, 9, 30),
        currency, minor_units, "en", seller, buyer, lines, tuple(tax_breakdown(lines)),
        D(0), D(0), "INV-1",
    )  # fmt: skip


def test_a_correction_totalling_zero_or_a_fraction_above_it_is_still_an_invoice():
    assert document_kind(D("0"), corrective=True) is DocumentKind.INVOICE
    assert document_kind(D("0.50"), corrective=True) is DocumentKind.INVOICE
    assert document_kind(D("-0.01"), corrective=True) is DocumentKind.CREDIT_NOTE


def test_parties_without_vat_id_country_or_electronic_address_are_named_with_reasons():
    doc = _doc(_line("100.00", S20), seller=Party("Seller"), buyer=Party("Buyer"))
    assert problems(doc, DocumentFormat.UBL) == [
        Problem("seller.vat_id", "the legal entity has no VAT id"),
        Problem("seller.address.country", "the legal entity has no country"),
        Problem("buyer.address.country", "the bill-to address has no country"),
        Problem("seller.endpoint", "the legal entity has no electronic address"),
        Problem("buyer.endpoint", "the customer has no electronic address"),
    ]


def test_cii_needs_no_electronic_address_but_the_same_vat_id_and_countries():
    doc = _doc(_line("100.00", S20), seller=Party("Seller"), buyer=Party("Buyer"))
    assert [p.field for p in problems(doc, DocumentFormat.CII)] == [
        "seller.vat_id",
        "seller.address.country",
        "buyer.address.country",
    ]


def test_an_electronic_address_needs_both_its_scheme_and_its_id():
    seller = Party("Seller", vat_id="GB1", country="GB", endpoint_scheme="0088")
    buyer = Party("Buyer", country="GB", endpoint_id="2")
    doc = _doc(_line("100.00", S20), seller=seller, buyer=buyer)
    assert [p.field for p in problems(doc, DocumentFormat.UBL)] == [
        "seller.endpoint",
        "buyer.endpoint",
    ]


def test_a_currency_with_more_than_two_decimals_is_refused_with_its_name_and_places():
    doc = _doc(_line("100.000", S20), currency="BHD", minor_units=3)
    assert problems(doc, DocumentFormat.UBL) == [
        Problem("currency", "EN 16931 amounts have at most 2 decimals; BHD has 3")
    ]


def test_a_line_taxed_twice_or_not_at_all_is_named_by_its_index_with_the_reason():
    doc = _doc(_line("100.00", S20, RC), _line("50.00"))
    assert problems(doc, DocumentFormat.CII) == [
        Problem(
            "lines[0].taxes", "taxed by VAT20, RC: an e-invoice line has one VAT category and rate"
        ),
        Problem(
            "buyer.vat_id", "reverse charge and intra-community supplies need the buyer's VAT id"
        ),
        Problem("lines[1].taxes", "the line has no tax code"),
    ]


def test_lines_after_an_unbilled_line_are_still_checked():
    doc = _doc(_line("0.00", billed=False), _line("50.00"))
    assert problems(doc, DocumentFormat.UBL) == [
        Problem("lines[1].taxes", "the line has no tax code")
    ]


def test_a_reverse_charge_line_is_valid_when_the_buyer_has_a_vat_id():
    buyer = Party("Buyer", vat_id="DE1", country="DE", endpoint_scheme="9930", endpoint_id="3")
    assert problems(_doc(_line("100.00", RC), buyer=buyer), DocumentFormat.UBL) == []


def test_the_breakdown_orders_rates_within_a_category_by_rate_not_by_tax():
    lines = [_line("100.00", S20), _line("1000.00", S5)]
    assert tax_breakdown(lines) == [
        TaxSubtotal(VatCategory.STANDARD, D("5"), D("1000.00"), D("50.00")),
        TaxSubtotal(VatCategory.STANDARD, D("20"), D("100.00"), D("20.00")),
    ]


def test_an_untaxed_billed_line_is_in_the_breakdown_as_not_subject_at_zero():
    assert tax_breakdown([_line("0.00", S20, billed=False), _line("70.00")]) == [
        TaxSubtotal(VatCategory.NOT_SUBJECT, D("0"), D("70.00"), D("0"))
    ]


def test_the_breakdown_carries_the_first_exemption_reason_of_its_category_and_rate():
    other = LineTax("RC2", VatCategory.REVERSE_CHARGE, D("0.00"), D("0.00"), "Other reason")
    assert tax_breakdown([_line("300.00", RC), _line("200.00", other)]) == [
        TaxSubtotal(VatCategory.REVERSE_CHARGE, D("0"), D("500.00"), D("0.00"), "Reverse charge")
    ]


def test_tax_code_problems_give_their_reasons():
    assert tax_code_problems(VatCategory.STANDARD, D("0"), None) == [
        Problem("rate", "a standard rated (S) tax code needs a rate above 0")
    ]
    assert tax_code_problems(VatCategory.EXPORT, D("5"), None) == [
        Problem("rate", "VAT category G charges no VAT: rate 0"),
        Problem("exemption_reason", "VAT category G needs an exemption reason"),
    ]


def test_a_standard_rate_below_one_percent_is_still_above_zero():
    assert tax_code_problems(VatCategory.STANDARD, D("0.5"), None) == []
