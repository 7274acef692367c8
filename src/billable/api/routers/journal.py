"""Integration journal routes (import from staging, review, distribute, post) and posted
transactions with "Adjust accounting" (seed 003). Thin: the services own the work.

No ``from __future__ import annotations``: FastAPI reads body types at definition time.
"""

from typing import Any

from billable.api import present_journal as show
from billable.api.deps import PostLedger, ReadLedger, Uow
from billable.api.pagination import Page, page
from billable.api.routing import SegmentRouter
from billable.api.schemas import journal as s
from billable.erp import journal as integration_journal
from billable.erp import journal_posting, posted_transactions
from billable.persistence.uow import UnitOfWork
from billable.views import journal as views

router = SegmentRouter()
JOURNAL = "integration journal"


def _journal(uow: UnitOfWork, ident: str | int) -> dict[str, Any]:
    with uow:
        view = views.journal(uow.session, ident)
    return show.journal(view)


def _line(uow: UnitOfWork, ident: str) -> dict[str, Any]:
    with uow:
        line = views.journal_line(uow.session, ident)
    return show.journal_line(line)


@router.post(
    "/integration-journals/import-from-staging",
    status_code=201,
    response_model=s.JournalOut,
    tags=[JOURNAL],
    dependencies=[PostLedger],
    summary="Import every cost and unbilled sales actual not yet journaled into a new draft "
    "journal (409 when there is nothing to import)",
)
def import_from_staging(uow: Uow, body: s.ImportIn | None = None) -> dict[str, Any]:
    ident = integration_journal.import_from_staging(uow, body.legal_entity_id if body else None)
    return _journal(uow, ident)


@router.get(
    "/integration-journals",
    response_model=Page[s.JournalSummaryOut],
    tags=[JOURNAL],
    dependencies=[ReadLedger],
)
def list_journals(
    uow: Uow, limit: int = 50, cursor: str | None = None, status: str | None = None
) -> dict[str, Any]:
    with uow:
        found = views.journals(uow.session, limit, cursor, status)
    return page(found, show.journal_summary)


@router.get(
    "/integration-journals/{ident}",
    response_model=s.JournalOut,
    tags=[JOURNAL],
    dependencies=[ReadLedger],
)
def get_journal(ident: str, uow: Uow) -> dict[str, Any]:
    return _journal(uow, ident)


@router.post(
    "/integration-journals/{ident}/post",
    response_model=s.JournalOut,
    tags=[JOURNAL],
    dependencies=[PostLedger],
    summary="Post a draft journal: cost and WIP vouchers, one per line, all or nothing",
)
def post_journal(ident: str, uow: Uow) -> dict[str, Any]:
    journal_posting.post_journal(uow, ident)
    return _journal(uow, ident)


@router.get(
    "/integration-journal-lines/{ident}",
    response_model=s.JournalLineOut,
    tags=[JOURNAL],
    dependencies=[ReadLedger],
    summary="One integration journal line, with its rate in force while the journal is draft",
)
def get_line(ident: str, uow: Uow) -> dict[str, Any]:
    return _line(uow, ident)


@router.patch(
    "/integration-journal-lines/{ident}",
    response_model=s.JournalLineOut,
    tags=[JOURNAL],
    dependencies=[PostLedger],
    summary="Change a draft line's billing tax groups or financial dimensions",
)
def patch_line(ident: str, body: s.LinePatch, uow: Uow) -> dict[str, Any]:
    integration_journal.update_line(uow, ident, body.model_dump(exclude_unset=True))
    return _line(uow, ident)


@router.post(
    "/integration-journal-lines/{ident}/distribute",
    response_model=s.JournalLineOut,
    tags=[JOURNAL],
    dependencies=[PostLedger],
    summary="Distribute a draft line's amount over dimension sets by percent",
)
def distribute_line(ident: str, body: s.DistributeIn, uow: Uow) -> dict[str, Any]:
    shares = [share.model_dump() for share in body.shares]
    integration_journal.distribute_line(uow, ident, shares)
    return _line(uow, ident)


@router.get(
    "/posted-transactions",
    response_model=Page[s.PostedTransactionOut],
    tags=[JOURNAL],
    dependencies=[ReadLedger],
)
def list_posted_transactions(
    uow: Uow,
    limit: int = 50,
    cursor: str | None = None,
    project_id: str | None = None,
    actual_id: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    with uow:
        found = views.transactions(uow.session, limit, cursor, project_id, actual_id, status)
    return page(found, show.posted_transaction)


@router.get(
    "/posted-transactions/{ident}",
    response_model=s.PostedTransactionOut,
    tags=[JOURNAL],
    dependencies=[ReadLedger],
)
def get_posted_transaction(ident: str, uow: Uow) -> dict[str, Any]:
    with uow:
        row = views.transaction(uow.session, ident)
    return show.posted_transaction(row)


@router.post(
    "/posted-transactions/{ident}/adjust-accounting",
    status_code=201,
    response_model=s.PostedTransactionOut,
    tags=[JOURNAL],
    dependencies=[PostLedger],
    summary="New dimensions for a posted transaction: reversal and new voucher; returns "
    "the transaction that replaces it",
)
def adjust_accounting(ident: str, body: s.AdjustIn, uow: Uow) -> dict[str, Any]:
    shares = [share.model_dump() for share in body.shares] if body.shares is not None else None
    new = posted_transactions.adjust_accounting(uow, ident, body.dimensions, shares)
    with uow:
        row = views.transaction(uow.session, new)
    return show.posted_transaction(row)
