"""Response bodies of invoice proposals: proposals with their lines and totals, format
sections, the lines they hold and the print settings, from the read side's values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from billable.api.present import money, num, sid
from billable.domain.money import ZERO
from billable.domain.proposal_format import Level
from billable.views.proposals import ProposalView, SectionView
from billable.views.records import Record


def proposal_line(row: Record, code: str) -> dict[str, Any]:
    """A proposal line with its tax lines."""
    return {
        "id": sid(row.id),
        "billed_actual_id": sid(row.billed_actual_id),
        "milestone_id": sid(row.milestone_id),
        "transaction_class": row.transaction_class,
        "description": row.description,
        "date": row.date,
        "quantity": num(row.quantity),
        "unit": row.unit,
        "price": num(row.price, 2),
        "amount": money(row.amount, code),
        "tax": money(row.tax, code),
        "taxes": [
            {
                "code": t["code"],
                "rate": num(Decimal(t["rate"])),
                "amount": money(Decimal(t["amount"]), code),
            }
            for t in row.taxes
        ],
        "sales_tax_group": row.sales_tax_group,
        "item_sales_tax_group": row.item_sales_tax_group,
        "dimensions": {k: str(v) for k, v in (row.dimensions or {}).items()},
    }


def proposal(view: ProposalView, **flags: bool) -> dict[str, Any]:
    """A proposal as the API shows it, totals in both currencies."""
    row, figures = view.proposal, view.totals
    code, acc = row.currency, figures.accounting_currency
    accounting = figures.accounting
    return {
        "id": sid(row.id),
        "number": row.number,
        "invoice_id": sid(row.invoice_id),
        "status": row.status,
        "legal_entity_id": sid(row.legal_entity_id),
        "contract_id": sid(row.contract_id),
        "customer_id": sid(row.customer_id),
        "invoice_date": row.invoice_date,
        "currency": code,
        "accounting_currency": acc,
        "exchange_rate": num(figures.exchange_rate),
        "totals": {
            "amount": money(figures.amount, code),
            "tax": money(figures.tax, code),
            "total": money(figures.total, code),
        },
        "accounting_totals": None
        if accounting is None
        else {
            "amount": money(accounting.amount, acc),
            "tax": money(accounting.tax, acc),
            "total": money(accounting.total, acc),
        },
        "voucher_id": sid(row.voucher_id),
        "imported_at": row.imported_at,
        "posted_at": row.posted_at,
        "posted_by": row.posted_by,
        "lines": [proposal_line(line, code) for line in view.lines],
        **flags,
    }


def format_line(row: Record, code: str) -> dict[str, Any]:
    """A proposal line as the format screens list it."""
    return {
        "id": str(row.id),
        "transaction_class": row.transaction_class,
        "description": row.description,
        "date": row.date.isoformat(),
        "quantity": num(row.quantity),
        "unit": row.unit,
        "price": num(row.price),
        "amount": money(row.amount, code),
        "tax": money(row.tax, code),
    }


def section(view: SectionView) -> dict[str, Any]:
    """A format section with its line ids and sums."""
    row, lines, code = view.section, view.lines, view.currency
    return {
        "id": str(row.id),
        "proposal_id": str(row.proposal_id),
        "name": row.name,
        "mode": row.mode,
        "position": row.position,
        "line_ids": [str(line.id) for line in lines],
        "quantity": num(sum((line.quantity for line in lines), ZERO)),
        "amount": money(sum((line.amount for line in lines), ZERO), code),
        "tax": money(sum((line.tax for line in lines), ZERO), code),
    }


def setting(row: Record) -> dict[str, Any]:
    """One level's print settings."""
    return {
        "id": str(row.id),
        "level": row.level,
        "target_id": None if row.level == Level.MODULE else str(row.target_id),
        "report_format": row.report_format,
        "destination": row.destination,
        "footer_text": row.footer_text,
    }


def resolved(row: Record) -> dict[str, Any]:
    """A proposal's effective print settings and where each comes from."""
    return {"proposal_id": str(row.proposal_id), **row.values, "sources": dict(row.sources)}
