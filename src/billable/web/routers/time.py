"""The team member's week: a grid of hours per project and task over seven days (save
enters or changes draft entries through the entry use cases), expense entries with
category and amount, and Submit / Recall of the week's entries.

A team member sees and enters only their own resource's week (the one their user is
linked to); a manager or an admin chooses whose week it is. Every write passes the
caller's entry scope to the use cases, so a crafted form naming another resource is
refused there, as through the API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from billable.api.routing import SegmentRouter
from billable.billing import entries
from billable.domain.errors import Invalid
from billable.domain.permissions import Permission
from billable.domain.vocabulary import EntryState, TransactionClass
from billable.identity.users import Principal
from billable.views import masterdata as master_views
from billable.views import week as week_views
from billable.web.actions import attempt
from billable.web.forms import date, decimal, optional
from billable.web.render import page
from billable.web.session import checked_form, form_text, get_uow, may
from billable.web.week_grid import cell_name, grid

router = SegmentRouter()
Member = Annotated[Principal, Depends(may(Permission.WRITE_ENTRIES))]
Form = Annotated[FormData, Depends(checked_form)]
LIST = 500  # master data shown in the choices


def _week(text: str) -> dt.date:
    return week_views.monday(date("week", text) if text.strip() else dt.date.today())


def _own(user: Principal, resource: str) -> str:
    """The resource whose week the page shows: a team member's own, whatever the form
    or address names."""
    scope = user.entries
    return resource if scope.everyone else str(scope.resource_id or "")


def _back(start: dt.date, resource: str) -> str:
    return f"/time?week={start.isoformat()}&resource={resource}"


@router.get("/time", response_class=HTMLResponse)
def week(request: Request, user: Member, week: str = "", resource: str = "") -> HTMLResponse:
    """The week grid and the week's expenses of one resource."""
    start = _week(week)
    days = [start + dt.timedelta(days=i) for i in range(week_views.DAYS)]
    uow = get_uow(request)
    with uow:
        resources = [
            r
            for r in master_views.rows(uow.session, "resource", LIST, None).items
            if user.entries.sees(r.id)
        ]
        projects = master_views.rows(uow.session, "project", LIST, None).items
        tasks = master_views.rows(uow.session, "task", LIST, None).items
        categories = master_views.rows(uow.session, "transaction_category", LIST, None).items
        chosen = optional(_own(user, resource)) or (str(resources[0].id) if resources else None)
        times: list[Any] = []
        expenses: list[Any] = []
        if chosen is not None and chosen.isdigit():
            times = week_views.week_entries(uow.session, TransactionClass.TIME, int(chosen), start)
            expenses = week_views.week_entries(
                uow.session, TransactionClass.EXPENSE, int(chosen), start
            )
    return page(
        request,
        "time/week.html.j2",
        user,
        start=start,
        days=days,
        previous=(start - dt.timedelta(days=7)).isoformat(),
        following=(start + dt.timedelta(days=7)).isoformat(),
        resource=chosen or "",
        resources=resources,
        projects={p.id: p.name for p in projects},
        tasks=tasks,
        task_names={t.id: t.name for t in tasks},
        categories=[c for c in categories if c.transaction_class == TransactionClass.EXPENSE],
        rows=grid(times, days),
        cell_name=cell_name,
        expenses=expenses,
    )


def _changes(
    form: FormData, resource: str, start: dt.date
) -> tuple[list[dict[str, Any]], list[tuple[str, Any]]]:
    """What the grid's cells ask: new entries, and (entry id, hours) changes."""
    new: list[dict[str, Any]] = []
    changed: list[tuple[str, Any]] = []
    for name, value in form.multi_items():
        if not isinstance(value, str) or not value.strip():
            continue
        if name.startswith("cell:"):
            parts = name.split(":")
            if len(parts) != 4:
                raise Invalid.field(name, "not a cell of the week grid")
            _, project, task, day = parts
            hours = decimal(name, value)
            existing = form_text(form, f"entry:{project}:{task}:{day}")
            if existing:
                if hours != decimal(name, form_text(form, f"was:{project}:{task}:{day}")):
                    changed.append((existing, hours))
            elif hours:
                new.append(
                    {
                        "project_id": project,
                        "task_id": None if task == "0" else task,
                        "date": date(name, day),
                        "quantity": hours,
                    }
                )
        elif name.startswith("new:"):
            hours = decimal(name, value)
            project = form_text(form, "new_project")
            if hours and not project:
                raise Invalid.field("new_project", "choose the project of the new row")
            if hours:
                new.append(
                    {
                        "project_id": project,
                        "task_id": form_text(form, "new_task") or None,
                        "date": date(name, name[4:]),
                        "quantity": hours,
                    }
                )
    for item in new:
        item["resource_id"] = resource
    return new, changed


@router.post("/time/save")
def save(request: Request, user: Member, form: Form) -> Response:
    """Save the week: new cells become draft entries, changed cells change theirs."""
    resource = _own(user, form_text(form, "resource"))
    start = _week(form_text(form, "week"))
    uow = get_uow(request)

    def run() -> None:
        if not resource:
            raise Invalid.field("resource", "choose whose week this is")
        new, changed = _changes(form, resource, start)
        if new:
            entries.create_entries(uow, TransactionClass.TIME, new, scope=user.entries)
        for ident, hours in changed:
            entries.update_entry(
                uow, TransactionClass.TIME, ident, {"quantity": hours}, scope=user.entries
            )

    return attempt(request, _back(start, resource), run, "Week saved.")


@router.post("/time/expenses")
def add_expense(request: Request, user: Member, form: Form) -> Response:
    """A draft expense entry: category and amount (one unit at that price)."""
    resource = _own(user, form_text(form, "resource"))
    start = _week(form_text(form, "week"))

    def run() -> None:
        fields = {
            "resource_id": resource,
            "project_id": form_text(form, "project"),
            "category_id": form_text(form, "category"),
            "date": date("date", form_text(form, "date")),
            "quantity": decimal("quantity", "1"),
            "unit_price": decimal("amount", form_text(form, "amount")),
            "description": form_text(form, "description"),
        }
        entries.create_entry(get_uow(request), TransactionClass.EXPENSE, fields, scope=user.entries)

    return attempt(request, _back(start, resource), run, "Expense added.")


@router.post("/time/{action}")
def send(request: Request, action: str, user: Member, form: Form) -> Response:
    """Submit the week's drafts, or recall its submitted entries (time and expenses)."""
    resource = _own(user, form_text(form, "resource"))
    start = _week(form_text(form, "week"))
    uow = get_uow(request)
    wanted = {"submit": EntryState.DRAFT, "recall": EntryState.SUBMITTED}
    counted: list[int] = []

    def run() -> None:
        if action not in wanted:
            raise Invalid.field("action", "must be submit or recall")
        if not resource.isdigit():
            raise Invalid.field("resource", "choose whose week this is")
        for kind in (TransactionClass.TIME, TransactionClass.EXPENSE):
            with uow:
                found = week_views.week_entries(uow.session, kind, int(resource), start)
            ids = [e.id for e in found if e.status == wanted[action]]
            if ids:
                counted.extend(
                    entries.transition_entries(uow, kind, ids, action, scope=user.entries)
                )
        if not counted:
            raise Invalid.field("action", f"nothing to {action} this week")

    verb = "Submitted" if action == "submit" else "Recalled"
    return attempt(request, _back(start, resource), run, f"{verb} the week's entries.")
