"""Editing drafts: the header, details (edit, delete, add unbacked), product lines.

Confirmed invoices are read-only (409); fields locked by what backs a detail are
refused (422) per seed 001, not merely hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.billing.approval import product_price, role_price
from billable.billing.totals import recalculate
from billable.currencies import currency
from billable.domain.confirmation import Posted, correction_figures
from billable.domain.errors import Conflict, Invalid
from billable.domain.invoice import DetailSource, check_detail_edit, check_status_change
from billable.domain.lifecycle import INVOICE, INVOICE_PAYMENT, MILESTONE, PRODUCT_LINE
from billable.domain.money import ZERO, extend, prorate, round_amount
from billable.domain.pricing import TransactionClass
from billable.domain.schedule import LineKind
from billable.domain.vocabulary import ActualType, BillingType, InvoiceState
from billable.masterdata.contracts import task_of
from billable.persistence import rows
from billable.persistence.lookups import get, ref
from billable.persistence.tables import (
    Actual,
    CategoryPrice,
    Contract,
    ContractLine,
    ContractLineClass,
    Invoice,
    InvoiceLine,
    InvoiceLineDetail,
    Milestone,
    PriceList,
    Product,
    Resource,
    Role,
    TransactionCategory,
)
from billable.persistence.uow import UnitOfWork

Fields = Mapping[str, Any]
_HEADER_TEXT = ("name", "description")
_UNSUPPORTED_MONEY = ("discount_percent", "discount_amount", "freight_amount")


def _editable(session: Session, invoice_id: int) -> Invoice:
    invoice = get(session, Invoice, invoice_id, "invoice", lock=True)
    INVOICE.next_state(invoice.project_invoice_status, "edit")
    return invoice


def update_invoice(uow: UnitOfWork, ident: str, fields: Fields) -> int:
    """PATCH an invoice header: name, description, bill-to, status, draft <-> in review."""
    for name in _UNSUPPORTED_MONEY:
        if fields.get(name) not in (None, 0):
            raise Invalid.field(
                name, "discounts and freight are not supported on project invoices; it must be 0"
            )
    with uow:
        session = uow.session
        invoice = get(session, Invoice, ident, "invoice", lock=True)
        wanted = fields.get("project_invoice_status")
        if wanted == InvoiceState.CONFIRMED:
            raise Invalid.field(
                "project_invoice_status", "confirm with POST /invoices/{id}/confirm"
            )
        if "status" in fields and fields["status"] != invoice.status:
            action = check_status_change(invoice.project_invoice_status, fields["status"])
            invoice.status = INVOICE_PAYMENT.next_state(invoice.status, action)
        edits = [n for n in (*_HEADER_TEXT, "bill_to") if n in fields]
        if edits or (wanted is not None and wanted != invoice.project_invoice_status):
            INVOICE.next_state(invoice.project_invoice_status, "edit")
        if wanted is not None and wanted != invoice.project_invoice_status:
            action = "review" if wanted == InvoiceState.IN_REVIEW else "reopen"
            invoice.project_invoice_status = INVOICE.next_state(
                invoice.project_invoice_status, action
            )
        for name in _HEADER_TEXT:
            if name in fields:
                setattr(invoice, name, fields[name])
        for key, value in (fields.get("bill_to") or {}).items():
            setattr(invoice, f"bill_to_{key}", value if value is not None else "")
        uow.commit()
    return invoice.id


def update_detail(uow: UnitOfWork, ident: str, fields: Fields) -> int:
    """PATCH a detail of a draft: what may change depends on what backs it."""
    with uow:
        session = uow.session
        detail = get(session, InvoiceLineDetail, ident, "invoice line detail")
        invoice = _editable(session, detail.invoice_id)
        check_detail_edit(DetailSource(detail.source), fields)
        cur = currency(detail.currency)
        if fields.get("tax") is not None:  # money keeps the currency's minor unit
            fields = {**fields, "tax": round_amount(fields["tax"], cur)}
        for name in (
            "description",
            "external_description",
            "billing_type",
            "unit",
            "write_in_description",
            "date",
        ):
            if name in fields and fields[name] is not None:
                setattr(detail, name, fields[name])
        if detail.source == DetailSource.MANUAL:
            _manual_references(session, detail, fields)
        if "price" in fields and fields["price"] is not None:
            detail.price = fields["price"]
        if "quantity" in fields and fields["quantity"] is not None:
            detail.quantity = fields["quantity"]
        if detail.source == DetailSource.CORRECTION:
            assert detail.original_billed_actual_id is not None
            original = _posted(session, detail.original_billed_actual_id)
            figures = correction_figures(detail.quantity, detail.price, original, cur)
            detail.amount = figures.amount
            detail.backing_tax_share = figures.new_tax  # what a reduction leaves: the rest
            # As on ordinary details: only a new quantity or price resets a typed tax.
            if fields.get("tax") is not None:
                detail.tax = fields["tax"]
            elif "quantity" in fields or "price" in fields:
                detail.tax = figures.tax
        elif detail.source in (DetailSource.ACTUAL, DetailSource.MANUAL):
            backing = _posted(session, detail.actual_id) if detail.actual_id else None
            if backing is not None and detail.quantity == backing.quantity:
                # The actual's own figures: a remainder's amount is an exact difference that
                # quantity x price need not reproduce, and re-rounding would create a cent.
                detail.amount, tax = backing.amount, backing.tax
            else:
                detail.amount = extend(detail.quantity, detail.price, cur)
                tax = (
                    prorate(backing.tax, detail.quantity, backing.quantity, cur)
                    if backing is not None
                    else detail.tax
                )
            if backing is not None:
                detail.backing_tax_share = tax
            if fields.get("tax") is not None:
                detail.tax = fields["tax"]
            elif "quantity" in fields:
                detail.tax = tax
        detail.extended_amount = detail.amount + detail.tax
        recalculate(session, invoice)
        uow.commit()
    return detail.id


def _posted(session: Session, actual_id: int) -> Posted:
    actual = session.get(Actual, actual_id)
    assert actual is not None
    return rows.posted(actual)


def delete_detail(uow: UnitOfWork, ident: str) -> None:
    """Remove a detail from a draft; what backed it returns to the backlog."""
    with uow:
        session = uow.session
        detail = get(session, InvoiceLineDetail, ident, "invoice line detail")
        invoice = _editable(session, detail.invoice_id)
        if detail.source == DetailSource.PRODUCT:
            raise Conflict("a product-based line is deleted whole: DELETE /invoice-lines/{id}")
        if detail.source == DetailSource.MILESTONE and detail.milestone_id is not None:
            milestone = session.get(Milestone, detail.milestone_id, with_for_update=True)
            assert milestone is not None
            milestone.status = MILESTONE.next_state(milestone.status, "uninvoice")
        session.delete(detail)
        recalculate(session, invoice)
        uow.commit()


def delete_line(uow: UnitOfWork, ident: str) -> None:
    """Delete a product-based line from a draft; the product line returns to the backlog."""
    with uow:
        session = uow.session
        line = get(session, InvoiceLine, ident, "invoice line")
        invoice = _editable(session, line.invoice_id)
        if line.kind != LineKind.PRODUCT:
            raise Invalid.field("invoice_line_id", "only product-based lines can be deleted")
        if line.details and any(d.source == DetailSource.PRODUCT for d in line.details):
            contract_line = session.get(ContractLine, line.contract_line_id, with_for_update=True)
            assert contract_line is not None and contract_line.product_status is not None
            contract_line.product_status = PRODUCT_LINE.next_state(
                contract_line.product_status, "uninvoice"
            )
        session.delete(line)
        recalculate(session, invoice)
        uow.commit()


def add_detail(uow: UnitOfWork, line_id: str, fields: Fields) -> int:
    """A detail not backed by an actual, on a time-and-material line, for a class the
    contract line includes; its price defaults from the price list when none is given."""
    with uow:
        session = uow.session
        line = get(session, InvoiceLine, line_id, "invoice line")
        invoice = _editable(session, line.invoice_id)
        if line.kind != "project" or line.billing_method != "time_and_material":
            raise Invalid.field(
                "invoice_line_id", "details can be added on time-and-material lines only"
            )
        cls = fields["transaction_class"]
        included = set(
            session.scalars(
                select(ContractLineClass.transaction_class).where(
                    ContractLineClass.contract_line_id == line.contract_line_id
                )
            )
        )
        if cls not in included:
            raise Invalid.field(
                "transaction_class",
                f"the contract line does not include "
                f"{cls}; it includes {', '.join(sorted(included))}",
            )
        detail = InvoiceLineDetail(
            invoice_id=invoice.id,
            invoice_line_id=line.id,
            source=DetailSource.MANUAL,
            transaction_class=cls,
            transaction_type=ActualType.BILLED_SALES,
            description=fields.get("description") or "",
            external_description=fields.get("external_description") or "",
            date=fields.get("date") or invoice.invoice_date,
            project_id=line.project_id,
            quantity=fields["quantity"],
            unit=fields.get("unit") or ("hour" if cls == TransactionClass.TIME else "each"),
            currency=invoice.currency,
            billing_type=fields.get("billing_type") or BillingType.CHARGEABLE,
            write_in_description=fields.get("write_in_description"),
        )
        _manual_references(session, detail, fields)
        price = fields.get("price")
        detail.price = price if price is not None else _list_price(session, invoice, detail)
        cur = currency(invoice.currency)
        detail.amount = extend(detail.quantity, detail.price, cur)
        tax = fields.get("tax")
        detail.tax = round_amount(tax, cur) if tax is not None else ZERO
        detail.extended_amount = detail.amount + detail.tax
        session.add(detail)
        recalculate(session, invoice)
        ident = detail.id
        uow.commit()
    return ident


def _manual_references(session: Session, detail: InvoiceLineDetail, fields: Fields) -> None:
    if "task_id" in fields:
        assert detail.project_id is not None
        detail.task_id = task_of(session, fields["task_id"], detail.project_id)
    if fields.get("role_id") is not None:
        detail.role_id = ref(session, Role, fields["role_id"], "role_id", "role").id
    if fields.get("resource_id") is not None:
        resource = ref(session, Resource, fields["resource_id"], "resource_id", "resource")
        detail.resource_id = resource.id
        detail.role_id = detail.role_id or resource.default_role_id
    if fields.get("category_id") is not None:
        detail.category_id = ref(
            session,
            TransactionCategory,
            fields["category_id"],
            "category_id",
            "transaction category",
        ).id
    if fields.get("product_id") is not None:
        product = ref(
            session,
            Product,
            fields["product_id"],
            "product_id",
            "product",  # not vocabulary: the noun of its 404
        )
        detail.product_id, detail.product_name, detail.unit = product.id, product.name, product.unit


def _list_price(session: Session, invoice: Invoice, detail: InvoiceLineDetail) -> Decimal:
    """The contract price list's price for an unbacked detail, or 422 asking for one."""
    contract = session.get(Contract, invoice.contract_id)
    assert contract is not None
    price_list = session.get(PriceList, contract.price_list_id)
    assert price_list is not None
    price: Decimal | None = None
    if detail.transaction_class == TransactionClass.TIME:
        price = role_price(session, price_list.id, detail.role_id)
    elif detail.transaction_class == TransactionClass.MATERIAL:
        price = product_price(session, price_list.id, detail.product_id)
        if price is None and detail.product_id is not None:
            product = session.get(Product, detail.product_id)
            price = product.list_price if product else None
    else:
        rule = session.scalars(
            select(CategoryPrice).where(
                CategoryPrice.price_list_id == price_list.id,
                CategoryPrice.category_id == detail.category_id,
                CategoryPrice.method == "price_per_unit",
            )
        ).first()
        price = rule.value if rule else None
    if price is None:
        raise Invalid.field(
            "price",
            f"the price list '{price_list.name}' has no price for this detail; give a price",
        )
    return price
