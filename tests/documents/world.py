"""A world whose posted proposals issue documents a customer can receive: seed 003's
GBP contract and VAT 20 %, with a complete seller (the legal entity) and buyer (the
customer), 30 days net on the customer, and tax codes of several VAT categories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.builders import make_world
from tests.conftest import Api
from tests.scenario.proposal_world import ACCOUNTS, ProposalWorld, build, post_journal

SELLER = {
    "registered_name": "Contoso Consulting Ltd",
    "address": {"street": "1 Main St", "city": "Leeds", "postal_code": "LS1 1AA", "country": "GB"},
    "vat_id": "GB123456789",
    "company_id": "01234567",
    "iban": "GB29NWBK60161331926819",
    "bic": "NWBKGB2L",
    "email": "billing@contoso.example",
    "endpoint": {"scheme": "0088", "id": "5790000435968"},
}
BUYER = {
    "vat_id": "GB987654321",
    "billing_email": "ap@coho.example",
    "endpoint": {"scheme": "9932", "id": "GB987654321"},
    "payment_terms": "NET30",
}
TAX_CODES = [
    {"code": "RED5", "name": "VAT 5 %", "rate": "5"},
    {"code": "EXE", "name": "Exempt", "rate": "0", "vat_category": "E"}
    | {"exemption_reason": "Exempt education services"},
    {"code": "RC", "name": "Reverse charge", "rate": "0", "vat_category": "AE"}
    | {"exemption_reason": "Reverse charge"},
]


@dataclass
class DocumentWorld:
    pw: ProposalWorld
    entity: dict[str, Any]

    @property
    def accountant(self) -> Api:
        return self.pw.accountant

    @property
    def api(self) -> Api:
        return self.pw.api

    def issue(
        self, hours: str = "4", date: str = "2026-08-27", item_group: str = "SERV"
    ) -> dict[str, Any]:
        """Approve, invoice, confirm, journal, import and post: the customer invoice."""
        invoice = self.pw.confirmed_invoice(hours, date)
        return self.post(invoice, item_group)

    def post(self, invoice: dict[str, Any], item_group: str = "SERV") -> dict[str, Any]:
        """Journal (taxed by ``item_group``), import and post ``invoice``'s proposal."""
        post_journal(self.pw, sales_tax_group="UK", item_sales_tax_group=item_group)
        proposal = self.pw.proposal_of(invoice)
        self.accountant.action(f"/invoice-proposals/{proposal['id']}/import-from-staging")
        posted = self.accountant.action(
            f"/invoice-proposals/{proposal['id']}/post", {"posting": True}
        )
        return self.accountant.get(f"/customer-invoices/{posted['customer_invoice_id']}")

    def document(self, customer_invoice: dict[str, Any], fmt: str, expect: int = 200) -> Any:
        response = self.accountant.client.get(
            f"/api/v1/customer-invoices/{customer_invoice['id']}/{fmt}",
            headers=self.accountant.headers,
        )
        assert response.status_code == expect, response.text
        return response.content if expect == 200 else response.json()


def _world_in(make_api: Any, code: str) -> ProposalWorld:
    """Seed 003's world with the contract in ``code`` (no fixed rate): its accounts,
    posting profile, VAT 20 % in UK / SERV, and a rate from ``code`` to USD."""
    accountant = make_api("accountant")
    world = make_world(make_api("project_manager"), currency=code)
    world.line(["time"])
    entries = []
    for number, name, kind, posting_type in ACCOUNTS:
        accountant.post("/ledger-accounts", {"number": number, "name": name, "kind": kind})
        entries.append({"posting_type": posting_type, "account": number})
    accountant.request("PUT", "/posting-profiles", 200, json={"entries": entries})
    accountant.post("/tax-codes", {"code": "VAT20", "name": "VAT 20 %", "rate": "20"})
    accountant.post("/sales-tax-groups", {"code": "UK", "tax_codes": ["VAT20"]})
    accountant.post("/item-sales-tax-groups", {"code": "SERV", "tax_codes": ["VAT20"]})
    rate = {"from_currency": code, "to_currency": "USD", "rate": "1.1", "valid_from": "2026-01-01"}
    accountant.post("/exchange-rates", rate)
    return ProposalWorld(world, accountant)


def build_documents(make_api: Any, currency: str = "GBP", **fields: Any) -> DocumentWorld:
    """Seed 003's world (GBP at a fixed 1.25; another ``currency`` at a floating rate)
    with complete seller and buyer details."""
    pw = build(make_api, **fields) if currency == "GBP" else _world_in(make_api, currency)
    accountant = pw.accountant
    [entity] = accountant.get("/legal-entities")["items"]
    entity = accountant.patch(f"/legal-entities/{entity['id']}", SELLER)
    accountant.post("/payment-terms", {"code": "NET30", "name": "30 days net", "net_days": 30})
    for body in TAX_CODES:
        accountant.post("/tax-codes", body)
    accountant.post("/item-sales-tax-groups", {"code": "MIX", "tax_codes": ["VAT20", "RED5"]})
    accountant.post("/item-sales-tax-groups", {"code": "EDU", "tax_codes": ["EXE"]})
    accountant.post("/item-sales-tax-groups", {"code": "RCG", "tax_codes": ["RC"]})
    accountant.post("/item-sales-tax-groups", {"code": "LOW", "tax_codes": ["RED5"]})
    # Who is billed (UK) takes every code; what is billed picks one (or two: MIX).
    [uk] = [g for g in accountant.get("/sales-tax-groups")["items"] if g["code"] == "UK"]
    everything = ["VAT20", *[body["code"] for body in TAX_CODES]]
    accountant.patch(f"/sales-tax-groups/{uk['id']}", {"tax_codes": everything})
    pw.api.patch(f"/customers/{pw.world.customer['id']}", BUYER)
    return DocumentWorld(pw, entity)


def journal_by_class(dw: DocumentWorld, groups: dict[str, str]) -> None:
    """Import from staging and post the journal, taxing each sales line by the item
    sales tax group of its transaction class (``{"time": "SERV", "expense": "EDU"}``)."""
    accountant = dw.accountant
    response = accountant.client.post(
        "/api/v1/integration-journals/import-from-staging", headers=accountant.headers
    )
    assert response.status_code == 201, response.text
    journal = response.json()
    for line in journal["lines"]:
        if line["kind"] == "sales":
            group = groups[line["transaction_class"]]
            body = {"sales_tax_group": "UK", "item_sales_tax_group": group}
            accountant.patch(f"/integration-journal-lines/{line['id']}", body)
    accountant.action(f"/integration-journals/{journal['id']}/post")


def post_proposal(dw: DocumentWorld, invoice: dict[str, Any]) -> dict[str, Any]:
    """Import and post ``invoice``'s proposal (its journal already posted): the issued
    customer invoice."""
    proposal = dw.pw.proposal_of(invoice)
    if proposal["status"] == "waiting":
        dw.accountant.action(f"/invoice-proposals/{proposal['id']}/import-from-staging")
    posted = dw.accountant.action(f"/invoice-proposals/{proposal['id']}/post", {"posting": True})
    return dw.accountant.get(f"/customer-invoices/{posted['customer_invoice_id']}")
