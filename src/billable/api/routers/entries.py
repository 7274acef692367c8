"""Entry routes: time, expense, material usage and fee entries and their actions.

No ``from __future__ import annotations``: the route factory's body types are closures.
"""

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel

from billable.api import present_billing as present
from billable.api.deps import ApproveEntries, ReadEntries, Uow, WriteEntries
from billable.api.pagination import Page, page
from billable.api.schemas import entries as s
from billable.billing import entries
from billable.persistence.uow import UnitOfWork
from billable.views import entries as views

router = APIRouter(tags=["entries"])


def _show(uow: UnitOfWork, ident: int | str, kind: str) -> dict[str, Any]:
    with uow:
        row = views.entry(uow.session, kind, ident)
    return present.entry(row)


def entry_routes(
    path: str, kind: str, body_in: type[BaseModel], body_patch: type[BaseModel]
) -> None:
    """Register list, get, create, PATCH and the actions for one kind of entry."""

    @router.get(path, response_model=Page[s.EntryOut], dependencies=[ReadEntries])
    def list_entries(
        uow: Uow,
        limit: int = 50,
        cursor: str | None = None,
        project_id: str | None = None,
        status: Literal["draft", "submitted", "approved", "rejected"] | None = None,
    ) -> dict[str, Any]:
        with uow:
            found = views.entries(uow.session, kind, limit, cursor, project_id, status)
        return page(found, present.entry)

    @router.get(path + "/{ident}", response_model=s.EntryOut, dependencies=[ReadEntries])
    def get_entry(ident: str, uow: Uow) -> dict[str, Any]:
        return _show(uow, ident, kind)

    @router.post(path, response_model=s.EntryOut, status_code=201, dependencies=[WriteEntries])
    def create_entry(body: body_in, uow: Uow) -> dict[str, Any]:  # type: ignore[valid-type]
        ident = entries.create_entry(uow, kind, body.model_dump())  # type: ignore[attr-defined]
        return _show(uow, ident, kind)

    @router.patch(path + "/{ident}", response_model=s.EntryOut, dependencies=[WriteEntries])
    def patch_entry(ident: str, body: body_patch, uow: Uow) -> dict[str, Any]:  # type: ignore[valid-type]
        entries.update_entry(uow, kind, ident, body.model_dump(exclude_unset=True))  # type: ignore[attr-defined]
        return _show(uow, ident, kind)

    @router.post(path + "/{ident}/submit", response_model=s.EntryOut, dependencies=[WriteEntries])
    def submit(ident: str, uow: Uow) -> dict[str, Any]:
        entries.transition(uow, kind, ident, "submit")
        return _show(uow, ident, kind)

    @router.post(
        path + "/{ident}/approve", response_model=s.EntryOut, dependencies=[ApproveEntries]
    )
    def approve(ident: str, uow: Uow) -> dict[str, Any]:
        entries.transition(uow, kind, ident, "approve")
        return _show(uow, ident, kind)

    @router.post(path + "/{ident}/reject", response_model=s.EntryOut, dependencies=[ApproveEntries])
    def reject(ident: str, uow: Uow) -> dict[str, Any]:
        entries.transition(uow, kind, ident, "reject")
        return _show(uow, ident, kind)

    @router.post(path + "/{ident}/recall", response_model=s.EntryOut, dependencies=[WriteEntries])
    def recall(ident: str, uow: Uow) -> dict[str, Any]:
        entries.transition(uow, kind, ident, "recall")
        return _show(uow, ident, kind)


entry_routes("/time-entries", "time", s.TimeEntryIn, s.TimeEntryPatch)
entry_routes("/expense-entries", "expense", s.ExpenseEntryIn, s.ExpenseEntryPatch)
entry_routes("/material-usages", "material", s.MaterialUsageIn, s.MaterialUsagePatch)
entry_routes("/fee-entries", "fee", s.FeeEntryIn, s.FeeEntryPatch)
