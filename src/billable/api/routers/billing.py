"""Actuals, the billing backlog and milestone readiness."""

from typing import Any, Literal

from fastapi import APIRouter
from sqlalchemy import select

from billable.api import present
from billable.api.deps import ReadBilling, Uow, WriteBilling
from billable.api.pagination import Page, paginate
from billable.api.schemas import entries as s
from billable.api.schemas.masterdata import MilestoneOut, MilestoneReadyIn
from billable.billing import backlog
from billable.domain.invoice import BillingType
from billable.masterdata import contracts
from billable.persistence.lookups import get, parse_id
from billable.persistence.tables import Actual, Contract, Milestone

router = APIRouter(tags=["billing"])

_ACTUAL_FILTERS = ("contract_id", "contract_line_id", "project_id", "source_id")


@router.get("/actuals", response_model=Page[s.ActualOut], dependencies=[ReadBilling])
def list_actuals(
    uow: Uow,
    limit: int = 50,
    cursor: str | None = None,
    contract_id: str | None = None,
    contract_line_id: str | None = None,
    project_id: str | None = None,
    transaction_type: Literal["cost", "unbilled_sales", "billed_sales"] | None = None,
    source_id: str | None = None,
) -> dict[str, Any]:
    stmt = select(Actual)
    given = {
        "contract_id": contract_id,
        "contract_line_id": contract_line_id,
        "project_id": project_id,
        "source_id": source_id,
    }
    for name in _ACTUAL_FILTERS:
        if given[name] is not None:
            stmt = stmt.where(getattr(Actual, name) == (parse_id(given[name]) or -1))
    if transaction_type is not None:
        stmt = stmt.where(Actual.transaction_type == transaction_type)
    with uow:
        session = uow.session
        return paginate(
            session,
            stmt,
            Actual.id,
            limit,
            cursor,
            present_page=lambda rows: present.actuals(session, rows),
        )


@router.get("/actuals/{ident}", response_model=s.ActualOut, dependencies=[ReadBilling])
def get_actual(ident: str, uow: Uow) -> dict[str, Any]:
    with uow:
        return present.actual(uow.session, get(uow.session, Actual, ident, "actual"))


@router.patch("/actuals/{ident}", response_model=s.ActualOut, dependencies=[WriteBilling])
def patch_actual(ident: str, body: s.ActualPatch, uow: Uow) -> dict[str, Any]:
    backlog.set_billing_type(uow, ident, BillingType(body.billing_type))
    return get_actual(ident, uow)


@router.get("/billing-backlog", response_model=s.BacklogOut, dependencies=[ReadBilling])
def get_backlog(contract_id: str, uow: Uow) -> dict[str, Any]:
    with uow:
        session = uow.session
        contract = get(session, Contract, contract_id, "contract")
        actuals, milestones = backlog.backlog(session, contract.id)
        return {
            "actuals": present.actuals(session, actuals),
            "milestones": [present.milestone(session, m) for m in milestones],
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
        return present.milestone(uow.session, get(uow.session, Milestone, ident, "milestone"))
