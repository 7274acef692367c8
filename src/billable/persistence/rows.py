"""Rows and domain values: the one place each row kind becomes a domain value, and the
one list per copy of which columns a written row takes over from the row it copies.

Every copy names its columns (a whitelist): ``copied`` are taken over as they are,
``derived`` are set by the writer (figures from the rules, links, states, ids). A test
checks that every column of the tables involved is in exactly one of the two, so a new
column never flows into a reversal, a billed actual or a corrective invoice unseen.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from billable.domain.confirmation import (
    CorrectionFigures,
    Effect,
    Figures,
    Posted,
    confirm_correction,
    confirm_detail,
    corrected,
)
from billable.domain.invoice import BillingType, DetailSource
from billable.domain.vocabulary import SourceKind
from billable.persistence.tables import Actual, InvoiceLineDetail


class Copying(NamedTuple):
    """Which columns a written row takes from its source row, and which it sets."""

    copied: tuple[str, ...]
    derived: tuple[str, ...]


#: Where an actual written by a detail with no actual behind it says it comes from.
WRITTEN_BY_DETAIL = SourceKind.INVOICE_DETAIL

_DESCRIBED = (
    "transaction_class",
    "project_id",
    "task_id",
    "role_id",
    "resource_id",
    "category_id",
    "product_id",
    "milestone_id",
    "date",
    "unit",
    "price",
    "currency",
    "description",
    "external_description",
)

#: A billed actual or a remainder, written from the detail confirmed.
ACTUAL_FROM_DETAIL = Copying(
    copied=_DESCRIBED,
    derived=(
        "id",
        "transaction_type",
        "source_kind",
        "source_id",
        "contract_id",
        "contract_line_id",
        "quantity",
        "amount",
        "tax",
        "billing_type",
        "ready_to_invoice",  # not vocabulary: a column
        "reverses_actual_id",
        "invoice_id",
        "invoice_line_detail_id",
    ),
)

#: A reversal: the same row as the actual it reverses, negated, on the confirmed invoice.
REVERSAL_OF_ACTUAL = Copying(
    copied=tuple(
        c.key
        for c in Actual.__table__.columns
        if c.key
        not in {
            "id",
            "quantity",
            "amount",
            "tax",
            "ready_to_invoice",  # not vocabulary: a column
            "reverses_actual_id",
            "invoice_id",
            "invoice_line_detail_id",
        }
    ),
    derived=(
        "id",
        "quantity",
        "amount",
        "tax",
        "ready_to_invoice",  # not vocabulary: a column
        "reverses_actual_id",
        "invoice_id",
        "invoice_line_detail_id",
    ),
)

#: A corrective detail, from the billed actual in force that it corrects.
CORRECTIVE_DETAIL = Copying(
    copied=(*_DESCRIBED, "billing_type"),
    derived=(
        "id",
        "invoice_id",
        "invoice_line_id",
        "source",
        "actual_id",
        "original_billed_actual_id",
        "transaction_type",
        "quantity",
        "original_quantity",
        "backing_quantity",
        "backing_tax_share",
        "original_amount",
        "original_tax",
        "amount",
        "tax",
        "extended_amount",
        # From the detail that billed it: what the customer saw.
        "product_line_id",
        "product_name",
        "write_in_description",
    ),
)

#: A corrective invoice's header, from the invoice it corrects.
CORRECTIVE_HEADER = Copying(
    copied=(
        "name",
        "description",
        "contract_id",
        "customer_id",
        "currency",
        "price_list_id",
        "opportunity",
        "bill_to_name",
        "bill_to_street",
        "bill_to_city",
        "bill_to_postal_code",
        "bill_to_country",
        # The totals are recalculated from the corrective details once they exist.
        "detail_amount",
        "discount_percent",
        "discount_amount",
        "pre_freight_amount",
        "freight_amount",
        "total_tax",
        "total_amount",
    ),
    derived=(
        "id",
        "number",
        "invoice_date",
        "status",
        "project_invoice_status",
        "corrects_invoice_id",
        "version",
        "created_at",
        "confirmed_at",
        "confirmed_by",
    ),
)


def figures(row: Actual | InvoiceLineDetail) -> Figures[Decimal]:
    """Quantity, amount and tax of an actual or a detail."""
    return Figures(row.quantity, row.amount, row.tax)


def posted(actual: Actual) -> Posted:
    """An actual already in the ledger, as confirming and correcting need it."""
    return Posted(actual.id, actual.quantity, actual.amount, actual.tax)


def confirmation_effects(detail: InvoiceLineDetail, linked: Actual | None) -> list[Effect]:
    """What confirming ``detail`` does to the ledger, by the domain's rules. ``linked`` is
    the actual it links to: the unbilled one behind it, or the billed one it corrects."""
    billing_type = BillingType(detail.billing_type)
    if detail.source == DetailSource.CORRECTION:
        assert linked is not None
        new = corrected(detail.quantity, figures(detail), figures(linked))
        stored = CorrectionFigures(detail.amount, detail.tax, new.amount, new.tax)
        return confirm_correction(
            detail.quantity, stored, billing_type, posted(linked), detail.backing_tax_share
        )
    return confirm_detail(
        detail.quantity,
        detail.amount,
        detail.tax,
        billing_type,
        posted(linked) if linked is not None else None,
        tax_share=detail.backing_tax_share,
    )
