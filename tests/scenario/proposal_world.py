"""Seed 003's world for invoice proposals: a USD company, a GBP contract at a fixed rate
of 1.25, its accounts and posting profile, VAT 20 %, and a stand-in for posting the
integration journal.

:func:`post_journal` is the ONE place that writes posted transactions (and their WIP
vouchers) for these tests until the integration journal's own import and post are
used; swap its body for ``POST /integration-journals/import-from-staging`` + ``/post``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from billable.currencies import currency
from billable.domain.postings import wip_posting
from billable.domain.pricing import TransactionClass
from billable.persistence.tables import (
    Actual,
    IntegrationJournal,
    IntegrationJournalLine,
    PostedTransaction,
)
from billable.services.erp_defaults import project_entity, rate_in_force
from billable.services.erp_setup import posting_profile
from billable.services.general_ledger import post_voucher
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
    if fixed_rate is not None:
        accountant.request(
            "PUT",
            f"/contracts/{world.contract['id']}/fixed-rate-agreement",
            200,
            json={"currency": "GBP", "rate": fixed_rate},
        )
    return ProposalWorld(world, accountant)


def post_journal(
    uow_factory: Any,
    sales_tax_group: str | None = None,
    item_sales_tax_group: str | None = None,
) -> list[int]:
    """Stand-in for importing and posting the integration journal: every unbilled sales
    actual not yet posted gets a posted transaction (accrued, one part) and its WIP
    voucher at the rate in force. Returns the actual ids posted."""
    with uow_factory() as uow:
        session = uow.session
        already = select(PostedTransaction.actual_id).where(PostedTransaction.status == "posted")
        actuals = session.scalars(
            select(Actual)
            .where(
                Actual.transaction_type == "unbilled_sales",
                Actual.reverses_actual_id.is_(None),
                Actual.id.not_in(already),
            )
            .order_by(Actual.id)
        ).all()
        for actual in actuals:
            entity = project_entity(session, actual.project_id)
            accounting = entity.accounting_currency
            rate = rate_in_force(
                session, actual.contract_id, actual.currency, accounting, actual.date
            )
            journal = IntegrationJournal(legal_entity_id=entity.id, status="posted")
            session.add(journal)
            session.flush()
            line = IntegrationJournalLine(
                journal_id=journal.id,
                actual_id=actual.id,
                kind="sales",
                transaction_class=actual.transaction_class,
                project_id=actual.project_id,
                contract_id=actual.contract_id,
                resource_id=actual.resource_id,
                date=actual.date,
                quantity=actual.quantity,
                cost_amount=Decimal(0),
                sales_amount=actual.amount,
                currency=actual.currency,
                sales_tax_group=sales_tax_group,
                item_sales_tax_group=item_sales_tax_group,
                dimensions={},
                exchange_rate=rate,
            )
            session.add(line)
            session.flush()
            voucher = wip_posting(
                posting_profile(session, entity),
                TransactionClass(actual.transaction_class),
                actual.amount,
                currency(actual.currency),
                currency(accounting),
                rate,
            )
            row = post_voucher(
                session, voucher, actual.date, "integration_journal", str(journal.id), entity
            )
            session.add(
                PostedTransaction(
                    actual_id=actual.id,
                    journal_line_id=line.id,
                    legal_entity_id=entity.id,
                    kind="sales",
                    transaction_class=actual.transaction_class,
                    project_id=actual.project_id,
                    contract_id=actual.contract_id,
                    date=actual.date,
                    quantity=actual.quantity,
                    currency=actual.currency,
                    amount=actual.amount,
                    accrued=True,
                    exchange_rate=rate,
                    sales_tax_group=sales_tax_group,
                    item_sales_tax_group=item_sales_tax_group,
                    parts=[{"percent": "100", "dimensions": {}, "amount": str(actual.amount)}],
                    voucher_id=row.id,
                    status="posted",
                )
            )
        uow.commit()
        return [a.id for a in actuals]
