"""Seed 003 told from beginning to end over HTTP, from an empty database: Contoso (USD)
delivers for Coho Winery under a GBP contract with a fixed rate of 1.25 while the market
rate is 1.31; Julia Funderburk's 4 hours on 27 August go through the integration journal
(cost 480 USD, WIP 1,000 GBP / 1,250 USD), the confirmed proforma invoice becomes an
invoice proposal with the same number, and posting it bills the customer 1,000 GBP /
1,250 USD, leaving WIP and accrued revenue at zero. Every figure is the seed's."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

#: Seed 003's accounts, each with the posting type it takes in the posting profile.
ACCOUNTS = [
    ("600300", "Payroll allocation", "liability", "payroll_allocation"),
    ("540100", "Cost of Project - Labor", "expense", "project_cost"),
    ("161300", "WIP - Sales Value", "asset", "wip_sales_value"),
    ("420200", "Accrued revenue", "revenue", "accrued_revenue"),
    ("411100", "Revenue - Labor", "revenue", "invoiced_revenue"),
    ("130100", "Accounts Receivable", "asset", "customer_balance"),
]


def _setup_ledger(accountant: Api) -> str:
    """Contoso, its chart of accounts and posting profile; the legal entity's id."""
    contoso = accountant.post("/legal-entities", {"name": "Contoso", "accounting_currency": "USD"})
    entries = []
    for number, name, kind, posting_type in ACCOUNTS:
        accountant.post("/ledger-accounts", {"number": number, "name": name, "kind": kind})
        entries.append({"posting_type": posting_type, "account": number})
    body = {"legal_entity_id": contoso["id"], "entries": entries}
    accountant.request("PUT", "/posting-profiles", 200, json=body)
    return str(contoso["id"])


def _setup_coho(pm: Api, entity: str) -> dict[str, Any]:
    """Coho Winery's contract in GBP with a time-and-material line; Julia sells at 250
    GBP and costs 120 USD an hour. Ids of what the story needs later."""
    customer = pm.post(
        "/customers",
        {"name": "Coho Winery", "currency": "GBP", "bill_to": {"name": "Coho Winery Ltd"}},
    )
    role = pm.post("/roles", {"name": "Business analyst"})
    julia = pm.post("/resources", {"name": "Julia Funderburk", "default_role_id": role["id"]})
    sales = pm.post(
        "/price-lists",
        {
            "name": "Coho sales",
            "currency": "GBP",
            "context": "sales",
            "role_prices": [{"role_id": role["id"], "price": "250.00"}],
        },
    )
    cost = pm.post(
        "/price-lists",
        {
            "name": "Contoso cost",
            "currency": "USD",
            "context": "cost",
            "role_prices": [{"role_id": role["id"], "price": "120.00"}],
        },
    )
    project = pm.post(
        "/projects",
        {
            "name": "Coho requirements",
            "customer_id": customer["id"],
            "cost_price_list_id": cost["id"],
            "legal_entity_id": entity,
        },
    )
    contract = pm.post(
        "/contracts",
        {
            "name": "Coho Winery SOW",
            "customer_id": customer["id"],
            "currency": "GBP",
            "price_list_id": sales["id"],
            "legal_entity_id": entity,
        },
    )
    pm.post(
        f"/contracts/{contract['id']}/lines",
        {
            "name": "Requirement gathering",
            "kind": "project",
            "billing_method": "time_and_material",
            "project_id": project["id"],
            "transaction_classes": ["time"],
        },
    )
    return {"julia": julia["id"], "project": project["id"], "contract": contract["id"]}


def _voucher_table(voucher: dict[str, Any]) -> list[tuple[str, ...]]:
    """A voucher as the seed's tables show it."""
    return [
        (
            ln["account"],
            ln["currency"],
            ln["amount_transaction"],
            ln["amount_accounting"],
            ln["exchange_rate"],
            ln["posting_type"],
        )
        for ln in voucher["lines"]
    ]


def test_seed_003_four_hours_at_the_agreed_rate_go_from_time_entry_to_a_posted_invoice(
    make_api,
):
    admin, pm, accountant = make_api("admin"), make_api("project_manager"), make_api("accountant")
    entity = _setup_ledger(accountant)
    assert admin.get("/legal-entities")["items"][0]["id"] == entity  # Contoso is the default
    coho = _setup_coho(pm, entity)
    # The market rate fluctuates (1.31 in force), but the companies agreed on 1.25.
    accountant.post(
        "/exchange-rates",
        {"from_currency": "GBP", "to_currency": "USD", "rate": "1.31", "valid_from": "2026-08-01"},
    )
    agreement = {"currency": "GBP", "rate": "1.25", "reference": "COHO-FRA"}
    accountant.request("PUT", f"/contracts/{coho['contract']}/fixed-rate-agreement", 200, agreement)

    # 27 August: Julia enters four hours, and they are approved.
    entry = pm.post(
        "/time-entries",
        {
            "resource_id": coho["julia"],
            "project_id": coho["project"],
            "date": "2026-08-27",
            "quantity": "4",
            "external_comment": "Requirement gathering",
            "status": "submitted",
        },
    )
    pm.action(f"/time-entries/{entry['id']}/approve")

    # Import from staging: the seed's two journal lines.
    journal = accountant.post(
        "/integration-journals/import-from-staging", {"legal_entity_id": entity}
    )
    assert [
        (
            ln["kind"],
            ln["resource_id"],
            ln["quantity"],
            ln["cost_amount"],
            ln["sales_amount"],
            ln["sales_currency"],
            ln["price_exchange_rate"],
        )
        for ln in journal["lines"]
    ] == [
        ("cost", coho["julia"], "4", "480.00", "0.00", "USD", "100"),
        ("sales", coho["julia"], "4", "0.00", "1000.00", "GBP", "125"),
    ]

    # Posting the journal: project cost, and WIP accrued at the fixed rate, not at 1.31.
    accountant.action(f"/integration-journals/{journal['id']}/post")
    vouchers = accountant.get("/vouchers", source_type="integration_journal")["items"]
    assert [line for v in vouchers for line in _voucher_table(v)] == [
        ("600300", "USD", "-480.00", "-480.00", "1", "payroll_allocation"),
        ("540100", "USD", "480.00", "480.00", "1", "project_cost"),
        ("161300", "GBP", "1000.00", "1250.00", "1.25", "wip_sales_value"),
        ("420200", "GBP", "-1000.00", "-1250.00", "1.25", "accrued_revenue"),
    ]

    # The project manager invoices the four hours and confirms the proforma invoice.
    backlog = pm.get("/billing-backlog", contract_id=coho["contract"])
    ready = {"actual_ids": [a["id"] for a in backlog["actuals"]]}
    pm.action("/billing-backlog/ready-to-invoice", ready, expect=204)
    invoice = pm.post(f"/contracts/{coho['contract']}/invoices", {"invoice_date": "2026-08-31"})
    confirmed = pm.action(f"/invoices/{invoice['id']}/confirm")

    # The confirmation opened an invoice proposal with the invoice's number.
    [proposal] = accountant.get("/invoice-proposals", invoice_id=invoice["id"])["items"]
    assert (proposal["number"], proposal["status"]) == (confirmed["number"], "waiting")
    imported = accountant.action(f"/invoice-proposals/{proposal['id']}/import-from-staging")
    assert imported["status"] == "ready"
    assert [(ln["quantity"], ln["price"], ln["amount"]) for ln in imported["lines"]] == [
        ("4", "250.00", "1000.00")
    ]
    assert (imported["currency"], imported["accounting_currency"]) == ("GBP", "USD")
    assert imported["exchange_rate"] == "1.25"
    assert imported["totals"] == {"amount": "1000.00", "tax": "0.00", "total": "1000.00"}
    assert imported["accounting_totals"] == {
        "amount": "1250.00",
        "tax": "0.00",
        "total": "1250.00",
    }

    # Posting the proposal: the customer invoice, each line in both currencies at 1.25.
    posted = accountant.action(f"/invoice-proposals/{proposal['id']}/post", {"posting": True})
    assert posted["status"] == "posted"
    [invoice_voucher] = accountant.get(
        "/vouchers", source_type="invoice_proposal", source_id=proposal["id"]
    )["items"]
    assert invoice_voucher["id"] == posted["voucher_id"]
    assert _voucher_table(invoice_voucher) == [
        ("161300", "GBP", "-1000.00", "-1250.00", "1.25", "wip_sales_value"),
        ("420200", "GBP", "1000.00", "1250.00", "1.25", "accrued_revenue"),
        ("411100", "GBP", "-1000.00", "-1250.00", "1.25", "invoiced_revenue"),
        ("130100", "GBP", "1000.00", "1250.00", "1.25", "customer_balance"),
    ]

    # The trial balance: WIP and accrued revenue back to zero, the customer owes 1,250 USD.
    report = accountant.get("/ledger/trial-balance", date="2026-12-31", legal_entity_id=entity)
    assert report["total_balance"] == "0.00"
    assert {row["account"]: row["balance"] for row in report["accounts"]} == {
        "600300": "-480.00",
        "540100": "480.00",
        "161300": "0.00",
        "420200": "0.00",
        "411100": "-1250.00",
        "130100": "1250.00",
    }
