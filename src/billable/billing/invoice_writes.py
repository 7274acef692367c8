"""The set-based write path for invoice details, for one invoice or many.

Creation (one contract, bulk jobs, automated runs) and the refresh of a draft put what
is ready on invoices here, in SQL over sets of rows: one ``INSERT ... SELECT`` per row
kind, built from the column maps of :mod:`billable.billing.invoice_rows`, with what is
invoiceable (:func:`billable.billing.backlog.invoiceable_condition`) and the status
moves of the lifecycle tables (:mod:`billable.persistence.transitions`). No Python
object is made per actual, so one invoice of 10,000 details costs what a bulk chunk
of the same size does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import insert, literal, select, update
from sqlalchemy.orm import Session

from billable.billing.backlog import invoiceable_condition
from billable.billing.invoice_rows import (
    actual_detail_columns,
    milestone_detail_columns,
    product_detail_columns,
)
from billable.domain.invoice import DetailSource
from billable.domain.lifecycle import MILESTONE, PRODUCT_LINE
from billable.domain.money import ZERO
from billable.domain.pricing import TransactionClass
from billable.domain.schedule import LineKind
from billable.erp import defaults as erp_defaults
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
from billable.persistence.transitions import allows, moved

D, IL = InvoiceLineDetail, InvoiceLine


def add_details(
    session: Session, ids: Sequence[int], invoice_date: dt.date, *, products: bool
) -> None:
    """Put on invoices ``ids`` (all dated ``invoice_date``) every invoiceable actual and
    ready milestone of their lines not on an invoice yet and, with ``products``, the
    detail of each ready product line. Statuses move in the same statements' transaction."""
    if products:
        _product_details(session, ids, invoice_date)
    _actual_details(session, ids, invoice_date)
    _milestone_details(session, ids)


def _product_details(session: Session, ids: Sequence[int], invoice_date: dt.date) -> None:
    CL = ContractLine
    product_lines = select(IL.contract_line_id).where(
        IL.invoice_id.in_(ids), IL.kind == LineKind.PRODUCT
    )
    # Claimed in one statement: a concurrent creation that claimed a line first wins it.
    claimed = list(
        session.scalars(
            update(CL)
            .where(CL.id.in_(product_lines), allows(PRODUCT_LINE, "invoice", CL.product_status))
            .values(product_status=moved(PRODUCT_LINE, "invoice", CL.product_status))
            .returning(CL.id)
        )
    )
    if not claimed:
        return
    columns = product_detail_columns(invoice_date)
    source = (
        select(*columns.values())
        .select_from(IL)
        .join(CL, CL.id == IL.contract_line_id)
        .join(Invoice, Invoice.id == IL.invoice_id)
        .outerjoin(Product, Product.id == CL.product_id)
        .where(IL.invoice_id.in_(ids), CL.id.in_(claimed))
    )
    session.execute(insert(D).from_select(list(columns), source))
    _tax_product_details(session, ids, claimed)


def product_tax(session: Session, contract_line: ContractLine, currency_code: str) -> Decimal:
    """The sales tax of a product-based line: its contract's billing sales tax group (by
    the parameter's method; a product line has no project) with its product's item sales
    tax group, rounded per tax code. A write-in product has no group, so no tax."""
    return erp_defaults.tax_amount(
        session,
        contract_line.amount or ZERO,
        currency_code,
        erp_defaults.billing_sales_tax_group(session, None, contract_line.contract_id),
        erp_defaults.billing_item_tax_group(
            session, TransactionClass.PRODUCT, None, contract_line.product_id
        ),
    )


def _tax_product_details(session: Session, ids: Sequence[int], claimed: list[int]) -> None:
    """Give the product details just inserted their sales tax: one small update per
    taxed product line (there is one detail per claimed line, so this stays per line,
    never per actual). Tax defaults are rules in Python, rounded per tax code."""
    rows: list[tuple[int, Decimal, Decimal]] = []
    for line in session.scalars(select(ContractLine).where(ContractLine.id.in_(claimed))):
        contract = session.get(Contract, line.contract_id)
        assert contract is not None
        tax = product_tax(session, line, contract.currency)
        if tax != ZERO:
            rows.append((line.id, tax, (line.amount or ZERO) + tax))
    for line_id, tax, extended in rows:
        session.execute(
            update(D)
            .where(D.invoice_id.in_(ids), D.product_line_id == line_id)
            .values(
                tax=literal(tax, D.tax.type),
                extended_amount=literal(extended, D.extended_amount.type),
            )
            .execution_options(synchronize_session=False)
        )


def _actual_details(session: Session, ids: Sequence[int], invoice_date: dt.date) -> None:
    A = Actual
    columns = actual_detail_columns()
    source = (
        select(*columns.values())
        .select_from(A)
        .join(IL, IL.contract_line_id == A.contract_line_id)
        .where(
            IL.invoice_id.in_(ids),
            # The same lines named on the actuals side, so the planner can reach them
            # through the partial backlog index instead of scanning every actual.
            A.contract_line_id.in_(select(IL.contract_line_id).where(IL.invoice_id.in_(ids))),
            # Invoiceable includes "on no detail yet": a refresh adds only what is new.
            invoiceable_condition(invoice_date),
        )
        .order_by(IL.invoice_id, A.date, A.id)
    )
    session.execute(insert(D).from_select(list(columns), source))


def _milestone_details(session: Session, ids: Sequence[int]) -> None:
    M = Milestone
    ready = allows(MILESTONE, "invoice", M.status)
    lines = select(IL.contract_line_id).where(IL.invoice_id.in_(ids))
    # Locked before they are read, so a milestone marked not ready meanwhile is either
    # billed whole or left alone, never billed while its status says otherwise.
    locked = session.scalars(
        select(M.id).where(M.contract_line_id.in_(lines), ready).with_for_update()
    ).all()
    if not locked:
        return
    columns = milestone_detail_columns()
    source = (
        select(*columns.values())
        .select_from(IL)
        .join(M, (M.contract_line_id == IL.contract_line_id) & ready)
        .join(Invoice, Invoice.id == IL.invoice_id)
        .where(IL.invoice_id.in_(ids))
        .order_by(IL.invoice_id, M.date, M.id)
    )
    session.execute(insert(D).from_select(list(columns), source))
    billed = select(D.milestone_id).where(D.invoice_id.in_(ids), D.source == DetailSource.MILESTONE)
    session.execute(
        update(M)
        .where(M.id.in_(billed), ready)
        .values(status=moved(MILESTONE, "invoice", M.status))
    )
