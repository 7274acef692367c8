"""Master data routes: list, get, create and PATCH for every plain collection of api.md
(the ERP setup collections use the same factory); contracts are in
:mod:`billable.api.routers.contracts`.

No ``from __future__ import annotations`` here: FastAPI reads the body types of the
routes made by :func:`collection` from the closure at definition time.
"""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from billable.api import present_masterdata as present
from billable.api.deps import ReadBooking, ReadMaster, Uow, WriteMaster, WriteUow
from billable.api.pagination import Page, page
from billable.api.routing import SegmentRouter
from billable.api.schemas import masterdata as s
from billable.masterdata import contracts
from billable.masterdata import records as masterdata
from billable.persistence.uow import UnitOfWork
from billable.views import masterdata as views

router = SegmentRouter()


def _read(uow: UnitOfWork, kind: str, ident: str, show: Callable[[Any], Any]) -> dict[str, Any]:
    with uow:
        row = views.row(uow.session, kind, ident)
    result: dict[str, Any] = show(row)
    return result


def collection(
    path: str,
    tag: str,
    kind: str,
    body_in: type[BaseModel],
    body_patch: type[BaseModel],
    body_out: type[BaseModel],
    show: Callable[[Any], dict[str, Any]],
    *,
    on: APIRouter = router,
    write: Any = WriteMaster,
    read: Any = ReadMaster,
    before_list: Callable[[UnitOfWork], None] | None = None,
) -> None:
    """Register the four routes of a plain master data collection on ``on`` (default:
    this module's router); ``write`` is the dependency that guards create and change,
    ``read`` the one that guards list and get (``ReadBooking`` for what a team member
    needs to enter time); ``before_list`` runs before a list is read (to make a default
    row, say)."""
    _read_routes(on, path, tag, kind, body_out, show, before_list, read)
    _write_routes(on, path, tag, kind, (body_in, body_patch, body_out), show, write)


def _read_routes(
    on: APIRouter,
    path: str,
    tag: str,
    kind: str,
    body_out: type[BaseModel],
    show: Callable[[Any], dict[str, Any]],
    before_list: Callable[[UnitOfWork], None] | None,
    read: Any,
) -> None:
    """The list and get routes of a collection, guarded by ``read``."""
    what = views.what(kind)

    @on.get(
        path,
        response_model=Page[body_out],  # type: ignore[valid-type]
        tags=[tag],
        dependencies=[read],
        summary=f"List {what}s",
    )
    def list_rows(
        uow: Uow, writer: WriteUow, limit: int = 50, cursor: str | None = None
    ) -> dict[str, Any]:
        if before_list is not None:
            before_list(writer)  # it may make what the list needs (a default row)
        with uow:
            found = views.rows(uow.session, kind, limit, cursor)
        return page(found, show)

    @on.get(
        path + "/{ident}",
        response_model=body_out,
        tags=[tag],
        dependencies=[read],
        summary=f"Get a {what}",
    )
    def get_row(ident: str, uow: Uow) -> dict[str, Any]:
        return _read(uow, kind, ident, show)


def _write_routes(
    on: APIRouter,
    path: str,
    tag: str,
    kind: str,
    bodies: tuple[type[BaseModel], type[BaseModel], type[BaseModel]],
    show: Callable[[Any], dict[str, Any]],
    write: Any,
) -> None:
    """The create and PATCH routes of a collection, guarded by ``write``."""
    what = views.what(kind)
    body_in, body_patch, body_out = bodies

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
        return _read(uow, kind, str(ident), show)

    @on.patch(
        path + "/{ident}",
        response_model=body_out,
        tags=[tag],
        dependencies=[write],
        summary=f"Change a {what}",
    )
    def patch_row(ident: str, body: body_patch, uow: Uow) -> dict[str, Any]:  # type: ignore[valid-type]
        masterdata.update(uow, kind, ident, body.model_dump(exclude_unset=True))  # type: ignore[attr-defined]
        return _read(uow, kind, ident, show)


collection(
    "/customers",
    "master data",
    "customer",
    s.CustomerIn,
    s.CustomerPatch,
    s.CustomerOut,
    present.customer,
)
# What a team member needs to enter time is readable by every role (ReadBooking);
# customers and price lists are not a team member's to read.
collection(
    "/roles",
    "master data",
    "role",
    s.RoleIn,
    s.RolePatch,
    s.RoleOut,
    present.role,
    read=ReadBooking,
)
collection(
    "/resources",
    "master data",
    "resource",
    s.ResourceIn,
    s.ResourcePatch,
    s.ResourceOut,
    present.resource,
    read=ReadBooking,
)
collection(
    "/transaction-categories",
    "master data",
    "transaction_category",
    s.CategoryIn,
    s.CategoryPatch,
    s.CategoryOut,
    present.category,
    read=ReadBooking,
)
collection(
    "/products",
    "master data",
    "product",  # not vocabulary: the noun of its 404
    s.ProductIn,
    s.ProductPatch,
    s.ProductOut,
    present.product,
    read=ReadBooking,
)
collection(
    "/price-lists",
    "master data",
    "price_list",
    s.PriceListIn,
    s.PriceListPatch,
    s.PriceListOut,
    present.price_list,
)
collection(
    "/projects",
    "master data",
    "project",
    s.ProjectIn,
    s.ProjectPatch,
    s.ProjectOut,
    present.project,
    read=ReadBooking,
)


@router.get(
    "/projects/{ident}/tasks",
    response_model=Page[s.TaskOut],
    tags=["master data"],
    dependencies=[ReadBooking],
)
def list_tasks(ident: str, uow: Uow, limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
    with uow:
        found = views.tasks(uow.session, ident, limit, cursor)
    return page(found, present.task)


@router.post(
    "/projects/{ident}/tasks",
    response_model=s.TaskOut,
    status_code=201,
    tags=["master data"],
    dependencies=[WriteMaster],
)
def create_task(ident: str, body: s.TaskIn, uow: Uow) -> dict[str, Any]:
    task_id = contracts.create_task(uow, ident, body.model_dump())
    return _read(uow, "task", str(task_id), present.task)


@router.get(
    "/tasks/{ident}", response_model=s.TaskOut, tags=["master data"], dependencies=[ReadBooking]
)
def get_task(ident: str, uow: Uow) -> dict[str, Any]:
    return _read(uow, "task", ident, present.task)


@router.patch(
    "/tasks/{ident}", response_model=s.TaskOut, tags=["master data"], dependencies=[WriteMaster]
)
def patch_task(ident: str, body: s.TaskPatch, uow: Uow) -> dict[str, Any]:
    masterdata.update(uow, "task", ident, body.model_dump(exclude_unset=True))
    return _read(uow, "task", ident, present.task)
