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
from pathlib import Path

from _floors import copy_floor, write_floor
from _runs import Spread, machine, replace_paragraph, scratch_database, settle
from _world import contracts_with_time_lines, time_actuals
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from billable.billing.bulk_confirm import confirm_in_chunks
from billable.persistence.db import make_engine, session_factory
from billable.persistence.migrate import upgrade
from billable.persistence.tables import (
    Invoice,
    InvoiceLineDetail,
)
from billable.persistence.uow import UnitOfWork
from billable.runs import invoice_runs as runs

RUN_DATE = dt.date(2026, 9, 30)
ROOT = Path(__file__).resolve().parent.parent


def build(engine: Engine, contracts: int, per_contract: int) -> None:
    """Master data by executemany (a row per contract), actuals by INSERT ... SELECT."""
    with Session(engine) as s, s.begin():
        contracts_with_time_lines(s, contracts, "USD")
        time_actuals(s, per_contract, "USD")


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
        settle(engine)
        factory = session_factory(engine)
        t0 = time.perf_counter()
        result = runs.run_date(lambda: UnitOfWork(factory), RUN_DATE)
        create = time.perf_counter() - t0
        settle(engine)
        t0 = time.perf_counter()
        confirmed = confirm_all(engine)
        confirm = time.perf_counter() - t0
        settle(engine)
        copy = copy_floor(engine)
        settle(engine)
        write = write_floor(engine)
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
    replace_paragraph(path, marker, block)


if __name__ == "__main__":
    main()
