"""Actuals, the billing backlog and milestone readiness."""

from typing import Any

from billable.api import present_billing as present
from billable.api.deps import ReadBilling, Uow, WriteBilling
from billable.api.pagination import Page, page
from billable.api.present_masterdata import milestone
from billable.api.routing import SegmentRouter
from billable.api.schemas import entries as s
from billable.api.schemas.common import QueryBool, QueryDate
from billable.api.schemas.contracts import MilestoneOut, MilestoneReadyIn
from billable.billing import backlog
from billable.domain.invoice import BillingType
from billable.domain.vocabulary import ActualType, SourceKind, TransactionClass
from billable.masterdata import contracts
from billable.views import backlog as backlog_view
from billable.views import contracts as contract_views
from billable.views import entries as views

router = SegmentRouter(tags=["billing"])


@router.get("/actuals", response_model=Page[s.ActualOut], dependencies=[ReadBilling])
def list_actuals(
    uow: Uow,
    limit: int = 50,
    cursor: str | None = None,
    contract_id: str | None = None,
    contract_line_id: str | None = None,
    project_id: str | None = None,
    transaction_type: ActualType | None = None,
    source_kind: SourceKind | None = None,
    source_id: str | None = None,
) -> dict[str, Any]:
    """Actuals by id. Filters: contract, contract line, project, `transaction_type`, and
    what wrote them: `source_kind` (time, expense, material, fee, invoice_detail) with
    `source_id`, the entry's id; entries of each kind are numbered apart, so a
    `source_id` without its `source_kind` may also match another kind's entry."""
    given = {
        "contract_id": contract_id,
        "contract_line_id": contract_line_id,
        "project_id": project_id,
        "source_id": source_id,
    }
    with uow:
        found = views.actuals(uow.session, limit, cursor, given, transaction_type, source_kind)
    return page(found, present.actual)


@router.get("/actuals/{ident}", response_model=s.ActualOut, dependencies=[ReadBilling])
def get_actual(ident: str, uow: Uow) -> dict[str, Any]:
    with uow:
        row = views.actual(uow.session, ident)
    return present.actual(row)


@router.patch("/actuals/{ident}", response_model=s.ActualOut, dependencies=[WriteBilling])
def patch_actual(ident: str, body: s.ActualPatch, uow: Uow) -> dict[str, Any]:
    backlog.set_billing_type(uow, ident, BillingType(body.billing_type))
    return get_actual(ident, uow)


@router.get(
    "/billing-backlog",
    response_model=s.BacklogOut | Page[s.ActualOut],
    dependencies=[ReadBilling],
    summary="The billing backlog: one contract's, or a page across contracts",
)
def get_backlog(
    uow: Uow,
    contract_id: str | None = None,
    customer_id: str | None = None,
    project_id: str | None = None,
    transaction_class: TransactionClass | None = None,
    date_from: QueryDate | None = None,
    date_to: QueryDate | None = None,
    ready_to_invoice: QueryBool | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> dict[str, Any]:
    """With `contract_id` alone: that contract's whole backlog, `{actuals, milestones}`
    (404 for an unknown contract). With any other filter or `limit`/`cursor`: a page,
    `{items, next_cursor}`, of the unbilled sales actuals waiting in the backlog of
    every contract, by id. Filters: `customer_id`, `project_id`, `contract_id`,
    `transaction_class`, `date_from`/`date_to` (the actual's date, inclusive), and
    `ready_to_invoice` (`true` or `false`). Milestones are listed per contract only."""
    filters = backlog.BacklogFilters(
        customer_id=customer_id,
        project_id=project_id,
        contract_id=contract_id,
        transaction_class=transaction_class,
        date_from=date_from,
        date_to=date_to,
        ready_to_invoice=ready_to_invoice,
    )
    whole = filters == backlog.BacklogFilters(contract_id=contract_id)
    if contract_id is not None and whole and limit is None and cursor is None:
        return _contract_backlog(uow, contract_id)
    with uow:
        found = backlog_view.backlog_actuals(
            uow.session, 50 if limit is None else limit, cursor, filters
        )
    return page(found, present.actual)


def _contract_backlog(uow: Uow, contract_id: str) -> dict[str, Any]:
    with uow:
        found = backlog_view.backlog(uow.session, contract_id)
    return {
        "actuals": [present.actual(row) for row in found.actuals],
        "milestones": [milestone(row) for row in found.milestones],
    }


@router.post("/billing-backlog/ready-to-invoice", status_code=204, dependencies=[WriteBilling])
def mark_ready(body: s.BacklogSelection, uow: Uow) -> None:
    backlog.set_ready(uow, body.actual_ids, body.milestone_ids, ready=True)


@router.post("/billing-backlog/not-ready", status_code=204, dependencies=[WriteBilling])
def mark_not_ready(body: s.BacklogSelection, uow: Uow) -> None:
    backlog.set_ready(uow, body.actual_ids, body.milestone_ids, ready=False)


@router.post(
    "/milestones/{ident}/ready-to-invoice", response_model=MilestoneOut, dependencies=[WriteBilling]
)
def milestone_ready(ident: str, uow: Uow, body: MilestoneReadyIn | None = None) -> dict[str, Any]:
    contracts.mark_milestone_ready(uow, ident, body.amount if body else None)
    with uow:
        row = contract_views.milestone(uow.session, ident)
    return milestone(row)
