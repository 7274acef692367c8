"""Response bodies of the ERP side: setup rows, vouchers and the trial balance, from
the read side's values."""

from __future__ import annotations

from typing import Any

from billable.api import present_documents as documents
from billable.api.present import money, num
from billable.erp.ledger import TrialBalance
from billable.views.records import Record


def legal_entity(row: Record) -> dict[str, Any]:
    """A legal entity."""
    return {
        "id": str(row.id),
        "name": row.name,
        "accounting_currency": row.accounting_currency,
        **documents.seller_fields(row),
    }


def ledger_account(row: Record) -> dict[str, Any]:
    """A ledger account."""
    return {"id": str(row.id), "number": row.number, "name": row.name, "kind": row.kind}


def exchange_rate(row: Record) -> dict[str, Any]:
    """An exchange rate, per one unit of ``from_currency``."""
    return {
        "id": str(row.id),
        "from_currency": row.from_currency,
        "to_currency": row.to_currency,
        "rate": num(row.rate),
        "valid_from": row.valid_from,
    }


def fixed_rate_agreement(row: Record) -> dict[str, Any]:
    """A contract's fixed-rate agreement."""
    return {
        "contract_id": str(row.contract_id),
        "currency": row.currency,
        "rate": num(row.rate),
        "reference": row.reference,
    }


def tax_code(row: Record) -> dict[str, Any]:
    """A tax code; ``rate`` in percent."""
    return {
        "id": str(row.id),
        "code": row.code,
        "name": row.name,
        "rate": num(row.rate),
        **documents.tax_category(row),
    }


def tax_group(row: Record) -> dict[str, Any]:
    """A sales tax group or an item sales tax group."""
    return {"id": str(row.id), "code": row.code, "tax_codes": list(row.tax_codes)}


def financial_dimension(row: Record) -> dict[str, Any]:
    """A financial dimension and its values."""
    return {"id": str(row.id), "name": row.name, "values": list(row.values)}


def voucher(row: Record) -> dict[str, Any]:
    """A voucher with its lines, each amount with its currency's minor unit."""
    accounting_currency = row.accounting_currency
    return {
        "id": str(row.id),
        "number": str(row.number),
        "date": row.date,
        "source_type": row.source_type,
        "source_id": row.source_id,
        "legal_entity_id": str(row.legal_entity_id),
        "posted_at": row.posted_at,
        "posted_by": row.posted_by,
        "lines": [
            {
                "account": line.account,
                "posting_type": line.posting_type,
                "currency": line.currency,
                "amount_transaction": money(line.amount_transaction, line.currency),
                "amount_accounting": money(line.amount_accounting, accounting_currency),
                "exchange_rate": num(line.exchange_rate),
                "dimensions": dict(line.dimensions),
                "posted_transaction_id": (
                    None if line.posted_transaction_id is None else str(line.posted_transaction_id)
                ),
            }
            for line in row.lines
        ],
    }


def trial_balance(report: TrialBalance) -> dict[str, Any]:
    """The trial balance in the legal entity's accounting currency."""
    code = report.currency
    return {
        "legal_entity_id": str(report.legal_entity_id),
        "date": report.date,
        "currency": code,
        "accounts": [
            {
                "account": a.account,
                "name": a.name,
                "debit": money(a.debit, code),
                "credit": money(a.credit, code),
                "balance": money(a.balance, code),
            }
            for a in report.accounts
        ],
        "total_debit": money(report.total_debit, code),
        "total_credit": money(report.total_credit, code),
        "total_balance": money(report.total_balance, code),
    }
