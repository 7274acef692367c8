"""Creating a proforma invoice for one contract, and refreshing a draft's transactions.

Both are the set-based write path for a set of one: creation is
:func:`billable.billing.bulk_create.create_invoices` for one contract, refresh is its
detail inserts (:func:`billable.billing.invoice_writes.add_details`) for one draft.
"""

from __future__ import annotations

import datetime as dt

from billable.billing.bulk_create import create_invoices
from billable.billing.invoice_rows import INVOICE_SEQUENCE, invoice_number, mirror_line
from billable.billing.invoice_writes import add_details
from billable.billing.totals import update_totals
from billable.domain.errors import Conflict
from billable.domain.lifecycle import INVOICE
from billable.persistence.lookups import get
from billable.persistence.tables import Contract, Invoice
from billable.persistence.uow import UnitOfWork

# Numbers and the line map live with the other column maps; use cases import them here.
__all__ = [
    "INVOICE_SEQUENCE",
    "create_invoice",
    "invoice_number",
    "mirror_line",
    "refresh_invoice",
]


def create_invoice(uow: UnitOfWork, contract_id: str, invoice_date: dt.date | None) -> int:
    """A draft invoice for everything ready on a contract: one line per contract line."""
    with uow:
        session = uow.session
        # Locked (and a 404 for an unknown id) before anything is read: concurrent
        # creations for one contract queue here, and each takes only what is left.
        contract = get(session, Contract, contract_id, "contract", lock=True)
        created = create_invoices(
            session, {contract.id: None}, invoice_date or dt.date.today(), skip_empty=False
        )
        uow.commit()
    invoice_id = created.invoices[contract.id]
    assert invoice_id is not None  # without skip_empty every contract gets its invoice
    return invoice_id


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
        ident = invoice.id
        add_details(session, [ident], invoice.invoice_date, products=False)
        update_totals(session, [ident])
        uow.commit()
    return ident
