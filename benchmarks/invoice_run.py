"""Benchmark: the automated run and bulk confirmation against the database's own floors.

    python benchmarks/invoice_run.py --contracts 10000 --actuals-per-contract 100 \
        [--repeat 3] [--database URL] [--record]

Builds the data directly with set-based inserts (one project, contract and scheduled
time-and-material line per contract; A ready unbilled actuals each), then times in one
process: (a) the run date creating a draft invoice per contract, (b) confirming them
all, and two floors on the same database (benchmarks/_floors.py): (c) copying every
actual into a table of the details' width with one INSERT ... SELECT, (d) writing what
confirmation's rules make it write, two rows per detail, into a table with the actuals
table's indexes. Each of ``--repeat`` runs gets a fresh database (on a PostgreSQL
server given by ``--database``, one made and dropped per run). Ends with one line of
medians: ``create_vs_floor=X confirm_vs_floor=Y confirm_vs_write_floor=Z
peak_rss_mb=M actuals=N``; ``--record`` also writes the figures, with their spread and
the machine, into docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from decimal import Decimal
from pathlib import Path

from _floors import copy_floor, write_floor
from _runs import Spread, machine, scratch_database
from sqlalchemy import Engine, column, func, insert, literal, select, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from billable.billing.bulk_confirm import confirm_in_chunks
from billable.domain.schedule import Frequency
from billable.domain.vocabulary import ActualType, BillingType, TransactionClass
from billable.persistence.db import make_engine, session_factory
from billable.persistence.migrate import upgrade
from billable.persistence.tables import (
    Actual,
    Contract,
    ContractLine,
    ContractLineClass,
    Customer,
    Invoice,
    InvoiceLineDetail,
    PriceList,
    Project,
    Role,
    RolePrice,
)
from billable.persistence.types import ExactDecimal
from billable.persistence.uow import UnitOfWork
from billable.runs import invoice_runs as runs

RUN_DATE = dt.date(2026, 9, 30)
ROOT = Path(__file__).resolve().parent.parent


def build(engine: Engine, contracts: int, per_contract: int) -> None:
    """Master data by executemany (a row per contract), actuals by INSERT ... SELECT."""
    with Session(engine) as s, s.begin():
        _master_data(s, contracts)
        _actuals(s, per_contract)


def _master_data(s: Session, contracts: int) -> None:
    """A customer, role and price lists; per contract a project, contract and line."""
    s.add(Customer(id=1, name="Bench", currency="USD", bill_to_name="Bench"))
    s.add(Role(id=1, name="Consultant"))
    s.add_all(
        [
            PriceList(id=1, name="Cost", currency="USD", context="cost"),
            PriceList(id=2, name="Sales", currency="USD", context="sales"),
        ]
    )
    s.flush()
    s.add_all(
        [
            RolePrice(price_list_id=1, role_id=1, price=Decimal(120)),
            RolePrice(price_list_id=2, role_id=1, price=Decimal(250)),
        ]
    )
    ids = range(1, contracts + 1)
    s.execute(
        insert(Project),
        [{"id": i, "name": f"P{i}", "customer_id": 1, "cost_price_list_id": 1} for i in ids],
    )
    s.execute(
        insert(Contract),
        [
            {
                "id": i,
                "name": f"C{i}",
                "customer_id": 1,
                "currency": "USD",
                "price_list_id": 2,
                "bill_to_name": "Bench",
            }
            for i in ids
        ],
    )
    s.execute(
        insert(ContractLine),
        [
            {
                "id": i,
                "contract_id": i,
                "name": "T&M",
                "kind": "project",
                "billing_method": "time_and_material",
                "project_id": i,
                "schedule_frequency": Frequency.DAILY,
                "schedule_start_date": dt.date(2026, 1, 1),
            }
            for i in ids
        ],
    )
    s.execute(
        insert(ContractLineClass),
        [
            {"contract_line_id": i, "project_id": i, "transaction_class": TransactionClass.TIME}
            for i in ids
        ],
    )


def _actuals(s: Session, per_contract: int) -> None:
    """``per_contract`` ready unbilled time actuals on every contract line."""
    series = (
        text(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :a) "
            "SELECT i FROM n"
        )
        .bindparams(a=per_contract)
        .columns(column("i"))
        .subquery("n")
    )
    hours = series.c.i % 8 + 1
    line = table("contract_lines", column("id"))
    values = {
        "transaction_type": literal(ActualType.UNBILLED_SALES),
        "transaction_class": literal(TransactionClass.TIME),
        "source_kind": literal(TransactionClass.TIME),  # as if from a time entry
        "source_id": series.c.i,
        "project_id": line.c.id,
        "contract_id": line.c.id,
        "contract_line_id": line.c.id,
        "role_id": literal(1),
        "date": literal(dt.date(2026, 9, 1)),
        "quantity": literal(Decimal(1), ExactDecimal(4)) * hours,
        "unit": literal("hour"),
        "price": literal(Decimal(250), ExactDecimal(6)),
        "amount": literal(Decimal(250), ExactDecimal(4)) * hours,
        "tax": literal(Decimal(0), ExactDecimal(4)),
        "currency": literal("USD"),
        "billing_type": literal(BillingType.CHARGEABLE),
        "ready_to_invoice": literal(True),
        "description": literal(""),
        "external_description": literal(""),
    }
    rows = select(*values.values()).select_from(line).join(series, literal(True))
    s.execute(insert(Actual).from_select(list(values), rows))


def confirm_all(engine: Engine) -> int:
    """Confirm every draft with the set-based path the bulk-confirm job uses."""
    with Session(engine) as s:
        ids = list(s.scalars(select(Invoice.id).order_by(Invoice.id)))
    factory = session_factory(engine)
    return confirm_in_chunks(lambda: UnitOfWork(factory), ids)


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(url: str, contracts: int, per_contract: int) -> dict[str, float]:
    """One run on the empty database ``url``: build, create, confirm, both floors."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        build(engine, contracts, per_contract)
        if engine.dialect.name == "postgresql":  # as autovacuum would after a bulk load
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        factory = session_factory(engine)
        t0 = time.perf_counter()
        result = runs.run_date(lambda: UnitOfWork(factory), RUN_DATE)
        create = time.perf_counter() - t0
        t0 = time.perf_counter()
        confirmed = confirm_all(engine)
        confirm = time.perf_counter() - t0
        copy, write = copy_floor(engine), write_floor(engine)
        assert len(result.invoices) == contracts == confirmed, "every contract invoiced"
        with Session(engine) as s:
            details = s.scalar(select(func.count()).select_from(InvoiceLineDetail))
        assert details == contracts * per_contract, "one detail per actual"
    finally:
        engine.dispose()
    return {
        "create_s": create,
        "confirm_s": confirm,
        "floor_s": copy,
        "write_floor_s": write,
        "create_vs_floor": create / copy,
        "confirm_vs_floor": confirm / copy,
        "confirm_vs_write_floor": confirm / write,
    }


#: The ratios the one-line summary names, in its order.
RATIOS = ("create_vs_floor", "confirm_vs_floor", "confirm_vs_write_floor")
#: A run at a size CI can afford: ``python3 dev.py bench-smoke`` runs it on every change.
SMOKE_ARGS = ("--contracts", "3", "--actuals-per-contract", "4", "--repeat", "3")


def main() -> None:
    """Run the benchmark ``--repeat`` times and report medians with their spread."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--actuals-per-contract", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="runs, each on a fresh database")
    parser.add_argument("--database", help="a PostgreSQL server URL; default: SQLite files")
    parser.add_argument("--record", action="store_true", help="write docs/performance.md")
    args = parser.parse_args()
    runs_: list[dict[str, float]] = []
    database = "sqlite"
    for number in range(1, args.repeat + 1):
        with scratch_database(args.database) as url:
            database = make_url(url).get_backend_name()
            runs_.append(measure(url, args.contracts, args.actuals_per_contract))
        print(f"run {number}: " + " ".join(f"{k}={v:.2f}" for k, v in runs_[-1].items()))
    spreads = {key: Spread.of([run[key] for run in runs_]) for key in runs_[0]}
    for key, spread in spreads.items():
        print(f"{key:>23}: {spread}")
    actuals = args.contracts * args.actuals_per_contract
    line = " ".join(f"{key}={spreads[key].median:.2f}" for key in RATIOS)
    line += f" peak_rss_mb={peak_rss_mb():.0f} actuals={actuals}"
    if args.record:
        record(database, args.contracts, spreads, line)
    print(line)


def record(database: str, contracts: int, spreads: dict[str, Spread], line: str) -> None:
    """Replace this database's block in docs/performance.md."""
    path = ROOT / "docs" / "performance.md"
    text_ = path.read_text() if path.exists() else ""
    marker = f"<!-- invoice_run:{database} -->"
    ratios = "; ".join(f"{key} {spreads[key]}" for key in RATIOS)
    seconds = ", ".join(
        f"{label} {spreads[key].median:.1f} s"
        for label, key in (
            ("run", "create_s"),
            ("confirm", "confirm_s"),
            ("copy floor", "floor_s"),
            ("write floor", "write_floor_s"),
        )
    )
    block = (
        f"{marker}\n`{line}`  \n{database}, {contracts} contracts, medians: {seconds}.  \n"
        f"Spread: {ratios}.  \n({machine()}, {dt.date.today()})\n"
    )
    if marker in text_:
        start = text_.index(marker)
        end = text_.find("\n\n", start)
        text_ = text_[:start] + block.rstrip("\n") + (text_[end:] if end != -1 else "\n")
    else:
        text_ = text_.rstrip("\n") + "\n\n" + block
    path.write_text(text_)


if __name__ == "__main__":
    main()
