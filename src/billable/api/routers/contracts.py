"""Contract routes: contracts, their lines (with the dates each is due) and milestones."""

from typing import Any

from fastapi import Depends, Request

from billable.api import present_masterdata as present
from billable.api.deps import ReadMaster, Uow, WriteMaster, attribute, principal
from billable.api.pagination import Page, page
from billable.api.routing import SegmentRouter
from billable.api.schemas import contracts as s
from billable.domain.errors import Forbidden
from billable.domain.permissions import Permission, allowed
from billable.erp import milestone_accounting
from billable.identity.users import Principal
from billable.masterdata import contracts
from billable.persistence.uow import UnitOfWork
from billable.views import contracts as views

router = SegmentRouter(tags=["contracts"])


def _contract(uow: UnitOfWork, ident: int | str) -> dict[str, Any]:
    with uow:
        row = views.contract(uow.session, ident)
    return present.contract(row)


def _line(uow: UnitOfWork, ident: int | str) -> dict[str, Any]:
    with uow:
        row = views.line(uow.session, ident)
    return present.contract_line(row)


def _milestone(uow: UnitOfWork, ident: int | str) -> dict[str, Any]:
    with uow:
        row = views.milestone(uow.session, ident)
    return present.milestone(row)


@router.get("/contracts", response_model=Page[s.ContractOut], dependencies=[ReadMaster])
def list_contracts(
    uow: Uow, limit: int = 50, cursor: str | None = None, customer_id: str | None = None
) -> dict[str, Any]:
    with uow:
        found = views.contracts(uow.session, limit, cursor, customer_id)
    return page(found, present.contract)


@router.get(
    "/contracts/{ident}",
    response_model=s.ContractOut,
    dependencies=[ReadMaster],
)
def get_contract(ident: str, uow: Uow) -> dict[str, Any]:
    return _contract(uow, ident)


@router.post(
    "/contracts",
    response_model=s.ContractOut,
    status_code=201,
    dependencies=[WriteMaster],
)
def create_contract(body: s.ContractIn, uow: Uow) -> dict[str, Any]:
    ident = contracts.create_contract(uow, body.model_dump(exclude_unset=True))
    return _contract(uow, ident)


@router.patch(
    "/contracts/{ident}",
    response_model=s.ContractOut,
    dependencies=[WriteMaster],
)
def patch_contract(ident: str, body: s.ContractPatch, uow: Uow) -> dict[str, Any]:
    contracts.update_contract(uow, ident, body.model_dump(exclude_unset=True))
    return _contract(uow, ident)


@router.get(
    "/contracts/{ident}/lines",
    response_model=Page[s.ContractLineOut],
    dependencies=[ReadMaster],
)
def list_lines(ident: str, uow: Uow, limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
    with uow:
        found = views.lines(uow.session, ident, limit, cursor)
    return page(found, present.contract_line)


@router.post(
    "/contracts/{ident}/lines",
    response_model=s.ContractLineOut,
    status_code=201,
    dependencies=[WriteMaster],
)
def create_line(ident: str, body: s.ContractLineIn, uow: Uow) -> dict[str, Any]:
    line_id = contracts.create_line(uow, ident, body.model_dump())
    return _line(uow, line_id)


@router.get(
    "/contract-lines/{ident}",
    response_model=s.ContractLineOut,
    dependencies=[ReadMaster],
)
def get_line(ident: str, uow: Uow) -> dict[str, Any]:
    return _line(uow, ident)


@router.patch(
    "/contract-lines/{ident}",
    response_model=s.ContractLineOut,
    dependencies=[WriteMaster],
)
def patch_line(ident: str, body: s.ContractLinePatch, uow: Uow) -> dict[str, Any]:
    contracts.update_line(uow, ident, body.model_dump(exclude_unset=True))
    return _line(uow, ident)


@router.get(
    "/contract-lines/{ident}/milestones",
    response_model=Page[s.MilestoneOut],
    dependencies=[ReadMaster],
)
def list_milestones(
    ident: str, uow: Uow, limit: int = 50, cursor: str | None = None
) -> dict[str, Any]:
    with uow:
        found = views.milestones(uow.session, ident, limit, cursor)
    return page(found, present.milestone)


@router.post(
    "/contract-lines/{ident}/milestones",
    response_model=s.MilestoneOut,
    status_code=201,
    dependencies=[WriteMaster],
)
def create_milestone(ident: str, body: s.MilestoneIn, uow: Uow) -> dict[str, Any]:
    milestone_id = contracts.create_milestone(uow, ident, body.model_dump())
    return _milestone(uow, milestone_id)


@router.get(
    "/milestones/{ident}",
    response_model=s.MilestoneOut,
    dependencies=[ReadMaster],
)
def get_milestone(ident: str, uow: Uow) -> dict[str, Any]:
    return _milestone(uow, ident)


async def _on_account_editor(request: Request, caller: Principal = Depends(principal)) -> Principal:
    """Project managers (who plan milestones) and accountants (who own the on-account
    transaction in seed 003) may edit a milestone's tax groups and dimensions."""
    if not (
        allowed(caller.role, Permission.WRITE_MASTER_DATA)
        or allowed(caller.role, Permission.POST_LEDGER)
    ):
        raise Forbidden(f"the role {caller.role.value} may not edit a milestone's accounting")
    await attribute(request, caller)
    return caller


@router.patch(
    "/milestones/{ident}",
    response_model=s.MilestoneOut,
    dependencies=[Depends(_on_account_editor)],
    summary="Change a milestone's tax groups, dimensions or tax until its invoice is confirmed",
)
def patch_milestone(ident: str, body: s.MilestonePatch, uow: Uow) -> dict[str, Any]:
    milestone_accounting.update_milestone(uow, ident, body.model_dump(exclude_unset=True))
    return _milestone(uow, ident)
