"""The legal entities transactions post in, and the default one made on first use.

Its own module because both the ERP setup and the ERP field checks of master data need
it, and master data registers the setup's kinds: here it sits below both, and no import
goes round in a circle.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.persistence.lookups import get
from billable.persistence.tables import LegalEntity
from billable.persistence.uow import UnitOfWork

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


def ensure_default_legal_entity(uow: UnitOfWork) -> None:
    """Make the default legal entity if there is none yet, and commit."""
    with uow:
        default_legal_entity(uow.session)
        uow.commit()


def legal_entity(session: Session, ident: str | None) -> LegalEntity:
    """The legal entity ``ident`` (404), or the default one when ``ident`` is None."""
    if ident is None:
        return default_legal_entity(session)
    return get(session, LegalEntity, ident, "legal entity")
