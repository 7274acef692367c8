"""Fixed-rate agreements: a project contract's own exchange rate, whatever the date."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from billable.currencies import currency
from billable.domain.errors import NotFound
from billable.persistence.lookups import get
from billable.persistence.tables import Contract, FixedRateAgreement
from billable.persistence.uow import UnitOfWork

Fields = Mapping[str, Any]


def set_fixed_rate_agreement(uow: UnitOfWork, contract_id: str, fields: Fields) -> None:
    """Set (or replace) a project contract's fixed-rate agreement."""
    with uow:
        contract = get(uow.session, Contract, contract_id, "contract")
        currency(fields["currency"])
        row = uow.session.get(FixedRateAgreement, contract.id)
        if row is None:
            row = FixedRateAgreement(contract_id=contract.id)
            uow.session.add(row)
        row.currency = fields["currency"]
        row.rate = fields["rate"]
        row.reference = fields.get("reference")
        uow.commit()


def remove_fixed_rate_agreement(uow: UnitOfWork, contract_id: str) -> None:
    """Remove a contract's fixed-rate agreement (404 when it has none)."""
    with uow:
        contract = get(uow.session, Contract, contract_id, "contract")
        row = uow.session.get(FixedRateAgreement, contract.id)
        if row is None:
            raise NotFound(f"contract {contract_id} has no fixed-rate agreement")
        uow.session.delete(row)
        uow.commit()
