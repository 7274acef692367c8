"""Use cases for project contracts and their tasks' checks.

Contract lines live in :mod:`billable.masterdata.contract_lines` and milestones in
:mod:`billable.masterdata.milestones`; their use cases are re-exported here, where the
routes, the CLI and the demo have always found them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.documents import parties
from billable.domain.errors import Invalid
from billable.erp import fields as erp_fields
from billable.masterdata.contract_lines import create_line, update_line
from billable.masterdata.milestones import (
    ON_ACCOUNT_FIELDS,
    create_milestone,
    mark_milestone_ready,
    milestone_tax,
)
from billable.masterdata.records import create as create_master
from billable.persistence.lookups import get, ref
from billable.persistence.tables import Contract, Customer, PriceList, Project, Task
from billable.persistence.uow import UnitOfWork

Fields = Mapping[str, Any]

__all__ = [
    "ON_ACCOUNT_FIELDS",
    "create_contract",
    "create_line",
    "create_milestone",
    "create_task",
    "mark_milestone_ready",
    "milestone_tax",
    "task_of",
    "update_contract",
    "update_line",
]


def create_task(uow: UnitOfWork, project_id: str, fields: Fields) -> int:
    """A task of project ``project_id`` (404 for an unknown project)."""
    with uow:
        # Read the id inside the unit of work: leaving it expires the row.
        project_key = get(uow.session, Project, project_id, "project").id
    return create_master(uow, "task", {**fields, "project_id": project_key})


def _check_contract(session: Session, contract: Contract) -> None:
    price_list = session.get(PriceList, contract.price_list_id)
    assert price_list is not None
    if price_list.context != "sales":
        raise Invalid.field("price_list_id", "must be a price list of context 'sales'")
    if price_list.currency != contract.currency:
        raise Invalid.field(
            "price_list_id",
            f"the price list is in {price_list.currency}, the contract in {contract.currency}",
        )


def create_contract(uow: UnitOfWork, fields: Fields) -> int:
    """A contract; its bill-to defaults from the customer's."""
    currency(fields["currency"])
    with uow:
        session = uow.session
        customer = ref(session, Customer, fields["customer_id"], "customer_id", "customer")
        price_list = ref(session, PriceList, fields["price_list_id"], "price_list_id", "price list")
        contract = Contract(
            name=fields["name"],
            customer_id=customer.id,
            currency=fields["currency"],
            price_list_id=price_list.id,
            opportunity=fields.get("opportunity"),
            description=fields.get("description"),
        )
        for part in ("name", "street", "city", "postal_code", "country"):
            setattr(contract, f"bill_to_{part}", getattr(customer, f"bill_to_{part}"))
        _set_bill_to(contract, fields.get("bill_to"))
        _check_contract(session, contract)
        erp_fields.write(session, contract, fields)
        parties.write_contract_terms(session, contract, fields)
        session.add(contract)
        session.flush()
        ident = contract.id
        uow.commit()
    return ident


def _set_bill_to(row: Any, bill_to: Mapping[str, Any] | None) -> None:
    for key, value in (bill_to or {}).items():
        setattr(row, f"bill_to_{key}", value if value is not None else "")


def update_contract(uow: UnitOfWork, ident: str, fields: Fields) -> int:
    """Change a contract's name, description, opportunity, bill-to, sales tax group or
    legal entity."""
    with uow:
        contract = get(uow.session, Contract, ident, "contract")
        erp_fields.write(uow.session, contract, fields)
        parties.write_contract_terms(uow.session, contract, fields)
        for name in ("name", "description", "opportunity"):
            if name in fields:
                setattr(contract, name, fields[name])
        _set_bill_to(contract, fields.get("bill_to"))
        uow.commit()
    return contract.id


def task_of(session: Session, task_id: Any, project_id: int) -> int | None:
    """A task id checked to belong to ``project_id`` (None passes through)."""
    if task_id is None:
        return None
    task = ref(session, Task, task_id, "task_id", "task")
    if task.project_id != project_id:
        raise Invalid.field("task_id", "the task belongs to another project")
    return task.id
