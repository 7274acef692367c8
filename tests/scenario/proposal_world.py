"""Seed 003's world for invoice proposals: a USD company, a GBP contract at a fixed rate
of 1.25, its accounts and posting profile, VAT 20 %, and posting the integration
journal (:func:`post_journal`, the one place these tests post time through it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.builders import World, make_world
from tests.conftest import Api

ACCOUNTS = [
    ("600300", "Payroll allocation", "liability", "payroll_allocation"),
    ("600310", "Cost offset", "liability", "cost_offset"),
    ("540100", "Cost of Project - Labor", "expense", "project_cost"),
    ("161300", "WIP - Sales Value", "asset", "wip_sales_value"),
    ("420200", "Accrued revenue", "revenue", "accrued_revenue"),
    ("411100", "Revenue - Labor", "revenue", "invoiced_revenue"),
    ("130100", "Accounts Receivable", "asset", "customer_balance"),
    ("222200", "Sales tax payable", "liability", "sales_tax"),
]


@dataclass
class ProposalWorld:
    """A project manager's world (GBP contract) and an accountant."""

    world: World
    accountant: Api

    @property
    def api(self) -> Api:
        return self.world.api

    def confirmed_invoice(self, hours: str = "4", date: str = "2026-08-27") -> dict[str, Any]:
        """Approve ``hours`` of time, invoice everything ready and confirm it."""
        self.world.approved_time(hours, date)
        self.world.mark_all_ready()
        invoice = self.world.invoice()
        return self.api.action(f"/invoices/{invoice['id']}/confirm")

    def proposal_of(self, invoice: dict[str, Any]) -> dict[str, Any]:
        [proposal] = self.accountant.get("/invoice-proposals", invoice_id=invoice["id"])["items"]
        return proposal

    def voucher_lines(self, proposal: dict[str, Any]) -> list[tuple[str, str, str, str]]:
        """(account, currency, transaction amount, accounting amount) of its voucher."""
        [voucher] = self.accountant.get(
            "/vouchers", source_type="invoice_proposal", source_id=proposal["id"]
        )["items"]
        return [
            (ln["account"], ln["currency"], ln["amount_transaction"], ln["amount_accounting"])
            for ln in voucher["lines"]
        ]


def build(make_api: Any, *, fixed_rate: str | None = "1.25") -> ProposalWorld:
    """Seed 003: USD company, GBP contract (250 GBP an hour), fixed rate 1.25, the
    accounts of the seed plus sales tax payable, VAT 20 % in groups UK / SERV."""
    accountant = make_api("accountant")
    world = make_world(make_api("project_manager"), currency="GBP")
    world.line(["time"])
    entries = []
    for number, name, kind, posting_type in ACCOUNTS:
        accountant.post("/ledger-accounts", {"number": number, "name": name, "kind": kind})
        entries.append({"posting_type": posting_type, "account": number})
    accountant.request("PUT", "/posting-profiles", 200, json={"entries": entries})
    accountant.post("/tax-codes", {"code": "VAT20", "name": "VAT 20 %", "rate": "20"})
    accountant.post("/sales-tax-groups", {"code": "UK", "tax_codes": ["VAT20"]})
    accountant.post("/item-sales-tax-groups", {"code": "SERV", "tax_codes": ["VAT20"]})
    # The world's cost price list is in GBP too: its cost lines convert at the floating
    # rate (the contract's agreement is for its sales).
    accountant.post(
        "/exchange-rates",
        {"from_currency": "GBP", "to_currency": "USD", "rate": "1.2", "valid_from": "2026-01-01"},
    )
    if fixed_rate is not None:
        accountant.request(
            "PUT",
            f"/contracts/{world.contract['id']}/fixed-rate-agreement",
            200,
            json={"currency": "GBP", "rate": fixed_rate},
        )
    return ProposalWorld(world, accountant)


def post_journal(
    pw: ProposalWorld,
    sales_tax_group: str | None = None,
    item_sales_tax_group: str | None = None,
) -> list[str]:
    """Import from staging into the integration journal and post it, setting the
    sales lines' billing tax groups when given (the accountant's review). Returns the
    actual ids of the sales lines posted (none when nothing was waiting)."""
    accountant = pw.accountant
    response = accountant.client.post(
        "/api/v1/integration-journals/import-from-staging", headers=accountant.headers
    )
    if response.status_code == 409:  # nothing to import
        return []
    assert response.status_code == 201, response.text
    journal = response.json()
    sales = [line for line in journal["lines"] if line["kind"] == "sales"]
    if sales_tax_group or item_sales_tax_group:
        for line in sales:
            accountant.patch(
                f"/integration-journal-lines/{line['id']}",
                {"sales_tax_group": sales_tax_group, "item_sales_tax_group": item_sales_tax_group},
            )
    accountant.action(f"/integration-journals/{journal['id']}/post")
    return [line["actual_id"] for line in sales]
