"""The printed words of a customer document in English, German and French; any other
language prints in English. Numbers, dates and money are formatted by babel."""

from __future__ import annotations

from collections.abc import Mapping

LABELS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "invoice": "Invoice",
        "credit_note": "Credit note",
        "pro_forma": "PRO FORMA",
        "pro_forma_title": "Pro forma invoice",
        "number": "Number",
        "issue_date": "Issue date",
        "due_date": "Due date",
        "payment_terms": "Payment terms",
        "due_on_receipt": "Due on receipt",
        "days_net": "{days} days net",
        "period": "Invoice period",
        "proforma_number": "Proforma",
        "corrects": "Credits invoice {number} of {date}",
        "corrects_invoice": "Corrects invoice {number} of {date}",
        "vat_id": "VAT id",
        "company_id": "Company id",
        "bill_to": "Bill to",
        "description": "Description",
        "quantity": "Quantity",
        "unit": "Unit",
        "price": "Price",
        "amount": "Amount",
        "vat": "VAT",
        "vat_category": "VAT category",
        "taxable": "Taxable amount",
        "total_net": "Total net",
        "total_tax": "Total VAT",
        "total": "Total",
        "bank": "Bank details",
        "transactions": "Transactions",
    },
    "de": {
        "invoice": "Rechnung",
        "credit_note": "Gutschrift",
        "pro_forma": "PROFORMA",
        "pro_forma_title": "Proformarechnung",
        "number": "Nummer",
        "issue_date": "Rechnungsdatum",
        "due_date": "Fällig am",
        "payment_terms": "Zahlungsbedingungen",
        "due_on_receipt": "Zahlbar sofort nach Erhalt",
        "days_net": "{days} Tage netto",
        "period": "Leistungszeitraum",
        "proforma_number": "Proforma",
        "corrects": "Gutschrift zu Rechnung {number} vom {date}",
        "corrects_invoice": "Korrektur der Rechnung {number} vom {date}",
        "vat_id": "USt-IdNr.",
        "company_id": "Handelsregister",
        "bill_to": "Rechnungsempfänger",
        "description": "Beschreibung",
        "quantity": "Menge",
        "unit": "Einheit",
        "price": "Preis",
        "amount": "Betrag",
        "vat": "USt.",
        "vat_category": "USt.-Kategorie",
        "taxable": "Bemessungsgrundlage",
        "total_net": "Summe netto",
        "total_tax": "Summe USt.",
        "total": "Gesamtbetrag",
        "bank": "Bankverbindung",
        "transactions": "Leistungen",
    },
    "fr": {
        "invoice": "Facture",
        "credit_note": "Avoir",
        "pro_forma": "PRO FORMA",
        "pro_forma_title": "Facture pro forma",
        "number": "Numéro",
        "issue_date": "Date de facture",
        "due_date": "Date d'échéance",
        "payment_terms": "Conditions de paiement",
        "due_on_receipt": "Payable à réception",
        "days_net": "{days} jours net",
        "period": "Période de facturation",
        "proforma_number": "Pro forma",
        "corrects": "Avoir sur la facture {number} du {date}",
        "corrects_invoice": "Rectifie la facture {number} du {date}",
        "vat_id": "N° TVA",
        "company_id": "SIREN",
        "bill_to": "Facturé à",
        "description": "Désignation",
        "quantity": "Quantité",
        "unit": "Unité",
        "price": "Prix",
        "amount": "Montant",
        "vat": "TVA",
        "vat_category": "Catégorie TVA",
        "taxable": "Base HT",
        "total_net": "Total HT",
        "total_tax": "Total TVA",
        "total": "Total TTC",
        "bank": "Coordonnées bancaires",
        "transactions": "Prestations",
    },
}


def labels(language: str) -> Mapping[str, str]:
    """The labels of ``language`` (en, de, fr), else English."""
    return LABELS.get(language, LABELS["en"])


def locale_of(language: str, country: str) -> str:
    """The babel locale for a document: the customer's language, with the buyer's
    country when babel knows that pairing ("de_DE", "fr_FR"), else the language."""
    from babel import Locale, UnknownLocaleError

    for candidate in (f"{language}_{country}", language, "en"):
        try:
            Locale.parse(candidate)
            return candidate
        except (UnknownLocaleError, ValueError):
            continue
    return "en"
