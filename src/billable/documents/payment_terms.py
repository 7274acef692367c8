"""Payment terms (``/payment-terms``: code, name, net days), served by the generic master
data use cases: importing this module registers the kind."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.domain.errors import Conflict, FieldError
from billable.masterdata.records import KINDS, Kind
from billable.persistence.tables import PaymentTerms


def _write_terms(session: Session, row: PaymentTerms, fields: Mapping[str, Any]) -> None:
    """Refuse (409) a code another payment terms row has."""
    if "code" not in fields:
        return
    with session.no_autoflush:
        stmt = select(PaymentTerms.id).where(PaymentTerms.code == fields["code"])
        if row.id is not None:
            stmt = stmt.where(PaymentTerms.id != row.id)
        if session.scalars(stmt).first() is not None:
            reason = f"payment terms with code {fields['code']} exist already"
            raise Conflict(reason, (FieldError("code", reason),))


KIND = "payment_terms"
KINDS[KIND] = Kind(PaymentTerms, "payment terms", write=_write_terms)
