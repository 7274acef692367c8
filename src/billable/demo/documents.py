"""The demo's customer documents: the company's seller details, payment terms, the
customers' billing emails, electronic addresses and languages, and an export tax code
for the US customers, so every posted proposal issues valid e-invoices (issue 10)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from billable.demo.catalogue import Catalogue, UowFactory
from billable.demo.erp import CUSTOMER_GROUPS
from billable.documents import payment_terms
from billable.erp.milestone_accounting import update_milestone
from billable.masterdata import contracts
from billable.masterdata import records as masterdata
from billable.persistence.tables import Customer, ItemSalesTaxGroup, LegalEntity

SELLER: dict[str, Any] = {
    "registered_name": "Contoso Consulting Inc.",
    "address": {
        "street": "200 Park Avenue",
        "city": "New York",
        "postal_code": "10166",
        "country": "US",
    },
    "vat_id": "US987654321",
    "company_id": "4471123",
    "iban": "GB29NWBK60161331926819",
    "bic": "NWBKGB2L",
    "email": "billing@contoso-consulting.example",
    "endpoint": {"scheme": "0088", "id": "0765432100017"},
}
PAYMENT_TERMS = {"NET30": ("30 days net", 30), "NET14": ("14 days net", 14)}
#: Services to customers outside the EU and the UK: exports, no VAT.
EXPORT = ("EXPORT", "Export of services", "G", "Export outside the EU")
#: Customer name: billing email, electronic address (scheme, id), language, terms.
CUSTOMERS = {
    "Contoso Ltd": ("ap@contoso.example", ("0060", "081466849"), "en", "NET30"),
    "Fabrikam GmbH": ("rechnung@fabrikam.example", ("9930", "DE811907980"), "de", "NET30"),
    "Northwind Traders plc": ("ap@northwind.example", ("9932", "GB123456789"), "en", "NET14"),
    "Adventure Works Cycles": ("ap@adventure-works.example", ("0060", "150483782"), "en", "NET30"),
    "Tailspin Toys SAS": ("factures@tailspin.example", ("9957", "FR40303265045"), "fr", "NET30"),
}
#: Contracts of customers billed without VAT (the export group).
EXPORT_CONTRACTS = ("contoso", "adventure")


def set_up_documents(new: UowFactory) -> None:
    """Seller details on the company, payment terms, and the export tax code in its
    groups (after the ledger setup, before any entry is approved)."""
    with new() as uow:
        entity_id = uow.session.scalars(select(LegalEntity.id).order_by(LegalEntity.id)).first()
        groups = {g.code: list(g.tax_codes) for g in uow.session.scalars(select(ItemSalesTaxGroup))}
        group_ids = {g.code: g.id for g in uow.session.scalars(select(ItemSalesTaxGroup))}
    masterdata.update(new(), "legal_entity", str(entity_id), SELLER)
    for code, (name, days) in PAYMENT_TERMS.items():
        fields = {"code": code, "name": name, "net_days": days}
        masterdata.create(new(), payment_terms.KIND, fields)
    code, name, category, reason = EXPORT
    masterdata.create(
        new(),
        "tax_code",
        {
            "code": code,
            "name": name,
            "rate": Decimal(0),
            "vat_category": category,
            "exemption_reason": reason,
        },
    )
    masterdata.create(new(), "sales_tax_group", {"code": "US", "tax_codes": [code]})
    for group, codes in groups.items():
        masterdata.update(
            new(), "item_sales_tax_group", str(group_ids[group]), {"tax_codes": [*codes, code]}
        )


def tag_customers(new: UowFactory, catalogue: Catalogue) -> None:
    """Billing emails, electronic addresses, languages and terms on the customers; the
    US customers' contracts in the export group."""
    with new() as uow:
        ids = {c.name: c.id for c in uow.session.scalars(select(Customer))}
    for name, (mail, (scheme, ident), language, terms) in CUSTOMERS.items():
        fields = {
            "billing_email": mail,
            "endpoint": {"scheme": scheme, "id": ident},
            "language": language,
            "payment_terms": terms,
        }
        masterdata.update(new(), "customer", str(ids[name]), fields)
    for key in EXPORT_CONTRACTS:
        contract = str(catalogue.projects[key].contract_id)
        contracts.update_contract(new(), contract, {"sales_tax_group": "US"})
    # The milestones were made before their contract had a sales tax group: without one
    # they would be billed untaxed, and no e-invoice line may be.
    for project in catalogue.projects.values():
        for milestone in project.milestones.values():
            group = CUSTOMER_GROUPS.get(project.key) or "US"
            update_milestone(new(), str(milestone), {"sales_tax_group": group})
