"""Use cases for contract lines: project-based lines (billing method, schedule, the
transaction classes they include) and product-based lines (quantity, price, readiness)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain.errors import Invalid
from billable.domain.lifecycle import PRODUCT_LINE
from billable.domain.money import exact_amount, round_amount
from billable.domain.schedule import LineKind
from billable.domain.vocabulary import ProductLineState
from billable.erp import defaults as erp_defaults
from billable.erp import fields as erp_fields
from billable.masterdata.milestones import planned_amount
from billable.persistence.lookups import get, ref
from billable.persistence.tables import (
    Contract,
    ContractLine,
    ContractLineClass,
    Product,
    ProductPrice,
    Project,
)
from billable.persistence.uow import UnitOfWork

Fields = Mapping[str, Any]


def _claim_classes(session: Session, line: ContractLine, classes: list[str]) -> None:
    """Include ``classes`` on ``line``; each project+class belongs to one line only."""
    assert line.project_id is not None
    if not classes:
        raise Invalid.field("transaction_classes", "a project-based line includes at least one")
    for cls in classes:
        taken = session.scalars(
            select(ContractLineClass).where(
                ContractLineClass.project_id == line.project_id,
                ContractLineClass.transaction_class == cls,
                ContractLineClass.contract_line_id != (line.id or 0),
            )
        ).first()
        if taken is not None:
            raise Invalid.field(
                "transaction_classes",
                f"project {line.project_id} already has {cls} on contract line "
                f"{taken.contract_line_id}",
            )
    line.classes = [
        ContractLineClass(transaction_class=c, project_id=line.project_id)
        for c in sorted(set(classes))
    ]


def _set_schedule(line: ContractLine, schedule: Mapping[str, Any] | None) -> None:
    if schedule is None:
        line.schedule_frequency = line.schedule_start_date = None
        return
    line.schedule_frequency = schedule["frequency"]
    line.schedule_start_date = schedule["start_date"]


def create_line(uow: UnitOfWork, contract_id: str, fields: Fields) -> int:
    """A project-based or product-based line on contract ``contract_id``."""
    with uow:
        session = uow.session
        contract = get(session, Contract, contract_id, "contract", lock=True)
        line = ContractLine(contract_id=contract.id, name=fields["name"], kind=fields["kind"])
        line.dimensions = erp_fields.dimensions(session, fields.get("dimensions"))
        if fields["kind"] == "project":
            _project_line(session, contract, line, fields)
        else:
            _product_line(session, contract, line, fields)
        session.add(line)
        session.flush()
        if line.kind == "project":
            _claim_classes(session, line, list(fields.get("transaction_classes") or []))
        ident = line.id
        uow.commit()
    return ident


def _project_line(session: Session, contract: Contract, line: ContractLine, f: Fields) -> None:
    for required in ("billing_method", "project_id"):
        if f.get(required) is None:
            raise Invalid.field(required, "is required on a project-based line")
    project = ref(session, Project, f["project_id"], "project_id", "project")
    if project.customer_id != contract.customer_id:
        raise Invalid.field("project_id", "the project belongs to another customer")
    project_entity = erp_defaults.entity_of(session, project.legal_entity_id)
    contract_entity = erp_defaults.entity_of(session, contract.legal_entity_id)
    if project_entity.id != contract_entity.id:
        raise Invalid.field(
            "project_id",
            f"the project posts in legal entity {project_entity.name}, "
            f"the contract in {contract_entity.name}",
        )
    line.project_id = project.id
    line.billing_method = f["billing_method"]
    if line.billing_method == "fixed_price" and f.get("amount") is None:
        raise Invalid.field("amount", "is required on a fixed-price line")
    if f.get("amount") is not None:
        line.amount = exact_amount(f["amount"], currency(contract.currency), "amount")
    if line.billing_method == "fixed_price":
        _check_fixed_price_amount(session, line)
    _set_schedule(line, f.get("invoice_schedule"))


def _product_line(session: Session, contract: Contract, line: ContractLine, f: Fields) -> None:
    if (f.get("product_id") is None) == (f.get("write_in_name") is None):
        raise Invalid.field("product_id", "give either product_id or write_in_name")
    if f.get("quantity") is None or f["quantity"] <= 0:
        raise Invalid.field("quantity", "must be greater than zero on a product line")
    line.quantity = f["quantity"]
    price = f.get("unit_price")
    if f.get("product_id") is not None:
        product = ref(
            session,
            Product,
            f["product_id"],
            "product_id",
            "product",  # not vocabulary: the noun of its 404
        )
        line.product_id = product.id
        if price is None:
            listed = session.scalars(
                select(ProductPrice.price).where(
                    ProductPrice.price_list_id == contract.price_list_id,
                    ProductPrice.product_id == product.id,
                )
            ).first()
            price = listed if listed is not None else product.list_price
    else:
        line.write_in_name = f["write_in_name"]
        if price is None:
            raise Invalid.field("unit_price", "is required for a write-in product")
    line.unit_price = price
    line.amount = round_amount(line.quantity * price, currency(contract.currency))
    line.product_status = (
        ProductLineState.READY_TO_INVOICE
        if f.get("ready_to_invoice")  # not vocabulary: the request field
        else ProductLineState.NOT_READY
    )
    line.date = f.get("date")


def update_line(uow: UnitOfWork, ident: str, fields: Fields) -> int:
    """Change a contract line: name, amount, schedule, classes; a product line's readiness."""
    with uow:
        session = uow.session
        line = get(session, ContractLine, ident, "contract line", lock=True)
        if "dimensions" in fields:
            line.dimensions = erp_fields.dimensions(session, fields["dimensions"])
        if "name" in fields:
            line.name = fields["name"]
        if line.kind == "project":
            if "amount" in fields:
                contract = session.get(Contract, line.contract_id)
                assert contract is not None
                amount = fields["amount"]
                line.amount = (
                    None
                    if amount is None
                    else exact_amount(amount, currency(contract.currency), "amount")
                )
                if line.billing_method == "fixed_price":
                    _check_fixed_price_amount(session, line)
            if "invoice_schedule" in fields:
                _set_schedule(line, fields["invoice_schedule"])
            if fields.get("transaction_classes") is not None:
                _claim_classes(session, line, list(fields["transaction_classes"]))
        if line.kind == LineKind.PRODUCT and "date" in fields:
            line.date = fields["date"]
        ready = fields.get("ready_to_invoice")  # not vocabulary: the request field
        if line.kind == LineKind.PRODUCT and ready is not None:
            wanted = ProductLineState.READY_TO_INVOICE if ready else ProductLineState.NOT_READY
            if line.product_status != wanted:  # asking for the current state changes nothing
                action = "mark_ready" if ready else "mark_not_ready"
                line.product_status = PRODUCT_LINE.next_state(line.product_status or "", action)
        uow.commit()
    return line.id


def _check_fixed_price_amount(session: Session, line: ContractLine) -> None:
    """A fixed-price line needs a positive amount that covers its milestones."""
    if line.amount is None or line.amount <= 0:
        raise Invalid.field("amount", "a fixed-price line needs an amount above zero")
    planned = planned_amount(session, line.id)
    if planned > line.amount:
        raise Invalid.field(
            "amount", f"the line's milestones total {planned}; the amount cannot be below it"
        )
