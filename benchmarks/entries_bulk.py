"""Benchmark: entering and approving time one entry at a time against in bulk, through the API.

    python benchmarks/entries_bulk.py --entries 10000 [--runs 3] [--database URL] [--record]

Builds master data directly (projects, each with a contract, a time-and-material line
and sales tax groups, so approval prices and taxes every entry), then, through the HTTP
API in this process (FastAPI's test client, no network):

- **one by one** (the path before bulk routes): a sample of entries, each created
  submitted with ``POST /time-entries`` and approved with ``POST /time-entries/{id}/approve``;
- **bulk**: ``POST /time-entries/bulk`` (drafts), ``POST /time-entries/submit`` and
  ``POST /time-entries/approve`` for all ``--entries``, in requests of at most 10,000.

Every run starts from an empty database. Ends with one line of medians (the spread,
min to max over the runs, is printed above it); ``--record`` writes the figures into
docs/performance.md between the ``entries_bulk`` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.orm import Session

from billable.api.app import create_app
from billable.identity.users import add_user
from billable.persistence.db import make_engine, session_factory
from billable.persistence.migrate import upgrade
from billable.persistence.tables import (
    Base,
    Contract,
    ContractLine,
    ContractLineClass,
    Customer,
    ItemSalesTaxGroup,
    PriceList,
    Project,
    Resource,
    Role,
    RolePrice,
    SalesTaxGroup,
    TaxCode,
    TransactionCategory,
)
from billable.persistence.uow import UnitOfWork

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- entries_bulk:start -->", "<!-- entries_bulk:end -->"
#: Rows per bulk request (the API's limit).
REQUEST_ROWS = 10_000
#: The resources the entries are spread over.
RESOURCES = 50


def build(engine: Engine, projects: int) -> None:
    """A customer, a role and fifty resources, cost and sales lists, tax codes and groups, and
    ``projects`` projects with a contract and a time-and-material line each."""
    with Session(engine) as s, s.begin():
        catalogue(s)
        for_each_project(s, range(1, projects + 1))


def catalogue(s: Session) -> None:
    """What every project shares: customer, role, resources, price lists and tax."""
    s.add_all(
        [
            Customer(id=1, name="Bench", currency="USD", bill_to_name="Bench"),
            Role(id=1, name="Consultant"),
            PriceList(id=1, name="Cost", currency="USD", context="cost"),
            PriceList(id=2, name="Sales", currency="USD", context="sales"),
            TaxCode(code="VAT", name="VAT", rate=Decimal(20)),
            SalesTaxGroup(code="DOM", tax_codes=["VAT"]),
            ItemSalesTaxGroup(code="STD", tax_codes=["VAT"]),
        ]
    )
    s.flush()  # the rows below refer to those above
    s.add_all(
        [
            RolePrice(price_list_id=1, role_id=1, price=Decimal(120)),
            RolePrice(price_list_id=2, role_id=1, price=Decimal(250)),
            *(
                Resource(id=r, name=f"Resource {r}", default_role_id=1)
                for r in range(1, RESOURCES + 1)
            ),
            TransactionCategory(
                id=1, name="Work", transaction_class="time", item_sales_tax_group="STD"
            ),
        ]
    )


def table_rows(columns: str, values: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rows for an executemany INSERT: ``columns`` named once, the values per row."""
    names = columns.split()
    return [dict(zip(names, row, strict=True)) for row in values]


def for_each_project(s: Session, ids: range) -> None:
    """A project, a contract and a time-and-material line covering time, per id."""
    project = "id name customer_id cost_price_list_id sales_tax_group"
    s.execute(insert(Project), table_rows(project, ((i, f"P{i}", 1, 1, "DOM") for i in ids)))
    contract = "id name customer_id currency price_list_id bill_to_name"
    rows = table_rows(contract, ((i, f"C{i}", 1, "USD", 2, "Bench") for i in ids))
    s.execute(insert(Contract), rows)
    line = "id contract_id name kind billing_method project_id"
    rows = table_rows(line, ((i, i, "T&M", "project", "time_and_material", i) for i in ids))
    s.execute(insert(ContractLine), rows)
    classes = "contract_line_id transaction_class project_id"
    s.execute(insert(ContractLineClass), table_rows(classes, ((i, "time", i) for i in ids)))


def entry(index: int, projects: int, status: str) -> dict[str, Any]:
    """The ``index``-th time entry: on the projects and resources in turn, each
    resource's day well under the 24 hours a day holds (ten thousand entries make about
    seven per resource and day)."""
    day = dt.date(2026, 9, 1) + dt.timedelta(days=(index // RESOURCES) % 28)
    return {
        "resource_id": str(index % RESOURCES + 1),
        "project_id": str(index % projects + 1),
        "category_id": "1",
        "date": day.isoformat(),
        "quantity": "1.5",
        "internal_comment": "work",
        "external_comment": "Consulting",
        "status": status,
    }


class Client:
    """The API as a project manager, each call checked for its status."""

    def __init__(self, engine: Engine) -> None:
        factory = session_factory(engine)
        _, token = add_user(UnitOfWork(factory), "bench", "project_manager")
        self.http = TestClient(create_app(engine))
        self.headers = {"Authorization": f"Bearer {token}"}

    def post(self, path: str, body: Any, status: int) -> Any:
        response = self.http.post("/api/v1" + path, json=body, headers=self.headers)
        if response.status_code != status:
            raise SystemExit(f"POST {path}: {response.status_code} {response.text[:500]}")
        return response.json()


#: Processor seconds of this process (all threads) per timed step, beside the wall times:
#: on a shared machine the wall clock also counts waiting for a core.
CPU: dict[str, float] = {}


def timed(step: Callable[[], Any], name: str = "") -> float:
    """Wall seconds of ``step``; its processor seconds go to ``CPU[name]``."""
    started, cpu = time.perf_counter(), time.process_time()
    step()
    if name:
        CPU[name] = CPU.get(name, 0.0) + time.process_time() - cpu
    return time.perf_counter() - started


def one_by_one(client: Client, sample: int, projects: int) -> dict[str, float]:
    """Create and approve ``sample`` entries a request each; approval timed apart."""
    ids: list[str] = []
    create = timed(
        lambda: ids.extend(
            client.post("/time-entries", entry(i, projects, "submitted"), 201)["id"]
            for i in range(sample)
        )
    )
    approve = timed(lambda: [client.post(f"/time-entries/{i}/approve", None, 200) for i in ids])
    return {
        "one_create_per_s": sample / create,
        "one_approve_per_s": sample / approve,
        "one_total_per_s": sample / (create + approve),
    }


def in_bulk(client: Client, entries: int, projects: int) -> dict[str, float]:
    """Create drafts, submit and approve ``entries`` entries in bulk requests."""
    chunks = [range(s, min(s + REQUEST_ROWS, entries)) for s in range(0, entries, REQUEST_ROWS)]
    ids: list[list[str]] = []

    def create() -> None:
        for chunk in chunks:
            made = client.post(
                "/time-entries/bulk", {"items": [entry(i, projects, "draft") for i in chunk]}, 201
            )
            ids.append([e["id"] for e in made["items"]])

    def act(action: str) -> None:
        for chunk_ids in ids:
            client.post(f"/time-entries/{action}", {"ids": chunk_ids}, 200)

    CPU.clear()
    figures = {
        "bulk_create_s": timed(create, "create"),
        "bulk_submit_s": timed(lambda: act("submit"), "submit"),
        "bulk_approve_s": timed(lambda: act("approve"), "approve"),
    }
    figures["bulk_total_s"] = sum(figures.values())
    figures["bulk_approve_per_s"] = entries / figures["bulk_approve_s"]
    figures["bulk_total_per_s"] = entries / figures["bulk_total_s"]
    figures["bulk_approve_cpu_s"] = CPU["approve"]
    figures["bulk_total_cpu_s"] = sum(CPU.values())
    return figures


def empty(engine: Engine) -> None:
    """Every table emptied (PostgreSQL); SQLite runs get a new file instead."""
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def one_run(url: str | None, args: argparse.Namespace) -> dict[str, float]:
    """One run on an empty database: build, one by one, then in bulk."""
    engine = make_engine(url or f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    upgrade(engine)
    if url:
        empty(engine)
    build(engine, args.projects)
    client = Client(engine)
    figures = one_by_one(client, min(args.sample, args.entries), args.projects)
    if not args.one_by_one_only:
        empty_of_sample(engine)
        figures.update(in_bulk(client, args.entries, args.projects))
    client.http.close()
    engine.dispose()
    return figures


def empty_of_sample(engine: Engine) -> None:
    """Remove the one-by-one sample so the bulk phase starts from no entries."""
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM actuals"))
        conn.execute(text("DELETE FROM entries"))


def summary(runs: list[dict[str, float]]) -> dict[str, tuple[float, float, float]]:
    """Median, min and max of each figure over the runs."""
    return {
        k: (statistics.median(r[k] for r in runs), min(r[k] for r in runs), max(r[k] for r in runs))
        for k in runs[0]
    }


#: A small run for CI's smoke test (dev.py bench-smoke).
SMOKE_ARGS = ("--entries", "40", "--projects", "4", "--sample", "10", "--runs", "3")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--sample", type=int, default=300, help="entries done one by one")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", help="a scratch URL, emptied per run; default: SQLite")
    parser.add_argument("--record", action="store_true", help="write docs/performance.md")
    parser.add_argument(
        "--one-by-one-only", action="store_true", help="skip bulk (for a build without it)"
    )
    args = parser.parse_args()
    if args.database:
        engine = make_engine(args.database)
        upgrade(engine)
        with Session(engine) as s:
            if s.scalar(select(Contract.id).limit(1)) is not None:
                raise SystemExit(f"{args.database} is not empty; benchmark a scratch database")
        engine.dispose()
    runs = [one_run(args.database, args) for _ in range(args.runs)]
    stats = summary(runs)
    for key, (median, low, high) in stats.items():
        print(f"{key:>20}: {median:10.2f}  ({low:.2f} to {high:.2f})")
    database = make_engine(args.database).dialect.name if args.database else "sqlite"
    if args.one_by_one_only:
        return
    line = (
        f"one_by_one_approve_per_s={stats['one_approve_per_s'][0]:.0f} "
        f"bulk_approve_per_s={stats['bulk_approve_per_s'][0]:.0f} "
        f"bulk_total_s={stats['bulk_total_s'][0]:.2f} "
        f"bulk_total_cpu_s={stats['bulk_total_cpu_s'][0]:.2f} entries={args.entries}"
    )
    if args.record:
        record(database, args, stats)
    print(line)


def record(database: str, args: argparse.Namespace, stats: dict[str, Any]) -> None:
    """Replace this database's row of the table between the markers."""
    path = ROOT / "docs" / "performance.md"
    doc = path.read_text()
    if START not in doc or END not in doc:
        doc = doc.rstrip("\n") + f"\n\n{START}\n{END}\n"
    head, rest = doc.split(START, 1)
    section, tail = rest.split(END, 1)

    def cell(key: str, places: int = 2) -> str:
        median, low, high = stats[key]
        return f"{median:.{places}f} ({low:.{places}f} to {high:.{places}f})"

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    row = (
        f"| {database} | {args.entries} | {cell('one_approve_per_s', 0)} | "
        f"{cell('one_total_per_s', 0)} | {cell('bulk_create_s')} | {cell('bulk_submit_s')} | "
        f"{cell('bulk_approve_s')} | {cell('bulk_approve_cpu_s')} | {cell('bulk_total_s')} | "
        f"{cell('bulk_total_cpu_s')} | "
        f"{cell('bulk_approve_per_s', 0)} | "
        f"{args.runs} runs, {machine}, {dt.date.today()} |"
    )
    header = (
        "| database | entries | one by one: approvals/s | one by one: create + approve/s "
        "| bulk create s | bulk submit s | bulk approve s | bulk approve CPU s | bulk total s "
        "| bulk total CPU s | bulk approvals/s | measured |\n" + "| --- " * 12 + "|"
    )
    kept = [r for r in section.splitlines() if r.startswith("| ") and "---" not in r]
    rows = [r for r in kept if not r.startswith(("| database ", f"| {database} |"))] + [row]
    body = "\n".join([header, *sorted(rows)])
    path.write_text(f"{head}{START}\n{body}\n{END}{tail}")


if __name__ == "__main__":
    main()
