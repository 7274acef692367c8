"""What an entry of each kind takes, and checking many entries' references at once.

Creating one entry, editing one and creating ten thousand run the same checks: every
project, task, resource, role, category and product the rows name is read in one query
per table, then each row is checked against those sets in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from billable.domain.errors import FieldError, Invalid
from billable.domain.vocabulary import EntryState, TransactionClass
from billable.persistence.lookups import in_chunks, parse_id
from billable.persistence.tables import (
    Product,
    Project,
    Resource,
    Role,
    Task,
    TransactionCategory,
)

Fields = Mapping[str, Any]

_TIME_FIELDS = frozenset(
    {
        "resource_id",
        "project_id",
        "task_id",
        "role_id",
        "category_id",
        "date",
        "quantity",
        "internal_comment",
        "external_comment",
    }
)
_PRICED_FIELDS = frozenset(
    {"project_id", "task_id", "category_id", "date", "quantity", "unit_price", "description"}
)

#: Which fields each kind of entry takes, and which of them it needs.
FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    TransactionClass.TIME: (
        _TIME_FIELDS,
        frozenset({"resource_id", "project_id", "date", "quantity"}),
    ),
    TransactionClass.EXPENSE: (
        _PRICED_FIELDS | {"resource_id"},
        frozenset({"resource_id", "project_id", "category_id", "date", "quantity", "unit_price"}),
    ),
    TransactionClass.MATERIAL: (
        # A material category is optional: it carries the item sales tax group when the
        # parameter takes material's group from the category (seed 003).
        frozenset({"project_id", "task_id", "product_id", "category_id", "date", "quantity"}),
        frozenset({"project_id", "product_id", "date", "quantity"}),
    ),
    TransactionClass.FEE: (
        _PRICED_FIELDS,
        frozenset({"project_id", "category_id", "date", "quantity", "unit_price"}),
    ),
}


def _keys(rows: Sequence[Fields], name: str) -> set[int]:
    return {key for row in rows if (key := parse_id(row.get(name))) is not None}


def by_keys(*columns: Any) -> Select[Any]:
    """``SELECT columns WHERE first column IN :keys``, built once: a set of one runs many
    of these, and building a statement costs more than running it on a small table."""
    return select(*columns).where(columns[0].in_(bindparam("keys", expanding=True)))


def rows_by_key(session: Session, stmt: Select[Any], keys: Iterable[Any]) -> dict[Any, Any]:
    """The rows of a :func:`by_keys` statement by their first column, for ``keys``."""
    found: dict[Any, Any] = {}
    for chunk in in_chunks(sorted({k for k in keys if k is not None})):
        found.update((row[0], row) for row in session.execute(stmt, {"keys": chunk}))
    return found


_PROJECTS = by_keys(Project.id)
_TASKS = by_keys(Task.id, Task.project_id)
_RESOURCES = by_keys(Resource.id, Resource.default_role_id)
_ROLES = by_keys(Role.id)
_CATEGORIES = by_keys(TransactionCategory.id, TransactionCategory.transaction_class)
_PRODUCTS = by_keys(Product.id)


class References:
    """Every row the checked entries name, read once per table."""

    def __init__(self, session: Session, rows: Sequence[Fields]) -> None:
        self.projects = rows_by_key(session, _PROJECTS, _keys(rows, "project_id"))
        self.tasks = rows_by_key(session, _TASKS, _keys(rows, "task_id"))
        self.resources = rows_by_key(session, _RESOURCES, _keys(rows, "resource_id"))
        roles = _keys(rows, "role_id") | {r.default_role_id for r in self.resources.values()}
        self.roles = rows_by_key(session, _ROLES, roles)
        self.categories = rows_by_key(session, _CATEGORIES, _keys(rows, "category_id"))
        self.products = rows_by_key(session, _PRODUCTS, _keys(rows, "product_id"))


def check_new(kind: str, fields: Fields) -> list[FieldError]:
    """The refusals of a new entry's own fields: its status and required fields."""
    errors = []
    if fields.get("status") not in (None, EntryState.DRAFT, EntryState.SUBMITTED):
        errors.append(FieldError("status", "a new entry is draft or submitted; approve it after"))
    _, required = FIELDS[kind]
    errors.extend(
        FieldError(name, f"is required on a {kind} entry")
        for name in sorted(required)
        if fields.get(name) is None
    )
    return errors


def resolve(kind: str, fields: Fields, refs: References) -> dict[str, Any]:
    """An entry's fields with every reference checked and named by its key, the role
    defaulted from the resource for time; :class:`Invalid` lists every refused field."""
    allowed, _ = FIELDS[kind]
    errors = [
        FieldError(name, f"is not a field of a {kind} entry")
        for name in fields
        if name not in allowed
    ]
    out = {name: value for name, value in fields.items() if name in allowed}

    def known(name: str, found: Mapping[int, Any], what: str) -> Any:
        value = fields.get(name)
        if value is None:
            return None
        row = found.get(parse_id(value))  # type: ignore[arg-type]
        if row is None:
            errors.append(FieldError(name, f"no {what} with id {value}"))
            return None
        out[name] = row[0]
        return row

    project = known("project_id", refs.projects, "project")
    task = known("task_id", refs.tasks, "task")
    if task is not None and project is not None and task.project_id != project.id:
        errors.append(FieldError("task_id", "the task belongs to another project"))
    resource = known("resource_id", refs.resources, "resource")
    if kind == TransactionClass.TIME and resource is not None and out.get("role_id") is None:
        out["role_id"] = resource.default_role_id
    if fields.get("role_id") is not None:
        known("role_id", refs.roles, "role")
    category = known("category_id", refs.categories, "transaction category")
    if category is not None and category.transaction_class != kind:
        errors.append(
            FieldError(
                "category_id", f"the category is for {category.transaction_class}, not {kind}"
            )
        )
    known("product_id", refs.products, "product")  # not vocabulary: the noun of its 422
    if errors:
        raise Invalid("; ".join(f"{e.field}: {e.message}" for e in errors), tuple(errors))
    return out
