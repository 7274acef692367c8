"""Confirming an invoice and correcting a confirmed one: the use cases.

Confirming one invoice is confirming a set of one
(:func:`billable.billing.bulk_confirm.confirm_invoices`), so the one-invoice path and
the bulk job write the same rows by the same statements.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from billable.billing.bulk_confirm import confirm_invoices
from billable.billing.bulk_create import prepare_chunk
from billable.billing.correction_writes import (
    billed_in_force,
    pending_correction,
    write_corrective_details,
)
from billable.billing.invoicing import INVOICE_SEQUENCE, invoice_number
from billable.billing.named_corrections import Named, covered, set_quantities
from billable.billing.totals import recalculate
from billable.domain.errors import Conflict
from billable.domain.lifecycle import INVOICE
from billable.domain.vocabulary import InvoiceState, PaymentState
from billable.persistence.lookups import get, next_number
from billable.persistence.rows import CORRECTIVE_HEADER
from billable.persistence.tables import Invoice
from billable.persistence.uow import UnitOfWork


def confirm_invoice(uow: UnitOfWork, ident: str) -> int:
    """Confirm a draft or in-review invoice: billed actuals, reversals, remainders back to
    the backlog, milestone and product statuses and its invoice proposal, all in one
    transaction. An invoice with no details is refused: delete it instead."""
    with uow:
        session = uow.session
        invoice = get(session, Invoice, ident, "invoice", lock=True)
        INVOICE.next_state(invoice.project_invoice_status, "confirm")  # 409 naming the state
        invoice_id = invoice.id
        prepare_chunk(session, 0, confirming=True)
        confirm_invoices(session, [invoice_id])
        uow.commit()
    return invoice_id


def correct_invoice(
    uow: UnitOfWork,
    ident: str,
    invoice_date: dt.date | None = None,
    named: Named | None = None,
) -> int:
    """A draft corrective invoice carrying every billed transaction of ``ident`` (as now in
    force) at quantity 0, so the user deletes what needs no correction and sets the rest.
    ``named`` (detail id, quantity) puts only those details on it, at those quantities."""
    with uow:
        session = uow.session
        original = get(session, Invoice, ident, "invoice", lock=True)
        INVOICE.next_state(original.project_invoice_status, "correct")
        rows = billed_in_force(session, original.id)
        if not rows:
            raise Conflict("nothing billed on this invoice is left to correct")
        quantities = None
        if named is not None:
            quantities = covered(session, original.id, rows, named)
            rows = [row for row in rows if row.current in quantities]
        currents = None if named is None else [row.current for row in rows]
        pending = pending_correction(session, original.id, currents)
        if pending is not None:
            raise Conflict(
                f"invoice {pending} already corrects these transactions; confirm or edit it first"
            )
        corrective = _corrective_header(session, original, invoice_date or dt.date.today())
        write_corrective_details(session, corrective, original.id, rows, currents)
        if quantities is not None:
            set_quantities(session, corrective, quantities)
        recalculate(session, corrective)
        uow.commit()
    return corrective.id


def _corrective_header(session: Session, original: Invoice, invoice_date: dt.date) -> Invoice:
    """A new draft invoice copying the whitelisted header fields of ``original``."""
    corrective = Invoice(
        **{name: getattr(original, name) for name in CORRECTIVE_HEADER.copied},
        number=invoice_number(next_number(session, INVOICE_SEQUENCE)),
        corrects_invoice_id=original.id,
        invoice_date=invoice_date,
        status=PaymentState.ACTIVE,
        project_invoice_status=InvoiceState.DRAFT,
    )
    session.add(corrective)
    session.flush()
    return corrective
