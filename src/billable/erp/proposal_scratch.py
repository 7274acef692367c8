"""Scratch tables of the set-based proposal import: what the domain and the defaults
decided for a chunk's lines (their tax groups and dimensions, their tax per code), which
the chunk's one ``INSERT ... SELECT`` joins to the billed actuals it copies.

Temporary tables, private to the connection and emptied at the start of each use (as
:mod:`billable.erp.journal_scratch`'s), so a rolled-back chunk leaves nothing behind.
The tax is an :class:`~billable.persistence.types.ExactDecimal` column like the line's,
and the JSON columns are bound by the same serializer as the line's, so SQL copies raw
values and never converts or rounds.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Integer, String

from billable.erp.journal_scratch import temporary
from billable.persistence.types import Amount

__all__ = ["ATTRIBUTES", "LINES", "TAXES"]


#: One distinct set of a line's tax groups and dimensions.
ATTRIBUTES = temporary(
    "scratch_proposal_attributes",
    Column("attributes_no", Integer, primary_key=True),
    Column("sales_tax_group", String(20)),
    Column("item_sales_tax_group", String(20)),
    Column("dimensions", JSON),
)
#: One distinct tax of a line: the codes' lines as stored, and their sum.
TAXES = temporary(
    "scratch_proposal_taxes",
    Column("taxes_no", Integer, primary_key=True),
    Column("tax", Amount()),
    Column("taxes", JSON),
)
#: The chunk's lines in the order they are written: the billed actual each copies, its
#: proposal, and what was decided for it.
LINES = temporary(
    "scratch_proposal_lines",
    Column("seq", Integer, primary_key=True),
    Column("billed_actual_id", Integer),
    Column("proposal_id", Integer),
    Column("attributes_no", Integer),
    Column("taxes_no", Integer),
)
