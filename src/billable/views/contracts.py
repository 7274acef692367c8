"""Contracts, their lines (with the dates each is due) and milestones, as shown."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from billable.domain.schedule import LineDue, due_dates
from billable.domain.vocabulary import MilestoneState
from billable.persistence.lookups import get, parse_id
from billable.persistence.tables import Contract, ContractLine, Milestone
from billable.views.pagination import Window, window
from billable.views.records import Record, record

#: How many upcoming run dates a scheduled line shows.
RUN_DATES_SHOWN = 6


def _contracts(rows: Sequence[Contract]) -> list[Record]:
    return [
        record(
            row,
            line_ids=[line.id for line in row.lines],
            payment_terms=record(row.payment_terms) if row.payment_terms else None,
        )
        for row in rows
    ]


def contracts(
    session: Session,
    limit: int,
    cursor: str | None,
    customer_id: str | None = None,
    name_contains: str | None = None,
) -> Window[Record]:
    """A page of contracts, each with its line ids; filters: customer, a part of the name
    (case-insensitive)."""
    stmt = select(Contract).options(
        selectinload(Contract.lines), selectinload(Contract.payment_terms)
    )
    if customer_id is not None:
        stmt = stmt.where(Contract.customer_id == (parse_id(customer_id) or -1))
    if name_contains:
        stmt = stmt.where(Contract.name.ilike(f"%{name_contains}%"))
    return window(session, stmt, Contract.id, limit, cursor, _contracts)


def contract(session: Session, ident: int | str) -> Record:
    """One contract with its line ids, or 404."""
    return _contracts([get(session, Contract, ident, "contract")])[0]


def _ready_milestone_dates(session: Session, line_ids: list[int]) -> dict[int, list[dt.date]]:
    dates: dict[int, list[dt.date]] = defaultdict(list)
    if line_ids:
        for line_id, date in session.execute(
            select(Milestone.contract_line_id, Milestone.date).where(
                Milestone.contract_line_id.in_(line_ids),
                Milestone.status == MilestoneState.READY_TO_INVOICE,
            )
        ):
            dates[line_id].append(date)
    return dates


def _currencies(session: Session, contract_ids: set[int]) -> dict[int, str]:
    if not contract_ids:
        return {}
    found = session.execute(
        select(Contract.id, Contract.currency).where(Contract.id.in_(contract_ids))
    )
    return {ident: code for ident, code in found}


def _lines(session: Session, rows: Sequence[ContractLine]) -> list[Record]:
    """Lines with their contract's currency, classes and due dates: three queries."""
    codes = _currencies(session, {row.contract_id for row in rows})
    milestones = _ready_milestone_dates(session, [row.id for row in rows])
    today = dt.date.today()
    shown = []
    for row in rows:
        due = LineDue.of(row, tuple(milestones.get(row.id, ())))
        shown.append(
            record(
                row,
                currency=codes[row.contract_id],
                transaction_classes=[c.transaction_class for c in row.classes],
                run_dates=due_dates(due, today, RUN_DATES_SHOWN),
            )
        )
    return shown


def _line_query() -> Any:
    return select(ContractLine).options(selectinload(ContractLine.classes))


def lines(session: Session, contract_id: str, limit: int, cursor: str | None) -> Window[Record]:
    """A page of a contract's lines (404 for an unknown contract)."""
    found = get(session, Contract, contract_id, "contract")
    stmt = _line_query().where(ContractLine.contract_id == found.id)
    return window(session, stmt, ContractLine.id, limit, cursor, lambda r: _lines(session, r))


def line(session: Session, ident: int | str) -> Record:
    """One contract line as shown, or 404."""
    return _lines(session, [get(session, ContractLine, ident, "contract line")])[0]


def _milestones(session: Session, rows: Sequence[Milestone]) -> list[Record]:
    """Milestones with their contract's currency: one query for the page."""
    line_ids = {row.contract_line_id for row in rows}
    codes: dict[int, str] = {}
    if line_ids:
        found = session.execute(
            select(ContractLine.id, Contract.currency)
            .join(Contract, Contract.id == ContractLine.contract_id)
            .where(ContractLine.id.in_(line_ids))
        )
        codes = {ident: code for ident, code in found}
    return [record(row, currency=codes[row.contract_line_id]) for row in rows]


def milestones(session: Session, line_id: str, limit: int, cursor: str | None) -> Window[Record]:
    """A page of a contract line's milestones (404 for an unknown line)."""
    found = get(session, ContractLine, line_id, "contract line")
    stmt = select(Milestone).where(Milestone.contract_line_id == found.id)
    return window(session, stmt, Milestone.id, limit, cursor, lambda r: _milestones(session, r))


def milestone(session: Session, ident: int | str) -> Record:
    """One milestone as shown, or 404."""
    found = get(session, Milestone, ident, "milestone")  # not vocabulary: the noun of its 404
    return _milestones(session, [found])[0]


def milestone_records(session: Session, rows: Sequence[Milestone]) -> list[Record]:
    """Milestones the caller has loaded (the backlog's), as shown."""
    return _milestones(session, rows)


def on_account_milestones(session: Session, limit: int, cursor: str | None) -> Window[Record]:
    """A page, by id, of the milestones invoiced on account: those a confirmed invoice
    billed (``invoiced_amount`` above zero; confirmation adds what it billed), with
    their on-account attributes (tax groups, dimensions) and contract currency."""
    stmt = select(Milestone).where(Milestone.invoiced_amount > 0)
    return window(session, stmt, Milestone.id, limit, cursor, lambda r: _milestones(session, r))
