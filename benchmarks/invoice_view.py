"""Benchmark: reading ONE large invoice over HTTP, against a plain SELECT of its rows.

    python benchmarks/invoice_view.py --details 10000 [--runs 3] [--database URL] \
        [--record --label after]

Builds a contract with ``N`` ready unbilled time actuals and a draft invoice of ``N``
details (through :func:`billable.billing.invoicing.create_invoice`), then, ``--runs``
times each, measures in the same process:

- ``view``: ``GET /api/v1/invoices/{id}`` through the whole app (token, view, presenter,
  response model, JSON), and the size of the body;
- ``pages``: every detail of the invoice's line read through
  ``GET /api/v1/invoice-lines/{id}/details?limit=500``, page after page;
- ``small``: the same request for an invoice of one detail, in the same database: what
  the request costs whatever the invoice's size (token, routing, JSON);
- ``floor``: one plain ``SELECT`` of the invoice's header, lines and all its details,
  fetched through the driver, no ORM: what reading the rows costs the database.

Prints the median and spread (min-max) of each and ``view_vs_floor``; the target is a
view under 150 ms on SQLite at 10,000 details. ``--record`` writes the figures into
docs/performance.md, one row per label and database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _runs import Spread, machine, replace_table_row, scratch_database
from fastapi.testclient import TestClient
from single_confirm import INVOICE_DATE, contract_with_actuals, master_data
from sqlalchemy import Engine, text

from billable.api.app import create_app
from billable.billing import invoicing
from billable.identity.users import add_user
from billable.persistence.db import make_engine, session_factory
from billable.persistence.migrate import upgrade
from billable.persistence.uow import UnitOfWork

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- invoice_view:start -->", "<!-- invoice_view:end -->"
HEADER = (
    "| label | database | details | view ms (spread) | body KB | one-detail view ms "
    "| all details by page ms | floor ms (spread) | view_vs_floor | machine, date |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
)

#: A small run for CI's smoke test (dev.py bench-smoke).
SMOKE_ARGS = ("--details", "50", "--runs", "3")


def timed(action: Callable[[], Any]) -> float:
    """Milliseconds ``action`` takes."""
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def floor(engine: Engine, invoice_id: int) -> None:
    """The header, lines and every detail of the invoice, one plain SELECT each."""
    with engine.connect() as conn:
        for table, column in (
            ("invoices", "id"),
            ("invoice_lines", "invoice_id"),
            ("invoice_line_details", "invoice_id"),
        ):
            stmt = text(f"SELECT * FROM {table} WHERE {column} = :i ORDER BY id")
            conn.execute(stmt, {"i": invoice_id}).fetchall()


def all_pages(client: TestClient, headers: dict[str, str], line_id: str) -> int:
    """Every detail of a line through its paged list; how many were read."""
    seen, cursor = 0, None
    while True:
        params: dict[str, Any] = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        answer = client.get(
            f"/api/v1/invoice-lines/{line_id}/details", params=params, headers=headers
        )
        answer.raise_for_status()
        body = answer.json()
        seen += len(body["items"])
        cursor = body["next_cursor"]
        if not cursor:
            return seen


def one_run(
    client: TestClient,
    headers: dict[str, str],
    engine: Engine,
    invoices: tuple[int, int],
    details: int,
) -> tuple[float, float, float, float, int]:
    """(view, pages, floor, one-detail view) in ms and the view's body size, once."""
    invoice_id, small_id = invoices
    box: dict[str, Any] = {}
    path = f"/api/v1/invoices/{invoice_id}"
    view = timed(lambda: box.update(answer=client.get(path, headers=headers)))
    answer = box["answer"]
    answer.raise_for_status()
    line_id = answer.json()["lines"][0]["id"]
    counted: list[int] = []
    pages = timed(lambda: counted.append(all_pages(client, headers, line_id)))
    assert counted == [details], f"the pages held {counted}, not {details} details"
    plain = timed(lambda: floor(engine, invoice_id))
    small = f"/api/v1/invoices/{small_id}"
    one = timed(lambda: client.get(small, headers=headers).raise_for_status())
    return view, pages, plain, one, len(answer.content)


def measure(url: str, details: int, runs: int) -> dict[str, Any]:
    """The figures of ``runs`` reads of one invoice of ``details`` details."""
    engine = make_engine(url)
    upgrade(engine)
    master_data(engine)
    factory = session_factory(engine)
    contract = contract_with_actuals(engine, 0, details)
    invoice_id = invoicing.create_invoice(UnitOfWork(factory), str(contract), INVOICE_DATE)
    tiny = contract_with_actuals(engine, 1, 1)
    small_id = invoicing.create_invoice(UnitOfWork(factory), str(tiny), INVOICE_DATE)
    if engine.dialect.name == "postgresql":  # as autovacuum would after a bulk load
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    _, token = add_user(UnitOfWork(factory), "bench", "project_manager")
    headers = {"Authorization": f"Bearer {token}"}
    samples: list[tuple[float, float, float, float, int]] = []
    with TestClient(create_app(engine)) as client:
        path = f"/api/v1/invoices/{invoice_id}"
        client.get(path, headers=headers).raise_for_status()  # warm: imports, first plans
        for _ in range(runs):
            samples.append(one_run(client, headers, engine, (invoice_id, small_id), details))
    view, pages, floors, smalls, sizes = zip(*samples, strict=True)
    size = sizes[-1]
    database = engine.dialect.name
    engine.dispose()
    return {
        "database": database,
        "view": Spread.of(view),
        "pages": Spread.of(pages),
        "floor": Spread.of(floors),
        "small": Spread.of(smalls),
        "kb": size / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--details", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", help="a server URL; default: a new SQLite file")
    parser.add_argument("--record", action="store_true", help="write docs/performance.md")
    parser.add_argument("--label", default="current", help="the row's label when recording")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()
    with scratch_database(args.database) as url:
        figures = measure(url, args.details, args.runs)
    ratio = figures["view"].median / figures["floor"].median
    for name in ("view", "small", "pages", "floor"):
        spread = figures[name]
        print(
            f"{name:>5}: median {spread.median:.1f} ms (spread {spread.low:.1f}-{spread.high:.1f})"
        )
    print(
        f"view_vs_floor={ratio:.2f} body_kb={figures['kb']:.1f} details={args.details} "
        f"runs={args.runs} database={figures['database']}"
    )
    if args.record:
        record(args, figures, ratio)


def _ms(spread: Spread) -> str:
    return f"{spread.median:.1f} ({spread.low:.1f}-{spread.high:.1f})"


def record(args: argparse.Namespace, figures: dict[str, Any], ratio: float) -> None:
    """Replace this label's and database's row in the section between the markers."""
    row = (
        f"| {args.label} | {figures['database']} | {args.details} | {_ms(figures['view'])} "
        f"| {figures['kb']:.1f} | {_ms(figures['small'])} | {_ms(figures['pages'])} "
        f"| {_ms(figures['floor'])} | {ratio:.2f} | {machine()}, {dt.date.today()} |"
    )
    replace_table_row(args.docs, (START, END), HEADER, row)


if __name__ == "__main__":
    main()
