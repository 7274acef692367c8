"""Response bodies of master data and contracts: customers, roles, resources,
categories, products, price lists, projects, tasks, contracts, their lines and
milestones. Each takes a :class:`~billable.views.records.Record` of the read side."""

from __future__ import annotations

from typing import Any

from billable.api import present_documents
from billable.api.present import bill_to, money, num, sid
from billable.currencies import currency
from billable.domain.schedule import LineKind
from billable.domain.vocabulary import ProductLineState
from billable.views.records import Record


def customer(row: Record) -> dict[str, Any]:
    """A customer."""
    return {
        "id": sid(row.id),
        "name": row.name,
        "currency": row.currency,
        "bill_to": bill_to(row),
        "vat_id": row.vat_id,
        "sales_tax_group": row.sales_tax_group,
        **present_documents.buyer_fields(row),
    }


def role(row: Record) -> dict[str, Any]:
    """A role."""
    return {"id": sid(row.id), "name": row.name}


def resource(row: Record) -> dict[str, Any]:
    """A resource and its default role."""
    return {"id": sid(row.id), "name": row.name, "default_role_id": sid(row.default_role_id)}


def category(row: Record) -> dict[str, Any]:
    """A transaction category."""
    return {
        "id": sid(row.id),
        "name": row.name,
        "transaction_class": row.transaction_class,
        "item_sales_tax_group": row.item_sales_tax_group,
    }


def product(row: Record) -> dict[str, Any]:
    """A product."""
    return {
        "id": sid(row.id),
        "name": row.name,
        "unit": row.unit,
        "list_price": num(row.list_price, 2),
        "item_sales_tax_group": row.item_sales_tax_group,
    }


def price_list(row: Record) -> dict[str, Any]:
    """A price list with its role, category and product prices."""
    places = currency(row.currency).minor_units
    return {
        "id": sid(row.id),
        "name": row.name,
        "currency": row.currency,
        "context": row.context,
        "role_prices": [
            {"role_id": sid(p.role_id), "price": num(p.price, places)} for p in row.role_prices
        ],
        "category_prices": [
            {"category_id": sid(p.category_id), "method": p.method, "value": num(p.value)}
            for p in row.category_prices
        ],
        "product_prices": [
            {"product_id": sid(p.product_id), "price": num(p.price, places)}
            for p in row.product_prices
        ],
    }


def project(row: Record) -> dict[str, Any]:
    """A project."""
    return {
        "id": sid(row.id),
        "name": row.name,
        "customer_id": sid(row.customer_id),
        "cost_price_list_id": sid(row.cost_price_list_id),
        "legal_entity_id": sid(row.legal_entity_id),
        "sales_tax_group": row.sales_tax_group,
        "dimensions": row.dimensions,
    }


def task(row: Record) -> dict[str, Any]:
    """A task of a project."""
    return {"id": sid(row.id), "project_id": sid(row.project_id), "name": row.name}


def contract(row: Record) -> dict[str, Any]:
    """A contract with its line ids."""
    return {
        "id": sid(row.id),
        "name": row.name,
        "customer_id": sid(row.customer_id),
        "currency": row.currency,
        "price_list_id": sid(row.price_list_id),
        "opportunity": row.opportunity,
        "description": row.description,
        "bill_to": bill_to(row),
        "line_ids": [sid(ident) for ident in row.line_ids],
        "legal_entity_id": sid(row.legal_entity_id),
        "sales_tax_group": row.sales_tax_group,
        **present_documents.contract_terms(row),
    }


def contract_line(row: Record) -> dict[str, Any]:
    """A contract line with its next run dates (:func:`billable.domain.schedule.due_dates`)."""
    code = row.currency
    dates = row.run_dates
    schedule = (
        {"frequency": row.schedule_frequency, "start_date": row.schedule_start_date}
        if row.schedule_frequency
        else None
    )
    return {
        "id": sid(row.id),
        "contract_id": sid(row.contract_id),
        "name": row.name,
        "kind": row.kind,
        "billing_method": row.billing_method,
        "project_id": sid(row.project_id),
        "transaction_classes": list(row.transaction_classes),
        "amount": money(row.amount, code),
        "invoice_schedule": schedule,
        "run_dates": dates,
        "next_run_date": dates[0] if dates else None,
        "product_id": sid(row.product_id),
        "write_in_name": row.write_in_name,
        "quantity": num(row.quantity),
        "unit_price": num(row.unit_price, currency(code).minor_units),
        "ready_to_invoice": (
            row.product_status == ProductLineState.READY_TO_INVOICE
            if row.kind == LineKind.PRODUCT
            else None
        ),
        "product_status": row.product_status,
        "date": row.date,
        "dimensions": row.dimensions,
    }


def milestone(row: Record) -> dict[str, Any]:
    """A milestone, amounts in its contract's currency."""
    code = row.currency
    return {
        "id": sid(row.id),
        "contract_line_id": sid(row.contract_line_id),
        "name": row.name,
        "description": row.description,
        "date": row.date,
        "amount": money(row.amount, code),
        "tax": money(row.tax, code),
        "kind": row.kind,
        "status": row.status,
        "ready_amount": money(row.ready_amount, code),
        "invoiced_amount": money(row.invoiced_amount, code),
        "remaining_amount": money(row.amount - row.invoiced_amount, code),
        "sales_tax_group": row.sales_tax_group,
        "item_sales_tax_group": row.item_sales_tax_group,
        "dimensions": row.dimensions,
    }
