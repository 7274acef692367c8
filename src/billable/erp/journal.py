"""The Project Operations integration journal (seed 003): import cost and unbilled sales
actuals from staging into a draft journal, review its lines' tax groups and financial
dimensions, and distribute a line's amount over dimension sets.

Posting lives in :mod:`billable.erp.journal_posting`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain.dimensions import DistributedPart, distribute, share_dimensions
from billable.domain.errors import Conflict, DomainError
from billable.domain.lifecycle import JOURNAL
from billable.erp import defaults as erp_defaults
from billable.erp import fields as erp_fields
from billable.erp.journal_import import (
    COST_LINE,
    IMPORT_CHUNK,
    IMPORT_LOCK,
    JOURNALED_TYPES,
    NOTHING_TO_IMPORT,
    SALES_LINE,
    import_from_staging,
)
from billable.persistence.lookups import get
from billable.persistence.tables import (
    IntegrationJournal,
    IntegrationJournalLine,
)
from billable.persistence.uow import UnitOfWork

__all__ = [
    "COST_LINE",
    "IMPORT_CHUNK",
    "IMPORT_LOCK",
    "JOURNALED_TYPES",
    "NOTHING_TO_IMPORT",
    "SALES_LINE",
    "import_from_staging",
]


def _editable_line(session: Session, line_id: str) -> IntegrationJournalLine:
    line = get(session, IntegrationJournalLine, line_id, "integration journal line")
    journal = get(session, IntegrationJournal, line.journal_id, "integration journal", lock=True)
    JOURNAL.next_state(journal.status, "edit")
    if line.exchange_rate is not None:  # a journal part posted when its posting stopped
        raise Conflict(f"integration journal line {line.id} is posted: it can no longer change")
    return line


def update_line(uow: UnitOfWork, line_id: str, fields: Mapping[str, Any]) -> None:
    """Change a draft line's billing tax groups (``None`` clears) and dimensions."""
    with uow:
        session = uow.session
        line = _editable_line(session, line_id)
        # The same checks as the groups and dimensions of master data.
        if "sales_tax_group" in fields:
            erp_fields.sales_tax_group(session, fields["sales_tax_group"])
            line.sales_tax_group = fields["sales_tax_group"]
        if "item_sales_tax_group" in fields:
            erp_fields.item_sales_tax_group(session, fields["item_sales_tax_group"])
            line.item_sales_tax_group = fields["item_sales_tax_group"]
        if "dimensions" in fields:
            line.dimensions = erp_fields.dimensions(session, fields["dimensions"]) or {}
        uow.commit()


def line_amount(line: IntegrationJournalLine) -> Decimal:
    """The amount a line posts: its cost amount, or its sales amount."""
    return line.cost_amount if line.kind == COST_LINE else line.sales_amount


def split(
    session: Session,
    amount: Decimal,
    code: str,
    shares: Sequence[Mapping[str, Any]],
    kept: Mapping[str, str] | None = None,
) -> tuple[list[dict[str, Any]], tuple[DistributedPart, ...]]:
    """Checked shares ``[{percent, dimensions}]`` as stored, and the parts of ``amount``;
    each share keeps the dimensions of ``kept`` it does not name."""
    stored: list[dict[str, Any]] = []
    base = erp_defaults.dimensions_of(kept)
    for i, share in enumerate(shares):
        field = f"shares[{i}].dimensions"
        named = erp_fields.dimensions(session, share["dimensions"], field) or {}
        dims = dict(share_dimensions(base, erp_defaults.dimensions_of(named)))
        stored.append({"percent": str(share["percent"]), "dimensions": dims})
    return stored, parts_of(amount, code, stored)


def parts_of(
    amount: Decimal, code: str, shares: Sequence[Mapping[str, Any]]
) -> tuple[DistributedPart, ...]:
    """``amount`` split over stored shares (largest remainder: adds up to the cent)."""
    return distribute(
        amount,
        [
            (Decimal(share["percent"]), erp_defaults.dimensions_of(share["dimensions"]))
            for share in shares
        ],
        currency(code),
    )


def shares_of(
    distribution: list[dict[str, Any]] | None, dimensions: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """A line's stored shares: its distribution, or all of it on its dimensions."""
    return distribution or [{"percent": "100", "dimensions": dict(dimensions or {})}]


def line_parts(line: IntegrationJournalLine) -> tuple[DistributedPart, ...]:
    """A line's amount over its distribution, or all of it on its dimensions."""
    return parts_of(line_amount(line), line.currency, shares_of(line.distribution, line.dimensions))


def distribute_line(uow: UnitOfWork, line_id: str, shares: Sequence[Mapping[str, Any]]) -> None:
    """Distribute a draft line's amount over dimension sets by percent (Distribute
    amounts); percents must add up to 100 (422 otherwise). Each share keeps the line's
    dimensions it does not name."""
    with uow:
        session = uow.session
        line = _editable_line(session, line_id)
        stored, _ = split(session, line_amount(line), line.currency, shares, line.dimensions)
        line.distribution = stored
        uow.commit()


@dataclass(frozen=True)
class LineRate:
    """A line's rate to accounting currency: ``None`` with the reason when none is in force."""

    rate: Decimal | None
    reason: str | None = None


def line_rate(session: Session, line: IntegrationJournalLine, accounting: str) -> LineRate:
    """A line's rate (:func:`line_rate_at`), a draft line's looked up in the database."""
    return line_rate_at(
        line,
        lambda: erp_defaults.rate_in_force(
            session, line.contract_id, line.currency, accounting, line.date
        ),
    )


def line_rate_at(line: IntegrationJournalLine, rate: Callable[[], Decimal]) -> LineRate:
    """The stored rate of a posted line; a draft line's follows the rates and agreements
    in force on its date, ``rate()`` (seed 003: a new fixed-rate agreement changes
    pending lines), or says why there is none."""
    if line.exchange_rate is not None:
        return LineRate(line.exchange_rate)
    try:
        return LineRate(rate())
    except DomainError as exc:
        return LineRate(None, exc.detail)
