"""The default legal entity: the one a project or contract posts in unless told otherwise.

Its own module because both the ERP setup and the ERP field checks of master data need
it, and master data registers the setup's kinds: here it sits below both, and no import
goes round in a circle.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.persistence.tables import LegalEntity

#: The legal entity made on first use when none exists (docs/decisions.md).
DEFAULT_LEGAL_ENTITY = ("Default company", "USD")


def default_legal_entity(session: Session) -> LegalEntity:
    """The first legal entity; made (in the caller's transaction) when there is none."""
    first = session.scalars(select(LegalEntity).order_by(LegalEntity.id).limit(1)).first()
    if first is None:
        name, code = DEFAULT_LEGAL_ENTITY
        first = LegalEntity(name=name, accounting_currency=code)
        session.add(first)
        session.flush()
    return first
