"""Response bodies of the integration journal and posted transactions."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from billable.api.present import money, num, sid
from billable.domain.dimensions import DistributedPart
from billable.views.journal import JournalView
from billable.views.records import Record

#: Finance screens show rates per 100 units (seed 003: "price exchange rate 125").
PER_HUNDRED = Decimal(100)


def parts(rows: Sequence[DistributedPart], code: str) -> list[dict[str, Any]]:
    """Distributed parts with their amounts."""
    return [
        {
            "percent": num(p.percent),
            "dimensions": dict(p.dimensions),
            "amount": money(p.amount, code),
        }
        for p in rows
    ]


def journal_line(line: Record) -> dict[str, Any]:
    """A journal line; a draft line's rate is the one in force now (``null`` if none)."""
    found = line.rate
    return {
        "id": str(line.id),
        "journal_id": str(line.journal_id),
        "actual_id": str(line.actual_id),
        "kind": line.kind,
        "transaction_class": line.transaction_class,
        "project_id": sid(line.project_id),
        "contract_id": sid(line.contract_id),
        "resource_id": sid(line.resource_id),
        "date": line.date,
        "quantity": num(line.quantity),
        "cost_amount": money(line.cost_amount, line.currency),
        "sales_amount": money(line.sales_amount, line.currency),
        "sales_currency": line.currency,
        "price_exchange_rate": num(found.rate * PER_HUNDRED) if found.rate is not None else None,
        "exchange_rate_problem": found.reason,
        "sales_tax_group": line.sales_tax_group,
        "item_sales_tax_group": line.item_sales_tax_group,
        "dimensions": dict(line.dimensions or {}),
        "distribution": parts(line.parts, line.currency) if line.parts is not None else None,
    }


def journal(view: JournalView) -> dict[str, Any]:
    """A journal with its lines."""
    row = view.journal
    return {
        "id": str(row.id),
        "legal_entity_id": str(row.legal_entity_id),
        "status": row.status,
        "posted_at": row.posted_at,
        "posted_by": row.posted_by,
        "lines": [journal_line(line) for line in view.lines],
    }


def journal_summary(row: Record) -> dict[str, Any]:
    """A journal without its lines: how many it has."""
    return {
        "id": str(row.id),
        "legal_entity_id": str(row.legal_entity_id),
        "status": row.status,
        "posted_at": row.posted_at,
        "posted_by": row.posted_by,
        "line_count": row.line_count,
    }


def posted_transaction(row: Record) -> dict[str, Any]:
    """A posted transaction; ``exchange_rate`` per one unit, as on vouchers."""
    code = row.currency
    return {
        "id": str(row.id),
        "actual_id": str(row.actual_id),
        "journal_line_id": str(row.journal_line_id),
        "legal_entity_id": str(row.legal_entity_id),
        "kind": row.kind,
        "transaction_class": row.transaction_class,
        "project_id": sid(row.project_id),
        "contract_id": sid(row.contract_id),
        "date": row.date,
        "quantity": num(row.quantity),
        "currency": code,
        "amount": money(row.amount, code),
        "accrued": row.accrued,
        "exchange_rate": num(row.exchange_rate),
        "sales_tax_group": row.sales_tax_group,
        "item_sales_tax_group": row.item_sales_tax_group,
        "parts": [
            {
                "percent": num(Decimal(p["percent"])),
                "dimensions": dict(p["dimensions"]),
                "amount": money(Decimal(p["amount"]), code),
            }
            for p in row.parts
        ],
        "voucher_id": sid(row.voucher_id),
        "status": row.status,
        "replaces_id": sid(row.replaces_id),
    }
