"""Confirming invoices, set-based: the one implementation, for one invoice (a set of
one, :func:`billable.billing.confirming.confirm_invoice`) and for many (the bulk-confirm
job, :func:`confirm_in_chunks`).

Per detail it writes what :mod:`billable.domain.confirmation` states (the SQL is built
from those rules, :mod:`billable.billing.confirmation_writes`); per invoice, the state
change and its invoice proposal, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import exists, select, text, update
from sqlalchemy.orm import Session

from billable.billing.bulk_create import prepare_chunk
from billable.billing.confirmation_writes import write_confirmations
from billable.domain.errors import Conflict
from billable.domain.lifecycle import INVOICE
from billable.domain.vocabulary import InvoiceState
from billable.erp.proposals import open_proposals
from billable.persistence import auditing
from billable.persistence.tables import Invoice, InvoiceLineDetail
from billable.persistence.uow import UnitOfWork

#: Why an invoice with nothing on it is not confirmed (rules.md "Nothing empty goes out").
EMPTY = "has no details: there is nothing to confirm; delete it instead"
#: The state confirming leads to, as the lifecycle table names it.
CONFIRMED = INVOICE.target_of("confirm", InvoiceState.DRAFT)
#: The states confirming starts from, as the lifecycle table names them.
CONFIRMABLE = INVOICE.sources_of("confirm")
#: From how many invoices a bulk confirmation first refreshes the planner's statistics.
FRESH_STATISTICS_FROM = 1_000
#: Invoices per transaction on PostgreSQL. A chunk's own statements (the lock, the
#: checks, the invoices' update, their proposals, the commit) cost about the same for
#: 200 invoices as for 500: at 1,000,000 actuals, 500 confirmed 0.5-0.7 s sooner in 20 s.
CHUNK = 500
#: Invoices per transaction on SQLite: one writer at a time there, so a confirmation
#: commits often and the requests queued meanwhile get their turn between its chunks.
SQLITE_CHUNK = 200


def confirm_invoices(session: Session, ids: list[int]) -> None:
    """Confirm invoices ``ids`` inside the caller's transaction: 409 if any may not be
    confirmed from its state or has no details, and then nothing is written."""
    if not ids:
        return
    states = dict(
        session.execute(
            select(Invoice.id, Invoice.project_invoice_status)
            .where(Invoice.id.in_(ids))
            .order_by(Invoice.id)
            .with_for_update()
        ).all()
    )
    refused = sorted(i for i in ids if states.get(i) not in CONFIRMABLE)
    if refused:
        raise Conflict(f"invoices {refused} cannot be confirmed from their state")
    empty = empty_invoices(session, ids)
    if empty:
        numbers = ", ".join(empty.values())
        which = f"invoice {numbers}" if len(empty) == 1 else f"invoices {numbers} each"
        raise Conflict(f"{which} {EMPTY}")
    _write_checked(session, ids)


def _write_checked(session: Session, ids: list[int]) -> None:
    """Confirm invoices ``ids``, already locked, confirmable and with details: the
    actuals, the invoices' state, their proposals and the audit record."""
    write_confirmations(session, ids)
    confirmed = session.execute(
        update(Invoice)
        .where(Invoice.id.in_(ids), Invoice.project_invoice_status.in_(CONFIRMABLE))
        .values(
            project_invoice_status=CONFIRMED,
            confirmed_at=auditing.now(),
            confirmed_by=auditing.actor_name(),
            version=Invoice.version + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if confirmed != len(set(ids)):  # cannot happen under the row locks; never half of it
        raise Conflict("an invoice changed while it was confirmed; reload and retry")
    open_proposals(session, ids)  # the invoice proposals, same numbers
    auditing.record(session, "invoice", ids, {"project_invoice_status": CONFIRMED})


def empty_invoices(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """Of invoices ``ids`` still to be confirmed, those without a detail: id -> number."""
    has_detail = exists().where(InvoiceLineDetail.invoice_id == Invoice.id)
    return dict(
        session.execute(
            select(Invoice.id, Invoice.number)
            .where(
                Invoice.id.in_(ids),
                Invoice.project_invoice_status.in_(CONFIRMABLE),
                ~has_detail,
            )
            .order_by(Invoice.id)
        ).all()
    )


def confirm_in_chunks(
    make_uow: Callable[[], UnitOfWork],
    ids: list[int],
    chunk: int | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> int:
    """Confirm ``ids`` set-based, ``chunk`` invoices a transaction (None: the database's
    :data:`CHUNK` or :data:`SQLITE_CHUNK`); those no longer confirmable (done by an
    earlier attempt) and those with no details (see :func:`empty_invoices`) are skipped.
    Returns how many it confirmed. ``progress(done, total, confirmed)`` is called inside
    each chunk's transaction."""
    postgresql = make_uow().on_postgresql()
    if postgresql and len(ids) >= FRESH_STATISTICS_FROM:
        _refresh_statistics(make_uow)
    if chunk is None:
        chunk = CHUNK if postgresql else SQLITE_CHUNK
    confirmed = 0
    for start in range(0, len(ids), chunk):
        uow = make_uow()
        with uow:
            prepare_chunk(uow.session, start // chunk, confirming=True)
            # Lock first, then filter: a concurrent attempt at the same job may have
            # confirmed some of these while we waited (the re-checked rows drop out).
            todo = list(
                uow.session.scalars(
                    select(Invoice.id)
                    .where(
                        Invoice.id.in_(ids[start : start + chunk]),
                        Invoice.project_invoice_status.in_(CONFIRMABLE),
                    )
                    .order_by(Invoice.id)
                    .with_for_update()
                )
            )
            empty = empty_invoices(uow.session, todo)
            todo = [i for i in todo if i not in empty]
            if todo:  # locked, confirmable and with details: checked once, here
                _write_checked(uow.session, todo)
            confirmed += len(todo)
            if progress:
                progress(min(start + chunk, len(ids)), len(ids), confirmed)
            uow.commit()
    return confirmed


def _refresh_statistics(make_uow: Callable[[], UnitOfWork]) -> None:
    """PostgreSQL: ``ANALYZE`` the invoices and their lines, in a short transaction
    of its own before the first chunk.

    The drafts were usually made just before (an invoice run, then its confirmation), so
    their statistics are those of before: no draft, and the planner reads every draft by
    the status index where a chunk needs its own by key (39 ms a query at 10,000
    drafts, several queries a chunk). Tens of ms; not the details, which creation
    refreshes already and whose sample costs about a second at 200,000 rows.
    """
    uow = make_uow()
    with uow:
        uow.session.execute(text("ANALYZE invoices, invoice_lines"))
        uow.commit()
