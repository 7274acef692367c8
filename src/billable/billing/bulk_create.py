"""Set-based invoice creation: many contracts in one transaction, in SQL over sets of rows.

Headers and lines (one row per contract and contract line) are inserted in batches;
details, totals and statuses are ``INSERT ... SELECT`` and ``UPDATE ... (SELECT ...)``
statements, so no Python object is made per actual and memory stays flat. The
results are the same as :func:`billable.billing.invoicing.build_invoice` per
contract (a test compares them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, func, insert, literal, select, text, update
from sqlalchemy.orm import Session

from billable.billing.backlog import invoiceable_condition
from billable.billing.invoicing import INVOICE_SEQUENCE, invoice_number, product_tax
from billable.domain.lifecycle import MILESTONE, PRODUCT_LINE
from billable.domain.money import ZERO
from billable.persistence.lookups import reserve_numbers
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

D, IL = InvoiceLineDetail, InvoiceLine
_BILL_TO = ("name", "street", "city", "postal_code", "country")


@dataclass(frozen=True)
class Created:
    """What one set-based creation did, per contract: its invoice, or None (skipped)."""

    invoices: dict[int, int | None]


def lines_with_work(session: Session, line_ids: Sequence[int], invoice_date: dt.date) -> set[int]:
    """The contract lines among ``line_ids`` with something to invoice on ``invoice_date``."""
    if not line_ids:
        return set()
    # One probe per line that stops at its first invoiceable actual (not every actual).
    has_actual = exists().where(
        Actual.contract_line_id == ContractLine.id, invoiceable_condition(invoice_date)
    )
    found = set(
        session.scalars(select(ContractLine.id).where(ContractLine.id.in_(line_ids), has_actual))
    )
    found |= set(
        session.scalars(
            select(Milestone.contract_line_id).where(
                Milestone.contract_line_id.in_(line_ids),
                Milestone.status == "ready_to_invoice",
            )
        )
    )
    found |= set(
        session.scalars(
            select(ContractLine.id).where(
                ContractLine.id.in_(line_ids), ContractLine.product_status == "ready_to_invoice"
            )
        )
    )
    return {line for line in found if line is not None}


def create_invoices(
    session: Session,
    plan: Mapping[int, Sequence[int] | None],
    invoice_date: dt.date,
    *,
    skip_empty: bool,
) -> Created:
    """Create one invoice per contract of ``plan`` (contract id -> its due line ids, or
    None for every line), inside the caller's transaction.

    ``skip_empty`` leaves out contracts whose lines have nothing to invoice (automated
    runs); without it every contract gets an invoice, empty lines included (manual).
    """
    contract_ids = sorted(plan)
    contracts = {
        c.id: c
        for c in session.scalars(
            select(Contract)
            .where(Contract.id.in_(contract_ids))
            .order_by(Contract.id)
            .with_for_update()
        )
    }
    lines_by_contract: dict[int, list[ContractLine]] = {cid: [] for cid in contract_ids}
    for line in session.scalars(
        select(ContractLine)
        .where(ContractLine.contract_id.in_(contract_ids))
        .order_by(ContractLine.id)
    ):
        wanted = plan[line.contract_id]
        if wanted is None or line.id in wanted:
            lines_by_contract[line.contract_id].append(line)
    if skip_empty:
        busy = lines_with_work(
            session, [ln.id for lines in lines_by_contract.values() for ln in lines], invoice_date
        )
        for cid, lines in lines_by_contract.items():
            lines_by_contract[cid] = (
                [ln for ln in lines if ln.id in busy] if any(ln.id in busy for ln in lines) else []
            )
    to_invoice = [
        cid
        for cid in contract_ids
        if cid in contracts and (lines_by_contract[cid] or not skip_empty)
    ]
    result: dict[int, int | None] = {cid: None for cid in contract_ids}
    if not to_invoice:
        return Created(result)
    invoice_ids = _insert_headers(session, [contracts[c] for c in to_invoice], invoice_date)
    result.update(invoice_ids)
    _insert_lines(session, invoice_ids, lines_by_contract)
    ids = list(invoice_ids.values())
    _insert_product_details(session, ids, invoice_date)
    _insert_actual_details(session, ids, invoice_date)
    _insert_milestone_details(session, ids)
    update_totals(session, ids)
    return Created(result)


def _insert_headers(
    session: Session, contracts: list[Contract], invoice_date: dt.date
) -> dict[int, int]:
    first = reserve_numbers(session, INVOICE_SEQUENCE, len(contracts))
    rows = [
        {
            "number": invoice_number(first + offset),
            "name": c.name,
            "description": c.description,
            "contract_id": c.id,
            "customer_id": c.customer_id,
            "currency": c.currency,
            "price_list_id": c.price_list_id,
            "opportunity": c.opportunity,
            "invoice_date": invoice_date,
            "status": "active",
            "project_invoice_status": "draft",
            "detail_amount": ZERO,
            "discount_percent": ZERO,
            "discount_amount": ZERO,
            "pre_freight_amount": ZERO,
            "freight_amount": ZERO,
            "total_tax": ZERO,
            "total_amount": ZERO,
            "version": 1,
            **{f"bill_to_{p}": getattr(c, f"bill_to_{p}") for p in _BILL_TO},
        }
        for offset, c in enumerate(contracts)
    ]
    # A plain executemany (RETURNING with parameter order goes row by row on psycopg);
    # the numbers just reserved find the new ids.
    session.execute(insert(Invoice), rows)
    numbers = [row["number"] for row in rows]
    found = session.execute(
        select(Invoice.id, Invoice.contract_id).where(Invoice.number.in_(numbers))
    )
    return {contract_id: invoice_id for invoice_id, contract_id in found}


def _insert_lines(
    session: Session,
    invoice_ids: Mapping[int, int],
    lines_by_contract: Mapping[int, list[ContractLine]],
) -> None:
    rows: list[dict[str, Any]] = [
        {
            "invoice_id": invoice_id,
            "contract_line_id": ln.id,
            "name": ln.name,
            "kind": ln.kind,
            "project_id": ln.project_id,
            "billing_method": ln.billing_method,
            "contract_line_amount": ln.amount,
            "amount": ZERO,
            "tax": ZERO,
            "extended_amount": ZERO,
        }
        for contract_id, invoice_id in invoice_ids.items()
        for ln in lines_by_contract[contract_id]
    ]
    if rows:
        session.execute(insert(InvoiceLine), rows)


def _detail_insert(columns: Sequence[str], source: Any) -> Any:
    return insert(D).from_select(list(columns), source)


def _insert_product_details(session: Session, ids: list[int], invoice_date: dt.date) -> None:
    claimed_state = PRODUCT_LINE.target_of("invoice", "ready_to_invoice")
    line_ids = list(
        session.scalars(
            select(IL.contract_line_id).where(IL.invoice_id.in_(ids), IL.kind == "product")
        )
    )
    if not line_ids:
        return
    claimed = list(
        session.scalars(
            update(ContractLine)
            .where(ContractLine.id.in_(line_ids), ContractLine.product_status == "ready_to_invoice")
            .values(product_status=claimed_state)
            .returning(ContractLine.id)
        )
    )
    if not claimed:
        return
    CL, P = ContractLine, Product
    columns = {
        "invoice_id": IL.invoice_id,
        "invoice_line_id": IL.id,
        "source": literal("product"),
        "product_line_id": CL.id,
        "transaction_class": literal("product"),
        "transaction_type": literal("billed_sales"),
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
        "billing_type": literal("chargeable"),
    }
    source = (
        select(*columns.values())
        .select_from(IL)
        .join(CL, CL.id == IL.contract_line_id)
        .join(Invoice, Invoice.id == IL.invoice_id)
        .outerjoin(P, P.id == CL.product_id)
        .where(IL.invoice_id.in_(ids), CL.id.in_(claimed))
    )
    session.execute(_detail_insert(list(columns), source))
    _tax_product_details(session, ids, claimed)


def _tax_product_details(session: Session, ids: list[int], claimed: list[int]) -> None:
    """Give the product details just inserted their sales tax: one small update per
    taxed product line (there is one detail per claimed line, so this stays per line,
    never per actual), with the same arithmetic as the one-at-a-time path."""
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


def _insert_actual_details(session: Session, ids: list[int], invoice_date: dt.date) -> None:
    A = Actual
    columns = {
        "invoice_id": IL.invoice_id,
        "invoice_line_id": IL.id,
        "source": literal("actual"),
        "actual_id": A.id,
        "milestone_id": A.milestone_id,
        "transaction_class": A.transaction_class,
        "transaction_type": literal("unbilled_sales"),
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
    source = (
        select(*columns.values())
        .select_from(A)
        .join(IL, IL.contract_line_id == A.contract_line_id)
        .where(
            IL.invoice_id.in_(ids),
            # The same lines named on the actuals side, so the planner can reach them
            # through the partial backlog index instead of scanning every actual.
            A.contract_line_id.in_(select(IL.contract_line_id).where(IL.invoice_id.in_(ids))),
            invoiceable_condition(invoice_date),
        )
        .order_by(IL.invoice_id, A.date, A.id)
    )
    session.execute(_detail_insert(list(columns), source))


def _insert_milestone_details(session: Session, ids: list[int]) -> None:
    M = Milestone
    columns = {
        "invoice_id": IL.invoice_id,
        "invoice_line_id": IL.id,
        "source": literal("milestone"),
        "milestone_id": M.id,
        "transaction_class": literal("milestone"),
        "transaction_type": literal("billed_sales"),
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
        "billing_type": literal("chargeable"),
    }
    ready = and_(M.contract_line_id == IL.contract_line_id, M.status == "ready_to_invoice")
    source = (
        select(*columns.values())
        .select_from(IL)
        .join(M, ready)
        .join(Invoice, Invoice.id == IL.invoice_id)
        .where(IL.invoice_id.in_(ids))
        .order_by(IL.invoice_id, M.date, M.id)
    )
    session.execute(_detail_insert(list(columns), source))
    session.execute(
        update(M)
        .where(
            M.id.in_(select(D.milestone_id).where(D.invoice_id.in_(ids), D.source == "milestone")),
            M.status == "ready_to_invoice",
        )
        .values(status=MILESTONE.target_of("invoice", "ready_to_invoice"))
    )


def update_totals(session: Session, ids: list[int]) -> None:
    """Line and header totals of invoices ``ids`` by SQL sums of chargeable details."""
    zero = literal(ZERO, IL.amount.type)
    session.execute(
        update(IL).where(IL.invoice_id.in_(ids)).values(amount=zero, tax=zero, extended_amount=zero)
    )
    sums = (
        select(
            D.invoice_line_id.label("line_id"),
            func.sum(D.amount).label("amount"),
            func.sum(D.tax).label("tax"),
        )
        .where(D.invoice_id.in_(ids), D.billing_type == "chargeable")
        .group_by(D.invoice_line_id)
        .subquery()
    )
    session.execute(
        update(IL)
        .where(IL.id == sums.c.line_id)
        .values(amount=sums.c.amount, tax=sums.c.tax, extended_amount=sums.c.amount + sums.c.tax)
        .execution_options(synchronize_session=False)
    )
    heads = (
        select(
            IL.invoice_id.label("invoice_id"),
            func.sum(IL.amount).label("amount"),
            func.sum(IL.tax).label("tax"),
        )
        .where(IL.invoice_id.in_(ids))
        .group_by(IL.invoice_id)
        .subquery()
    )
    session.execute(
        update(Invoice)
        .where(Invoice.id == heads.c.invoice_id)
        .values(
            detail_amount=heads.c.amount,
            pre_freight_amount=heads.c.amount,
            total_tax=heads.c.tax,
            total_amount=heads.c.amount + heads.c.tax,
            version=Invoice.version + 1,
        )
        .execution_options(synchronize_session=False)
    )


def prepare_chunk(session: Session, index: int, *, confirming: bool = False) -> None:
    """Planner settings for chunk ``index`` of a set-based job, inside its transaction.

    PostgreSQL only. Creation: enough sort memory for the ordered INSERT ... SELECT, and
    fresh statistics on the details table at chunks 0, 1, 2, 4, 8... (planned with the
    statistics of an empty table, the backlog's anti-join scans every detail per actual
    and a run goes quadratic). Confirmation: nested loops only. Every join there goes
    from the chunk's details to rows by key, so its cost must follow the chunk, not the
    table; left to itself the planner walked the whole actuals key (merge join) or
    scanned the whole table (hash join) in every chunk.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(text("SET LOCAL work_mem = '64MB'"))
    if confirming:
        session.execute(text("SET LOCAL enable_mergejoin = off"))
        session.execute(text("SET LOCAL enable_hashjoin = off"))
    elif index & (index - 1) == 0:
        session.execute(text("ANALYZE invoice_line_details"))
