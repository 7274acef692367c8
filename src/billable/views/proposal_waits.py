"""Why a waiting invoice proposal waits: the transactions the integration journal has
not posted yet (what its selective import would refuse for)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from billable.domain.vocabulary import ProposalState
from billable.erp.proposal_import import waiting_for
from billable.persistence.tables import InvoiceProposal


def waiting_reasons(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """For each waiting proposal of ``ids``, a sentence naming what it waits for; a
    waiting proposal whose transactions are all posted says it can be imported."""
    reasons: dict[int, str] = {}
    for ident in ids:
        row = session.get(InvoiceProposal, ident)
        if row is None or row.status != ProposalState.WAITING:
            continue
        waiting = waiting_for(session, row)
        if waiting:
            shown = ", ".join(
                f"{a.id} ({a.transaction_class}, {a.date.isoformat()})" for a in waiting[:5]
            )
            more = f" and {len(waiting) - 5} more" if len(waiting) > 5 else ""
            reasons[ident] = (
                f"waits for {len(waiting)} transactions not yet posted through the "
                f"integration journal: actuals {shown}{more}"
            )
        else:
            reasons[ident] = "all its transactions are posted: ready to import from staging"
    return reasons
