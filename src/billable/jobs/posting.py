"""Posting every ready invoice proposal as a job.

The proposals to post are fixed by the job's first attempt and kept in its row with
what became of each; a retry skips those handled and finds those an interrupted
attempt posted already posted, so the result counts the whole job's history.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from billable.domain.errors import DomainError
from billable.domain.vocabulary import NotificationLevel, ProposalState
from billable.erp.proposal_posting import post_proposal, ready_proposals
from billable.jobs import records as jobs
from billable.jobs.outcome import FAILED, POSTED, Outcome, UowFactory
from billable.persistence.tables import InvoiceProposal, Job


def _result(make_uow: UowFactory, job_id: int) -> dict[str, Any]:
    with make_uow() as uow:
        current = uow.session.get(Job, job_id)
        return dict((current.result if current else None) or {})


def _targets(make_uow: UowFactory, job_id: int) -> list[tuple[int, str]]:
    """The proposals this job posts: those ready when its first attempt began."""
    ready = ready_proposals(make_uow())
    uow = make_uow()
    with uow:
        current = uow.session.get(Job, job_id, with_for_update=True)
        state = (current.result if current else None) or {}
        if "targets" in state:
            return [(int(i), str(n)) for i, n in state["targets"]]
        state = {"targets": ready, POSTED: [], FAILED: {}, "posted_meanwhile": []}
        jobs.record_progress(uow, job_id, 0, len(ready), state)
        uow.commit()
    return ready


def _status(make_uow: UowFactory, ident: int) -> str | None:
    with make_uow() as uow:
        return uow.session.scalar(select(InvoiceProposal.status).where(InvoiceProposal.id == ident))


def _post_one(make_uow: UowFactory, ident: int, number: str) -> tuple[str, str | None]:
    """(POSTED | "posted_meanwhile" | FAILED, reason) for one proposal."""
    if _status(make_uow, ident) == ProposalState.POSTED:
        return POSTED, None  # an interrupted attempt of this job posted it
    try:
        post_proposal(make_uow(), ident, posting=True, print_=False)
    except DomainError as exc:
        if _status(make_uow, ident) == ProposalState.POSTED:  # posted by hand meanwhile
            return "posted_meanwhile", None
        return FAILED, exc.detail
    return POSTED, None


def _record(make_uow: UowFactory, job_id: int, number: str, how: str, why: str | None) -> None:
    uow = make_uow()
    with uow:
        current = uow.session.get(Job, job_id, with_for_update=True)
        state = dict((current.result if current else None) or {})
        if how == FAILED:
            state[FAILED] = {**state[FAILED], number: why}
        elif number not in state[how]:
            state[how] = [*state[how], number]
        done = len(state[POSTED]) + len(state[FAILED]) + len(state["posted_meanwhile"])
        jobs.record_progress(uow, job_id, done, len(state["targets"]), state)
        uow.commit()


def post_invoice_proposals(make_uow: UowFactory, job: Job) -> Outcome:
    """Post every ready invoice proposal, each in its own transaction; refusals are
    reported in the result and the notification (level error), the others stay posted."""
    for ident, number in _targets(make_uow, job.id):
        state = _result(make_uow, job.id)
        handled = {*state[POSTED], *state[FAILED], *state["posted_meanwhile"]}
        if number not in handled:
            how, why = _post_one(make_uow, ident, number)
            _record(make_uow, job.id, number, how, why)
    state = _result(make_uow, job.id)
    result = {key: state[key] for key in (POSTED, FAILED, "posted_meanwhile")}
    failed = "".join(f"; {number}: {why}" for number, why in result[FAILED].items())
    return Outcome(
        result,
        "Invoice proposals posted",
        f"{len(result[POSTED])} invoice proposals posted, {len(result[FAILED])} failed{failed}",
        NotificationLevel.ERROR if result[FAILED] else NotificationLevel.INFO,
    )
