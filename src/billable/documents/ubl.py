"""UBL 2.1 e-invoices in the Peppol BIS Billing 3.0 profile (EN 16931): an Invoice, or a
CreditNote that names what it credits (BillingReference). Built with lxml; the bytes
are deterministic for one document (no timestamps), so a re-render is identical."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from billable.documents.amounts import amount, plain, wire_lines
from billable.domain.documents import (
    NEEDS_EXEMPTION_REASON,
    DocumentKind,
    IssuedDocument,
    Party,
    VatCategory,
)

UBL = "urn:oasis:names:specification:ubl:schema:xsd:"
CAC = UBL + "CommonAggregateComponents-2"
CBC = UBL + "CommonBasicComponents-2"
CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
#: UNTDID 1001: commercial invoice, credit note.
TYPE_CODES = {DocumentKind.INVOICE: "380", DocumentKind.CREDIT_NOTE: "381"}


class _Builder:
    """Appends cbc/cac children, skipping empty values (Peppol forbids empty elements)."""

    def __init__(self, doc: IssuedDocument) -> None:
        self.doc = doc

    def cbc(self, parent: Any, tag: str, value: str | None, **attrs: str) -> Any:
        """A basic component ``tag`` with ``value``; nothing when the value is empty."""
        if value is None or value == "":
            return None
        node = etree.SubElement(parent, f"{{{CBC}}}{tag}", attrs)
        node.text = value
        return node

    def cac(self, parent: Any, name: str) -> Any:
        """An aggregate component ``name``."""
        return etree.SubElement(parent, f"{{{CAC}}}{name}")

    def money(self, parent: Any, name: str, value: Decimal) -> Any:
        """An amount in the document's currency, at its decimals."""
        text = amount(value, self.doc.minor_units)
        return self.cbc(parent, name, text, currencyID=self.doc.currency)


def _party(b: _Builder, parent: Any, party: Party) -> None:
    node = b.cac(parent, "Party")
    if party.endpoint_scheme and party.endpoint_id:
        b.cbc(node, "EndpointID", party.endpoint_id, schemeID=party.endpoint_scheme)
    b.cbc(b.cac(node, "PartyName"), "Name", party.name)
    address = b.cac(node, "PostalAddress")
    b.cbc(address, "StreetName", party.street)
    b.cbc(address, "CityName", party.city)
    b.cbc(address, "PostalZone", party.postal_code)
    b.cbc(b.cac(address, "Country"), "IdentificationCode", party.country)
    if party.vat_id:
        scheme = b.cac(node, "PartyTaxScheme")
        b.cbc(scheme, "CompanyID", party.vat_id)
        b.cbc(b.cac(scheme, "TaxScheme"), "ID", "VAT")
    legal = b.cac(node, "PartyLegalEntity")
    b.cbc(legal, "RegistrationName", party.legal_name)
    b.cbc(legal, "CompanyID", party.company_id)
    if party.email:
        b.cbc(b.cac(node, "Contact"), "ElectronicMail", party.email)


def _category(
    b: _Builder, parent: Any, name: str, category: VatCategory, rate: Decimal, reason: str | None
) -> None:
    node = b.cac(parent, name)
    b.cbc(node, "ID", category.value)
    if category is not VatCategory.NOT_SUBJECT:
        b.cbc(node, "Percent", plain(rate))
    if category in NEEDS_EXEMPTION_REASON and name == "TaxCategory":
        b.cbc(node, "TaxExemptionReason", reason or "Exempt")
    b.cbc(b.cac(node, "TaxScheme"), "ID", "VAT")


def _header(b: _Builder, root: Any, credit: bool) -> None:
    doc = b.doc
    b.cbc(root, "CustomizationID", CUSTOMIZATION)
    b.cbc(root, "ProfileID", PROFILE)
    b.cbc(root, "ID", doc.number)
    b.cbc(root, "IssueDate", doc.issue_date.isoformat())
    if not credit:
        b.cbc(root, "DueDate", doc.due_date.isoformat())
    b.cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", TYPE_CODES[doc.kind])
    b.cbc(root, "Note", doc.footer_text.strip() or None)
    b.cbc(root, "DocumentCurrencyCode", doc.currency)
    b.cbc(root, "BuyerReference", doc.proforma_number)
    if doc.period:
        period = b.cac(root, "InvoicePeriod")
        b.cbc(period, "StartDate", doc.period[0].isoformat())
        b.cbc(period, "EndDate", doc.period[1].isoformat())
    if doc.corrects:
        reference = b.cac(b.cac(root, "BillingReference"), "InvoiceDocumentReference")
        b.cbc(reference, "ID", doc.corrects.number)
        b.cbc(reference, "IssueDate", doc.corrects.issue_date.isoformat())
    _party(b, b.cac(root, "AccountingSupplierParty"), doc.seller)
    _party(b, b.cac(root, "AccountingCustomerParty"), doc.buyer)
    if any(t.category is VatCategory.INTRA_COMMUNITY for line in doc.lines for t in line.taxes):
        address = b.cac(b.cac(b.cac(root, "Delivery"), "DeliveryLocation"), "Address")
        b.cbc(b.cac(address, "Country"), "IdentificationCode", doc.buyer.country)


def _payment(b: _Builder, root: Any, credit: bool) -> None:
    doc = b.doc
    if doc.seller.iban:
        means = b.cac(root, "PaymentMeans")
        b.cbc(means, "PaymentMeansCode", "30", name="Credit transfer")
        if credit:
            b.cbc(means, "PaymentDueDate", doc.due_date.isoformat())
        b.cbc(means, "PaymentID", doc.number)
        account = b.cac(means, "PayeeFinancialAccount")
        b.cbc(account, "ID", doc.seller.iban)
        b.cbc(account, "Name", doc.seller.legal_name)
        if doc.seller.bic:
            b.cbc(b.cac(account, "FinancialInstitutionBranch"), "ID", doc.seller.bic)
    terms = b.cac(root, "PaymentTerms")
    text = doc.terms.name if doc.terms else "Due on receipt"
    b.cbc(terms, "Note", text)


def _totals(b: _Builder, root: Any) -> None:
    doc, sign = b.doc, b.doc.sign
    total = b.cac(root, "TaxTotal")
    b.money(total, "TaxAmount", doc.total_tax * sign)
    for row in doc.breakdown:
        sub = b.cac(total, "TaxSubtotal")
        b.money(sub, "TaxableAmount", row.taxable_amount * sign)
        b.money(sub, "TaxAmount", row.tax_amount * sign)
        _category(b, sub, "TaxCategory", row.category, row.rate, row.exemption_reason)
    money = b.cac(root, "LegalMonetaryTotal")
    net = sum((line.amount for line in wire_lines(doc)), Decimal(0))
    b.money(money, "LineExtensionAmount", net)
    b.money(money, "TaxExclusiveAmount", net)
    b.money(money, "TaxInclusiveAmount", net + doc.total_tax * sign)
    b.money(money, "PayableAmount", net + doc.total_tax * sign)


def _lines(b: _Builder, root: Any, credit: bool) -> None:
    for wire in wire_lines(b.doc):
        node = b.cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        b.cbc(node, "ID", str(wire.number))
        quantity = "CreditedQuantity" if credit else "InvoicedQuantity"
        b.cbc(node, quantity, plain(wire.quantity), unitCode=wire.unit)
        b.money(node, "LineExtensionAmount", wire.amount)
        if wire.source.period:
            period = b.cac(node, "InvoicePeriod")
            b.cbc(period, "StartDate", wire.source.period[0].isoformat())
            b.cbc(period, "EndDate", wire.source.period[1].isoformat())
        item = b.cac(node, "Item")
        b.cbc(item, "Name", wire.name)
        _category(b, item, "ClassifiedTaxCategory", wire.tax.category, wire.tax.rate, None)
        price = b.cac(node, "Price")
        b.cbc(price, "PriceAmount", plain(wire.price), currencyID=b.doc.currency)


def render(doc: IssuedDocument) -> bytes:
    """The UBL document of ``doc``: UTF-8 bytes with an XML declaration."""
    credit = doc.kind is DocumentKind.CREDIT_NOTE
    root_name = "CreditNote" if credit else "Invoice"
    nsmap = {None: f"{UBL}{root_name}-2", "cac": CAC, "cbc": CBC}
    root = etree.Element(f"{{{UBL}{root_name}-2}}{root_name}", nsmap=nsmap)
    b = _Builder(doc)
    _header(b, root, credit)
    _payment(b, root, credit)
    _totals(b, root)
    _lines(b, root, credit)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
