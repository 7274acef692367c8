"""Response bodies of the integration journal and posted transactions."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billable.api.present import money, num, sid
from billable.domain.dimensions import DistributedPart
from billable.erp.journal import line_rate
from billable.erp.journal_posting import line_parts
from billable.persistence.tables import (
    IntegrationJournal,
    IntegrationJournalLine,
    LegalEntity,
    PostedTransaction,
)

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


def journal_line(session: Session, line: IntegrationJournalLine, accounting: str) -> dict[str, Any]:
    """A journal line; a draft line's rate is the one in force now (``null`` if none)."""
    found = line_rate(session, line, accounting)
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
        "distribution": parts(line_parts(line), line.currency) if line.distribution else None,
    }


def journal(session: Session, row: IntegrationJournal) -> dict[str, Any]:
    """A journal with its lines."""
    entity = session.get(LegalEntity, row.legal_entity_id)
    assert entity is not None  # a foreign key
    return {
        "id": str(row.id),
        "legal_entity_id": str(row.legal_entity_id),
        "status": row.status,
        "posted_at": row.posted_at,
        "lines": [journal_line(session, line, entity.accounting_currency) for line in row.lines],
    }


def journal_summary(session: Session, row: IntegrationJournal) -> dict[str, Any]:
    """A journal without its lines: how many it has."""
    count = session.scalar(select(func.count()).where(IntegrationJournalLine.journal_id == row.id))
    return {
        "id": str(row.id),
        "legal_entity_id": str(row.legal_entity_id),
        "status": row.status,
        "posted_at": row.posted_at,
        "line_count": int(count or 0),
    }


def posted_transaction(row: PostedTransaction) -> dict[str, Any]:
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
