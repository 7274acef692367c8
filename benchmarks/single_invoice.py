"""Benchmark: creating one large invoice through the use case against the bulk path.

    python benchmarks/single_invoice.py --details 10000 [--runs 5] [--database URL] [--record]

Builds one contract with one time-and-material line and N ready unbilled actuals,
then, alternating, creates its invoice (a) through the use case the API calls
(``billing.invoicing.create_invoice``: its own unit of work, the contract locked) and
(b) through the bulk path a bulk-creation job chunk takes (``prepare_chunk`` and
``create_invoices`` for a set of one contract, then commit). After each creation the
invoice is deleted again, so every run sees the same data. Prints the median and
spread (min-max) of each path over ``--runs`` runs and ends with one line:
``single_vs_bulk=X single_us_per_detail=Y bulk_us_per_detail=Z details=N``;
``--record`` also writes the figures into docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from _world import customer_and_prices
from sqlalchemy import Engine, column, delete, func, insert, literal, select, table, text
from sqlalchemy.orm import Session

from billable.billing import invoicing
from billable.billing.bulk_create import create_invoices, prepare_chunk
from billable.persistence.db import make_engine, session_factory
from billable.persistence.migrate import upgrade
from billable.persistence.tables import (
    Actual,
    Contract,
    ContractLine,
    ContractLineClass,
    Invoice,
    InvoiceLine,
    InvoiceLineDetail,
    Project,
)
from billable.persistence.types import ExactDecimal
from billable.persistence.uow import UnitOfWork

INVOICE_DATE = dt.date(2026, 9, 30)
ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- single_invoice:start -->", "<!-- single_invoice:end -->"


def build(engine: Engine, details: int) -> None:
    """One contract, one time-and-material line, ``details`` ready actuals."""
    with Session(engine) as s, s.begin():
        customer_and_prices(s, "USD")
        s.flush()
        s.add(Project(id=1, name="P1", customer_id=1, cost_price_list_id=1))
        s.add(
            Contract(
                id=1, name="C1", customer_id=1, currency="USD", price_list_id=2, bill_to_name="B"
            )
        )
        s.flush()
        s.add(
            ContractLine(
                id=1,
                contract_id=1,
                name="T&M",
                kind="project",
                billing_method="time_and_material",
                project_id=1,
            )
        )
        s.flush()
        s.add(ContractLineClass(contract_line_id=1, project_id=1, transaction_class="time"))
        s.flush()
        series = (
            text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :a) "
                "SELECT i FROM n"
            )
            .bindparams(a=details)
            .columns(column("i"))
            .subquery("n")
        )
        hours = series.c.i % 8 + 1
        line = table("contract_lines", column("id"))
        values = {
            "transaction_type": literal("unbilled_sales"),
            "transaction_class": literal("time"),
            "source_kind": literal("time"),
            "source_id": series.c.i,
            "project_id": line.c.id,
            "contract_id": line.c.id,
            "contract_line_id": line.c.id,
            "date": literal(dt.date(2026, 9, 1)),
            "quantity": literal(Decimal(1), ExactDecimal(4)) * hours,
            "unit": literal("hour"),
            "price": literal(Decimal(250), ExactDecimal(6)),
            "amount": literal(Decimal(250), ExactDecimal(4)) * hours,
            "tax": literal(Decimal(0), ExactDecimal(4)),
            "currency": literal("USD"),
            "billing_type": literal("chargeable"),
            "ready_to_invoice": literal(True),
            "description": literal(""),
            "external_description": literal(""),
        }
        rows = select(*values.values()).select_from(line).join(series, literal(True))
        s.execute(insert(Actual).from_select(list(values), rows))


def through_use_case(engine: Engine) -> int:
    """The one-contract use case, as ``POST /contracts/{id}/invoices`` calls it."""
    factory = session_factory(engine)
    return invoicing.create_invoice(UnitOfWork(factory), "1", INVOICE_DATE)


def through_bulk(engine: Engine) -> int:
    """One chunk of a bulk-creation job, for a set of one contract."""
    uow = UnitOfWork(session_factory(engine))
    with uow:
        prepare_chunk(uow.session, 0)
        created = create_invoices(uow.session, {1: None}, INVOICE_DATE, skip_empty=False)
        uow.commit()
    invoice_id = created.invoices[1]
    assert invoice_id is not None
    return invoice_id


def undo(engine: Engine, invoice_id: int, details: int) -> None:
    """Check the invoice took every actual, then delete it so the next run starts equal."""
    with Session(engine) as s, s.begin():
        count = s.scalar(select(func.count()).where(InvoiceLineDetail.invoice_id == invoice_id))
        assert count == details, f"invoice {invoice_id} has {count} details, not {details}"
        s.execute(delete(InvoiceLineDetail).where(InvoiceLineDetail.invoice_id == invoice_id))
        s.execute(delete(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id))
        s.execute(delete(Invoice).where(Invoice.id == invoice_id))
    if engine.dialect.name == "postgresql":  # dead rows would tilt the next run
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE invoice_line_details")


def measure(engine: Engine, runs: int, details: int) -> dict[str, list[float]]:
    """Seconds per creation of each path, alternating so drift hits both alike."""
    paths: dict[str, Callable[[Engine], int]] = {
        "single": through_use_case,
        "bulk": through_bulk,
    }
    timings: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(runs):
        for name, path in paths.items():
            started = time.perf_counter()
            invoice_id = path(engine)
            timings[name].append(time.perf_counter() - started)
            undo(engine, invoice_id, details)
    return timings


def summary(seconds: list[float]) -> str:
    """Median and spread of a list of timings, in milliseconds."""
    return (
        f"median {statistics.median(seconds) * 1000:.0f} ms "
        f"(min {min(seconds) * 1000:.0f}, max {max(seconds) * 1000:.0f})"
    )


#: A small run for CI's smoke test (dev.py bench-smoke).
SMOKE_ARGS = ("--details", "50", "--runs", "3")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--details", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5, help="at least 3")
    parser.add_argument("--database", help="an empty database's URL; default: a new SQLite file")
    parser.add_argument("--record", action="store_true", help="write docs/performance.md")
    parser.add_argument("--label", default="", help="a note for the recorded line")
    args = parser.parse_args()
    if args.runs < 3:
        parser.error("--runs must be at least 3: one run on a shared machine is noise")
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s:
        if s.scalar(select(Contract.id).limit(1)) is not None:
            raise SystemExit(f"{url} is not empty; benchmark an empty database")
    build(engine, args.details)
    if engine.dialect.name == "postgresql":  # as autovacuum would after a bulk load
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    timings = measure(engine, args.runs, args.details)
    single, bulk = (statistics.median(timings[k]) for k in ("single", "bulk"))
    per_detail = {k: v * 1e6 / args.details for k, v in (("single", single), ("bulk", bulk))}
    print(f"database: {engine.dialect.name}, details: {args.details}, runs: {args.runs}")
    for name, seconds in timings.items():
        print(f"{name:>7}: {summary(seconds)}, {per_detail[name]:.1f} us per detail")
    line = (
        f"single_vs_bulk={single / bulk:.2f} single_us_per_detail={per_detail['single']:.1f} "
        f"bulk_us_per_detail={per_detail['bulk']:.1f} details={args.details}"
    )
    print(line)
    if args.record:
        record(engine.dialect.name, args, timings, line)


def record(
    database: str, args: argparse.Namespace, timings: dict[str, list[float]], line: str
) -> None:
    """Replace this database's line in the single_invoice section of docs/performance.md."""
    path = ROOT / "docs" / "performance.md"
    doc = path.read_text() if path.exists() else "# Performance\n"
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    label = f"{args.label}: " if args.label else ""
    entry = (
        f"- {label}{database}: `{line}`; single {summary(timings['single'])}, bulk "
        f"{summary(timings['bulk'])}, {args.runs} runs ({machine}, {dt.date.today()})"
    )
    key = f"- {label}{database}: "
    if START in doc and END in doc:
        head, rest = doc.split(START, 1)
        body, tail = rest.split(END, 1)
        kept = [ln for ln in body.strip("\n").splitlines() if ln and not ln.startswith(key)]
        doc = head + START + "\n" + "\n".join(sorted([*kept, entry])) + "\n" + END + tail
    else:
        doc = doc.rstrip("\n") + f"\n\n{START}\n{entry}\n{END}\n"
    path.write_text(doc)


if __name__ == "__main__":
    main()
