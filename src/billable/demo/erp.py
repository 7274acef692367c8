"""The ERP side of the demo: a USD company with seed 003's chart of accounts and posting
profile, monthly EUR and GBP rates, a fixed-rate agreement on the GBP contract, sales tax
(a standard and a reduced rate), two financial dimensions; then, once the activity is
loaded, the periodic processes: import from staging, post the integration journal, import
the invoice proposals and post most of them.

Set up before the entries are approved, so their unbilled actuals carry tax.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from billable.demo.catalogue import PRODUCT, Catalogue, UowFactory
from billable.domain.errors import Conflict
from billable.domain.vocabulary import TransactionClass
from billable.erp import journal as integration_journal
from billable.erp import journal_posting, proposal_import, proposal_posting
from billable.erp import setup as erp_setup
from billable.masterdata import contracts
from billable.masterdata import records as masterdata

EXPENSE_ACCOUNT = "expense"  # not vocabulary: a kind of ledger account, as asset or revenue

#: number: (name, kind, posting type or None).
ACCOUNTS = {
    "130100": ("Accounts receivable", "asset", "customer_balance"),
    "161300": ("WIP - Sales value", "asset", "wip_sales_value"),
    "222200": ("Sales tax payable", "liability", "sales_tax"),
    "420200": ("Accrued revenue", "revenue", "accrued_revenue"),
    "411100": ("Revenue - Labor", "revenue", "invoiced_revenue"),
    "540100": ("Cost of project - Labor", EXPENSE_ACCOUNT, "project_cost"),
    "600300": ("Payroll allocation", "liability", "payroll_allocation"),
    "600310": ("Cost offset - Expenses and items", "liability", "cost_offset"),
    # Per transaction class: revenue of expenses, items and fees, and non-labour cost.
    "411200": ("Revenue - Expenses", "revenue", None),
    "411300": ("Revenue - Items", "revenue", None),
    "411400": ("Revenue - Fees and milestones", "revenue", None),
    "540200": ("Cost of project - Expenses and items", EXPENSE_ACCOUNT, None),
}
CLASS_ACCOUNTS = [
    ("invoiced_revenue", TransactionClass.EXPENSE, "411200"),
    ("invoiced_revenue", TransactionClass.MATERIAL, "411300"),
    ("invoiced_revenue", TransactionClass.PRODUCT, "411300"),
    ("invoiced_revenue", TransactionClass.FEE, "411400"),
    ("invoiced_revenue", TransactionClass.MILESTONE, "411400"),
    ("project_cost", TransactionClass.EXPENSE, "540200"),
    ("project_cost", TransactionClass.MATERIAL, "540200"),
]

#: (from currency, rate to USD) on the first of each month, January to June 2026.
MONTHLY_RATES = {
    "EUR": ("1.0850", "1.0790", "1.0920", "1.1010", "1.0880", "1.0950"),
    "GBP": ("1.2710", "1.2650", "1.2580", "1.2820", "1.3010", "1.2960"),
}
#: Northwind's contract bills GBP at a rate agreed for its life (seed 003's example).
FIXED_RATE = ("northwind", "GBP", Decimal("1.25"), "FRA-2026-001")

TAX_CODES = {"VAT20": ("Standard rate 20 %", "20"), "VAT5": ("Reduced rate 5 %", "5")}
#: Who is billed: EU and UK customers pay VAT; US customers none (no group).
SALES_TAX_GROUPS = {"EU": ["VAT20", "VAT5"], "UK": ["VAT20"]}
#: What is billed: services at the standard rate, training and licences reduced.
ITEM_TAX_GROUPS = {"SERVICES": ["VAT20"], "REDUCED": ["VAT5"]}
CUSTOMER_GROUPS = {"fabrikam": "EU", "tailspin": "EU", "northwind": "UK"}
DIMENSIONS = {
    "BusinessUnit": ["001", "002", "003"],
    "Department": ["022", "023", "024"],
}
PROJECT_DIMENSIONS = {
    "contoso": {"BusinessUnit": "001", "Department": "022"},
    "fabrikam": {"BusinessUnit": "002", "Department": "023"},
    "northwind": {"BusinessUnit": "003", "Department": "022"},
    "adventure": {"BusinessUnit": "001", "Department": "024"},
    "tailspin": {"BusinessUnit": "002", "Department": "024"},
}


def set_up_ledger(new: UowFactory) -> None:
    """Company, accounts, posting profile, rates, tax setup, dimensions and parameters."""
    masterdata.create(
        new(), "legal_entity", {"name": "Contoso Consulting Inc.", "accounting_currency": "USD"}
    )
    entries = []
    for number, (name, kind, posting_type) in ACCOUNTS.items():
        masterdata.create(new(), "ledger_account", {"number": number, "name": name, "kind": kind})
        if posting_type is not None:
            entries.append(
                {"posting_type": posting_type, "transaction_class": None, "account": number}
            )
    for posting_type, transaction_class, number in CLASS_ACCOUNTS:
        entries.append(
            {
                "posting_type": posting_type,
                "transaction_class": transaction_class,
                "account": number,
            }
        )
    erp_setup.replace_posting_profile(new(), None, entries)
    for code, rates in MONTHLY_RATES.items():
        for month, rate in enumerate(rates, start=1):
            masterdata.create(
                new(),
                "exchange_rate",
                {
                    "from_currency": code,
                    "to_currency": "USD",
                    "rate": Decimal(rate),
                    "valid_from": dt.date(2026, month, 1),
                },
            )
    for code, (name, rate) in TAX_CODES.items():
        masterdata.create(new(), "tax_code", {"code": code, "name": name, "rate": Decimal(rate)})
    for code, codes in SALES_TAX_GROUPS.items():
        masterdata.create(new(), "sales_tax_group", {"code": code, "tax_codes": codes})
    for code, codes in ITEM_TAX_GROUPS.items():
        masterdata.create(new(), "item_sales_tax_group", {"code": code, "tax_codes": codes})
    for name, values in DIMENSIONS.items():
        masterdata.create(new(), "financial_dimension", {"name": name, "values": values})
    erp_setup.set_parameters(
        new(),
        {
            "sales_tax_group_method": "search",
            "material_item_tax_group_method": "item",
            "milestone_item_sales_tax_group": "SERVICES",
        },
    )


def tag_catalogue(new: UowFactory, catalogue: Catalogue) -> None:
    """Tax groups on customers, categories and products; dimensions on projects; the
    fixed-rate agreement on Northwind's contract."""
    for key, project in catalogue.projects.items():
        masterdata.update(
            new(), "project", str(project.project_id), {"dimensions": PROJECT_DIMENSIONS[key]}
        )
        group = CUSTOMER_GROUPS.get(key)
        if group is not None:
            contracts.update_contract(new(), str(project.contract_id), {"sales_tax_group": group})
    for category_id in catalogue.categories.values():
        masterdata.update(
            new(), "transaction_category", str(category_id), {"item_sales_tax_group": "SERVICES"}
        )
    for name, product_id in catalogue.products.items():
        group = "REDUCED" if name in ("Training day", "Cloud licence") else "SERVICES"
        masterdata.update(new(), PRODUCT, str(product_id), {"item_sales_tax_group": group})
    key, code, rate, reference = FIXED_RATE
    erp_setup.set_fixed_rate_agreement(
        new(),
        str(catalogue.projects[key].contract_id),
        {"currency": code, "rate": rate, "reference": reference},
    )


#: Proposals the demo leaves ready, not posted: the latest ones, to post by hand.
LEFT_READY = 2


def run_periodic_processes(new: UowFactory) -> None:
    """Import from staging and post the journal; import the proposals; post all but the
    latest :data:`LEFT_READY` ready ones (the periodic job would post those too)."""
    try:
        journal = integration_journal.import_from_staging(new())
    except Conflict:
        return  # nothing approved: nothing to journal
    journal_posting.post_journal(new(), str(journal))
    proposal_import.import_all(new())
    ready = proposal_posting.ready_proposals(new())
    for ident, _ in ready[: max(len(ready) - LEFT_READY, 0)]:
        proposal_posting.post_proposal(new(), ident, posting=True, print_=False)
