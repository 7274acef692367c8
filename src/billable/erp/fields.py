"""Checks for the ERP fields of master data (api.md "ERP side"): sales tax groups on
customers, projects and contracts; item sales tax groups on categories, products and
milestones; legal entities on projects and contracts; financial dimensions on projects,
contract lines and milestones.

Every check raises :class:`~billable.domain.errors.Invalid` naming the field, before
anything is written, so a refused request changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from billable.domain.errors import Conflict, FieldError, Invalid
from billable.erp.legal_entities import default_legal_entity
from billable.persistence.lookups import ref
from billable.persistence.tables import (
    Contract,
    FinancialDimension,
    IntegrationJournalLine,
    InvoiceProposal,
    ItemSalesTaxGroup,
    LegalEntity,
    Project,
    SalesTaxGroup,
)

Fields = Mapping[str, Any]


def sales_tax_group(session: Session, code: str | None, field: str = "sales_tax_group") -> None:
    """Refuse a sales tax group code that /sales-tax-groups does not define (None passes)."""
    if code is None:
        return
    with session.no_autoflush:
        found = session.scalars(select(SalesTaxGroup.id).where(SalesTaxGroup.code == code)).first()
    if found is None:
        raise Invalid.field(field, f"no sales tax group {code}")


def item_sales_tax_group(
    session: Session, code: str | None, field: str = "item_sales_tax_group"
) -> None:
    """Refuse an item sales tax group code that /item-sales-tax-groups does not define."""
    if code is None:
        return
    with session.no_autoflush:
        found = session.scalars(
            select(ItemSalesTaxGroup.id).where(ItemSalesTaxGroup.code == code)
        ).first()
    if found is None:
        raise Invalid.field(field, f"no item sales tax group {code}")


def legal_entity_id(session: Session, ident: Any, field: str = "legal_entity_id") -> int:
    """The id of legal entity ``ident`` (422 when unknown); None means the default (first)
    legal entity, so every project and contract names the entity it posts in."""
    if ident is None:
        return default_legal_entity(session).id
    with session.no_autoflush:
        return ref(session, LegalEntity, ident, field, "legal entity").id


def dimensions(
    session: Session, value: Mapping[str, Any] | None, field: str = "dimensions"
) -> dict[str, str] | None:
    """``{name: value}`` checked against /financial-dimensions: every name a dimension,
    every value one of its values (422 on ``dimensions.<name>``). None clears."""
    if value is None:
        return None
    with session.no_autoflush:
        known = {
            row.name: set(row.values or [])
            for row in session.scalars(
                select(FinancialDimension).where(FinancialDimension.name.in_(list(value)))
            )
        }
    for name, chosen in value.items():
        if name not in known:
            raise Invalid.field(f"{field}.{name}", f"no financial dimension {name}")
        if chosen not in known[name]:
            raise Invalid.field(f"{field}.{name}", f"{chosen} is not a value of {name}")
    return {name: value[name] for name in sorted(value)}


def check(session: Session, fields: Fields) -> None:
    """Check whichever ERP fields ``fields`` carries (tax groups and dimensions)."""
    if "sales_tax_group" in fields:
        sales_tax_group(session, fields["sales_tax_group"])
    if "item_sales_tax_group" in fields:
        item_sales_tax_group(session, fields["item_sales_tax_group"])
    if "dimensions" in fields:
        dimensions(session, fields["dimensions"])


def write(session: Session, row: Any, fields: Fields) -> None:
    """Check and set the ERP fields ``fields`` carries on ``row`` (a master data row)."""
    check(session, fields)
    for name in ("sales_tax_group", "item_sales_tax_group"):
        if name in fields:
            setattr(row, name, fields[name])
    if "dimensions" in fields:
        row.dimensions = dimensions(session, fields["dimensions"])
    if "legal_entity_id" in fields or (row.id is None and hasattr(row, "legal_entity_id")):
        chosen = legal_entity_id(session, fields.get("legal_entity_id"))
        if row.id is not None:
            _check_entity_change(session, row, chosen)
        row.legal_entity_id = chosen


def _check_entity_change(session: Session, row: Any, chosen: int) -> None:
    """Refuse (409) moving a project or contract to another legal entity once the ledger
    knows it (journal lines, or a contract's invoice proposals): its WIP was accrued in
    one entity and the proposal would reverse it in another's ledger."""
    current = row.legal_entity_id or legal_entity_id(session, None)
    if chosen == current:
        return
    used: ColumnElement[bool]
    if isinstance(row, Project):
        used = exists().where(IntegrationJournalLine.project_id == row.id)
    elif isinstance(row, Contract):
        used = exists().where(IntegrationJournalLine.contract_id == row.id) | exists().where(
            InvoiceProposal.contract_id == row.id
        )
    else:
        return
    with session.no_autoflush:
        if session.scalar(select(used)):
            reason = (
                "cannot move to another legal entity once its transactions are in the "
                "integration journal or on invoice proposals"
            )
            raise Conflict(f"legal_entity_id: {reason}", (FieldError("legal_entity_id", reason),))
