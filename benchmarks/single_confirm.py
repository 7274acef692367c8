"""Benchmark: confirming ONE invoice through the use case against the set-based path.

    python benchmarks/single_confirm.py --details 10000 [--runs 3] [--database URL] \
        [--record --label after]

Each run builds two fresh contracts with ``N`` ready unbilled time actuals and a draft
invoice each (``N`` details), then confirms one through
:func:`billable.billing.confirming.confirm_invoice` (what ``POST /invoices/{id}/confirm``
calls) and the other through :func:`billable.billing.bulk_confirm.confirm_invoices` in
one transaction (what a chunk of the bulk-confirm job does), alternating which goes
first. Both commit. Prints the median and spread (min-max) of each, the statements each
sent and the ratio ``single_vs_set`` (median over median; target <= 2). ``--record``
writes the figures into docs/performance.md, one row per label and database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from _runs import replace_table_row
from _world import customer_and_prices
from sqlalchemy import Engine, column, event, insert, literal, select, text
from sqlalchemy.orm import Session

from billable.billing import confirming, invoicing
from billable.billing.bulk_confirm import confirm_invoices
from billable.billing.bulk_create import prepare_chunk
from billable.persistence.db import make_engine, session_factory
from billable.persistence.migrate import upgrade
from billable.persistence.tables import (
    Actual,
    Contract,
    ContractLine,
    ContractLineClass,
    Project,
)
from billable.persistence.types import ExactDecimal
from billable.persistence.uow import UnitOfWork

INVOICE_DATE = dt.date(2026, 9, 30)
ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- single_confirm:start -->", "<!-- single_confirm:end -->"
HEADER = (
    "| label | database | details | runs | use case s (spread) | set-based s (spread) "
    "| statements | single_vs_set | machine, date |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
)


def master_data(engine: Engine) -> None:
    """The customer, role and price lists every contract shares."""
    with Session(engine) as s, s.begin():
        customer_and_prices(s, "USD")


def contract_with_actuals(engine: Engine, index: int, details: int) -> int:
    """A contract with one time-and-material line and ``details`` ready actuals."""
    with Session(engine) as s, s.begin():
        project = Project(name=f"P{index}", customer_id=1, cost_price_list_id=1)
        contract = Contract(
            name=f"C{index}", customer_id=1, currency="USD", price_list_id=2, bill_to_name="B"
        )
        s.add_all([project, contract])
        s.flush()
        line = ContractLine(
            contract_id=contract.id,
            name="T&M",
            kind="project",
            billing_method="time_and_material",
            project_id=project.id,
        )
        s.add(line)
        s.flush()
        s.add(
            ContractLineClass(
                contract_line_id=line.id, project_id=project.id, transaction_class="time"
            )
        )
        s.execute(
            insert(Actual).from_select(*_actual_rows(details, project.id, contract.id, line.id))
        )
        return contract.id


def _actual_rows(count: int, project: int, contract: int, line: int) -> tuple[list[str], Any]:
    series = (
        text(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :a) "
            "SELECT i FROM n"
        )
        .bindparams(a=count)
        .columns(column("i"))
        .subquery("n")
    )
    hours = series.c.i % 8 + 1
    values = {
        "transaction_type": literal("unbilled_sales"),
        "transaction_class": literal("time"),
        "source_kind": literal("time"),
        "source_id": series.c.i,
        "project_id": literal(project),
        "contract_id": literal(contract),
        "contract_line_id": literal(line),
        "role_id": literal(1),
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
    return list(values), select(*values.values()).select_from(series)


@contextmanager
def counted(engine: Engine) -> Iterator[list[int]]:
    """Count the statements sent to the database inside the block."""
    box = [0]

    def count(*_: Any) -> None:
        box[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield box
    finally:
        event.remove(engine, "before_cursor_execute", count)


def timed(engine: Engine, action: Callable[[], Any]) -> tuple[float, int]:
    """(seconds, statements) of ``action``."""
    with counted(engine) as box:
        started = time.perf_counter()
        action()
        return time.perf_counter() - started, box[0]


def one_run(engine: Engine, index: int, details: int) -> dict[str, tuple[float, int]]:
    """Both paths once, each on its own fresh invoice; the first alternates per run."""
    factory = session_factory(engine)

    def draft(which: int) -> int:
        contract = contract_with_actuals(engine, 2 * index + which, details)
        return invoicing.create_invoice(UnitOfWork(factory), str(contract), INVOICE_DATE)

    def use_case(ident: int) -> None:
        confirming.confirm_invoice(UnitOfWork(factory), str(ident))

    def set_based(ident: int) -> None:
        uow = UnitOfWork(factory)
        with uow:
            prepare_chunk(uow.session, 0, confirming=True)
            confirm_invoices(uow.session, [ident])
            uow.commit()

    paths: list[tuple[str, Callable[[int], None]]] = [("use_case", use_case), ("set", set_based)]
    out: dict[str, tuple[float, int]] = {}
    for which, (name, path) in enumerate(paths if index % 2 == 0 else paths[::-1]):
        ident = draft(which)
        if engine.dialect.name == "postgresql":  # as autovacuum would after a bulk load
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        out[name] = timed(engine, partial(path, ident))
    return out


def summary(samples: list[float]) -> tuple[float, float, float]:
    """(median, min, max)."""
    return statistics.median(samples), min(samples), max(samples)


#: A small run for CI's smoke test (dev.py bench-smoke).
SMOKE_ARGS = ("--details", "50", "--runs", "3")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--details", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", help="an empty database's URL; default: a new SQLite file")
    parser.add_argument("--record", action="store_true", help="write docs/performance.md")
    parser.add_argument("--label", default="current", help="the row's label when recording")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s:
        if s.scalar(select(Contract.id).limit(1)) is not None:
            raise SystemExit(f"{url} is not empty; benchmark an empty database")
    master_data(engine)
    runs = [one_run(engine, i, args.details) for i in range(args.runs)]
    figures = {name: summary([r[name][0] for r in runs]) for name in ("use_case", "set")}
    statements = {name: max(r[name][1] for r in runs) for name in ("use_case", "set")}
    ratio = figures["use_case"][0] / figures["set"][0]
    for name, (median, low, high) in figures.items():
        print(
            f"{name:>9}: median {median:.3f} s (spread {low:.3f}-{high:.3f}), "
            f"{median / args.details * 1e6:.1f} us/detail, {statements[name]} statements"
        )
    line = (
        f"single_vs_set={ratio:.2f} details={args.details} runs={args.runs} "
        f"database={engine.dialect.name}"
    )
    print(line)
    if args.record:
        record(args, engine.dialect.name, figures, statements, ratio)


def record(
    args: argparse.Namespace,
    database: str,
    figures: dict[str, tuple[float, float, float]],
    statements: dict[str, int],
    ratio: float,
) -> None:
    """Replace this label's and database's row in the section between the markers."""

    def cell(name: str) -> str:
        median, low, high = figures[name]
        return f"{median:.3f} ({low:.3f}-{high:.3f})"

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    row = (
        f"| {args.label} | {database} | {args.details} | {args.runs} | {cell('use_case')} "
        f"| {cell('set')} | {statements['use_case']} / {statements['set']} | {ratio:.2f} "
        f"| {machine}, {dt.date.today()} |"
    )
    replace_table_row(args.docs, (START, END), HEADER, row)


if __name__ == "__main__":
    main()
