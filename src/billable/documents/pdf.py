"""The PDF of a customer document, from an HTML template through WeasyPrint: seller and
buyer blocks, number and dates, due date and payment terms, lines per format section,
VAT per category and rate, totals, bank details and print management's footer text
and report format. Factur-X wraps the PDF as PDF/A-3b with its CII as factur-x.xml."""

from __future__ import annotations

from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from billable.documents import cii
from billable.documents.labels import labels, locale_of
from billable.domain.documents import DocumentKind, DocumentLine, IssuedDocument, Party

TEMPLATE = "customer_invoice.html.j2"


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("billable", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=1 << 16)
def _currency_text(value: str, code: str, locale: str) -> str:
    """babel's text of an amount (``value`` as its exact Decimal string, so equal values
    of different exponents are separate keys): an invoice repeats its prices, rates and
    amounts, and babel takes tens of microseconds for each; the text is a pure function
    of these three, so the bytes are the same cached or not."""
    from babel.numbers import format_currency

    return format_currency(Decimal(value), code, locale=locale)


@lru_cache(maxsize=1 << 16)
def _decimal_text(value: str, locale: str) -> str:
    """babel's text of a quantity or rate (see :func:`_currency_text`)."""
    from babel.numbers import format_decimal

    return format_decimal(Decimal(value), locale=locale)


@lru_cache(maxsize=1 << 12)
def _date_text(value: Any, locale: str) -> str:
    """babel's medium date (see :func:`_currency_text`)."""
    from babel.dates import format_date

    return format_date(value, format="medium", locale=locale)


class _Format:
    """babel formatting in one locale and currency."""

    def __init__(self, doc: IssuedDocument) -> None:
        self.locale = locale_of(doc.language, doc.buyer.country)
        self.doc = doc

    def money(self, value: Decimal) -> str:
        """An amount as credited or charged (a credit note's turn positive)."""
        return _currency_text(str(value * self.doc.sign), self.doc.currency, self.locale)

    def number(self, value: Decimal) -> str:
        """A quantity or rate in the customer's notation."""
        return _decimal_text(str(value.normalize()), self.locale)

    def date(self, value: Any) -> str:
        """A date in the customer's notation."""
        return _date_text(value, self.locale)


def _address(party: Party) -> list[str]:
    place = " ".join(p for p in (party.postal_code, party.city) if p)
    return [text for text in (party.street, place, party.country) if text]


def _blocks(doc: IssuedDocument, f: _Format, fallback: str) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for line in doc.lines:
        if not blocks or blocks[-1]["title"] != line.section:
            blocks.append({"title": line.section, "rows": []})
        blocks[-1]["rows"].append(_row(line, f))
    if len(blocks) == 1 and not blocks[0]["title"]:
        blocks[0]["title"] = fallback
    return blocks


def _row(line: DocumentLine, f: _Format) -> dict[str, str]:
    sign = f.doc.sign
    return {
        "description": line.description,
        "quantity": f.number(line.quantity * sign),
        "unit": line.unit,
        "price": f.money(line.price * sign),
        "vat": ", ".join(f"{f.number(t.rate)} %" for t in line.taxes) or "-",
        "amount": f.money(line.amount),
    }


def _reference(doc: IssuedDocument, f: _Format) -> str | None:
    if doc.corrects is None:
        return None
    key = "corrects" if doc.kind is DocumentKind.CREDIT_NOTE else "corrects_invoice"
    text = labels(doc.language)[key]
    return text.format(number=doc.corrects.number, date=f.date(doc.corrects.issue_date))


def html(doc: IssuedDocument) -> str:
    """The document as HTML (what the PDF renders)."""
    words, f = labels(doc.language), _Format(doc)
    title = (
        words["pro_forma_title"]
        if doc.pro_forma
        else words["credit_note" if doc.kind is DocumentKind.CREDIT_NOTE else "invoice"]
    )
    terms = (
        words["days_net"].format(days=doc.terms.net_days) if doc.terms else words["due_on_receipt"]
    )
    period = f"{f.date(doc.period[0])} - {f.date(doc.period[1])}" if doc.period else None
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            doc=doc,
            l=words,
            language=doc.language,
            title=title,
            terms=terms,
            reference=_reference(doc, f),
            seller_lines=_address(doc.seller),
            buyer_lines=_address(doc.buyer),
            compact=doc.report_format == "compact",
            dates={"issue": f.date(doc.issue_date), "due": f.date(doc.due_date), "period": period},
            blocks=_blocks(doc, f, words["transactions"]),
            breakdown=[
                {
                    "category": row.category.value,
                    "reason": row.exemption_reason,
                    "rate": f.number(row.rate),
                    "taxable": f.money(row.taxable_amount),
                    "tax": f.money(row.tax_amount),
                }
                for row in doc.breakdown
            ],
            totals={
                "net": f.money(doc.total_net),
                "tax": f.money(doc.total_tax),
                "total": f.money(doc.total_amount),
            },
        )
    )


def render_pdf(doc: IssuedDocument, variant: str | None = None) -> bytes:
    """The document as a PDF (``variant`` such as "pdf/a-3b" for Factur-X)."""
    return pdf_of_html(html(doc), variant)


def pdf_of_html(text: str, variant: str | None = None) -> bytes:
    """A PDF of print HTML ``text`` (an issued invoice's is the one stored at issue)."""
    from weasyprint import HTML

    data = HTML(string=text).write_pdf(pdf_variant=variant)
    assert data is not None
    return bytes(data)


def render_facturx(doc: IssuedDocument) -> bytes:
    """Factur-X: the PDF as PDF/A-3b with the CII (EN 16931 level) as factur-x.xml."""
    return facturx_of(doc, html(doc), cii.render(doc))


def facturx_of(doc: IssuedDocument, text: str, cii_xml: bytes) -> bytes:
    """Factur-X of print HTML ``text`` with ``cii_xml`` embedded: the issued invoice's
    are those stored at issue, so what it says cannot drift from what was issued."""
    from facturx import generate_from_binary

    pdf = pdf_of_html(text, "pdf/a-3b")
    metadata = {
        "author": doc.seller.legal_name,
        "keywords": "Factur-X, Invoice",
        "title": f"{doc.seller.legal_name}: {doc.number}",
        "subject": f"Factur-X {doc.kind.value} {doc.number} of {doc.issue_date.isoformat()}",
    }
    out = generate_from_binary(
        pdf, cii_xml, flavor="factur-x", level="en16931", pdf_metadata=metadata
    )
    return bytes(out)
