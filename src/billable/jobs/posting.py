"""Posting every ready invoice proposal as a job.

The proposals to post are fixed by the job's first attempt and kept in its row with
what became of each. They are posted a chunk per transaction (each chunk whole or not
at all); a retry skips those handled and finds those an interrupted attempt posted
already posted, so the result counts the whole job's history.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from billable.domain.vocabulary import NotificationLevel, ProposalState
from billable.erp.proposal_posting import CHUNK, post_chunk, ready_proposals
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


def _statuses(make_uow: UowFactory, ids: list[int]) -> dict[int, str]:
    with make_uow() as uow:
        rows = uow.session.execute(
            select(InvoiceProposal.id, InvoiceProposal.status).where(InvoiceProposal.id.in_(ids))
        )
        return {ident: status for ident, status in rows}


def _post_chunk(make_uow: UowFactory, chunk: list[tuple[int, str]]) -> dict[str, Any]:
    """What became of a chunk of proposals, posted together: POSTED, FAILED (with the
    reasons) and "posted_meanwhile". Those an interrupted attempt of this job posted are
    found posted before the chunk is tried."""
    statuses = _statuses(make_uow, [ident for ident, _ in chunk])
    earlier = [n for i, n in chunk if statuses.get(i) == ProposalState.POSTED]
    todo = [(i, n) for i, n in chunk if statuses.get(i) != ProposalState.POSTED]
    outcome = post_chunk(make_uow(), todo)
    return {
        POSTED: [*earlier, *outcome.posted],
        FAILED: outcome.failed,
        "posted_meanwhile": outcome.posted_meanwhile,
    }


def _record(make_uow: UowFactory, job_id: int, outcome: dict[str, Any]) -> None:
    uow = make_uow()
    with uow:
        current = uow.session.get(Job, job_id, with_for_update=True)
        state = dict((current.result if current else None) or {})
        state[FAILED] = {**state[FAILED], **outcome[FAILED]}
        for how in (POSTED, "posted_meanwhile"):
            state[how] = [*state[how], *(n for n in outcome[how] if n not in state[how])]
        done = len(state[POSTED]) + len(state[FAILED]) + len(state["posted_meanwhile"])
        jobs.record_progress(uow, job_id, done, len(state["targets"]), state)
        uow.commit()


def post_invoice_proposals(make_uow: UowFactory, job: Job) -> Outcome:
    """Post every ready invoice proposal, a chunk per transaction; refusals are
    reported in the result and the notification (level error), the others stay posted."""
    targets = _targets(make_uow, job.id)
    for start in range(0, len(targets), CHUNK):
        state = _result(make_uow, job.id)
        handled = {*state[POSTED], *state[FAILED], *state["posted_meanwhile"]}
        chunk = [(i, n) for i, n in targets[start : start + CHUNK] if n not in handled]
        if chunk:
            _record(make_uow, job.id, _post_chunk(make_uow, chunk))
    state = _result(make_uow, job.id)
    result = {key: state[key] for key in (POSTED, FAILED, "posted_meanwhile")}
    failed = "".join(f"; {number}: {why}" for number, why in result[FAILED].items())
    return Outcome(
        result,
        "Invoice proposals posted",
        f"{len(result[POSTED])} invoice proposals posted, {len(result[FAILED])} failed{failed}",
        NotificationLevel.ERROR if result[FAILED] else NotificationLevel.INFO,
    )
