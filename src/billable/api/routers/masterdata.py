"""Master data routes: list, get, create and PATCH for every collection of api.md.

No ``from __future__ import annotations`` here: FastAPI reads the body types of the
routes made by :func:`collection` from the closure at definition time.
"""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import select

from billable.api import present
from billable.api.deps import ReadMaster, Uow, WriteMaster, principal
from billable.api.pagination import Page, paginate
from billable.api.schemas import masterdata as s
from billable.domain.errors import Forbidden
from billable.domain.permissions import Permission, allowed
from billable.erp import milestone_accounting
from billable.identity.users import Principal
from billable.masterdata import contracts
from billable.masterdata import records as masterdata
from billable.persistence.lookups import get, parse_id
from billable.persistence.tables import (
    Base,
    Contract,
    ContractLine,
    Customer,
    Milestone,
    PriceList,
    Product,
    Project,
    Resource,
    Role,
    Task,
    TransactionCategory,
)
from billable.persistence.uow import UnitOfWork

router = APIRouter()


def _read(
    uow: UnitOfWork,
    model: type[Base],
    ident: str,
    what: str,
    show: Callable[..., dict[str, Any]],
    with_session: bool = False,
) -> dict[str, Any]:
    with uow:
        row = get(uow.session, model, ident, what)
        return show(uow.session, row) if with_session else show(row)


def collection(
    path: str,
    tag: str,
    kind: str,
    model: type[Base],
    body_in: type[BaseModel],
    body_patch: type[BaseModel],
    body_out: type[BaseModel],
    show: Callable[[Any], dict[str, Any]],
    *,
    on: APIRouter = router,
    write: Any = WriteMaster,
    before_list: Callable[[UnitOfWork], None] | None = None,
) -> None:
    """Register the four routes of a plain master data collection on ``on`` (default:
    this module's router); ``write`` is the dependency that guards create and change;
    ``before_list`` runs before a list is read (to make a default row, say)."""
    what = masterdata.KINDS[kind].what

    @on.get(
        path,
        response_model=Page[body_out],  # type: ignore[valid-type]
        tags=[tag],
        dependencies=[ReadMaster],
        summary=f"List {what}s",
    )
    def list_rows(uow: Uow, limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
        if before_list is not None:
            before_list(uow)
        with uow:
            return paginate(uow.session, select(model), model.id, limit, cursor, show)  # type: ignore[attr-defined]

    @on.get(
        path + "/{ident}",
        response_model=body_out,
        tags=[tag],
        dependencies=[ReadMaster],
        summary=f"Get a {what}",
    )
    def get_row(ident: str, uow: Uow) -> dict[str, Any]:
        return _read(uow, model, ident, what, show)

    @on.post(
        path,
        response_model=body_out,
        status_code=201,
        tags=[tag],
        dependencies=[write],
        summary=f"Create a {what}",
    )
    def create_row(body: body_in, uow: Uow) -> dict[str, Any]:  # type: ignore[valid-type]
        ident = masterdata.create(uow, kind, body.model_dump())  # type: ignore[attr-defined]
        return _read(uow, model, str(ident), what, show)

    @on.patch(
        path + "/{ident}",
        response_model=body_out,
        tags=[tag],
        dependencies=[write],
        summary=f"Change a {what}",
    )
    def patch_row(ident: str, body: body_patch, uow: Uow) -> dict[str, Any]:  # type: ignore[valid-type]
        masterdata.update(uow, kind, ident, body.model_dump(exclude_unset=True))  # type: ignore[attr-defined]
        return _read(uow, model, ident, what, show)


collection(
    "/customers",
    "master data",
    "customer",
    Customer,
    s.CustomerIn,
    s.CustomerPatch,
    s.CustomerOut,
    present.customer,
)
collection("/roles", "master data", "role", Role, s.RoleIn, s.RolePatch, s.RoleOut, present.role)
collection(
    "/resources",
    "master data",
    "resource",
    Resource,
    s.ResourceIn,
    s.ResourcePatch,
    s.ResourceOut,
    present.resource,
)
collection(
    "/transaction-categories",
    "master data",
    "transaction_category",
    TransactionCategory,
    s.CategoryIn,
    s.CategoryPatch,
    s.CategoryOut,
    present.category,
)
collection(
    "/products",
    "master data",
    "product",
    Product,
    s.ProductIn,
    s.ProductPatch,
    s.ProductOut,
    present.product,
)
collection(
    "/price-lists",
    "master data",
    "price_list",
    PriceList,
    s.PriceListIn,
    s.PriceListPatch,
    s.PriceListOut,
    present.price_list,
)
collection(
    "/projects",
    "master data",
    "project",
    Project,
    s.ProjectIn,
    s.ProjectPatch,
    s.ProjectOut,
    present.project,
)


@router.get(
    "/projects/{ident}/tasks",
    response_model=Page[s.TaskOut],
    tags=["master data"],
    dependencies=[ReadMaster],
)
def list_tasks(ident: str, uow: Uow, limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
    with uow:
        project = get(uow.session, Project, ident, "project")
        return paginate(
            uow.session,
            select(Task).where(Task.project_id == project.id),
            Task.id,
            limit,
            cursor,
            present.task,
        )


@router.post(
    "/projects/{ident}/tasks",
    response_model=s.TaskOut,
    status_code=201,
    tags=["master data"],
    dependencies=[WriteMaster],
)
def create_task(ident: str, body: s.TaskIn, uow: Uow) -> dict[str, Any]:
    task_id = contracts.create_task(uow, ident, body.model_dump())
    return _read(uow, Task, str(task_id), "task", present.task)


@router.get(
    "/tasks/{ident}", response_model=s.TaskOut, tags=["master data"], dependencies=[ReadMaster]
)
def get_task(ident: str, uow: Uow) -> dict[str, Any]:
    return _read(uow, Task, ident, "task", present.task)


@router.patch(
    "/tasks/{ident}", response_model=s.TaskOut, tags=["master data"], dependencies=[WriteMaster]
)
def patch_task(ident: str, body: s.TaskPatch, uow: Uow) -> dict[str, Any]:
    masterdata.update(uow, "task", ident, body.model_dump(exclude_unset=True))
    return _read(uow, Task, ident, "task", present.task)


@router.get(
    "/contracts", response_model=Page[s.ContractOut], tags=["contracts"], dependencies=[ReadMaster]
)
def list_contracts(
    uow: Uow, limit: int = 50, cursor: str | None = None, customer_id: str | None = None
) -> dict[str, Any]:
    with uow:
        stmt = select(Contract)
        if customer_id is not None:
            stmt = stmt.where(Contract.customer_id == (parse_id(customer_id) or -1))
        return paginate(uow.session, stmt, Contract.id, limit, cursor, present.contract)


@router.get(
    "/contracts/{ident}",
    response_model=s.ContractOut,
    tags=["contracts"],
    dependencies=[ReadMaster],
)
def get_contract(ident: str, uow: Uow) -> dict[str, Any]:
    return _read(uow, Contract, ident, "contract", present.contract)


@router.post(
    "/contracts",
    response_model=s.ContractOut,
    status_code=201,
    tags=["contracts"],
    dependencies=[WriteMaster],
)
def create_contract(body: s.ContractIn, uow: Uow) -> dict[str, Any]:
    ident = contracts.create_contract(uow, body.model_dump(exclude_unset=True))
    return _read(uow, Contract, str(ident), "contract", present.contract)


@router.patch(
    "/contracts/{ident}",
    response_model=s.ContractOut,
    tags=["contracts"],
    dependencies=[WriteMaster],
)
def patch_contract(ident: str, body: s.ContractPatch, uow: Uow) -> dict[str, Any]:
    contracts.update_contract(uow, ident, body.model_dump(exclude_unset=True))
    return _read(uow, Contract, ident, "contract", present.contract)


@router.get(
    "/contracts/{ident}/lines",
    response_model=Page[s.ContractLineOut],
    tags=["contracts"],
    dependencies=[ReadMaster],
)
def list_lines(ident: str, uow: Uow, limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
    with uow:
        contract = get(uow.session, Contract, ident, "contract")
        session = uow.session
        return paginate(
            session,
            select(ContractLine).where(ContractLine.contract_id == contract.id),
            ContractLine.id,
            limit,
            cursor,
            lambda row: present.contract_line(session, row),
        )


@router.post(
    "/contracts/{ident}/lines",
    response_model=s.ContractLineOut,
    status_code=201,
    tags=["contracts"],
    dependencies=[WriteMaster],
)
def create_line(ident: str, body: s.ContractLineIn, uow: Uow) -> dict[str, Any]:
    line_id = contracts.create_line(uow, ident, body.model_dump())
    return _read(uow, ContractLine, str(line_id), "contract line", present.contract_line, True)


@router.get(
    "/contract-lines/{ident}",
    response_model=s.ContractLineOut,
    tags=["contracts"],
    dependencies=[ReadMaster],
)
def get_line(ident: str, uow: Uow) -> dict[str, Any]:
    return _read(uow, ContractLine, ident, "contract line", present.contract_line, True)


@router.patch(
    "/contract-lines/{ident}",
    response_model=s.ContractLineOut,
    tags=["contracts"],
    dependencies=[WriteMaster],
)
def patch_line(ident: str, body: s.ContractLinePatch, uow: Uow) -> dict[str, Any]:
    contracts.update_line(uow, ident, body.model_dump(exclude_unset=True))
    return _read(uow, ContractLine, ident, "contract line", present.contract_line, True)


@router.get(
    "/contract-lines/{ident}/milestones",
    response_model=Page[s.MilestoneOut],
    tags=["contracts"],
    dependencies=[ReadMaster],
)
def list_milestones(
    ident: str, uow: Uow, limit: int = 50, cursor: str | None = None
) -> dict[str, Any]:
    with uow:
        line = get(uow.session, ContractLine, ident, "contract line")
        session = uow.session
        return paginate(
            session,
            select(Milestone).where(Milestone.contract_line_id == line.id),
            Milestone.id,
            limit,
            cursor,
            lambda row: present.milestone(session, row),
        )


@router.post(
    "/contract-lines/{ident}/milestones",
    response_model=s.MilestoneOut,
    status_code=201,
    tags=["contracts"],
    dependencies=[WriteMaster],
)
def create_milestone(ident: str, body: s.MilestoneIn, uow: Uow) -> dict[str, Any]:
    milestone_id = contracts.create_milestone(uow, ident, body.model_dump())
    return _read(uow, Milestone, str(milestone_id), "milestone", present.milestone, True)


@router.get(
    "/milestones/{ident}",
    response_model=s.MilestoneOut,
    tags=["contracts"],
    dependencies=[ReadMaster],
)
def get_milestone(ident: str, uow: Uow) -> dict[str, Any]:
    return _read(uow, Milestone, ident, "milestone", present.milestone, True)


def _on_account_editor(caller: Principal = Depends(principal)) -> Principal:
    """Project managers (who plan milestones) and accountants (who own the on-account
    transaction in seed 003) may edit a milestone's tax groups and dimensions."""
    if not (
        allowed(caller.role, Permission.WRITE_MASTER_DATA)
        or allowed(caller.role, Permission.POST_LEDGER)
    ):
        raise Forbidden(f"the role {caller.role.value} may not edit a milestone's accounting")
    return caller


@router.patch(
    "/milestones/{ident}",
    response_model=s.MilestoneOut,
    tags=["contracts"],
    dependencies=[Depends(_on_account_editor)],
    summary="Change a milestone's tax groups, dimensions or tax until its invoice is confirmed",
)
def patch_milestone(ident: str, body: s.MilestonePatch, uow: Uow) -> dict[str, Any]:
    milestone_accounting.update_milestone(uow, ident, body.model_dump(exclude_unset=True))
    return _read(uow, Milestone, ident, "milestone", present.milestone, True)
