"""Invoice proposals (seed 003): list and read, import from staging (all or one),
post (or pro forma), and the periodic posting job."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from billable.api import present_proposals as present
from billable.api.deps import PostLedger, ReadLedger, Uow
from billable.api.pagination import Page, page
from billable.api.routing import SegmentRouter
from billable.api.schemas import proposals as s
from billable.api.schemas.common import JobAccepted
from billable.documents import delivery
from billable.erp import proposal_import, proposal_posting
from billable.identity.users import Principal
from billable.views import proposals as views

router = SegmentRouter(tags=["invoice proposals"])
PATH = "/invoice-proposals"


def _read(uow: Uow, ident: int | str, **flags: bool) -> dict[str, Any]:
    with uow:
        view = views.proposal(uow.session, ident)
    return present.proposal(view, **flags)


@router.get(PATH, response_model=Page[s.ProposalOut], dependencies=[ReadLedger])
def list_proposals(
    uow: Uow,
    invoice_id: str | None = None,
    status: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Invoice proposals, oldest first; filters: invoice_id, status."""
    with uow:
        found = views.proposals(uow.session, limit, cursor, invoice_id, status)
    return page(found, present.proposal)


@router.post(f"{PATH}/import-from-staging", response_model=s.ImportOut)
def import_all(uow: Uow, _: Principal = PostLedger) -> dict[str, Any]:
    """Import from staging: lines for every waiting proposal whose time and material
    is all posted through the integration journal; the others keep waiting."""
    result = proposal_import.import_all(uow)
    return {
        "imported": len(result.imported),
        "waiting": len(result.waiting),  # not vocabulary: a field of ImportOut
        "imported_ids": [str(i) for i in result.imported],
        "waiting_ids": [str(i) for i in result.waiting],
    }


@router.post(f"{PATH}/post-ready", response_model=JobAccepted, status_code=202)
def post_ready(request: Request, uow: Uow, caller: Principal = PostLedger) -> dict[str, str]:
    """Post every ready proposal in a background job (progress on /jobs/{id}, a
    notification at the end)."""
    total = len(proposal_posting.ready_proposals(uow))
    dispatcher = request.app.state.dispatcher()
    job_id = dispatcher.start(uow, "post_invoice_proposals", {}, caller.user_id, total)
    return {"job_id": str(job_id)}


@router.get(f"{PATH}/{{ident}}", response_model=s.ProposalOut, dependencies=[ReadLedger])
def get_proposal(ident: str, uow: Uow) -> dict[str, Any]:
    return _read(uow, ident)


@router.post(f"{PATH}/{{ident}}/import-from-staging", response_model=s.ProposalOut)
def import_one(ident: str, uow: Uow, _: Principal = PostLedger) -> dict[str, Any]:
    """Selective import from staging: this proposal's lines now (409 naming the
    transactions it waits for)."""
    return _read(uow, proposal_import.import_one(uow, ident))


@router.post(f"{PATH}/{{ident}}/post", response_model=s.ProposalOut)
def post_one(
    ident: str, body: s.PostIn, request: Request, uow: Uow, caller: Principal = PostLedger
) -> dict[str, Any]:
    """Post a ready proposal (`posting: true`), or show it as a pro forma that writes
    nothing (`posting: false`). Waiting or already posted: 409. The customer invoice it
    issues goes where print management sends it (`email`, `archive`) in a job."""
    outcome = proposal_posting.post_proposal(uow, ident, body.posting, body.print_)
    if outcome.customer_invoice_id and delivery.has_queued(uow, outcome.customer_invoice_id):
        request.app.state.dispatcher().start(uow, "deliver_outbox", {}, caller.user_id, 0)
    shown = _read(uow, outcome.proposal_id, pro_forma=outcome.pro_forma, printed=outcome.printed)
    issued = outcome.customer_invoice_id
    return {
        **shown,
        "printout": outcome.printout,
        "warnings": outcome.warnings,
        "customer_invoice_id": str(issued) if issued else None,
    }
