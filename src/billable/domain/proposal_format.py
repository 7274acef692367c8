"""Formatting an invoice proposal's printout (seed 003, "Format and print invoice
proposals"): the order of format sections and print management's resolution of
settings from the module level down to one proposal. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from billable.domain.errors import Conflict, FieldError


class PrintMode(StrEnum):
    """How a group of lines prints: every line (detail) or one summed row (summary)."""

    DETAIL = "detail"
    SUMMARY = "summary"


class Level(StrEnum):
    """Print management levels, least specific first."""

    MODULE = "module"
    CUSTOMER = "customer"
    CONTRACT = "contract"
    PROPOSAL = "proposal"


#: Report formats of the printout: ``standard`` (every column), ``detailed`` (standard
#: plus the tax per code under the totals), ``compact`` (no date and unit columns).
REPORT_FORMATS = ("standard", "detailed", "compact")
#: Where a print goes: shown on screen, downloaded as a file, emailed to the customer's
#: billing email, or written to the archive folder (issued invoices, issue 10).
DESTINATIONS = ("screen", "file", "email", "archive")
#: The print setting fields and their built-in values when no level sets them.
DEFAULTS: Mapping[str, str] = {
    "report_format": "standard",
    "destination": "screen",
    "footer_text": "",
}
#: The level that gives a field its built-in value.
BUILT_IN = "default"


@dataclass(frozen=True)
class Resolved:
    """The effective print settings of one proposal and the level each came from."""

    values: Mapping[str, str]
    sources: Mapping[str, str]


def resolve(settings: Mapping[Level, Mapping[str, str | None]]) -> Resolved:
    """Per field, the value of the most specific level that sets it (``None`` is "not
    set here"; an empty footer text is a value), else the built-in default."""
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for field, default in DEFAULTS.items():
        values[field], sources[field] = default, BUILT_IN
        for level in reversed(Level):
            value = settings.get(level, {}).get(field)
            if value is not None:
                values[field], sources[field] = value, level.value
                break
    return Resolved(values, sources)


def moved(order: Sequence[int], ident: int, direction: str) -> list[int]:
    """``order`` with ``ident`` swapped with its neighbour ``up`` (earlier) or ``down``;
    moving the first section up or the last down is a :class:`Conflict` on ``move``."""
    index = order.index(ident)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(order):
        edge = "first" if direction == "up" else "last"
        reason = f"the section is already {edge}; it cannot move {direction}"
        raise Conflict(f"move: {reason}", (FieldError("move", reason),))
    out = list(order)
    out[index], out[other] = out[other], out[index]
    return out
