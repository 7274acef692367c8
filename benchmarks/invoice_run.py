"""Benchmark: the automated run and bulk confirmation against the database's own floor.

    python benchmarks/invoice_run.py --contracts 10000 --actuals-per-contract 100 \
        [--database URL] [--record]

Builds the data directly with set-based inserts (one project, contract and scheduled
time-and-material line per contract; A ready unbilled actuals each), then times in one
process: (a) the run date creating a draft invoice per contract, (b) confirming them
all, (c) the floor: the same database copying as many rows from ``actuals`` into a
table of the details' width with one INSERT ... SELECT. Ends with one line:
``create_vs_floor=X confirm_vs_floor=Y peak_rss_mb=Z actuals=N``; ``--record`` also
writes the figures into docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, column, insert, literal, select, table, text
from sqlalchemy.orm import Session

from billable.billing.bulk_confirm import confirm_in_chunks
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
                    "schedule_frequency": "daily",
                    "schedule_start_date": dt.date(2026, 1, 1),
                }
                for i in ids
            ],
        )
        s.execute(
            insert(ContractLineClass),
            [{"contract_line_id": i, "project_id": i, "transaction_class": "time"} for i in ids],
        )
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
        rows = (
            select(
                literal("unbilled_sales"),
                literal("time"),
                literal("time"),
                series.c.i,
                line.c.id,
                line.c.id,
                line.c.id,
                literal(1),
                literal(dt.date(2026, 9, 1)),
                literal(Decimal(1), ExactDecimal(4)) * hours,
                literal("hour"),
                literal(Decimal(250), ExactDecimal(6)),
                literal(Decimal(250), ExactDecimal(4)) * hours,
                literal(Decimal(0), ExactDecimal(4)),
                literal("USD"),
                literal("chargeable"),
                literal(True),
                literal(""),
                literal(""),
            )
            .select_from(line)
            .join(series, literal(True))
        )
        s.execute(
            insert(Actual).from_select(
                [
                    "transaction_type",
                    "transaction_class",
                    "source_kind",
                    "source_id",
                    "project_id",
                    "contract_id",
                    "contract_line_id",
                    "role_id",
                    "date",
                    "quantity",
                    "unit",
                    "price",
                    "amount",
                    "tax",
                    "currency",
                    "billing_type",
                    "ready_to_invoice",
                    "description",
                    "external_description",
                ],
                rows,
            )
        )


def floor(engine: Engine) -> float:
    """Seconds to copy every actual into a table as wide as the details, in one statement."""
    columns = [c.name for c in InvoiceLineDetail.__table__.columns if c.name != "id"]
    sources = {
        "invoice_id": "a.contract_id",
        "invoice_line_id": "a.contract_line_id",
        "source": "'actual'",
        "actual_id": "a.id",
        "milestone_id": "a.milestone_id",
        "product_line_id": "NULL",
        "original_billed_actual_id": "NULL",
        "transaction_type": "a.transaction_type",
        "product_name": "NULL",
        "write_in_description": "NULL",
        "original_quantity": "NULL",
        "original_amount": "NULL",
        "original_tax": "NULL",
        "backing_quantity": "a.quantity",
        "extended_amount": "a.amount + a.tax",
    }
    picks = ", ".join(sources.get(c, f"a.{c}") for c in columns)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS floor_copy")
        conn.exec_driver_sql(
            "CREATE TABLE floor_copy AS SELECT * FROM invoice_line_details WHERE 1 = 0"
        )
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO floor_copy ({', '.join(columns)}) SELECT {picks} FROM actuals a"
        )
    elapsed = time.perf_counter() - started
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE floor_copy")
    return elapsed


def confirm_all(engine: Engine) -> int:
    """Confirm every draft with the set-based path the bulk-confirm job uses."""
    with Session(engine) as s:
        ids = list(s.scalars(select(Invoice.id).order_by(Invoice.id)))
    factory = session_factory(engine)
    return confirm_in_chunks(lambda: UnitOfWork(factory), ids)


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--actuals-per-contract", type=int, default=100)
    parser.add_argument("--database", help="a URL; default: a new SQLite file")
    parser.add_argument("--record", action="store_true", help="write docs/performance.md")
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s:
        if s.scalar(select(Contract.id).limit(1)) is not None:
            raise SystemExit(f"{url} is not empty; benchmark an empty database")
    t0 = time.perf_counter()
    build(engine, args.contracts, args.actuals_per_contract)
    if engine.dialect.name == "postgresql":  # as autovacuum would after a bulk load
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    built = time.perf_counter() - t0
    actuals = args.contracts * args.actuals_per_contract
    factory = session_factory(engine)
    t0 = time.perf_counter()
    result = runs.run_date(lambda: UnitOfWork(factory), RUN_DATE)
    create = time.perf_counter() - t0
    t0 = time.perf_counter()
    confirmed = confirm_all(engine)
    confirm = time.perf_counter() - t0
    floor_seconds = floor(engine)
    assert len(result.invoices) == args.contracts == confirmed, "every contract invoiced"
    with Session(engine) as s:
        details = s.scalar(select(InvoiceLineDetail.id).order_by(InvoiceLineDetail.id.desc()))
    figures = {
        "database": engine.dialect.name,
        "contracts": args.contracts,
        "actuals": actuals,
        "build_s": built,
        "create_s": create,
        "confirm_s": confirm,
        "floor_s": floor_seconds,
        "create_vs_floor": create / floor_seconds,
        "confirm_vs_floor": confirm / floor_seconds,
        "peak_rss_mb": peak_rss_mb(),
        "details": details,
    }
    for key, value in figures.items():
        print(f"{key:>17}: {value:.2f}" if isinstance(value, float) else f"{key:>17}: {value}")
    line = (
        f"create_vs_floor={figures['create_vs_floor']:.2f} "
        f"confirm_vs_floor={figures['confirm_vs_floor']:.2f} "
        f"peak_rss_mb={figures['peak_rss_mb']:.0f} actuals={actuals}"
    )
    if args.record:
        record(figures, line)
    print(line)


def record(figures: dict[str, object], line: str) -> None:
    """Replace this database's row in docs/performance.md."""
    path = ROOT / "docs" / "performance.md"
    text_ = path.read_text() if path.exists() else ""
    marker = f"<!-- invoice_run:{figures['database']} -->"
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    block = (
        f"{marker}\n`{line}`  \n{figures['database']}, {figures['contracts']} contracts, "
        f"run {figures['create_s']:.1f} s, confirm {figures['confirm_s']:.1f} s, floor "
        f"{figures['floor_s']:.1f} s ({machine}, {dt.date.today()})\n"
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
