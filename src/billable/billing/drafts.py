"""Drafts as a whole: renaming an invoice line, and deleting draft invoices.

Deleting is set-based (one invoice is a set of one): what the details held goes back to
the billing backlog in grouped statements, whatever the number of details. Unbilled
actuals need no write: an actual is on an invoice only through a detail naming it (the
unique ``invoice_line_details.actual_id``), so removing the detail makes it invoiceable
again, with the ready flag it had. Milestones and product lines move back by the
lifecycle tables' ``uninvoice``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from billable.domain.errors import Conflict
from billable.domain.invoice import DetailSource, check_line_edit
from billable.domain.lifecycle import INVOICE, MILESTONE, PRODUCT_LINE
from billable.persistence.lookups import get
from billable.persistence.tables import (
    ContractLine,
    Invoice,
    InvoiceLine,
    InvoiceLineDetail,
    InvoiceRunContract,
    Milestone,
)
from billable.persistence.transitions import allows, moved
from billable.persistence.uow import UnitOfWork

D = InvoiceLineDetail


def update_line(uow: UnitOfWork, ident: str, fields: Mapping[str, Any]) -> int:
    """PATCH an invoice line of a draft: its name (seed 001). A confirmed invoice is
    read-only (409); a field locked on the line's kind is refused (422)."""
    with uow:
        session = uow.session
        line = get(session, InvoiceLine, ident, "invoice line")
        invoice = get(session, Invoice, line.invoice_id, "invoice", lock=True)
        INVOICE.next_state(invoice.project_invoice_status, "edit")
        check_line_edit(line.kind, fields)
        if "name" in fields:
            line.name = fields["name"]
        uow.commit()
    return line.id


def delete_invoice(uow: UnitOfWork, ident: str) -> None:
    """Delete a draft or in-review invoice: its details go back to the backlog, its
    milestones and product lines back to ready, all in one transaction. 409 once
    confirmed (a confirmed invoice is corrected, never deleted)."""
    with uow:
        session = uow.session
        invoice = get(session, Invoice, ident, "invoice", lock=True)
        INVOICE.next_state(invoice.project_invoice_status, "delete")  # 409 naming the state
        delete_invoices(session, [invoice.id])
        uow.commit()


def delete_invoices(session: Session, ids: Sequence[int]) -> None:
    """Remove the invoices ``ids`` (locked by the caller, each in a state ``delete`` is
    allowed from) with their lines and details, returning what they held to the backlog.
    Refuses (409) the whole set if any invoice left those states meanwhile."""
    deletable = allows(INVOICE, "delete", Invoice.project_invoice_status)
    found = session.scalar(select(Invoice.id).where(Invoice.id.in_(ids), ~deletable).limit(1))
    if found is not None:
        raise Conflict(f"invoice {found} is confirmed; correct it instead of deleting it")
    _uninvoice(session, ids)
    session.execute(
        update(InvoiceRunContract)
        .where(InvoiceRunContract.invoice_id.in_(ids))
        .values(invoice_id=None)  # the run still handled the contract on its date
        .execution_options(synchronize_session=False)
    )
    for table, column in ((D, D.invoice_id), (InvoiceLine, InvoiceLine.invoice_id)):
        session.execute(
            delete(table).where(column.in_(ids)).execution_options(synchronize_session=False)
        )
    session.execute(
        delete(Invoice)
        .where(Invoice.id.in_(ids), deletable)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()  # rows loaded before are gone; nothing may flush them back


def _uninvoice(session: Session, ids: Sequence[int]) -> None:
    """Milestones and product lines on the invoices back to ready, by the tables."""
    milestones = select(D.milestone_id).where(
        D.invoice_id.in_(ids), D.source == DetailSource.MILESTONE
    )
    session.execute(
        update(Milestone)
        .where(Milestone.id.in_(milestones), allows(MILESTONE, "uninvoice", Milestone.status))
        .values(status=moved(MILESTONE, "uninvoice", Milestone.status))
        .execution_options(synchronize_session=False)
    )
    products = select(D.product_line_id).where(
        D.invoice_id.in_(ids), D.source == DetailSource.PRODUCT
    )
    CL = ContractLine
    session.execute(
        update(CL)
        .where(CL.id.in_(products), allows(PRODUCT_LINE, "uninvoice", CL.product_status))
        .values(product_status=moved(PRODUCT_LINE, "uninvoice", CL.product_status))
        .execution_options(synchronize_session=False)
    )
