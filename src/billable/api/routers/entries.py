"""Entry routes: time, expense, material usage and fee entries and their actions.

No ``from __future__ import annotations``: the route factory's body types are closures.
"""

from typing import Any

from pydantic import BaseModel

from billable.api import present_billing as present
from billable.api.deps import ApproveEntries, ReadEntries, Uow, WriteEntries
from billable.api.pagination import Page, page
from billable.api.routing import SegmentRouter
from billable.api.schemas import entries as s
from billable.billing import entries
from billable.domain.permissions import EVERYONE, EntryScope
from billable.domain.vocabulary import EntryState, TransactionClass
from billable.identity.users import Principal
from billable.persistence.uow import UnitOfWork
from billable.views import entries as views

router = SegmentRouter(tags=["entries"])


def _show(
    uow: UnitOfWork, ident: int | str, kind: str, scope: EntryScope = EVERYONE
) -> dict[str, Any]:
    with uow:
        row = views.entry(uow.session, kind, ident, scope)
    return present.entry(row)


def entry_routes(
    path: str, kind: str, body_in: type[BaseModel], body_patch: type[BaseModel]
) -> None:
    """Register list, get, create, PATCH and the actions for one kind of entry."""

    @router.get(path, response_model=Page[s.EntryOut])
    def list_entries(
        uow: Uow,
        limit: int = 50,
        cursor: str | None = None,
        project_id: str | None = None,
        status: EntryState | None = None,
        caller: Principal = ReadEntries,
    ) -> dict[str, Any]:
        with uow:
            found = views.entries(
                uow.session, kind, limit, cursor, project_id, status, caller.entries
            )
        return page(found, present.entry)

    @router.get(path + "/{ident}", response_model=s.EntryOut)
    def get_entry(ident: str, uow: Uow, caller: Principal = ReadEntries) -> dict[str, Any]:
        return _show(uow, ident, kind, caller.entries)

    @router.post(path, response_model=s.EntryOut, status_code=201)
    def create_entry(body: body_in, uow: Uow, caller: Principal = WriteEntries) -> dict[str, Any]:  # type: ignore[valid-type]
        fields = body.model_dump()  # type: ignore[attr-defined]
        ident = entries.create_entry(uow, kind, fields, scope=caller.entries)
        return _show(uow, ident, kind)

    @router.patch(path + "/{ident}", response_model=s.EntryOut)
    def patch_entry(
        ident: str,
        body: body_patch,  # type: ignore[valid-type]
        uow: Uow,
        caller: Principal = WriteEntries,
    ) -> dict[str, Any]:
        fields = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        entries.update_entry(uow, kind, ident, fields, scope=caller.entries)
        return _show(uow, ident, kind)

    def action_route(action: str, permission: Any) -> None:
        @router.post(f"{path}/{{ident}}/{action}", response_model=s.EntryOut, name=action)
        def act(ident: str, uow: Uow, caller: Principal = permission) -> dict[str, Any]:
            entries.transition(uow, kind, ident, action, scope=caller.entries)
            return _show(uow, ident, kind)

    action_route("submit", WriteEntries)
    action_route("approve", ApproveEntries)
    action_route("reject", ApproveEntries)
    action_route("recall", WriteEntries)


def _show_many(uow: UnitOfWork, idents: list[int]) -> dict[str, Any]:
    with uow:
        return {"items": [present.entry(row) for row in views.entries_by_id(uow.session, idents)]}


def bulk_routes(path: str, kind: str, body_bulk: type[BaseModel]) -> None:
    """Register the all-or-nothing bulk routes of one kind of entry: create many, and
    submit, approve or reject many by id (docs/decisions.md, "All or nothing")."""

    @router.post(path + "/bulk", response_model=s.EntryBatchOut, status_code=201)
    def create_entries(
        body: body_bulk,  # type: ignore[valid-type]
        uow: Uow,
        caller: Principal = WriteEntries,
    ) -> dict[str, Any]:
        items = [item.model_dump() for item in body.items]  # type: ignore[attr-defined]
        return _show_many(uow, entries.create_entries(uow, kind, items, scope=caller.entries))

    def action_route(action: str, permission: Any) -> None:
        @router.post(
            f"{path}/{action}", response_model=s.EntryBatchOut, name=f"{action}_{kind}_entries"
        )
        def act(body: s.EntryIds, uow: Uow, caller: Principal = permission) -> dict[str, Any]:
            moved = entries.transition_entries(uow, kind, body.ids, action, scope=caller.entries)
            return _show_many(uow, moved)

    action_route("submit", WriteEntries)
    action_route("approve", ApproveEntries)
    action_route("reject", ApproveEntries)


entry_routes("/time-entries", TransactionClass.TIME, s.TimeEntryIn, s.TimeEntryPatch)
entry_routes("/expense-entries", TransactionClass.EXPENSE, s.ExpenseEntryIn, s.ExpenseEntryPatch)
entry_routes("/material-usages", TransactionClass.MATERIAL, s.MaterialUsageIn, s.MaterialUsagePatch)
entry_routes("/fee-entries", TransactionClass.FEE, s.FeeEntryIn, s.FeeEntryPatch)
bulk_routes("/time-entries", TransactionClass.TIME, s.TimeEntryBulkIn)
bulk_routes("/expense-entries", TransactionClass.EXPENSE, s.ExpenseEntryBulkIn)
bulk_routes("/material-usages", TransactionClass.MATERIAL, s.MaterialUsageBulkIn)
bulk_routes("/fee-entries", TransactionClass.FEE, s.FeeEntryBulkIn)
