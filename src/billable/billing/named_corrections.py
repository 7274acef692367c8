"""A correction that names its details: which billed actuals in force it covers, checked
field by field, and the corrected quantities set on the corrective's details.

``POST /invoices/{id}/correct {"details": [{"detail_id", "quantity"}]}`` puts only the
named details on the corrective draft, each at its new quantity; the figures come from
the domain's :func:`billable.domain.confirmation.correction_figures`, as when a user
edits a corrective detail's quantity afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.billing.correction_writes import InForce
from billable.currencies import currency
from billable.domain.confirmation import correction_figures
from billable.domain.errors import FieldError, Invalid
from billable.persistence import rows as row_values
from billable.persistence.lookups import parse_id
from billable.persistence.tables import Actual, Invoice, InvoiceLineDetail

#: ``(detail_id, quantity)`` as the request names them.
Named = Sequence[tuple[str, Decimal]]


def covered(
    session: Session, original_id: int, in_force: list[InForce], named: Named
) -> dict[int, Decimal]:
    """The billed actual now in force for each named detail -> its corrected quantity.

    Every refused entry is reported (422, ``details[i].detail_id`` or
    ``details[i].quantity``): an id listed twice, an unknown detail, a detail of
    another invoice, one with nothing left billed, a quantity above what it bills now."""
    keys = [parse_id(ident) for ident, _ in named]
    known = {
        d.id: d.invoice_id
        for d in session.execute(
            select(InvoiceLineDetail.id, InvoiceLineDetail.invoice_id).where(
                InvoiceLineDetail.id.in_([k for k in keys if k is not None])
            )
        )
    }
    by_origin = {row.origin: row.current for row in in_force}
    current_of = {  # this invoice's detail -> the billed actual in force for it
        detail_id: by_origin[origin]
        for detail_id, origin in session.execute(
            select(Actual.invoice_line_detail_id, Actual.id).where(Actual.id.in_(by_origin))
        )
    }
    billed_now = {
        actual_id: quantity
        for actual_id, quantity in session.execute(
            select(Actual.id, Actual.quantity).where(Actual.id.in_(by_origin.values()))
        )
    }
    errors: list[FieldError] = []
    chosen: dict[int, Decimal] = {}
    seen: set[int] = set()
    for index, ((ident, quantity), key) in enumerate(zip(named, keys, strict=True)):
        field = f"details[{index}]"
        reason = _refusal(key, ident, original_id, known, seen)
        current = current_of.get(key) if key is not None else None
        if reason is None and current is None:
            reason = f"nothing billed on detail {ident} is left to correct"
        if reason is not None or current is None:
            errors.append(FieldError(f"{field}.detail_id", reason or ""))
        elif quantity > (bound := billed_now[current]):
            errors.append(
                FieldError(
                    f"{field}.quantity",
                    f"must be at most {bound.normalize():f}, the quantity detail {ident} bills now",
                )
            )
        if key is not None:
            seen.add(key)
        if current is not None and reason is None:
            chosen[current] = quantity
    if errors:
        summary = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
        raise Invalid(summary, tuple(errors))
    return chosen


def _refusal(
    key: int | None, ident: str, original_id: int, known: dict[int, int], seen: set[int]
) -> str | None:
    if key is not None and key in seen:
        return f"detail {ident} is listed twice"
    if key is None or key not in known:
        return f"no invoice line detail with id {ident}"
    if known[key] != original_id:
        return f"detail {ident} is on invoice {known[key]}, not on invoice {original_id}"
    return None


def set_quantities(session: Session, corrective: Invoice, quantities: dict[int, Decimal]) -> None:
    """The corrective's details (one per billed actual in ``quantities``) at their
    corrected quantities, with the domain's figures; zero keeps the full credit."""
    cur = currency(corrective.currency)
    wanted = {actual: q for actual, q in quantities.items() if q != 0}
    if not wanted:
        return
    originals = {
        a.id: row_values.posted(a)
        for a in session.scalars(select(Actual).where(Actual.id.in_(wanted)))
    }
    for detail in session.scalars(
        select(InvoiceLineDetail).where(
            InvoiceLineDetail.invoice_id == corrective.id,
            InvoiceLineDetail.original_billed_actual_id.in_(wanted),
        )
    ):
        assert detail.original_billed_actual_id is not None
        detail.quantity = wanted[detail.original_billed_actual_id]
        figures = correction_figures(
            detail.quantity, detail.price, originals[detail.original_billed_actual_id], cur
        )
        detail.amount, detail.tax = figures.amount, figures.tax
        detail.backing_tax_share = figures.new_tax  # what a reduction leaves: the rest
        detail.extended_amount = detail.amount + detail.tax
    session.flush()
