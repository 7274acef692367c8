"""Bulk creation and bulk confirmation as jobs.

What a job has done lives in its row (``result``), written under the row's lock in the
same transaction as the chunk that did it: a retry reads it back and carries on, and
the result at the end counts every attempt, not just the last.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from billable.billing.bulk_confirm import EMPTY, confirm_in_chunks, empty_invoices
from billable.billing.bulk_create import create_invoices, prepare_chunk
from billable.domain.vocabulary import NotificationLevel
from billable.jobs import records as jobs
from billable.jobs.outcome import CONFIRMED, Outcome, UowFactory
from billable.persistence.tables import Job
from billable.persistence.uow import UnitOfWork

CHUNK = 200


def _bulk_state(result: dict[str, Any] | None) -> tuple[dict[str, str], list[str]]:
    """(contract -> invoice, contracts skipped) as a job's result records them."""
    result = result or {}
    return dict(result.get("invoices", {})), list(result.get("contracts_skipped", []))


def _bulk_chunk(uow: UnitOfWork, job: Job, chunk: list[int], index: int, total: int) -> None:
    """Invoice the contracts of ``chunk`` not done yet, in one transaction."""
    date = dt.date.fromisoformat(job.params["invoice_date"])
    with uow:
        # What is done is what the job row says under its lock: another execution of
        # this job (its worker taken for dead by the queue) may have done more since.
        current = uow.session.get(Job, job.id, with_for_update=True)
        invoices, skipped = _bulk_state(current.result if current else None)
        todo = [c for c in chunk if str(c) not in invoices and str(c) not in skipped]
        if not todo:
            return
        prepare_chunk(uow.session, index)
        created = create_invoices(uow.session, dict.fromkeys(todo), date, skip_empty=True)
        for contract, invoice in created.invoices.items():
            if invoice is None:
                skipped.append(str(contract))
            else:
                invoices[str(contract)] = str(invoice)
        state = {"invoices": invoices, "contracts_skipped": skipped}
        jobs.record_progress(uow, job.id, len(invoices) + len(skipped), total, state)
        uow.commit()


def bulk_invoice(make_uow: UowFactory, job: Job) -> Outcome:
    """One invoice per contract of ``params.contract_ids`` with something to invoice
    (manual bulk creation); contracts with nothing are skipped and listed.
    ``params.chunk`` (optional) sets how many contracts each transaction takes."""
    ids = [int(i) for i in job.params["contract_ids"]]
    size = int(job.params.get("chunk", CHUNK))
    invoices, skipped = _bulk_state(job.result)
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        if all(str(c) in invoices or str(c) in skipped for c in chunk):
            continue
        _bulk_chunk(make_uow(), job, chunk, start // size, len(ids))
    with make_uow() as uow:
        current = uow.session.get(Job, job.id)
        invoices, skipped = _bulk_state(current.result if current else None)
    message = f"{len(invoices)} invoices created in bulk"
    if skipped:
        message += f", {len(skipped)} contracts had nothing to invoice"
    return Outcome(
        {"invoices": invoices, "contracts_skipped": skipped}, "Invoices created", message
    )


def bulk_confirm(make_uow: UowFactory, job: Job) -> Outcome:
    """Confirm ``params.invoice_ids``; those already confirmed are left as they are, and
    those with no details are skipped and listed (``result.skipped``: id -> why).
    The count adds up every attempt's chunks: each chunk adds what it confirmed to the
    job row in its own transaction."""
    ids = [int(i) for i in job.params["invoice_ids"]]
    holder: list[UnitOfWork] = []
    seen = [0]  # what this attempt had confirmed at its previous chunk

    def make() -> UnitOfWork:
        holder[:] = [make_uow()]
        return holder[0]

    def progress(done: int, total: int, confirmed: int) -> None:
        session = holder[0].session
        current = session.get(Job, job.id, with_for_update=True)
        before = int(((current.result if current else None) or {}).get(CONFIRMED, 0))
        added, seen[0] = confirmed - seen[0], confirmed
        jobs.record_progress(holder[0], job.id, done, total, {CONFIRMED: before + added})

    confirm_in_chunks(make, ids, progress=progress)  # chunks sized by the database
    with make_uow() as uow:
        current = uow.session.get(Job, job.id)
        count = int(((current.result if current else None) or {}).get(CONFIRMED, 0))
        # Read back, not counted: an invoice with nothing on it stays a draft, whichever
        # attempt of the job saw it (rules.md "Nothing empty goes out").
        empty: dict[int, str] = {}
        for start in range(0, len(ids), CHUNK):
            empty.update(empty_invoices(uow.session, ids[start : start + CHUNK]))
    skipped = {str(i): f"{number} {EMPTY}" for i, number in empty.items()}
    result: dict[str, Any] = {CONFIRMED: count}
    message = f"{count} invoices confirmed"
    if skipped:
        result["skipped"] = skipped
        message += f", {len(skipped)} skipped: " + "; ".join(skipped.values())
    # An invoice asked for and left unconfirmed is a failure the user must act on.
    level = NotificationLevel.ERROR if skipped else NotificationLevel.INFO
    return Outcome(result, "Invoices confirmed", message, level)
