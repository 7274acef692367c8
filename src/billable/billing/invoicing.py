"""Creating proforma invoices per contract, and refreshing a draft's transactions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from billable.billing.backlog import invoiceable_condition
from billable.billing.totals import recalculate
from billable.domain.errors import Conflict
from billable.domain.lifecycle import INVOICE, MILESTONE, PRODUCT_LINE
from billable.domain.money import ZERO
from billable.erp import defaults as erp_defaults
from billable.persistence.lookups import get, next_number
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
from billable.persistence.uow import UnitOfWork

INVOICE_SEQUENCE = "invoice"


def invoice_number(value: int) -> str:
    """The printed form of an invoice number."""
    return f"INV-{value:06d}"


def create_invoice(uow: UnitOfWork, contract_id: str, invoice_date: dt.date | None) -> int:
    """A draft invoice for everything ready on a contract: one line per contract line."""
    with uow:
        contract = get(uow.session, Contract, contract_id, "contract", lock=True)
        invoice = build_invoice(uow.session, contract, invoice_date or dt.date.today(), None)
        uow.commit()
    return invoice.id


def build_invoice(
    session: Session,
    contract: Contract,
    invoice_date: dt.date,
    line_ids: Collection[int] | None,
) -> Invoice:
    """Create the invoice inside the caller's transaction. ``line_ids`` limits it to some
    contract lines (automated runs); ``None`` takes every line, empty or not."""
    invoice = Invoice(
        number=invoice_number(next_number(session, INVOICE_SEQUENCE)),
        name=contract.name,
        description=contract.description,
        contract_id=contract.id,
        customer_id=contract.customer_id,
        currency=contract.currency,
        price_list_id=contract.price_list_id,
        opportunity=contract.opportunity,
        invoice_date=invoice_date,
        status="active",
        project_invoice_status="draft",
        detail_amount=ZERO,
        discount_percent=ZERO,
        discount_amount=ZERO,
        pre_freight_amount=ZERO,
        freight_amount=ZERO,
        total_tax=ZERO,
        total_amount=ZERO,
        **{
            f"bill_to_{p}": getattr(contract, f"bill_to_{p}")
            for p in ("name", "street", "city", "postal_code", "country")
        },
    )
    session.add(invoice)
    session.flush()
    for contract_line in contract.lines:
        if line_ids is None or contract_line.id in line_ids:
            add_invoice_line(session, invoice, contract_line)
    pull_transactions(session, invoice)
    recalculate(session, invoice)
    return invoice


def mirror_line(invoice_id: int, contract_line: ContractLine) -> InvoiceLine:
    """A new, empty invoice line for ``contract_line`` (name, kind, project, method, amount)."""
    return InvoiceLine(
        invoice_id=invoice_id,
        contract_line_id=contract_line.id,
        name=contract_line.name,
        kind=contract_line.kind,
        project_id=contract_line.project_id,
        billing_method=contract_line.billing_method,
        contract_line_amount=contract_line.amount,
        amount=ZERO,
        tax=ZERO,
        extended_amount=ZERO,
    )


def add_invoice_line(
    session: Session, invoice: Invoice, contract_line: ContractLine
) -> InvoiceLine:
    """An invoice line mirroring ``contract_line``; a ready product line brings its detail."""
    line = mirror_line(invoice.id, contract_line)
    session.add(line)
    session.flush()
    if contract_line.kind == "product":
        claimed = session.execute(
            update(ContractLine)
            .where(
                ContractLine.id == contract_line.id,
                ContractLine.product_status == "ready_to_invoice",
            )
            .values(product_status=PRODUCT_LINE.target_of("invoice", "ready_to_invoice"))
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            session.add(_product_detail(session, invoice, line, contract_line))
    return line


def _product_detail(
    session: Session, invoice: Invoice, line: InvoiceLine, contract_line: ContractLine
) -> InvoiceLineDetail:
    product = session.get(Product, contract_line.product_id) if contract_line.product_id else None
    assert contract_line.quantity is not None and contract_line.unit_price is not None
    amount = contract_line.amount or ZERO
    tax = product_tax(session, contract_line, invoice.currency)
    return InvoiceLineDetail(
        invoice_id=invoice.id,
        invoice_line_id=line.id,
        source="product",
        product_line_id=contract_line.id,
        transaction_class="product",
        transaction_type="billed_sales",
        description=contract_line.name,
        external_description=contract_line.name,
        date=invoice.invoice_date,
        product_id=product.id if product else None,
        product_name=product.name if product else contract_line.write_in_name,
        write_in_description=contract_line.write_in_name,
        quantity=contract_line.quantity,
        unit=product.unit if product else "each",
        price=contract_line.unit_price,
        currency=invoice.currency,
        amount=amount,
        tax=tax,
        extended_amount=amount + tax,
        billing_type="chargeable",
    )


def product_tax(session: Session, contract_line: ContractLine, currency_code: str) -> Decimal:
    """The sales tax of a product-based line: its contract's billing sales tax group (by
    the parameter's method; a product line has no project) with its product's item sales
    tax group, rounded per tax code. A write-in product has no group, so no tax."""
    return erp_defaults.tax_amount(
        session,
        contract_line.amount or ZERO,
        currency_code,
        erp_defaults.billing_sales_tax_group(session, None, contract_line.contract_id),
        erp_defaults.billing_item_tax_group(session, "product", None, contract_line.product_id),
    )


def pull_transactions(session: Session, invoice: Invoice) -> int:
    """Add details for every invoiceable actual and ready milestone of the invoice's lines
    not yet on it. Returns how many details were added."""
    lines = {
        line.contract_line_id: line
        for line in session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id))
    }
    if not lines:
        return 0
    rows: list[dict[str, Any]] = []
    for actual in session.scalars(
        select(Actual)
        .where(Actual.contract_line_id.in_(lines), invoiceable_condition(invoice.invoice_date))
        .order_by(Actual.date, Actual.id)
    ):
        line = lines[actual.contract_line_id]  # type: ignore[index]
        rows.append(actual_detail(invoice.id, line.id, actual))
    milestones = session.scalars(
        select(Milestone)
        .where(Milestone.contract_line_id.in_(lines), Milestone.status == "ready_to_invoice")
        .order_by(Milestone.date, Milestone.id)
        .with_for_update()
    ).all()
    for milestone in milestones:
        milestone.status = MILESTONE.next_state(milestone.status, "invoice")
        line = lines[milestone.contract_line_id]
        tax = milestone.ready_tax
        rows.append(
            {
                "invoice_id": invoice.id,
                "invoice_line_id": line.id,
                "source": "milestone",
                "milestone_id": milestone.id,
                "transaction_class": "milestone",
                "transaction_type": "billed_sales",
                "description": milestone.description,
                "external_description": milestone.description or milestone.name,
                "date": milestone.date,
                "project_id": line.project_id,
                "quantity": 1,
                "unit": "each",
                "price": milestone.ready_amount,
                "currency": invoice.currency,
                "amount": milestone.ready_amount,
                "tax": tax,
                "extended_amount": milestone.ready_amount + tax,
                "billing_type": "chargeable",
            }
        )
    if rows:
        session.execute(insert(InvoiceLineDetail), rows)
    return len(rows)


def actual_detail(invoice_id: int, line_id: int, actual: Actual) -> dict[str, Any]:
    """The detail row that puts an unbilled sales actual on an invoice line."""
    return {
        "invoice_id": invoice_id,
        "invoice_line_id": line_id,
        "source": "actual",
        "actual_id": actual.id,
        "milestone_id": actual.milestone_id,
        "transaction_class": actual.transaction_class,
        "transaction_type": "unbilled_sales",
        "description": actual.description,
        "external_description": actual.external_description,
        "date": actual.date,
        "project_id": actual.project_id,
        "task_id": actual.task_id,
        "category_id": actual.category_id,
        "role_id": actual.role_id,
        "resource_id": actual.resource_id,
        "product_id": actual.product_id,
        "quantity": actual.quantity,
        "backing_quantity": actual.quantity,
        "backing_tax_share": actual.tax,
        "unit": actual.unit,
        "price": actual.price,
        "currency": actual.currency,
        "amount": actual.amount,
        "tax": actual.tax,
        "extended_amount": actual.amount + actual.tax,
        "billing_type": actual.billing_type,
    }


def refresh_invoice(uow: UnitOfWork, invoice_id: str) -> int:
    """Pull onto a draft the ready, past-dated actuals (and ready milestones) of its lines
    that came in after it was created."""
    with uow:
        session = uow.session
        invoice = get(session, Invoice, invoice_id, "invoice", lock=True)
        INVOICE.next_state(invoice.project_invoice_status, "edit")
        if invoice.corrects_invoice_id is not None:
            raise Conflict(
                "a corrective invoice only corrects what was billed; new work goes "
                "on the contract's next invoice"
            )
        get(session, Contract, invoice.contract_id, "contract", lock=True)
        pull_transactions(session, invoice)
        recalculate(session, invoice)
        uow.commit()
    return invoice.id
