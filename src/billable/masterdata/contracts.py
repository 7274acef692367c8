"""Use cases for project contracts, contract lines and milestones."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.documents import parties
from billable.domain.errors import Conflict, Invalid
from billable.domain.lifecycle import MILESTONE, PRODUCT_LINE
from billable.domain.money import ZERO, exact_amount, prorate, round_amount
from billable.erp import defaults as erp_defaults
from billable.erp import fields as erp_fields
from billable.erp.milestone_accounting import default_attributes, group_tax
from billable.masterdata.records import create as create_master
from billable.persistence.lookups import get, ref
from billable.persistence.tables import (
    Contract,
    ContractLine,
    ContractLineClass,
    Customer,
    Milestone,
    PriceList,
    Product,
    ProductPrice,
    Project,
    Task,
)
from billable.persistence.uow import UnitOfWork

Fields = Mapping[str, Any]
#: The on-account attributes a new milestone may name instead of taking the defaults.
ON_ACCOUNT_FIELDS = ("sales_tax_group", "item_sales_tax_group", "dimensions")


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
        product = ref(session, Product, f["product_id"], "product_id", "product")
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
    line.product_status = "ready_to_invoice" if f.get("ready_to_invoice") else "not_ready"
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
        if line.kind == "product" and "date" in fields:
            line.date = fields["date"]
        if line.kind == "product" and fields.get("ready_to_invoice") is not None:
            wanted = "ready_to_invoice" if fields["ready_to_invoice"] else "not_ready"
            if line.product_status != wanted:  # asking for the current state changes nothing
                action = "mark_ready" if fields["ready_to_invoice"] else "mark_not_ready"
                line.product_status = PRODUCT_LINE.next_state(line.product_status or "", action)
        uow.commit()
    return line.id


def _check_fixed_price_amount(session: Session, line: ContractLine) -> None:
    """A fixed-price line needs a positive amount that covers its milestones."""
    if line.amount is None or line.amount <= 0:
        raise Invalid.field("amount", "a fixed-price line needs an amount above zero")
    planned = (
        session.scalar(
            select(func.coalesce(func.sum(Milestone.amount), 0)).where(
                Milestone.contract_line_id == line.id
            )
        )
        or ZERO
    )
    if planned > line.amount:
        raise Invalid.field(
            "amount", f"the line's milestones total {planned}; the amount cannot be below it"
        )


def create_milestone(uow: UnitOfWork, line_id: str, fields: Fields) -> int:
    """A fixed or progress milestone on a fixed-price project line."""
    with uow:
        session = uow.session
        line = get(session, ContractLine, line_id, "contract line", lock=True)
        if line.billing_method != "fixed_price":
            raise Invalid.field("contract_line_id", "milestones belong to fixed-price lines")
        contract = session.get(Contract, line.contract_id)
        assert contract is not None and line.amount is not None
        cur = currency(contract.currency)
        amount = exact_amount(fields["amount"], cur, "amount")
        planned = (
            session.scalar(
                select(func.coalesce(func.sum(Milestone.amount), 0)).where(
                    Milestone.contract_line_id == line.id
                )
            )
            or ZERO
        )
        if planned + amount > line.amount:
            raise Invalid.field(
                "amount",
                f"milestones would total {planned + amount}, above the line's {line.amount}",
            )
        milestone = Milestone(
            contract_line_id=line.id,
            name=fields["name"],
            description=fields.get("description") or "",
            date=fields["date"],
            amount=amount,
            tax=ZERO,
            kind=fields["kind"],
            status="not_ready",
            ready_amount=ZERO,
            ready_tax=ZERO,
            invoiced_amount=ZERO,
        )
        default_attributes(session, milestone, line)
        given = {k: fields[k] for k in ON_ACCOUNT_FIELDS if fields.get(k) is not None}
        erp_fields.check(session, given)
        for name, value in given.items():
            setattr(milestone, name, value)
        # A typed tax wins; without one the tax follows the on-account groups.
        milestone.tax = (
            exact_amount(fields["tax"], cur, "tax")
            if fields.get("tax") is not None
            else group_tax(session, milestone, cur.code)
        )
        session.add(milestone)
        session.flush()
        ident = milestone.id
        uow.commit()
    return ident


def mark_milestone_ready(uow: UnitOfWork, ident: str, amount: Decimal | None) -> int:
    """Make a milestone ready to invoice; a progress milestone takes the part to bill now."""
    with uow:
        session = uow.session
        milestone = get(session, Milestone, ident, "milestone", lock=True)
        remaining = milestone.amount - milestone.invoiced_amount
        if milestone.kind == "progress":
            if amount is None:
                raise Invalid.field("amount", "a progress milestone needs the amount to bill")
            if amount <= 0 or amount > remaining:
                raise Invalid.field("amount", f"must be above 0 and at most {remaining}")
            line = session.get(ContractLine, milestone.contract_line_id)
            owner = session.get(Contract, line.contract_id) if line else None
            assert owner is not None
            milestone.ready_amount = exact_amount(amount, currency(owner.currency), "amount")
        else:
            if amount is not None and amount != milestone.amount:
                raise Invalid.field("amount", "a fixed milestone is billed in full")
            milestone.ready_amount = milestone.amount
        if remaining <= 0:
            raise Conflict("the milestone is fully invoiced")
        milestone.status = MILESTONE.next_state(milestone.status, "mark_ready")
        line = session.get(ContractLine, milestone.contract_line_id)
        contract = session.get(Contract, line.contract_id) if line else None
        assert contract is not None
        milestone.ready_tax = milestone_tax(milestone, contract.currency)
        uow.commit()
    return milestone.id


def milestone_tax(milestone: Milestone, currency_code: str) -> Decimal:
    """Tax of the part of a milestone billed now (prorated for progress milestones)."""
    return prorate(milestone.tax, milestone.ready_amount, milestone.amount, currency(currency_code))


def task_of(session: Session, task_id: Any, project_id: int) -> int | None:
    """A task id checked to belong to ``project_id`` (None passes through)."""
    if task_id is None:
        return None
    task = ref(session, Task, task_id, "task_id", "task")
    if task.project_id != project_id:
        raise Invalid.field("task_id", "the task belongs to another project")
    return task.id
