"""What an invoice's rows are made of: one column map per row kind.

A new invoice's header is made from its contract, each line from a contract line, each
detail from what backs it (an actual, a ready milestone, a ready product line). These
maps are the only place that says which column comes from where; the set-based write
path (:mod:`billable.billing.invoice_writes`) builds its ``INSERT ... SELECT``
statements from them, and a corrective invoice's lines use the same line map.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import String, func, literal

from billable.domain.invoice import BillingType, DetailSource
from billable.domain.money import ZERO
from billable.domain.pricing import TransactionClass
from billable.domain.vocabulary import ActualType, InvoiceState, PaymentState
from billable.persistence.tables import (
    Actual,
    Contract,
    ContractLine,
    Invoice,
    InvoiceLine,
    InvoiceLineDetail,
    Milestone,
    Product,
)
from billable.persistence.types import rescale

INVOICE_SEQUENCE = "invoice"
_BILL_TO = ("name", "street", "city", "postal_code", "country")
Columns = dict[str, Any]
D, IL = InvoiceLineDetail, InvoiceLine


def word(member: StrEnum) -> Any:
    """A vocabulary word as a typed SQL literal, for the constant columns of a map."""
    return literal(member.value, String())


def invoice_number(value: int) -> str:
    """The printed form of an invoice number."""
    return f"INV-{value:06d}"


def header_values(contract: Contract, number: str, invoice_date: dt.date) -> Columns:
    """A new draft's header: the contract's terms and bill-to, every total zero."""
    return {
        "number": number,
        "name": contract.name,
        "description": contract.description,
        "contract_id": contract.id,
        "customer_id": contract.customer_id,
        "currency": contract.currency,
        "price_list_id": contract.price_list_id,
        "opportunity": contract.opportunity,
        "invoice_date": invoice_date,
        "status": PaymentState.ACTIVE,
        "project_invoice_status": InvoiceState.DRAFT,
        "detail_amount": ZERO,
        "discount_percent": ZERO,
        "discount_amount": ZERO,
        "pre_freight_amount": ZERO,
        "freight_amount": ZERO,
        "total_tax": ZERO,
        "total_amount": ZERO,
        "version": 1,
        **{f"bill_to_{p}": getattr(contract, f"bill_to_{p}") for p in _BILL_TO},
    }


def line_values(invoice_id: int, contract_line: ContractLine) -> Columns:
    """A new, empty invoice line for ``contract_line`` (name, kind, project, method, amount)."""
    return {
        "invoice_id": invoice_id,
        "contract_line_id": contract_line.id,
        "name": contract_line.name,
        "kind": contract_line.kind,
        "project_id": contract_line.project_id,
        "billing_method": contract_line.billing_method,
        "contract_line_amount": contract_line.amount,
        "amount": ZERO,
        "tax": ZERO,
        "extended_amount": ZERO,
    }


def mirror_line(invoice_id: int, contract_line: ContractLine) -> InvoiceLine:
    """:func:`line_values` as an ORM row, for a use case that adds lines one by one."""
    return InvoiceLine(**line_values(invoice_id, contract_line))


def actual_detail_columns() -> Columns:
    """A detail that puts an unbilled sales actual on an invoice line (over ``Actual``
    joined to its ``InvoiceLine``)."""
    A = Actual
    return {
        "invoice_id": IL.invoice_id,
        "invoice_line_id": IL.id,
        "source": word(DetailSource.ACTUAL),
        "actual_id": A.id,
        "milestone_id": A.milestone_id,
        "transaction_class": A.transaction_class,
        "transaction_type": word(ActualType.UNBILLED_SALES),
        "description": A.description,
        "external_description": A.external_description,
        "date": A.date,
        "project_id": A.project_id,
        "task_id": A.task_id,
        "category_id": A.category_id,
        "role_id": A.role_id,
        "resource_id": A.resource_id,
        "product_id": A.product_id,
        "quantity": A.quantity,
        "backing_quantity": A.quantity,
        "backing_tax_share": A.tax,
        "unit": A.unit,
        "price": A.price,
        "currency": A.currency,
        "amount": A.amount,
        "tax": A.tax,
        "extended_amount": A.amount + A.tax,
        "billing_type": A.billing_type,
    }


def milestone_detail_columns() -> Columns:
    """A detail that bills a ready milestone's ready amount and tax (over ``Milestone``
    joined to its ``InvoiceLine`` and ``Invoice``)."""
    M = Milestone
    return {
        "invoice_id": IL.invoice_id,
        "invoice_line_id": IL.id,
        "source": word(DetailSource.MILESTONE),
        "milestone_id": M.id,
        "transaction_class": word(TransactionClass.MILESTONE),
        "transaction_type": word(ActualType.BILLED_SALES),
        "description": M.description,
        "external_description": func.coalesce(func.nullif(M.description, ""), M.name),
        "date": M.date,
        "project_id": IL.project_id,
        "quantity": literal(1, D.quantity.type),
        "unit": literal("each"),
        "price": rescale(M.ready_amount, 4, 6),
        "currency": Invoice.currency,
        "amount": M.ready_amount,
        "tax": M.ready_tax,
        "extended_amount": M.ready_amount + M.ready_tax,
        "billing_type": word(BillingType.CHARGEABLE),
    }


def product_detail_columns(invoice_date: dt.date) -> Columns:
    """The one detail of a ready product line, untaxed (over ``ContractLine`` joined to
    its ``InvoiceLine``, ``Invoice`` and, outer, ``Product``: a write-in has none); its tax is set
    afterwards, per line, by the tax defaults."""
    CL, P = ContractLine, Product
    return {
        "invoice_id": IL.invoice_id,
        "invoice_line_id": IL.id,
        "source": word(DetailSource.PRODUCT),
        "product_line_id": CL.id,
        "transaction_class": word(TransactionClass.PRODUCT),
        "transaction_type": word(ActualType.BILLED_SALES),
        "description": CL.name,
        "external_description": CL.name,
        "date": literal(invoice_date),
        "product_id": CL.product_id,
        "product_name": func.coalesce(P.name, CL.write_in_name),
        "write_in_description": CL.write_in_name,
        "quantity": CL.quantity,
        "unit": func.coalesce(P.unit, "each"),
        "price": CL.unit_price,
        "currency": Invoice.currency,
        "amount": CL.amount,
        "tax": literal(ZERO, D.tax.type),
        "extended_amount": CL.amount,
        "billing_type": word(BillingType.CHARGEABLE),
    }
