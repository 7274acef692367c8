"""Turn rows into response bodies: ids as strings, decimals as strings with the currency's
minor unit for money."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billable.api import present_documents
from billable.currencies import currency
from billable.domain.money import format_decimal
from billable.domain.schedule import Frequency, upcoming
from billable.persistence.tables import (
    Actual,
    Contract,
    ContractLine,
    Customer,
    Entry,
    Invoice,
    InvoiceLine,
    InvoiceLineDetail,
    Milestone,
    PriceList,
    Product,
    Project,
    Resource,
    Role,
    Task,
    TransactionCategory,
)


def sid(value: int | None) -> str | None:
    """An id as the API writes it."""
    return None if value is None else str(value)


def money(value: Decimal | None, code: str) -> str | None:
    """An amount with the currency's minor unit: "250.00", "1000" (JPY)."""
    if value is None:
        return None
    return format_decimal(value, currency(code).minor_units)


def num(value: Decimal | None, min_places: int = 0) -> str | None:
    """A quantity, price or rate without trailing zeros: "8", "7.5"."""
    return None if value is None else format_decimal(value, min_places)


def bill_to(row: Any) -> dict[str, str]:
    return {
        p: getattr(row, f"bill_to_{p}")
        for p in ("name", "street", "city", "postal_code", "country")
    }


def customer(row: Customer) -> dict[str, Any]:
    return {
        "id": sid(row.id),
        "name": row.name,
        "currency": row.currency,
        "bill_to": bill_to(row),
        "vat_id": row.vat_id,
        "sales_tax_group": row.sales_tax_group,
        **present_documents.buyer_fields(row),
    }


def role(row: Role) -> dict[str, Any]:
    return {"id": sid(row.id), "name": row.name}


def resource(row: Resource) -> dict[str, Any]:
    return {"id": sid(row.id), "name": row.name, "default_role_id": sid(row.default_role_id)}


def category(row: TransactionCategory) -> dict[str, Any]:
    return {
        "id": sid(row.id),
        "name": row.name,
        "transaction_class": row.transaction_class,
        "item_sales_tax_group": row.item_sales_tax_group,
    }


def product(row: Product) -> dict[str, Any]:
    return {
        "id": sid(row.id),
        "name": row.name,
        "unit": row.unit,
        "list_price": num(row.list_price, 2),
        "item_sales_tax_group": row.item_sales_tax_group,
    }


def price_list(row: PriceList) -> dict[str, Any]:
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


def project(row: Project) -> dict[str, Any]:
    return {
        "id": sid(row.id),
        "name": row.name,
        "customer_id": sid(row.customer_id),
        "cost_price_list_id": sid(row.cost_price_list_id),
        "legal_entity_id": sid(row.legal_entity_id),
        "sales_tax_group": row.sales_tax_group,
        "dimensions": row.dimensions,
    }


def task(row: Task) -> dict[str, Any]:
    return {"id": sid(row.id), "project_id": sid(row.project_id), "name": row.name}


def contract(row: Contract) -> dict[str, Any]:
    return {
        "id": sid(row.id),
        "name": row.name,
        "customer_id": sid(row.customer_id),
        "currency": row.currency,
        "price_list_id": sid(row.price_list_id),
        "opportunity": row.opportunity,
        "description": row.description,
        "bill_to": bill_to(row),
        "line_ids": [sid(line.id) for line in row.lines],
        "legal_entity_id": sid(row.legal_entity_id),
        "sales_tax_group": row.sales_tax_group,
        **present_documents.contract_terms(row),
    }


def _line_run_dates(session: Session, row: ContractLine, today: dt.date) -> list[dt.date]:
    if row.schedule_frequency and row.schedule_start_date:
        return upcoming(Frequency(row.schedule_frequency), row.schedule_start_date, today, 6)
    if row.kind == "product":  # due from its own date (or at once) while ready
        ready = row.product_status == "ready_to_invoice"
        return [max(row.date or today, today)] if ready else []
    if row.billing_method == "fixed_price":
        return sorted(
            set(
                session.scalars(
                    select(Milestone.date).where(
                        Milestone.contract_line_id == row.id, Milestone.status == "ready_to_invoice"
                    )
                )
            )
        )
    return []


def contract_line(session: Session, row: ContractLine) -> dict[str, Any]:
    contract_row = session.get(Contract, row.contract_id)
    assert contract_row is not None
    code = contract_row.currency
    dates = _line_run_dates(session, row, dt.date.today())
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
        "transaction_classes": [c.transaction_class for c in row.classes],
        "amount": money(row.amount, code),
        "invoice_schedule": schedule,
        "run_dates": dates,
        "next_run_date": dates[0] if dates else None,
        "product_id": sid(row.product_id),
        "write_in_name": row.write_in_name,
        "quantity": num(row.quantity),
        "unit_price": num(row.unit_price, currency(code).minor_units),
        "ready_to_invoice": (
            row.product_status == "ready_to_invoice" if row.kind == "product" else None
        ),
        "product_status": row.product_status,
        "date": row.date,
        "dimensions": row.dimensions,
    }


def milestone(session: Session, row: Milestone) -> dict[str, Any]:
    line = session.get(ContractLine, row.contract_line_id)
    assert line is not None
    contract_row = session.get(Contract, line.contract_id)
    assert contract_row is not None
    code = contract_row.currency
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


def entry(row: Entry) -> dict[str, Any]:
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


def actual(session: Session, row: Actual) -> dict[str, Any]:
    return actuals(session, [row])[0]


def actuals(session: Session, rows: Sequence[Actual]) -> list[dict[str, Any]]:
    """Actuals as shown; an unbilled one shows the draft invoice it is on, looked up for
    the whole page in one query."""
    waiting = [
        r.id for r in rows if r.invoice_id is None and r.transaction_type == "unbilled_sales"
    ]
    on_drafts: dict[int, int] = {}
    if waiting:
        found = session.execute(
            select(InvoiceLineDetail.actual_id, InvoiceLineDetail.invoice_id).where(
                InvoiceLineDetail.actual_id.in_(waiting)
            )
        )
        on_drafts = {actual_id: invoice_id for actual_id, invoice_id in found if actual_id}
    return [_actual(row, row.invoice_id or on_drafts.get(row.id)) for row in rows]


def _actual(row: Actual, invoice_id: int | None) -> dict[str, Any]:
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
        "invoice_id": sid(invoice_id),
        "description": row.description,
        "external_description": row.external_description,
    }


def detail(row: InvoiceLineDetail) -> dict[str, Any]:
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
    }


def invoiced_to_date(session: Session, line: InvoiceLine) -> Decimal:
    """The contract line's net chargeable amount on confirmed invoices, this one excluded."""
    value = session.scalar(
        select(func.coalesce(func.sum(Actual.amount), 0)).where(
            Actual.contract_line_id == line.contract_line_id,
            Actual.transaction_type == "billed_sales",
            Actual.billing_type == "chargeable",
            Actual.invoice_id != line.invoice_id,
        )
    )
    return Decimal(value or 0)


def invoice_summary(row: Invoice) -> dict[str, Any]:
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
        "detail_amount": money(row.detail_amount, code),
        "total_tax": money(row.total_tax, code),
        "total_amount": money(row.total_amount, code),
    }


def invoice(session: Session, row: Invoice) -> dict[str, Any]:
    code = row.currency
    lines = session.scalars(
        select(InvoiceLine).where(InvoiceLine.invoice_id == row.id).order_by(InvoiceLine.id)
    ).all()
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
        "lines": [
            {
                "id": sid(line.id),
                "name": line.name,
                "kind": line.kind,
                "contract_line_id": sid(line.contract_line_id),
                "project_id": sid(line.project_id),
                "billing_method": line.billing_method,
                "contract_line_amount": money(line.contract_line_amount, code),
                "invoiced_to_date": money(invoiced_to_date(session, line), code),
                "amount": money(line.amount, code),
                "tax": money(line.tax, code),
                "extended_amount": money(line.extended_amount, code),
                "details": [detail(d) for d in line.details],
            }
            for line in lines
        ],
    }
