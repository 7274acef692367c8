"""Server time of the web UI's pages: every manager page at the demo's size, one
invoice page with many details, and the accountant's setup and on-account pages.

    python benchmarks/web_pages.py [--skip-demo] [--details 1000] [--runs 5] [--record]

Each page is requested through the app in process (Starlette's TestClient, signed in as
a project manager, then as an accountant), so the time is the server's: routing, the
session, the use case or view, and rendering, without a network. The figure per page is
the median of ``--runs`` requests after one warm-up. ``--record`` writes the figures
into docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from billable.api.app import create_app
from billable.demo import dataset
from billable.identity.passwords import set_password
from billable.identity.users import add_user
from billable.persistence.db import make_engine, session_factory
from billable.persistence.migrate import upgrade
from billable.persistence.uow import UnitOfWork

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- web_pages:start -->", "<!-- web_pages:end -->"
PASSWORD = "bench-password"
#: The budgets of issue 11, in milliseconds.
PAGE_BUDGET, BIG_INVOICE_BUDGET = 150.0, 400.0
SMOKE_ARGS = ("--skip-demo", "--details", "20", "--runs", "3")


def _signed_in(client: TestClient, name: str) -> None:
    form = client.get("/sign-in").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token
    client.post("/sign-in", data={"name": name, "password": PASSWORD, "csrf_token": token[1]})
    assert client.get("/", follow_redirects=False).status_code == 200


def _api(client: TestClient, token: str, method: str, path: str, body: Any = None) -> Any:
    answer = client.request(
        method, "/api/v1" + path, json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code < 300, f"{path}: {answer.status_code} {answer.text}"
    return answer.json() if answer.content else None


def big_invoice(client: TestClient, token: str, details: int) -> str:
    """A contract whose invoice has ``details`` time details; the invoice's id."""

    def post(path: str, body: Any) -> Any:
        return _api(client, token, "POST", path, body)

    bill_to = {
        "name": "Bench Co",
        "street": "1 Main St",
        "city": "Berlin",
        "postal_code": "10115",
        "country": "DE",
    }
    customer = post("/customers", {"name": "Bench Co", "currency": "EUR", "bill_to": bill_to})
    role = post("/roles", {"name": "Bench role"})
    resource = post("/resources", {"name": "Bench person", "default_role_id": role["id"]})
    prices = {"role_prices": [{"role_id": role["id"], "price": "100.00"}], "currency": "EUR"}
    cost = post("/price-lists", {"name": "Bench cost", "context": "cost", **prices})
    sales = post("/price-lists", {"name": "Bench sales", "context": "sales", **prices})
    project = post(
        "/projects",
        {"name": "Bench", "customer_id": customer["id"], "cost_price_list_id": cost["id"]},
    )
    contract = post(
        "/contracts",
        {
            "name": "Bench SOW",
            "customer_id": customer["id"],
            "currency": "EUR",
            "price_list_id": sales["id"],
        },
    )
    post(
        f"/contracts/{contract['id']}/lines",
        {
            "name": "Bench time",
            "kind": "project",
            "billing_method": "time_and_material",
            "project_id": project["id"],
            "transaction_classes": ["time"],
        },
    )
    day = dt.date(2026, 3, 1)
    items = [
        {
            "resource_id": resource["id"],
            "project_id": project["id"],
            "date": (day + dt.timedelta(days=i % 200)).isoformat(),
            "quantity": "1",
            "internal_comment": "bench",
            "external_comment": f"Work {i}",
            "status": "submitted",
        }
        for i in range(details)
    ]
    made = post("/time-entries/bulk", {"items": items})["items"]
    post("/time-entries/approve", {"ids": [e["id"] for e in made]})
    backlog = _api(client, token, "GET", f"/billing-backlog?contract_id={contract['id']}")
    post("/billing-backlog/ready-to-invoice", {"actual_ids": [a["id"] for a in backlog["actuals"]]})
    invoice = post(f"/contracts/{contract['id']}/invoices", {"invoice_date": "2026-12-01"})
    return str(invoice["id"])


def pages(client: TestClient, token: str) -> dict[str, str]:
    """Every manager page, on the database's first contract and largest invoice."""
    contracts = _api(client, token, "GET", "/contracts?limit=500")["items"]
    invoices = _api(client, token, "GET", "/invoices?limit=500")["items"]
    shown = {
        "dashboard": "/",
        "approvals": "/approvals",
        "contracts": "/contracts",
        "invoices": "/invoices",
        "invoice runs": "/invoice-runs",
        "notifications": "/notifications",
    }
    if contracts:
        shown["contract"] = f"/contracts/{contracts[0]['id']}"
        shown["backlog"] = f"/backlog?contract={contracts[0]['id']}"
    if invoices:
        largest = max(invoices, key=lambda i: float(i["total_amount"]))
        shown["an invoice"] = f"/invoices/{largest['id']}"
    return shown


#: The accountant's pages of issue 11 (points 5 and 6), signed in as an accountant.
ACCOUNTANT_PAGES = {
    "on-account milestones": "/on-account",
    "setup: ledger accounts": "/setup/ledger-accounts",
    "setup: exchange rates": "/setup/exchange-rates",
    "setup: tax codes": "/setup/tax-codes",
    "setup: fixed-rate agreements": "/setup/fixed-rate-agreements",
    "setup: posting profile": "/setup/posting-profile",
}


#: Server time of each request, from the app's outermost middleware: what the test
#: client's threads and transport add is not the server's.
SERVED: list[float] = []


def timed(app: Any) -> Any:
    """``app`` with a middleware recording each request's server time in SERVED."""

    @app.middleware("http")
    async def _time(request: Any, call_next: Any) -> Any:
        began = time.perf_counter()
        answer = await call_next(request)
        SERVED.append((time.perf_counter() - began) * 1000)
        return answer

    return app


#: SQL statements of the request being served (counted on the engine).
STATEMENTS: list[int] = [0]
#: Statements of each page's warm-up request, by path.
PAGE_STATEMENTS: dict[str, int] = {}


def counted(engine: Any) -> None:
    """Count every statement ``engine`` executes into STATEMENTS."""

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_: Any) -> None:
        STATEMENTS[0] += 1


def measure(client: TestClient, path: str, runs: int) -> list[float]:
    """Server milliseconds of ``runs`` requests of ``path`` after a warm-up (whose SQL
    statements are counted into PAGE_STATEMENTS)."""
    STATEMENTS[0] = 0
    assert client.get(path).status_code == 200, path
    PAGE_STATEMENTS[path] = STATEMENTS[0]
    times = []
    for _ in range(runs):
        answer = client.get(path)
        assert answer.status_code == 200, path
        times.append(SERVED[-1])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--skip-demo", action="store_true", help="no demo data set (smoke)")
    parser.add_argument("--details", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5, help="at least 3")
    parser.add_argument("--record", action="store_true", help="write docs/performance.md")
    args = parser.parse_args()
    if args.runs < 3:
        parser.error("--runs must be at least 3: one run on a shared machine is noise")
    engine = make_engine(f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    upgrade(engine)
    counted(engine)
    factory = session_factory(engine)

    def new() -> UnitOfWork:
        return UnitOfWork(factory)

    if not args.skip_demo:
        dataset.load_demo(new)
    for name, role in (("bench-manager", "project_manager"), ("bench-accountant", "accountant")):
        add_user(new(), name, role)
        set_password(new(), name, PASSWORD)
    _, token = add_user(new(), "bench-admin", "admin")
    results: dict[str, list[float]] = {}
    statements: dict[str, int] = {}
    with TestClient(timed(create_app(engine))) as client:
        invoice_id = big_invoice(client, token, args.details)
        _signed_in(client, "bench-manager")
        big = f"invoice of {args.details} details"
        shown = {**pages(client, token), big: f"/invoices/{invoice_id}"}
        load_before = os.getloadavg()[0]
        for name, path in shown.items():
            results[name] = measure(client, path, args.runs)
            statements[name] = PAGE_STATEMENTS[path]
        _signed_in(client, "bench-accountant")  # the setup pages are the accountant's
        for name, path in ACCOUNTANT_PAGES.items():
            results[name] = measure(client, path, args.runs)
            statements[name] = PAGE_STATEMENTS[path]
        load = (load_before, os.getloadavg()[0])
    size = "small data" if args.skip_demo else "demo data set"
    print(f"web pages, {size}, {args.runs} runs (min / median / max ms, statements):")
    over = []
    for name, times in results.items():
        median = statistics.median(times)
        budget = BIG_INVOICE_BUDGET if name == big else PAGE_BUDGET
        flag = "" if median < budget else f"  OVER {budget:.0f} ms"
        if flag:
            over.append(name)
        spread = f"{min(times):7.1f} / {median:7.1f} / {max(times):7.1f}"
        print(f"{name:>28}: {spread}, {statements[name]:3d}{flag}")
    print(f"load average (1 min): {load[0]:.1f} before, {load[1]:.1f} after")
    if args.record:
        record(results, statements, load, args, size)
    if over and not args.skip_demo:
        raise SystemExit(f"over budget: {', '.join(over)}")


def record(
    results: dict[str, list[float]],
    statements: dict[str, int],
    load: tuple[float, float],
    args: argparse.Namespace,
    size: str,
) -> None:
    """Replace the web_pages section of docs/performance.md."""
    path = ROOT / "docs" / "performance.md"
    doc = path.read_text()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    rows = "\n".join(
        f"| {name} | {min(t):.1f} | {statistics.median(t):.1f} | {max(t):.1f} "
        f"| {statements[name]} |"
        for name, t in results.items()
    )
    body = (
        f"Web pages, server time in process ({size}, {args.runs} runs after a warm-up; "
        f"{machine}, {dt.date.today()}, load average {load[0]:.1f} before and "
        f"{load[1]:.1f} after; `benchmarks/web_pages.py`). Budgets: 150 ms a page, "
        f"400 ms an invoice of 1,000 details.\n\n"
        f"| page | min ms | median ms | max ms | SQL statements |\n"
        f"| --- | ---: | ---: | ---: | ---: |\n{rows}"
    )
    if START in doc and END in doc:
        head, rest = doc.split(START, 1)
        doc = head + START + "\n" + body + "\n" + END + rest.split(END, 1)[1]
    else:
        doc = doc.rstrip("\n") + f"\n\n## Web pages\n\n{START}\n{body}\n{END}\n"
    path.write_text(doc)


if __name__ == "__main__":
    main()
