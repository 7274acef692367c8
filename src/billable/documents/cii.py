"""UN/CEFACT Cross Industry Invoice (CII D16B) in the EN 16931 profile, the XML that
Factur-X embeds. Built with lxml in the schema's element order; deterministic bytes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from lxml import etree

from billable.documents.amounts import amount, plain, wire_lines
from billable.documents.ubl import TYPE_CODES
from billable.domain.documents import (
    NEEDS_EXEMPTION_REASON,
    IssuedDocument,
    Party,
    VatCategory,
)

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
GUIDELINE = "urn:cen.eu:en16931:2017"


def _el(parent: Any, ns: str, name: str, text: str | None = None, **attrs: str) -> Any:
    node = etree.SubElement(parent, f"{{{ns}}}{name}", attrs)
    if text is not None:
        node.text = text
    return node


def _ram(parent: Any, name: str, text: str | None = None, **attrs: str) -> Any:
    return _el(parent, RAM, name, text, **attrs)


def _date(parent: Any, name: str, day: dt.date, ns: str = UDT) -> None:
    _el(_ram(parent, name), ns, "DateTimeString", day.strftime("%Y%m%d"), format="102")


def _party(parent: Any, name: str, party: Party) -> None:
    node = _ram(parent, name)
    _ram(node, "Name", party.legal_name)
    if party.company_id:
        _ram(_ram(node, "SpecifiedLegalOrganization"), "ID", party.company_id)
    if party.email:
        contact = _ram(node, "DefinedTradeContact")
        _ram(_ram(contact, "EmailURIUniversalCommunication"), "URIID", party.email)
    address = _ram(node, "PostalTradeAddress")
    for element, value in (
        ("PostcodeCode", party.postal_code),
        ("LineOne", party.street),
        ("CityName", party.city),
        ("CountryID", party.country),
    ):
        if value:
            _ram(address, element, value)
    if party.endpoint_scheme and party.endpoint_id:
        uri = _ram(node, "URIUniversalCommunication")
        _ram(uri, "URIID", party.endpoint_id, schemeID=party.endpoint_scheme)
    if party.vat_id:
        _ram(_ram(node, "SpecifiedTaxRegistration"), "ID", party.vat_id, schemeID="VA")


def _tax(
    parent: Any,
    category: VatCategory,
    rate: Decimal,
    reason: str | None,
    sums: tuple[str, str] | None,
) -> None:
    """An ApplicableTradeTax: ``sums`` (tax, basis) for the header, None on a line."""
    node = _ram(parent, "ApplicableTradeTax")
    if sums:
        _ram(node, "CalculatedAmount", sums[0])
    _ram(node, "TypeCode", "VAT")
    if sums and category in NEEDS_EXEMPTION_REASON:
        _ram(node, "ExemptionReason", reason or "Exempt")
    if sums:
        _ram(node, "BasisAmount", sums[1])
    _ram(node, "CategoryCode", category.value)
    if category is not VatCategory.NOT_SUBJECT:
        _ram(node, "RateApplicablePercent", plain(rate))


def _lines(doc: IssuedDocument, trade: Any) -> Decimal:
    net = Decimal(0)
    for wire in wire_lines(doc):
        item = _ram(trade, "IncludedSupplyChainTradeLineItem")
        _ram(_ram(item, "AssociatedDocumentLineDocument"), "LineID", str(wire.number))
        _ram(_ram(item, "SpecifiedTradeProduct"), "Name", wire.name)
        agreement = _ram(item, "SpecifiedLineTradeAgreement")
        _ram(_ram(agreement, "NetPriceProductTradePrice"), "ChargeAmount", plain(wire.price))
        delivery = _ram(item, "SpecifiedLineTradeDelivery")
        _ram(delivery, "BilledQuantity", plain(wire.quantity), unitCode=wire.unit)
        settlement = _ram(item, "SpecifiedLineTradeSettlement")
        _tax(settlement, wire.tax.category, wire.tax.rate, None, None)
        if wire.source.period:
            _period(settlement, wire.source.period)
        summation = _ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
        _ram(summation, "LineTotalAmount", amount(wire.amount, doc.minor_units))
        net += wire.amount
    return net


def _period(parent: Any, days: tuple[dt.date, dt.date]) -> None:
    node = _ram(parent, "BillingSpecifiedPeriod")
    _date(node, "StartDateTime", days[0])
    _date(node, "EndDateTime", days[1])


def _settlement(doc: IssuedDocument, trade: Any, net: Decimal) -> None:
    sign, money = doc.sign, lambda v: amount(v, doc.minor_units)
    node = _ram(trade, "ApplicableHeaderTradeSettlement")
    _ram(node, "PaymentReference", doc.number)
    _ram(node, "InvoiceCurrencyCode", doc.currency)
    if doc.seller.iban:
        means = _ram(node, "SpecifiedTradeSettlementPaymentMeans")
        _ram(means, "TypeCode", "30")
        _ram(_ram(means, "PayeePartyCreditorFinancialAccount"), "IBANID", doc.seller.iban)
        if doc.seller.bic:
            institution = _ram(means, "PayeeSpecifiedCreditorFinancialInstitution")
            _ram(institution, "BICID", doc.seller.bic)
    for row in doc.breakdown:
        sums = (money(row.tax_amount * sign), money(row.taxable_amount * sign))
        _tax(node, row.category, row.rate, row.exemption_reason, sums)
    if doc.period:
        _period(node, doc.period)
    terms = _ram(node, "SpecifiedTradePaymentTerms")
    text = doc.terms.name if doc.terms else "Due on receipt"
    _ram(terms, "Description", text)
    _date(terms, "DueDateDateTime", doc.due_date)
    total = _ram(node, "SpecifiedTradeSettlementHeaderMonetarySummation")
    tax = doc.total_tax * sign
    _ram(total, "LineTotalAmount", money(net))
    _ram(total, "TaxBasisTotalAmount", money(net))
    _ram(total, "TaxTotalAmount", money(tax), currencyID=doc.currency)
    _ram(total, "GrandTotalAmount", money(net + tax))
    _ram(total, "DuePayableAmount", money(net + tax))
    if doc.corrects:
        reference = _ram(node, "InvoiceReferencedDocument")
        _ram(reference, "IssuerAssignedID", doc.corrects.number)
        _date(reference, "FormattedIssueDateTime", doc.corrects.issue_date, QDT)


def render(doc: IssuedDocument) -> bytes:
    """The CII document of ``doc``: UTF-8 bytes with an XML declaration."""
    nsmap = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=nsmap)
    context = _el(root, RSM, "ExchangedDocumentContext")
    _ram(_ram(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", GUIDELINE)
    header = _el(root, RSM, "ExchangedDocument")
    _ram(header, "ID", doc.number)
    _ram(header, "TypeCode", TYPE_CODES[doc.kind])
    _date(header, "IssueDateTime", doc.issue_date)
    if doc.footer_text.strip():
        _ram(_ram(header, "IncludedNote"), "Content", doc.footer_text.strip())
    trade = _el(root, RSM, "SupplyChainTradeTransaction")
    net = _lines(doc, trade)
    agreement = _ram(trade, "ApplicableHeaderTradeAgreement")
    _ram(agreement, "BuyerReference", doc.proforma_number)
    _party(agreement, "SellerTradeParty", doc.seller)
    _party(agreement, "BuyerTradeParty", doc.buyer)
    delivery = _ram(trade, "ApplicableHeaderTradeDelivery")
    if any(t.category is VatCategory.INTRA_COMMUNITY for line in doc.lines for t in line.taxes):
        ship_to = _ram(_ram(delivery, "ShipToTradeParty"), "PostalTradeAddress")
        _ram(ship_to, "CountryID", doc.buyer.country)
    _settlement(doc, trade, net)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
