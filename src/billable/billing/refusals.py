"""All-or-nothing requests over many rows: every refused row is collected, then the whole
request is refused at once, each error naming the row's index (docs/decisions.md).

A single-row call is the same code with a set of one; it gets the row's own error back,
unchanged, so ``POST /time-entries/{id}/approve`` answers exactly as it always did.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from billable.domain.errors import Conflict, DomainError, FieldError, Forbidden, Invalid

#: How many refusals the ``detail`` sentence spells out; ``errors`` lists every one.
DETAIL_SHOWN = 5


@dataclass(frozen=True)
class Refusal:
    """Row ``index`` (named ``label`` to the caller, e.g. "time entry 17") was refused."""

    index: int
    label: str
    error: DomainError


@dataclass
class Refusals:
    """The refusals of one bulk request (reported in row order)."""

    collection: str
    refused: list[Refusal] = field(default_factory=list)

    def add(self, index: int, label: str, error: DomainError) -> None:
        """Record that row ``index`` was refused with ``error``."""
        self.refused.append(Refusal(index, label, error))

    def __bool__(self) -> bool:
        return bool(self.refused)

    def __iter__(self) -> Iterator[Refusal]:
        return iter(self.refused)

    def raise_any(self, single: bool) -> None:
        """Refuse the request if any row was refused: the row's own error for a set of
        one (``single``), else one error listing every row by index."""
        if not self.refused:
            return
        if single:
            raise self.refused[0].error
        raise combined(self.collection, sorted(self.refused, key=lambda r: r.index))


def combined(collection: str, refused: Sequence[Refusal]) -> DomainError:
    """One error for many refused rows: 409 when every row was refused by its state, 403
    when every row was the caller's to refuse (a team member naming another resource),
    else 422; each field is the row's path (``ids[3]``, ``items[3].quantity``)."""
    errors = tuple(_row_errors(collection, refused))
    shown = "; ".join(f"{e.field}: {e.message}" for e in errors[:DETAIL_SHOWN])
    more = len(errors) - DETAIL_SHOWN
    detail = f"{shown}; and {more} more" if more > 0 else shown
    if all(isinstance(r.error, Conflict) for r in refused):
        return Conflict(detail, errors)
    if all(isinstance(r.error, Forbidden) for r in refused):
        return Forbidden(detail, errors)
    return Invalid(detail, errors)


def _row_errors(collection: str, refused: Sequence[Refusal]) -> Iterator[FieldError]:
    for refusal in refused:
        prefix = f"{collection}[{refusal.index}]"
        fields = refusal.error.errors or (FieldError("", refusal.error.detail),)
        for error in fields:
            path = f"{prefix}.{error.field}" if error.field else prefix
            message = f"{refusal.label}: {error.message}" if refusal.label else error.message
            yield FieldError(path, message)
