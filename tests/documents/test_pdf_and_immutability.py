"""The PDF a customer reads and Factur-X (issue 10, items 3 and 5): the issued PDF shows
seller, buyer with VAT ids, number, dates, due date and terms, VAT per rate, totals,
footer text and bank details, in the customer's language; Factur-X carries a valid
factur-x.xml; and an issued invoice's documents never change once rendered."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from pypdf import PdfReader

from tests.conftest import Api
from tests.documents.einvoice import assert_valid
from tests.documents.world import SELLER, build_documents, post_proposal


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF, whitespace collapsed."""
    assert data[:5] == b"%PDF-"
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _footer(accountant: Api, text: str, **extra: Any) -> None:
    body = {"level": "module", "footer_text": text, **extra}
    accountant.request("PUT", "/print-management", 200, json=body)


def test_the_issued_pdf_reads_back_with_everything_a_customer_expects(make_api):
    dw = build_documents(make_api)
    _footer(dw.accountant, "Thank you for your business.")
    issued = dw.issue("4")
    text = pdf_text(dw.document(issued, "pdf"))
    for expected in (
        f"Invoice {issued['number']}",
        "Contoso Consulting Ltd",
        "VAT id: GB123456789",  # the seller's
        "VAT id: GB987654321",  # the buyer's
        "Coho Winery Ltd",
        "Due date",
        "30 Sept 2026",  # en_GB: the customer writes English, lives in GB
        "30 days net",
        "£1,000.00",
        "£200.00",
        "£1,200.00",
        "IBAN GB29NWBK60161331926819",
        "Thank you for your business.",
    ):
        assert expected in text, expected
    assert "PRO FORMA" not in text


def _proforma_text(dw: Any, invoice: dict[str, Any]) -> str:
    response = dw.api.client.get(f"/api/v1/invoices/{invoice['id']}/pdf", headers=dw.api.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return pdf_text(response.content)


def test_the_proforma_pdf_is_marked_pro_forma_and_renders_live(make_api):
    dw = build_documents(make_api)
    world = dw.pw.world
    world.approved_time("4", "2026-08-27")
    free = world.approved_time("1", "2026-08-28")
    world.mark_all_ready()
    draft = world.invoice()
    [free_actual] = world.sales_actuals(free["id"])
    [detail] = [
        d for line in draft["lines"] for d in line["details"] if d["actual_id"] == free_actual["id"]
    ]
    dw.api.patch(f"/invoice-line-details/{detail['id']}", {"billing_type": "non_chargeable"})
    text = _proforma_text(dw, draft)
    assert "PRO FORMA" in text and draft["number"] in text
    assert "Total £1,000.00" in text  # 4 h billed; the free hour prints, at zero
    assert "£0.00" in text
    _footer(dw.accountant, "Printed live")
    assert "Printed live" in _proforma_text(dw, draft)


def test_a_german_customer_reads_german_labels_and_numbers(make_api):
    dw = build_documents(make_api)
    dw.api.patch(f"/customers/{dw.pw.world.customer['id']}", {"language": "de"})
    issued = dw.issue("4")
    text = pdf_text(dw.document(issued, "pdf"))
    assert f"Rechnung {issued['number']}" in text
    assert "USt-IdNr.: GB987654321" in text
    assert "Fällig am" in text
    assert "1.200,00" in text


def test_a_credit_note_pdf_names_the_invoice_it_credits(make_api):
    dw = build_documents(make_api)
    invoice = dw.pw.confirmed_invoice("4")
    original = dw.post(invoice)
    corrective = dw.api.post(f"/invoices/{invoice['id']}/correct")
    [detail] = corrective["lines"][0]["details"]
    dw.api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "1"})
    dw.api.action(f"/invoices/{corrective['id']}/confirm")
    credit = post_proposal(dw, corrective)
    text = pdf_text(dw.document(credit, "pdf"))
    assert f"Credit note {credit['number']}" in text
    assert f"Credits invoice {original['number']} of 31 Aug 2026" in text
    assert "£900.00" in text  # credited, shown positive


def test_factur_x_embeds_a_valid_en16931_cii_in_a_pdf_a_3(make_api):
    from facturx import get_xml_from_pdf

    dw = build_documents(make_api)
    issued = dw.issue("4")
    data = dw.document(issued, "facturx")
    name, xml = get_xml_from_pdf(data, check_xsd=False)
    assert name == "factur-x.xml"
    assert_valid(xml)
    assert b"pdfaid:part" in data or b"pdfaid:part" in _metadata(data)


def _metadata(data: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(data))
    stream = reader.trailer["/Root"]["/Metadata"].get_object()
    return bytes(stream.get_data())


def test_an_issued_invoice_downloads_byte_for_byte_after_every_change(make_api):
    dw = build_documents(make_api)
    _footer(dw.accountant, "Old footer")
    issued = dw.issue("4")
    first = {fmt: dw.document(issued, fmt) for fmt in ("pdf", "ubl", "cii", "facturx")}
    _footer(dw.accountant, "New footer", report_format="compact")
    address = {**SELLER["address"], "street": "99 New Road"}
    dw.accountant.patch(f"/legal-entities/{dw.entity['id']}", {"address": address})
    dw.api.patch(f"/customers/{dw.pw.world.customer['id']}", {"name": "Renamed Winery"})
    again = {fmt: dw.document(issued, fmt) for fmt in first}
    assert again == first
    shown = dw.accountant.get(f"/customer-invoices/{issued['id']}")
    stored = {d["format"]: d["sha256"] for d in shown["documents"]}
    assert stored == {fmt: hashlib.sha256(data).hexdigest() for fmt, data in first.items()}
    assert shown["seller"]["address"]["street"] == "1 Main St"


def test_a_template_change_after_issue_changes_no_issued_pdf_even_before_its_first_download(
    make_api, monkeypatch
):
    from billable.documents import pdf

    dw = build_documents(make_api)
    issued = dw.issue("4")
    dw.pw.world.approved_time("2", "2026-08-28")
    dw.pw.world.mark_all_ready()
    proforma = dw.pw.world.invoice()
    original = pdf.labels

    def marked(language: str) -> dict[str, str]:
        words = dict(original(language))
        words["invoice"] = f"CHANGED {words['invoice']}"
        words["pro_forma_title"] = f"CHANGED {words['pro_forma_title']}"
        return words

    monkeypatch.setattr(pdf, "labels", marked)
    text = pdf_text(dw.document(issued, "pdf"))
    facturx = pdf_text(dw.document(issued, "facturx"))
    assert "CHANGED" not in text and "CHANGED" not in facturx
    assert f"Invoice {issued['number']}" in text and "£1,200.00" in text
    assert facturx == text  # one issued HTML, two renderings
    assert "CHANGED" in _proforma_text(dw, proforma)  # a proforma renders live
