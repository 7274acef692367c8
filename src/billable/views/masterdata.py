"""Master data as the read side shows it: the plain collections (customers, roles,
resources, categories, products, price lists, projects, tasks and the ERP setup kinds
registered beside them) and a project's tasks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from billable.masterdata.records import KINDS
from billable.persistence.lookups import get
from billable.persistence.tables import Project, Task
from billable.views.pagination import Window, window
from billable.views.records import Record, nested, records

#: Kinds whose rows carry lists of child rows, by relation name.
_CHILDREN: dict[str, tuple[str, ...]] = {
    "price_list": ("role_prices", "category_prices", "product_prices"),
    "customer": ("payment_terms",),
}


def what(kind: str) -> str:
    """How a refusal names one row of ``kind`` ("price list")."""
    return KINDS[kind].what


def _snapshot(kind: str) -> Any:
    children = _CHILDREN.get(kind, ())
    return lambda rows: [nested(row, *children) for row in rows]


def _query(kind: str) -> Any:
    """The kind's rows, their child lists loaded in one query per list for a page."""
    model: Any = KINDS[kind].model
    children = _CHILDREN.get(kind, ())
    stmt = select(model).options(*(selectinload(getattr(model, name)) for name in children))
    return stmt, model


def rows(session: Session, kind: str, limit: int, cursor: str | None) -> Window[Record]:
    """A page of the collection ``kind``, by id."""
    stmt, model = _query(kind)
    return window(session, stmt, model.id, limit, cursor, _snapshot(kind))


def row(session: Session, kind: str, ident: int | str) -> Record:
    """One row of ``kind``, or 404 naming it."""
    _, model = _query(kind)
    found = get(session, model, ident, what(kind))
    snapshot: list[Record] = _snapshot(kind)([found])
    return snapshot[0]


def tasks(session: Session, project_id: str, limit: int, cursor: str | None) -> Window[Record]:
    """A page of a project's tasks (404 for an unknown project)."""
    project = get(session, Project, project_id, "project")
    stmt = select(Task).where(Task.project_id == project.id)
    return window(session, stmt, Task.id, limit, cursor, records)
