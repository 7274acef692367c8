"""Print management (seed 003): report format, destination and footer text set at the
module level and overridden per customer, contract or invoice proposal; per field, the
most specific level that sets a value wins (``domain.proposal_format.resolve``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from billable.domain.errors import Invalid, NotFound
from billable.domain.proposal_format import Level, Resolved, resolve
from billable.persistence.lookups import parse_id, ref
from billable.persistence.tables import Contract, Customer, InvoiceProposal, PrintSetting
from billable.persistence.uow import UnitOfWork

FIELDS = ("report_format", "destination", "footer_text")
#: The table whose row a level's ``target_id`` names (the module level has none).
TARGETS: Mapping[Level, tuple[type[Any], str]] = {
    Level.CUSTOMER: (Customer, "customer"),
    Level.CONTRACT: (Contract, "contract"),
    Level.PROPOSAL: (InvoiceProposal, "invoice proposal"),
}
MODULE_TARGET = 0


def _target(session: Session, level: Level, target_id: str | None) -> int:
    """The stored target id of ``level``: 0 for the module, else an existing row's id."""
    if level is Level.MODULE:
        if target_id is not None:
            raise Invalid.field("target_id", "the module level has no target; leave it out")
        return MODULE_TARGET
    model, what = TARGETS[level]
    if target_id is None:
        raise Invalid.field("target_id", f"the {level.value} level needs the id of a {what}")
    return int(ref(session, model, target_id, "target_id", what).id)


def _find(session: Session, level: Level, target: int) -> PrintSetting | None:
    stmt = select(PrintSetting).where(PrintSetting.level == level.value)
    return session.scalars(stmt.where(PrintSetting.target_id == target)).one_or_none()


def settings_query(level: str | None = None, target_id: str | None = None) -> Select[Any]:
    """Print settings, optionally of one level and target (for listing)."""
    stmt = select(PrintSetting)
    if level is not None:
        stmt = stmt.where(PrintSetting.level == level)
    if target_id is not None:
        stmt = stmt.where(PrintSetting.target_id == (parse_id(target_id) or -1))
    return stmt


def put_setting(uow: UnitOfWork, fields: Mapping[str, Any]) -> int:
    """Set one level's settings (replacing them): a field left out or ``null`` is not set
    at this level and comes from a less specific one. Returns the setting's id."""
    level = Level(fields["level"])
    with uow:
        target = _target(uow.session, level, fields.get("target_id"))
        row = _find(uow.session, level, target)
        if row is None:
            row = PrintSetting(level=level.value, target_id=target)
            uow.session.add(row)
        for name in FIELDS:
            setattr(row, name, fields.get(name))
        uow.session.flush()
        uow.commit()
        return row.id


def delete_setting(uow: UnitOfWork, level_name: str, target_id: str | None) -> None:
    """Remove one level's settings; the less specific levels apply again."""
    level = Level(level_name)
    with uow:
        target = _target(uow.session, level, target_id)
        row = _find(uow.session, level, target)
        if row is None:
            raise NotFound(f"no print settings at the {level.value} level for target {target_id}")
        uow.session.delete(row)
        uow.commit()


def resolved(session: Session, proposal: InvoiceProposal) -> Resolved:
    """The effective print settings of ``proposal``: proposal > contract > customer >
    module > built-in defaults, field by field (:func:`resolved_many` for one)."""
    return resolved_many(session, [proposal])[proposal.id]


def resolved_many(session: Session, proposals: Sequence[InvoiceProposal]) -> dict[int, Resolved]:
    """:func:`resolved` for many proposals, by id: the settings of every level they
    name read in one query."""
    wanted = {(Level.MODULE.value, MODULE_TARGET)}
    for p in proposals:
        wanted |= {
            (Level.CUSTOMER.value, p.customer_id),
            (Level.CONTRACT.value, p.contract_id),
            (Level.PROPOSAL.value, p.id),
        }
    stmt = select(PrintSetting).where(
        PrintSetting.level.in_({level for level, _ in wanted}),
        PrintSetting.target_id.in_({target for _, target in wanted}),
    )
    rows = {(row.level, row.target_id): row for row in session.scalars(stmt)}
    out: dict[int, Resolved] = {}
    for p in proposals:
        targets = {
            Level.MODULE: MODULE_TARGET,
            Level.CUSTOMER: p.customer_id,
            Level.CONTRACT: p.contract_id,
            Level.PROPOSAL: p.id,
        }
        found: dict[Level, dict[str, str | None]] = {}
        for level, target in targets.items():
            row = rows.get((level.value, target))
            if row is not None:
                found[level] = {name: getattr(row, name) for name in FIELDS}
        out[p.id] = resolve(found)
    return out
