"""Import from staging (seed 003): the lines of waiting invoice proposals, set-based.

A proposal's lines arrive only once every time-and-material transaction on it has been
posted through the integration journal. Those transactions are the unbilled sales
actuals its invoice's confirmation consumed (the reversal rows it wrote point at them);
each needs a current posted sales transaction. The lines themselves are
:mod:`billable.erp.proposal_lines` (decided) and
:mod:`billable.erp.proposal_writes` (written in one ``INSERT ... SELECT``).

One implementation: :func:`import_proposals` over a set of proposals; the selective
import (:func:`import_one`) is a set of one, the periodic one (:func:`import_all`) runs
it over chunks of waiting proposals, each chunk its own transaction, so an interrupted
import leaves every chunk whole and a rerun imports the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from billable.domain.errors import Conflict
from billable.domain.lifecycle import PROPOSAL
from billable.erp.proposal_reads import PlainRow, consumed_by, posted_sales, unposted_consumed
from billable.erp.proposal_writes import write_lines
from billable.erp.proposals import WAITING
from billable.persistence.lookups import get
from billable.persistence.tables import InvoiceProposal
from billable.persistence.uow import UnitOfWork

__all__ = [
    "CHUNK",
    "ImportResult",
    "consumed_actuals",
    "import_all",
    "import_lines",
    "import_one",
    "import_proposals",
    "posted_sales",
    "waiting_for",
    "waiting_of",
]

#: Proposals per transaction of the periodic import.
CHUNK = 200


def consumed_actuals(session: Session, invoice_id: int) -> list[PlainRow]:
    """The unbilled sales actuals the confirmation of ``invoice_id`` consumed (rows of
    their id, project, class and date)."""
    return consumed_by(session, [invoice_id])[invoice_id]


def waiting_of(session: Session, invoice_ids: Sequence[int]) -> dict[int, list[PlainRow]]:
    """Per invoice, the transactions on its proposal the integration journal takes
    (every consumed unbilled sale of a project: time and material, but also a credited
    milestone or product back in the backlog) not yet posted. Posting before them would
    leave the WIP the journal accrues for them afterwards never reversed. One anti-join:
    an invoice none of whose transactions waits reads no rows."""
    return unposted_consumed(session, invoice_ids)


def waiting_for(session: Session, proposal: InvoiceProposal) -> list[PlainRow]:
    """:func:`waiting_of` for one proposal."""
    return waiting_of(session, [proposal.invoice_id])[proposal.invoice_id]


def import_proposals(session: Session, proposals: Sequence[InvoiceProposal]) -> None:
    """Write the lines of proposals whose transactions are all posted, and make them
    ready (in the caller's transaction; the caller checked :func:`waiting_of`). 409 if
    any may not be imported from its state, and then nothing is written."""
    if not proposals:
        return
    targets = {PROPOSAL.next_state(p.status, "import") for p in proposals}
    [target] = targets  # one source state, one target
    write_lines(session, proposals)
    session.execute(
        update(InvoiceProposal)
        .where(InvoiceProposal.id.in_([p.id for p in proposals]))
        .values(
            status=target,
            imported_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            version=InvoiceProposal.version + 1,
        )
        .execution_options(synchronize_session="fetch")
    )


def import_lines(session: Session, proposal: InvoiceProposal) -> None:
    """:func:`import_proposals` for one proposal."""
    import_proposals(session, [proposal])


def _describe(waiting: list[PlainRow]) -> str:
    shown = ", ".join(f"{a.id} ({a.transaction_class}, {a.date.isoformat()})" for a in waiting[:10])
    more = f" and {len(waiting) - 10} more" if len(waiting) > 10 else ""
    return f"actuals {shown}{more}"


def import_one(uow: UnitOfWork, ident: str) -> int:
    """Selective import from staging: the lines of one proposal now, or 409 naming the
    transactions it waits for."""
    with uow:
        session = uow.session
        proposal = get(session, InvoiceProposal, ident, "invoice proposal", lock=True)
        PROPOSAL.next_state(proposal.status, "import")
        waiting = waiting_for(session, proposal)
        if waiting:
            raise Conflict(
                f"invoice proposal {proposal.number} waits for {len(waiting)} "
                "unbilled sales transactions not yet posted through the integration "
                f"journal: {_describe(waiting)}"
            )
        import_proposals(session, [proposal])
        uow.commit()
        return proposal.id


@dataclass(frozen=True)
class ImportResult:
    """What a periodic import did: proposals made ready, proposals still waiting."""

    imported: list[int]
    waiting: list[int]


def _import_chunk(uow: UnitOfWork, ids: list[int]) -> tuple[list[int], list[int]]:
    """One chunk in one transaction: (imported, still waiting). Those no longer waiting
    when locked (imported meanwhile) are left alone."""
    with uow:
        session = uow.session
        proposals = session.scalars(
            select(InvoiceProposal)
            .where(InvoiceProposal.id.in_(ids), InvoiceProposal.status == WAITING)
            .order_by(InvoiceProposal.id)
            .with_for_update()
        ).all()
        waiting = waiting_of(session, [p.invoice_id for p in proposals])
        ready = [p for p in proposals if not waiting[p.invoice_id]]
        import_proposals(session, ready)
        uow.commit()
        return [p.id for p in ready], [p.id for p in proposals if waiting[p.invoice_id]]


def import_all(uow: UnitOfWork, chunk: int = CHUNK) -> ImportResult:
    """The periodic import from staging: every waiting proposal whose transactions are
    all posted gets its lines, ``chunk`` proposals per transaction (``uow`` entered once
    per chunk); the others keep waiting."""
    with uow:
        ids = list(
            uow.session.scalars(
                select(InvoiceProposal.id)
                .where(InvoiceProposal.status == WAITING)
                .order_by(InvoiceProposal.id)
            )
        )
    imported: list[int] = []
    still: list[int] = []
    for start in range(0, len(ids), chunk):
        done, waiting = _import_chunk(uow, ids[start : start + chunk])
        imported += done
        still += waiting
    return ImportResult(imported, still)
