"""Posting invoice proposals (seed 003): one proposal from its page (posting on, or a
pro forma that writes nothing), and the periodic "Post invoice proposals" job that
posts every ready one, a chunk of proposals per transaction. Both post through
:func:`billable.erp.proposal_ledger.post_proposals`, the one proposal as a set of one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from billable.documents import issuing
from billable.domain.errors import DomainError
from billable.domain.lifecycle import PROPOSAL
from billable.domain.vocabulary import ProposalState
from billable.erp.printout import render_printout
from billable.erp.proposal_ledger import SOURCE_TYPE, post_proposals
from billable.persistence.lookups import get
from billable.persistence.tables import InvoiceProposal
from billable.persistence.uow import UnitOfWork

__all__ = [
    "SOURCE_TYPE",
    "PostOutcome",
    "PostReadyResult",
    "post_chunk",
    "post_proposal",
    "post_ready",
]
READY = sorted(PROPOSAL.sources_of("post"))


@dataclass(frozen=True)
class PostOutcome:
    """What ``POST /invoice-proposals/{id}/post`` did: ``pro_forma`` when nothing was
    written; ``printout`` (HTML) when a printout was asked for."""

    proposal_id: int
    pro_forma: bool
    printout: str | None = None
    #: Why the customer invoice it issues (or would issue) cannot be a valid e-invoice.
    warnings: list[dict[str, Any]] = field(default_factory=list)
    customer_invoice_id: int | None = None

    @property
    def printed(self) -> bool:
        """Whether a printout was made."""
        return self.printout is not None


def post_proposal(uow: UnitOfWork, ident: str | int, posting: bool, print_: bool) -> PostOutcome:
    """Post a ready proposal (one voucher, then immutable), or with ``posting`` off a
    pro forma: the same checks, nothing written. Waiting or posted: 409."""
    with uow:
        session = uow.session
        proposal = get(session, InvoiceProposal, str(ident), "invoice proposal", lock=True)
        issued = None
        PROPOSAL.next_state(proposal.status, "post")
        if posting:
            issued = post_proposals(session, [proposal])[proposal.id]
        # A pro forma says beforehand what the invoice it would issue lacks.
        warnings = issued.problems if issued else issuing.warnings(session, proposal)
        # Printed after posting, inside the transaction: the printout shows what was posted.
        printout = render_printout(session, proposal, pro_forma=not posting) if print_ else None
        if posting:
            uow.commit()
        ident_issued = issued.id if issued else None
        return PostOutcome(proposal.id, not posting, printout, warnings, ident_issued)


@dataclass
class PostReadyResult:
    """What the periodic posting did: numbers posted, those someone else posted while it
    ran, and why the others failed."""

    posted: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    posted_meanwhile: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The job's result."""
        return {
            "posted": self.posted,  # not vocabulary: a key of the job's result
            "failed": self.failed,  # not vocabulary: a key of the job's result
            "posted_meanwhile": self.posted_meanwhile,
        }


def ready_proposals(uow: UnitOfWork) -> list[tuple[int, str]]:
    """The (id, number) of every ready proposal, oldest first."""
    with uow:
        rows = uow.session.execute(
            select(InvoiceProposal.id, InvoiceProposal.number)
            .where(InvoiceProposal.status.in_(READY))
            .order_by(InvoiceProposal.id)
        ).all()
        return [(ident, number) for ident, number in rows]


#: Proposals per transaction of the periodic posting.
CHUNK = 100


def _statuses(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, str]:
    with uow:
        rows = uow.session.execute(
            select(InvoiceProposal.id, InvoiceProposal.status).where(InvoiceProposal.id.in_(ids))
        )
        return {ident: status for ident, status in rows}


def _post_together(uow: UnitOfWork, ids: Sequence[int]) -> list[int]:
    """Post those of ``ids`` still ready in one transaction; returns them. Refused (and
    nothing written) when any of them refuses."""
    with uow:
        session = uow.session
        proposals = session.scalars(
            select(InvoiceProposal)
            .where(InvoiceProposal.id.in_(ids), InvoiceProposal.status.in_(READY))
            .order_by(InvoiceProposal.id)
            .with_for_update()
        ).all()
        post_proposals(session, proposals)
        uow.commit()
        return [p.id for p in proposals]


def post_chunk(uow: UnitOfWork, targets: Sequence[tuple[int, str]]) -> PostReadyResult:
    """Post a chunk of proposals ``(id, number)`` together, all or nothing. When one of
    them refuses, each is posted on its own instead, so the refusal is reported with
    its reason and the others are posted. Those no longer ready are reported posted
    meanwhile (someone posted them) or failed (why they cannot be posted)."""
    result = PostReadyResult()
    ids = [ident for ident, _ in targets]
    try:
        done = set(_post_together(uow, ids))
    except DomainError:
        done = set()
        for ident, number in targets:
            try:
                post_proposal(uow, ident, posting=True, print_=False)
                done.add(ident)
            except DomainError as exc:
                result.failed[number] = exc.detail
    statuses = _statuses(uow, [i for i, n in targets if i not in done and n not in result.failed])
    for ident, number in targets:
        if ident in done:
            result.posted.append(number)
        elif ident in statuses:
            if statuses[ident] == ProposalState.POSTED:
                result.posted_meanwhile.append(number)
            else:
                result.failed[number] = f"invoice proposal {number} is {statuses[ident]}"
    return result


def post_ready(
    make_uow: Callable[[], UnitOfWork],
    progress: Callable[[int, int], None] | None = None,
    chunk: int = CHUNK,
) -> PostReadyResult:
    """Post every ready proposal, ``chunk`` proposals per transaction (each chunk whole
    or not at all): a refusal leaves the others posted and is reported with its reason.
    A rerun after an interruption posts the rest."""
    todo = ready_proposals(make_uow())
    result = PostReadyResult()
    for start in range(0, len(todo), chunk):
        part = post_chunk(make_uow(), todo[start : start + chunk])
        result.posted += part.posted
        result.failed.update(part.failed)
        result.posted_meanwhile += part.posted_meanwhile
        if progress:
            progress(min(start + chunk, len(todo)), len(todo))
    return result
