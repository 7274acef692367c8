"""Use cases for time, expense, material-usage and fee entries: enter, edit, submit,
approve (which writes the actuals) and reject."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from billable.billing.approval import write_actuals
from billable.domain.errors import Invalid
from billable.domain.lifecycle import ENTRY
from billable.masterdata.contracts import task_of
from billable.persistence.lookups import get, ref
from billable.persistence.tables import (
    Entry,
    Product,
    Project,
    Resource,
    Role,
    TransactionCategory,
)
from billable.persistence.uow import UnitOfWork

Fields = Mapping[str, Any]

#: Which fields each kind of entry takes, and which of them it needs.
FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "time": (
        frozenset(
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
        ),
        frozenset({"resource_id", "project_id", "date", "quantity"}),
    ),
    "expense": (
        frozenset(
            {
                "resource_id",
                "project_id",
                "task_id",
                "category_id",
                "date",
                "quantity",
                "unit_price",
                "description",
            }
        ),
        frozenset({"resource_id", "project_id", "category_id", "date", "quantity", "unit_price"}),
    ),
    "material": (
        # A material category is optional: it carries the item sales tax group when the
        # parameter takes material's group from the category (seed 003).
        frozenset({"project_id", "task_id", "product_id", "category_id", "date", "quantity"}),
        frozenset({"project_id", "product_id", "date", "quantity"}),
    ),
    "fee": (
        frozenset(
            {
                "project_id",
                "task_id",
                "category_id",
                "date",
                "quantity",
                "unit_price",
                "description",
            }
        ),
        frozenset({"project_id", "category_id", "date", "quantity", "unit_price"}),
    ),
}


def _apply(session: Session, entry: Entry, fields: Fields) -> None:
    allowed, _ = FIELDS[entry.kind]
    for name, value in fields.items():
        if name not in allowed:
            raise Invalid.field(name, f"is not a field of a {entry.kind} entry")
        setattr(entry, name, value)
    project = ref(session, Project, entry.project_id, "project_id", "project")
    entry.project_id = project.id
    entry.task_id = task_of(session, entry.task_id, project.id)
    if entry.resource_id is not None:
        resource = ref(session, Resource, entry.resource_id, "resource_id", "resource")
        entry.resource_id = resource.id
        if entry.kind == "time" and entry.role_id is None:
            entry.role_id = resource.default_role_id
    if entry.role_id is not None:
        entry.role_id = ref(session, Role, entry.role_id, "role_id", "role").id
    if entry.category_id is not None:
        category = ref(
            session, TransactionCategory, entry.category_id, "category_id", "transaction category"
        )
        if category.transaction_class != entry.kind:
            raise Invalid.field(
                "category_id",
                f"the category is for {category.transaction_class}, not {entry.kind}",
            )
        entry.category_id = category.id
    if entry.product_id is not None:
        entry.product_id = ref(session, Product, entry.product_id, "product_id", "product").id


def create_entry(uow: UnitOfWork, kind: str, fields: Fields) -> int:
    """Enter a time, expense, material or fee entry, as a draft or straight submitted."""
    fields = dict(fields)
    status = fields.pop("status", None) or "draft"
    if status not in ("draft", "submitted"):
        raise Invalid.field("status", "a new entry is draft or submitted; approve it after")
    _, required = FIELDS[kind]
    for name in sorted(required):
        if fields.get(name) is None:
            raise Invalid.field(name, f"is required on a {kind} entry")
    with uow:
        entry = Entry(kind=kind, status=status)
        _apply(uow.session, entry, fields)
        uow.session.add(entry)
        uow.session.flush()
        ident = entry.id
        uow.commit()
    return ident


def update_entry(uow: UnitOfWork, kind: str, ident: str, fields: Fields) -> int:
    """Edit a draft or rejected entry. Status changes go through the actions."""
    if "status" in fields:
        raise Invalid.field("status", "use the submit, approve and reject actions")
    with uow:
        entry = _load(uow.session, kind, ident)
        ENTRY.next_state(entry.status, "edit")
        _apply(uow.session, entry, fields)
        uow.commit()
    return entry.id


def _load(session: Session, kind: str, ident: str, lock: bool = False) -> Entry:
    entry = get(session, Entry, ident, f"{kind} entry", lock=lock)
    if entry.kind != kind:
        get(session, Entry, "none", f"{kind} entry")  # raises 404: wrong collection
    return entry


def transition(uow: UnitOfWork, kind: str, ident: str, action: str) -> int:
    """Submit, recall, approve or reject an entry. Approval writes its actuals in the same
    transaction, so an entry is never approved without them (or they without it)."""
    with uow:
        session = uow.session
        entry = _load(session, kind, ident, lock=True)
        entry.status = ENTRY.next_state(entry.status, action)
        if action == "approve":
            write_actuals(session, entry)
        uow.commit()
    return entry.id
