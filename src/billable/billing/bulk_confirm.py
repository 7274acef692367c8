"""Set-based confirmation: the effects of :mod:`billable.domain.confirmation` for many
invoices at once, as ``INSERT ... SELECT`` over their details.

Per detail, exactly what :func:`billable.billing.confirming.confirm_details` writes:
a billed actual; the reversal of the unbilled actual behind it; a ready remainder when
less was billed. For corrective details: the reversal of the billed actual corrected,
the new billed actual (original + the detail's difference) unless the quantity is 0,
and a not-ready remainder for a reduction. Each invoice gets its invoice proposal. A
test compares both paths row by row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, insert, literal, null, or_, select, update
from sqlalchemy.orm import Session, aliased

from billable.billing.bulk_create import prepare_chunk
from billable.billing.confirming import COPIED_COLUMNS
from billable.domain.errors import Conflict
from billable.domain.lifecycle import INVOICE, MILESTONE, PRODUCT_LINE
from billable.domain.money import ZERO
from billable.erp.proposals import open_proposals
from billable.persistence.tables import (
    Actual,
    ContractLine,
    Invoice,
    InvoiceLine,
    InvoiceLineDetail,
    Milestone,
)
from billable.persistence.uow import UnitOfWork

D, IL = InvoiceLineDetail, InvoiceLine
_ACTUAL_COLUMNS = [c.key for c in Actual.__table__.columns if c.key != "id"]


def confirm_invoices(session: Session, ids: list[int]) -> None:
    """Confirm invoices ``ids`` inside the caller's transaction (409 if any may not be)."""
    if not ids:
        return
    allowed = INVOICE.sources_of("confirm")
    states = dict(
        session.execute(
            select(Invoice.id, Invoice.project_invoice_status)
            .where(Invoice.id.in_(ids))
            .order_by(Invoice.id)
            .with_for_update()
        ).all()
    )
    refused = sorted(i for i in ids if states.get(i) not in allowed)
    if refused:
        raise Conflict(f"invoices {refused} cannot be confirmed from their state")
    template = aliased(Actual)
    backed = and_(D.invoice_id.in_(ids), D.source != "correction")
    corrective = and_(D.invoice_id.in_(ids), D.source == "correction")
    # Ordinary details: billed actual, reversal of the backing actual, ready remainder.
    _write(session, template, D.actual_id, backed, _billed(template, D.amount, D.tax))
    _reverse(session, D.actual_id, backed)
    _write(
        session,
        template,
        D.actual_id,
        and_(backed, D.quantity < D.backing_quantity),
        _remainder(
            template,
            template.quantity - D.quantity,
            template.amount - D.amount,
            template.tax - func.coalesce(D.backing_tax_share, D.tax),
            ready=True,
        ),
        inner=True,
    )
    # Corrective details (rare): skipped unless the chunk has some.
    if session.scalar(select(exists().where(corrective))):
        _confirm_corrections(session, template, corrective)
    _advance_sources(session, ids)
    session.execute(
        update(Invoice)
        .where(Invoice.id.in_(ids))
        .values(
            project_invoice_status=INVOICE.target_of("confirm", "draft"),
            confirmed_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            version=Invoice.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    open_proposals(session, ids)  # the invoice proposals, same numbers


def _confirm_corrections(session: Session, template: Any, corrective: ColumnElement[bool]) -> None:
    """Reversal of the corrected billed actual, the new billed actual (original + the
    detail's difference) unless the quantity is 0, a not-ready remainder of a reduction."""
    _reverse(session, D.original_billed_actual_id, corrective)
    _write(
        session,
        template,
        D.original_billed_actual_id,
        and_(
            corrective,
            or_(
                D.quantity != 0,
                template.amount + D.amount != 0,
                template.tax + D.tax != 0,
            ),
        ),
        _billed(template, template.amount + D.amount, template.tax + D.tax),
        inner=True,
    )
    _write(
        session,
        template,
        D.original_billed_actual_id,
        and_(corrective, D.quantity < template.quantity),
        _remainder(
            template,
            template.quantity - D.quantity,
            -D.amount,
            template.tax - func.coalesce(D.backing_tax_share, template.tax + D.tax),
            ready=False,
        ),
        inner=True,
    )


def _billed(template: Any, amount: Any, tax: Any) -> dict[str, Any]:
    return {
        "transaction_type": literal("billed_sales"),
        "quantity": D.quantity,
        "amount": amount,
        "tax": tax,
        "billing_type": D.billing_type,
        "ready_to_invoice": literal(False),
        "invoice_id": D.invoice_id,
        "invoice_line_detail_id": D.id,
    }


def _remainder(
    template: Any, quantity: Any, amount: Any, tax: Any, *, ready: bool
) -> dict[str, Any]:
    return {
        "transaction_type": literal("unbilled_sales"),
        "quantity": quantity,
        "amount": amount,
        "tax": tax,
        "billing_type": literal("chargeable"),
        "ready_to_invoice": literal(ready),
        "invoice_id": null(),
        "invoice_line_detail_id": null(),
    }


def _write(
    session: Session,
    template: Any,
    link: Any,
    where: ColumnElement[bool],
    values: dict[str, Any],
    *,
    inner: bool = False,
) -> None:
    """Insert one actual per selected detail; ``template`` is the actual it derives from
    (its source), joined on ``link``."""
    columns: dict[str, Any] = {name: getattr(D, name) for name in COPIED_COLUMNS}
    columns.update(
        source_kind=func.coalesce(template.source_kind, "invoice_detail"),
        source_id=func.coalesce(template.source_id, D.id),
        contract_id=Invoice.contract_id,
        contract_line_id=IL.contract_line_id,
        milestone_id=D.milestone_id,
        reverses_actual_id=null(),
        **values,
    )
    source = (
        select(*columns.values())
        .select_from(D)
        .join(IL, IL.id == D.invoice_line_id)
        .join(Invoice, Invoice.id == D.invoice_id)
        .join(template, template.id == link, isouter=not inner)
        .where(where)
    )
    session.execute(insert(Actual).from_select(list(columns), source))


def _reverse(session: Session, link: Any, where: ColumnElement[bool]) -> None:
    """Insert the negation of the actual each selected detail links to."""
    original = aliased(Actual)
    negated = {
        "quantity": -original.quantity,
        "amount": -original.amount,
        "tax": -original.tax,
        "reverses_actual_id": original.id,
        "invoice_id": D.invoice_id,
        "invoice_line_detail_id": D.id,
        "ready_to_invoice": literal(False),
    }
    columns = [negated.get(name, getattr(original, name)) for name in _ACTUAL_COLUMNS]
    source = select(*columns).select_from(D).join(original, original.id == link).where(where)
    session.execute(insert(Actual).from_select(_ACTUAL_COLUMNS, source))


def _advance_sources(session: Session, ids: list[int]) -> None:
    invoiced = "customer_invoice_created"
    billed = (
        select(func.coalesce(func.sum(D.amount), 0))
        .where(D.milestone_id == Milestone.id, D.source == "milestone", D.invoice_id.in_(ids))
        .scalar_subquery()
    )
    milestones = select(D.milestone_id).where(D.invoice_id.in_(ids), D.source == "milestone")
    expected = session.scalar(select(func.count()).select_from(milestones.subquery())) or 0
    moved = session.execute(
        update(Milestone)
        .where(Milestone.id.in_(milestones), Milestone.status == invoiced)
        .values(
            status=MILESTONE.target_of("confirm", invoiced),
            invoiced_amount=Milestone.invoiced_amount + billed,
            ready_amount=ZERO,
            ready_tax=ZERO,
        )
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if moved != expected:
        raise Conflict("a milestone on these invoices changed state; reload and retry")
    session.execute(
        update(ContractLine)
        .where(
            ContractLine.id.in_(
                select(D.product_line_id).where(D.invoice_id.in_(ids), D.source == "product")
            ),
            ContractLine.product_status == invoiced,
        )
        .values(product_status=PRODUCT_LINE.target_of("confirm", invoiced))
        .execution_options(synchronize_session=False)
    )


def confirm_in_chunks(
    make_uow: Callable[[], UnitOfWork],
    ids: list[int],
    chunk: int = 200,
    progress: Callable[[int, int, int], None] | None = None,
) -> int:
    """Confirm ``ids`` set-based, ``chunk`` invoices a transaction; those no longer
    confirmable (done by an earlier attempt) are skipped. Returns how many it confirmed.
    ``progress(done, total, confirmed)`` is called inside each chunk's transaction."""
    confirmable = INVOICE.sources_of("confirm")
    confirmed = 0
    for start in range(0, len(ids), chunk):
        uow = make_uow()
        with uow:
            prepare_chunk(uow.session, start // chunk, confirming=True)
            # Lock first, then filter: a concurrent attempt at the same job may have
            # confirmed some of these while we waited (the re-checked rows drop out).
            todo = list(
                uow.session.scalars(
                    select(Invoice.id)
                    .where(
                        Invoice.id.in_(ids[start : start + chunk]),
                        Invoice.project_invoice_status.in_(confirmable),
                    )
                    .order_by(Invoice.id)
                    .with_for_update()
                )
            )
            confirm_invoices(uow.session, todo)
            confirmed += len(todo)
            if progress:
                progress(min(start + chunk, len(ids)), len(ids), confirmed)
            uow.commit()
    return confirmed
