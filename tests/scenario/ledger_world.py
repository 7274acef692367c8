"""A small billing world built through the service layer, and database resets for the
property and concurrency scenarios (cheaper than the HTTP builders: no app, no users)."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from billable.billing import entries
from billable.masterdata import contracts
from billable.masterdata import records as masterdata
from billable.persistence.db import make_engine, session_factory
from billable.persistence.tables import Base
from billable.persistence.uow import UnitOfWork

#: Sales prices with six decimals, so that amounts round (and rounding can leak a cent).
SALES_PRICES = (Decimal("123.456789"), Decimal("99.995"))
COST_PRICE = Decimal("61.111111")
FIRST_DAY = dt.date(2026, 8, 1)


@dataclass(frozen=True)
class Resource:
    id: int
    role_id: int
    price: Decimal


@dataclass(frozen=True)
class World:
    """One customer, project and contract with one time-and-material line for time, and
    two resources whose roles sell at :data:`SALES_PRICES`."""

    contract_id: int
    line_id: int
    project_id: int
    resources: tuple[Resource, ...]


def build_world(make_uow: Callable[[], UnitOfWork]) -> World:
    """Create the world's master data in an empty database."""
    customer = masterdata.create(
        make_uow(), "customer", {"name": "Coho", "currency": "USD", "bill_to": {"name": "Coho"}}
    )
    roles = [masterdata.create(make_uow(), "role", {"name": f"Role {i}"}) for i in range(2)]
    people = [
        masterdata.create(make_uow(), "resource", {"name": f"Person {i}", "default_role_id": r})
        for i, r in enumerate(roles)
    ]
    cost = masterdata.create(
        make_uow(),
        "price_list",
        {
            "name": "Cost",
            "currency": "USD",
            "context": "cost",
            "role_prices": [{"role_id": r, "price": COST_PRICE} for r in roles],
        },
    )
    sales = masterdata.create(
        make_uow(),
        "price_list",
        {
            "name": "Sales",
            "currency": "USD",
            "context": "sales",
            "role_prices": [
                {"role_id": r, "price": p} for r, p in zip(roles, SALES_PRICES, strict=True)
            ],
        },
    )
    project = masterdata.create(
        make_uow(),
        "project",
        {"name": "Build", "customer_id": customer, "cost_price_list_id": cost},
    )
    contract = contracts.create_contract(
        make_uow(),
        {"name": "SOW", "customer_id": customer, "currency": "USD", "price_list_id": sales},
    )
    line = contracts.create_line(
        make_uow(),
        str(contract),
        {
            "name": "T&M time",
            "kind": "project",
            "billing_method": "time_and_material",
            "project_id": project,
            "transaction_classes": ["time"],
        },
    )
    return World(
        contract_id=contract,
        line_id=line,
        project_id=project,
        resources=tuple(
            Resource(p, r, price) for p, r, price in zip(people, roles, SALES_PRICES, strict=True)
        ),
    )


def approve_time(
    make_uow: Callable[[], UnitOfWork],
    world: World,
    resource: Resource,
    hours: Decimal,
    day: dt.date,
) -> int:
    """Enter, submit and approve a time entry; its id."""
    entry = entries.create_entry(
        make_uow(),
        "time",
        {
            "resource_id": resource.id,
            "project_id": world.project_id,
            "date": day,
            "quantity": hours,
            "status": "submitted",
        },
    )
    entries.transition(make_uow(), "time", str(entry), "approve")
    return entry


def truncate_all(engine: Engine) -> None:
    """Empty every table of a PostgreSQL database and restart its ids."""
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def units_of_work(engine: Engine) -> tuple[sessionmaker[Session], Callable[[], UnitOfWork]]:
    """A session factory on ``engine`` and a maker of units of work over it."""
    factory = session_factory(engine)
    return factory, lambda: UnitOfWork(factory)


_examples = itertools.count()


def scratch_engine(path: Path) -> Engine:
    """An engine on a throw-away SQLite file: no fsync, the file dies with the example."""
    engine = make_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA synchronous=OFF")

    return engine


@contextmanager
def example_database(template: Path, directory: Path) -> Iterator[Engine]:
    """An engine on a fresh copy of ``template`` for one Hypothesis example; the copy
    (and its WAL files) is removed afterwards."""
    path = directory / f"example-{next(_examples)}.db"
    shutil.copy(template, path)
    engine = scratch_engine(path)
    try:
        yield engine
    finally:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
