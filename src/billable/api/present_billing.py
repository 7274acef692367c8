"""Response bodies of billing: entries, actuals, invoices, their lines and details.
Each takes a value of the read side (:mod:`billable.views`)."""

from __future__ import annotations

from typing import Any

from billable.api.present import bill_to, money, num, sid
from billable.currencies import currency
from billable.views.invoices import InvoiceView, LineView
from billable.views.records import Record


def entry(row: Record) -> dict[str, Any]:
    """A time, expense, material or fee entry."""
    return {
        "id": sid(row.id),
        "kind": row.kind,
        "status": row.status,
        "resource_id": sid(row.resource_id),
        "project_id": sid(row.project_id),
        "task_id": sid(row.task_id),
        "role_id": sid(row.role_id),
        "category_id": sid(row.category_id),
        "product_id": sid(row.product_id),
        "date": row.date,
        "quantity": num(row.quantity),
        "unit_price": num(row.unit_price, 2),
        "internal_comment": row.internal_comment,
        "external_comment": row.external_comment,
        "description": row.description,
    }


def actual(row: Record) -> dict[str, Any]:
    """An actual; ``invoice_id`` is the invoice it is billed on or waits on as a draft."""
    return {
        "id": sid(row.id),
        "transaction_type": row.transaction_type,
        "transaction_class": row.transaction_class,
        "source_kind": row.source_kind,
        "source_id": sid(row.source_id),
        "project_id": sid(row.project_id),
        "task_id": sid(row.task_id),
        "role_id": sid(row.role_id),
        "resource_id": sid(row.resource_id),
        "category_id": sid(row.category_id),
        "product_id": sid(row.product_id),
        "contract_id": sid(row.contract_id),
        "contract_line_id": sid(row.contract_line_id),
        "milestone_id": sid(row.milestone_id),
        "date": row.date,
        "quantity": num(row.quantity),
        "unit": row.unit,
        "price": num(row.price, currency(row.currency).minor_units),
        "amount": money(row.amount, row.currency),
        "tax": money(row.tax, row.currency),
        "currency": row.currency,
        "billing_type": row.billing_type,
        "ready_to_invoice": row.ready_to_invoice,
        "reverses_actual_id": sid(row.reverses_actual_id),
        "invoice_id": sid(row.shown_invoice_id),
        "description": row.description,
        "external_description": row.external_description,
    }


def detail(row: Record) -> dict[str, Any]:
    """An invoice line detail."""
    code = row.currency
    return {
        "id": sid(row.id),
        "invoice_line_id": sid(row.invoice_line_id),
        "actual_id": sid(row.actual_id),
        "milestone_id": sid(row.milestone_id),
        "original_billed_actual_id": sid(row.original_billed_actual_id),
        "transaction_class": row.transaction_class,
        "transaction_type": row.transaction_type,
        "description": row.description,
        "external_description": row.external_description,
        "date": row.date,
        "project_id": sid(row.project_id),
        "task_id": sid(row.task_id),
        "category_id": sid(row.category_id),
        "role_id": sid(row.role_id),
        "resource_id": sid(row.resource_id),
        "product_id": sid(row.product_id),
        "product_name": row.product_name,
        "write_in_description": row.write_in_description,
        "quantity": num(row.quantity),
        "original_quantity": num(row.original_quantity),
        "unit": row.unit,
        "price": num(row.price, currency(code).minor_units),
        "currency": code,
        "amount": money(row.amount, code),
        "tax": money(row.tax, code),
        "extended_amount": money(row.extended_amount, code),
        "billing_type": row.billing_type,
        "backed_by": row.source,
        "milestone_progress": _progress(getattr(row, "milestone_progress", None), code),
    }


def _progress(progress: Any, code: str) -> dict[str, Any] | None:
    """A progress milestone's billing status on the detail (seed 001), else None."""
    if progress is None:
        return None
    return {
        "milestone_amount": money(progress.amount, code),
        "amount_on_this_invoice": money(progress.on_this_invoice, code),
        "invoiced_to_date": money(progress.invoiced_to_date, code),
        "remaining_amount": money(progress.remaining, code),
    }


def invoice_summary(row: Record) -> dict[str, Any]:
    """An invoice header without its lines."""
    code = row.currency
    return {
        "id": sid(row.id),
        "number": row.number,
        "name": row.name,
        "contract_id": sid(row.contract_id),
        "customer_id": sid(row.customer_id),
        "currency": code,
        "invoice_date": row.invoice_date,
        "status": row.status,
        "project_invoice_status": row.project_invoice_status,
        "corrects_invoice_id": sid(row.corrects_invoice_id),
        "confirmed_at": row.confirmed_at,
        "confirmed_by": row.confirmed_by,
        "detail_amount": money(row.detail_amount, code),
        "total_tax": money(row.total_tax, code),
        "total_amount": money(row.total_amount, code),
    }


def invoice(view: InvoiceView) -> dict[str, Any]:
    """An invoice with its lines and their details."""
    row = view.invoice
    code = row.currency
    return {
        **invoice_summary(row),
        "description": row.description,
        "price_list_id": sid(row.price_list_id),
        "opportunity": row.opportunity,
        "bill_to": bill_to(row),
        "discount_percent": num(row.discount_percent),
        "discount_amount": money(row.discount_amount, code),
        "pre_freight_amount": money(row.pre_freight_amount, code),
        "freight_amount": money(row.freight_amount, code),
        "lines": [line(item) for item in view.lines],
    }


def line(item: LineView) -> dict[str, Any]:
    """An invoice line with its totals and its first details (the rest by page)."""
    row, code = item.line, item.currency
    return {
        "id": sid(row.id),
        "invoice_id": sid(row.invoice_id),
        "name": row.name,
        "kind": row.kind,
        "contract_line_id": sid(row.contract_line_id),
        "project_id": sid(row.project_id),
        "billing_method": row.billing_method,
        "contract_line_amount": money(row.contract_line_amount, code),
        "invoiced_to_date": money(item.invoiced_to_date, code),
        "amount": money(row.amount, code),
        "tax": money(row.tax, code),
        "extended_amount": money(row.extended_amount, code),
        "detail_count": item.detail_count,
        "details": [detail(d) for d in item.details],
        "details_next_cursor": item.details_next_cursor,
    }
