"""Writing the lines of invoice proposals, set-based: what :class:`~billable.erp.
proposal_lines.Chunk` decided goes into scratch tables (:mod:`billable.erp.
proposal_scratch`): the few distinct attribute sets and taxes, and per line the two
numbers naming them. One ``INSERT ... SELECT`` then writes the chunk's lines, copying
what a line only copies (date, quantity, unit, price, amount, description) from the
billed actuals in SQL: those columns are never read into Python, and SQL never rounds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from billable.domain.money import ZERO
from billable.erp import journal_scratch as scratch
from billable.erp.proposal_lines import Chunk
from billable.erp.proposal_reads import PlainRow
from billable.erp.proposal_scratch import ATTRIBUTES, LINES, TAXES
from billable.persistence.tables import Actual, InvoiceProposal, InvoiceProposalLine

__all__ = ["write_lines"]


def _negated_taxes(taxes: list[dict[str, str]]) -> list[dict[str, str]]:
    """Stored tax lines with their amounts negated (a zero stays unsigned)."""
    return [
        {**tax, "amount": str(-Decimal(tax["amount"]) or Decimal(tax["amount"]))} for tax in taxes
    ]


class _Decided:
    """The chunk's decisions as scratch rows: each distinct attribute set and tax once
    (numbered in the order first met), and per line the numbers of its two."""

    def __init__(self, chunk: Chunk) -> None:
        self.chunk = chunk
        self.attributes: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.taxes: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.lines: list[dict[str, Any]] = []

    def add(self, proposal_id: int, billed: PlainRow) -> None:
        """Decide the line of ``billed`` on ``proposal_id``: where its groups and
        dimensions come from, and its tax per code."""
        chunk = self.chunk
        before = chunk.corrected(billed)
        attributes = chunk.attributes(billed, before)
        groups = (attributes.sales_tax_group, attributes.item_sales_tax_group)
        key = (*groups, json.dumps(attributes.dimensions))
        if key not in self.attributes:
            self.attributes[key] = {
                "no": len(self.attributes) + 1,
                "sales_tax_group": groups[0],
                "item_sales_tax_group": groups[1],
                "dimensions": attributes.dimensions,
            }
        # A reversal of a billed actual credits exactly the tax its proposal line
        # charged, code by code, not today's rates.
        reversed_line = before if billed.reverses_actual_id is not None else None
        tax_key: tuple[Any, ...] = (
            ("reversal", reversed_line.id)
            if reversed_line is not None
            else (billed.amount, billed.currency, *groups)
        )
        if tax_key not in self.taxes:
            taxes = (
                _negated_taxes(reversed_line.taxes)
                if reversed_line is not None
                else chunk.taxes(billed, attributes)
            )
            self.taxes[tax_key] = {
                "no": len(self.taxes) + 1,
                "tax": sum((Decimal(t["amount"]) for t in taxes), ZERO),
                "taxes": taxes,
            }
        self.lines.append(
            {
                "seq": len(self.lines) + 1,
                "billed_actual_id": billed.id,
                "proposal_id": proposal_id,
                "attributes_no": self.attributes[key]["no"],
                "taxes_no": self.taxes[tax_key]["no"],
            }
        )


def _fill(session: Session, decided: _Decided) -> None:
    """The scratch tables, filled with the chunk's decisions."""
    scratch.ready(session, ATTRIBUTES, TAXES, LINES)
    scratch.fill(
        session,
        ATTRIBUTES,
        [
            {**{k: v for k, v in a.items() if k != "no"}, "attributes_no": a["no"]}
            for a in decided.attributes.values()
        ],
    )
    scratch.fill(
        session,
        TAXES,
        [
            {"taxes_no": t["no"], "tax": t["tax"], "taxes": t["taxes"]}
            for t in decided.taxes.values()
        ],
    )
    scratch.fill(session, LINES, decided.lines)
    scratch.analyze(session, ATTRIBUTES, TAXES, LINES)


#: The proposal line's columns the ``INSERT ... SELECT`` fills, in its order.
_LINE_COLUMNS = (
    "proposal_id",
    "billed_actual_id",
    "invoice_line_detail_id",
    "milestone_id",
    "transaction_class",
    "description",
    "date",
    "quantity",
    "unit",
    "price",
    "amount",
    "tax",
    "taxes",
    "sales_tax_group",
    "item_sales_tax_group",
    "dimensions",
)


def _copy_lines(session: Session) -> None:
    """One ``INSERT ... SELECT``: each scratch line's billed actual copied into its
    proposal line, with the attributes and taxes decided for it, in scratch order (so
    line ids follow proposal order, then actual id, as before)."""
    a, lines, attrs, taxes = Actual, LINES.c, ATTRIBUTES.c, TAXES.c
    rows = (
        select(
            lines.proposal_id,
            a.id,
            a.invoice_line_detail_id,
            a.milestone_id,
            a.transaction_class,
            # ``external_description or description``: both are never null.
            func.coalesce(func.nullif(a.external_description, ""), a.description),
            a.date,
            a.quantity,
            a.unit,
            a.price,
            a.amount,
            taxes.tax,
            taxes.taxes,
            attrs.sales_tax_group,
            attrs.item_sales_tax_group,
            attrs.dimensions,
        )
        .select_from(LINES)
        .join(a, a.id == lines.billed_actual_id)
        .join(ATTRIBUTES, attrs.attributes_no == lines.attributes_no)
        .join(TAXES, taxes.taxes_no == lines.taxes_no)
        .order_by(lines.seq)
    )
    session.execute(insert(InvoiceProposalLine).from_select(_LINE_COLUMNS, rows))


def write_lines(session: Session, proposals: Sequence[InvoiceProposal]) -> int:
    """Write the lines of ``proposals`` (in the caller's transaction) in one ``INSERT
    ... SELECT``; returns how many. The caller checked every one is waiting on nothing."""
    chunk = Chunk(session, proposals)
    decided = _Decided(chunk)
    for proposal in proposals:
        for billed in chunk.billed[proposal.invoice_id]:
            decided.add(proposal.id, billed)
    if decided.lines:
        _fill(session, decided)
        _copy_lines(session)
    return len(decided.lines)
