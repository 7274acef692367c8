"""Confirming invoices (one way, one transaction) and correcting confirmed ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.billing.invoicing import INVOICE_SEQUENCE, invoice_number, mirror_line
from billable.billing.totals import recalculate
from billable.domain.confirmation import (
    Bill,
    CorrectionFigures,
    Effect,
    Posted,
    Reverse,
    Unbill,
    confirm_correction,
    confirm_detail,
)
from billable.domain.errors import Conflict
from billable.domain.invoice import BillingType
from billable.domain.lifecycle import INVOICE, MILESTONE, PRODUCT_LINE
from billable.domain.money import ZERO
from billable.erp.proposals import open_proposal
from billable.persistence.lookups import get, next_number
from billable.persistence.tables import (
    Actual,
    ContractLine,
    Invoice,
    InvoiceLine,
    InvoiceLineDetail,
    Milestone,
)
from billable.persistence.uow import UnitOfWork

#: Detail columns every actual written by a confirmation copies (both paths use it).
COPIED_COLUMNS = (
    "transaction_class",
    "project_id",
    "task_id",
    "role_id",
    "resource_id",
    "category_id",
    "product_id",
    "date",
    "unit",
    "price",
    "currency",
    "description",
    "external_description",
)


def confirm_invoice(uow: UnitOfWork, ident: str) -> int:
    """Confirm a draft or in-review invoice: billed actuals, reversals, remainders back to
    the backlog, milestone and product statuses and its invoice proposal, all in one
    transaction."""
    with uow:
        session = uow.session
        invoice = get(session, Invoice, ident, "invoice", lock=True)
        invoice.project_invoice_status = INVOICE.next_state(
            invoice.project_invoice_status, "confirm"
        )
        confirm_details(session, invoice)
        invoice.confirmed_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        open_proposal(session, invoice)  # the ERP side's invoice proposal, same number
        uow.commit()
    return invoice.id


def confirm_details(session: Session, invoice: Invoice) -> None:
    """Write every detail's effects on the ledger, inside the caller's transaction."""
    details = session.scalars(
        select(InvoiceLineDetail)
        .where(InvoiceLineDetail.invoice_id == invoice.id)
        .order_by(InvoiceLineDetail.id)
    ).all()
    for detail in details:
        billing_type = BillingType(detail.billing_type)
        if detail.source == "correction":
            assert detail.original_billed_actual_id is not None
            original = _actual(session, detail.original_billed_actual_id)
            posted = Posted(original.id, original.quantity, original.amount, original.tax)
            # The detail's stored difference is the truth (the user may have set its tax).
            figures = CorrectionFigures(
                detail.amount,
                detail.tax,
                original.amount + detail.amount,
                original.tax + detail.tax,
            )
            effects = confirm_correction(
                detail.quantity, figures, billing_type, posted, detail.backing_tax_share
            )
            template: Actual | None = original
        else:
            template = _actual(session, detail.actual_id) if detail.actual_id else None
            backing = (
                Posted(template.id, template.quantity, template.amount, template.tax)
                if template is not None
                else None
            )
            effects = confirm_detail(
                detail.quantity,
                detail.amount,
                detail.tax,
                billing_type,
                backing,
                tax_share=detail.backing_tax_share,
            )
        _write(session, invoice, detail, template, effects)
        _advance_sources(session, detail)


def _actual(session: Session, actual_id: int) -> Actual:
    actual = session.get(Actual, actual_id)
    assert actual is not None
    return actual


def _write(
    session: Session,
    invoice: Invoice,
    detail: InvoiceLineDetail,
    template: Actual | None,
    effects: list[Effect],
) -> None:
    line = session.get(InvoiceLine, detail.invoice_line_id)
    assert line is not None
    base: dict[str, Any] = {name: getattr(detail, name) for name in COPIED_COLUMNS}
    base.update(
        contract_id=invoice.contract_id,
        contract_line_id=line.contract_line_id,
        milestone_id=detail.milestone_id,
        source_kind=template.source_kind if template else "invoice_detail",
        source_id=template.source_id if template else detail.id,
    )
    for effect in effects:
        if isinstance(effect, Reverse):
            session.add(_reversal(_actual(session, effect.actual_id), invoice, detail))
        elif isinstance(effect, Bill):
            session.add(
                Actual(
                    **base,
                    transaction_type="billed_sales",
                    quantity=effect.quantity,
                    amount=effect.amount,
                    tax=effect.tax,
                    billing_type=effect.billing_type.value,
                    ready_to_invoice=False,
                    invoice_id=invoice.id,
                    invoice_line_detail_id=detail.id,
                )
            )
        elif isinstance(effect, Unbill):
            session.add(
                Actual(
                    **base,
                    transaction_type="unbilled_sales",
                    quantity=effect.quantity,
                    amount=effect.amount,
                    tax=effect.tax,
                    billing_type="chargeable",
                    ready_to_invoice=effect.ready_to_invoice,
                )
            )
    session.flush()


def _reversal(actual: Actual, invoice: Invoice, detail: InvoiceLineDetail) -> Actual:
    columns = {c.key: getattr(actual, c.key) for c in Actual.__mapper__.column_attrs}
    columns.pop("id")
    columns.update(
        quantity=-actual.quantity,
        amount=-actual.amount,
        tax=-actual.tax,
        reverses_actual_id=actual.id,
        invoice_id=invoice.id,
        invoice_line_detail_id=detail.id,
        ready_to_invoice=False,
    )
    return Actual(**columns)


def _advance_sources(session: Session, detail: InvoiceLineDetail) -> None:
    # A correction of a milestone leaves the milestone alone: the credited amount returns
    # to the backlog as an unbilled actual, so re-opening the milestone would bill it twice.
    if detail.source == "milestone" and detail.milestone_id is not None:
        milestone = session.get(Milestone, detail.milestone_id, with_for_update=True)
        assert milestone is not None
        milestone.status = MILESTONE.next_state(milestone.status, "confirm")
        milestone.invoiced_amount += detail.amount
        milestone.ready_amount = milestone.ready_tax = ZERO
    elif detail.source == "product" and detail.product_line_id is not None:
        line = session.get(ContractLine, detail.product_line_id, with_for_update=True)
        assert line is not None and line.product_status is not None
        line.product_status = PRODUCT_LINE.next_state(line.product_status, "confirm")


def latest_billed(session: Session, billed: Actual) -> Actual | None:
    """Follow a chain of confirmed corrections to the billed actual now in force (None
    when a correction took it to zero)."""
    current: Actual | None = billed
    while current is not None:
        reversal = session.scalars(
            select(Actual).where(Actual.reverses_actual_id == current.id)
        ).first()
        if reversal is None:
            return current
        current = session.scalars(
            select(Actual).where(
                Actual.invoice_id == reversal.invoice_id,  # indexed; the detail narrows it
                Actual.invoice_line_detail_id == reversal.invoice_line_detail_id,
                Actual.transaction_type == "billed_sales",
                Actual.reverses_actual_id.is_(None),
            )
        ).first()
    return None


def correct_invoice(uow: UnitOfWork, ident: str, invoice_date: dt.date | None = None) -> int:
    """A draft corrective invoice carrying every billed transaction of ``ident`` (as now in
    force) at quantity 0, so the user deletes what needs no correction and sets the rest."""
    with uow:
        session = uow.session
        original = get(session, Invoice, ident, "invoice", lock=True)
        INVOICE.next_state(original.project_invoice_status, "correct")
        billed = session.scalars(
            select(Actual)
            .where(
                Actual.invoice_id == original.id,
                Actual.transaction_type == "billed_sales",
                Actual.reverses_actual_id.is_(None),
            )
            .order_by(Actual.id)
        ).all()
        in_force = [a for a in (latest_billed(session, b) for b in billed) if a is not None]
        if not in_force:
            raise Conflict("nothing billed on this invoice is left to correct")
        pending = session.scalars(
            select(InvoiceLineDetail.invoice_id).where(
                InvoiceLineDetail.original_billed_actual_id.in_([a.id for a in in_force])
            )
        ).first()
        if pending is not None:
            raise Conflict(
                f"invoice {pending} already corrects these transactions; confirm or edit it first"
            )
        corrective = _corrective_header(session, original, invoice_date or dt.date.today())
        _corrective_details(session, corrective, in_force)
        recalculate(session, corrective)
        uow.commit()
    return corrective.id


def _corrective_header(session: Session, original: Invoice, invoice_date: dt.date) -> Invoice:
    columns = {c.key: getattr(original, c.key) for c in Invoice.__mapper__.column_attrs}
    for key in ("id", "created_at", "confirmed_at", "version"):
        columns.pop(key)
    columns.update(
        number=invoice_number(next_number(session, INVOICE_SEQUENCE)),
        corrects_invoice_id=original.id,
        invoice_date=invoice_date,
        status="active",
        project_invoice_status="draft",
    )
    corrective = Invoice(**columns)
    session.add(corrective)
    session.flush()
    return corrective


def _corrective_details(session: Session, corrective: Invoice, in_force: list[Actual]) -> None:
    lines: dict[int, InvoiceLine] = {}
    for actual in in_force:
        assert actual.contract_line_id is not None
        line = lines.get(actual.contract_line_id)
        if line is None:
            source = session.get(ContractLine, actual.contract_line_id)
            assert source is not None
            line = mirror_line(corrective.id, source)
            session.add(line)
            session.flush()
            lines[source.id] = line
        origin = session.get(InvoiceLineDetail, actual.invoice_line_detail_id)
        session.add(
            InvoiceLineDetail(
                invoice_id=corrective.id,
                invoice_line_id=line.id,
                source="correction",
                original_billed_actual_id=actual.id,
                milestone_id=actual.milestone_id,
                product_line_id=origin.product_line_id if origin else None,
                transaction_type="billed_sales",
                product_name=origin.product_name if origin else None,
                write_in_description=origin.write_in_description if origin else None,
                quantity=ZERO,
                original_quantity=actual.quantity,
                original_amount=actual.amount,
                original_tax=actual.tax,
                amount=-actual.amount,
                tax=-actual.tax,
                extended_amount=-(actual.amount + actual.tax),
                billing_type=actual.billing_type,
                **{name: getattr(actual, name) for name in COPIED_COLUMNS},
            )
        )
    session.flush()
