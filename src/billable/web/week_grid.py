"""The week grid's shape: rows (project, task), a cell a day holding the entries
entered there, and which cells can still be edited. Pure: it reads records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from billable.domain.vocabulary import EntryState

EDITABLE = (EntryState.DRAFT, EntryState.REJECTED)


@dataclass
class Cell:
    """One day of one row: its entries, their hours, and the one entry a change edits
    (``None`` when the cell is empty, or holds more than one entry or a sent one)."""

    entries: list[Any] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return sum((e.quantity for e in self.entries), Decimal(0))

    @property
    def editable(self) -> bool:
        return not self.entries or (len(self.entries) == 1 and self.entries[0].status in EDITABLE)

    @property
    def entry(self) -> Any:
        return self.entries[0] if len(self.entries) == 1 else None


def cell_name(project_id: int, task_id: int | None, day: dt.date) -> str:
    """The form field of a cell."""
    return f"cell:{project_id}:{task_id or 0}:{day.isoformat()}"


def grid(entries: list[Any], days: list[dt.date]) -> dict[tuple[int, int | None], list[Cell]]:
    """The rows of the week, in the entries' order, each with a cell a day."""
    rows: dict[tuple[int, int | None], list[Cell]] = {}
    for e in entries:
        cells = rows.setdefault((e.project_id, e.task_id), [Cell() for _ in days])
        cells[days.index(e.date)].entries.append(e)
    return rows
