"""The printed words and numbers of a customer document follow the customer's language:
English, German and French labels, babel's notation for money and dates, English for
any other language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from billable.documents.pdf import html
from billable.domain.documents import (
    DocumentKind,
    DocumentLine,
    IssuedDocument,
    LineTax,
    Party,
    Reference,
    VatCategory,
    tax_breakdown,
)


def _doc(language: str, kind: DocumentKind = DocumentKind.INVOICE) -> IssuedDocument:
    tax = LineTax("VAT20", VatCategory.STANDARD, D("20"), D("240.00"))
    lines = (DocumentLine("Conseil", D("8"), "hour", D("150"), D("1200.00"), (tax,)),)
    return IssuedDocument(
        number="1-000007",
        kind=kind,
        issue_date=dt.date(2026, 8, 31),
        due_date=dt.date(2026, 9, 30),
        currency="EUR",
        minor_units=2,
        language=language,
        seller=Party("Contoso SARL", vat_id="FR40303265045", country="FR"),
        buyer=Party("Tailspin Toys SAS", vat_id="FR12345678901", country="FR"),
        lines=lines,
        breakdown=tuple(tax_breakdown(lines)),
        total_net=D("1200.00"),
        total_tax=D("240.00"),
        proforma_number="INV-000007",
        corrects=Reference("1-000003", dt.date(2026, 7, 31)),
    )


def test_a_french_customer_reads_french_labels_money_and_dates():
    text = html(_doc("fr"))
    assert "Facture 1-000007" in text
    assert "Date d&#39;échéance" in text or "Date d'échéance" in text
    assert "N° TVA: FR12345678901" in text
    assert "1\u202f440,00\xa0€" in text or "1 440,00 €" in text
    assert "30 sept. 2026" in text


def test_a_german_credit_note_names_what_it_credits_in_german():
    text = html(_doc("de", DocumentKind.CREDIT_NOTE))
    assert "Gutschrift 1-000007" in text
    assert "Gutschrift zu Rechnung 1-000003 vom 31.07.2026" in text


def test_an_unknown_language_prints_in_english():
    text = html(_doc("xx"))
    assert "Invoice 1-000007" in text and "Due date" in text
