"""Latency under load of a served Billable (issue 9: read p99 under 150 ms and write p99
under 300 ms, at 16 clients on SQLite and at 64 on PostgreSQL with several workers).

It loads the demo data set once, then per run serves a fresh copy of it over loopback
(``billable serve``, or uvicorn with ``--workers N`` processes) and lets N clients,
each a thread with its own keep-alive connection, send requests for ``--seconds``:
reads (invoice list, one invoice, time entries, a contract's backlog) and the entry
lifecycle (create a time entry, submit it, approve it). It prints p50/p95/p99 and
throughput per route group as the median of the runs, with their spread, beside the
machine's load: a latency on a shared machine is a measurement, never an assertion.

    python benchmarks/api_load.py [--clients 16] [--seconds 20] [--runs 3]
        [--database URL] [--workers N] [--record]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
import json
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _runs import Spread, cpu_seconds, machine, scratch_database
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from tests.served import prepare_demo, serving

ROOT = Path(__file__).resolve().parent.parent
#: A small run for CI's smoke test (dev.py bench-smoke).
SMOKE_ARGS = ("--clients", "2", "--seconds", "2", "--runs", "1")
READS = ("GET /invoices", "GET /invoices/{id}", "GET /time-entries", "GET /billing-backlog")
WRITES = ("POST /time-entries", "POST /time-entries/{id}/submit", "POST /time-entries/{id}/approve")
#: A client's next step: a read three times in four, else one entry's whole lifecycle.
WRITE_SHARE = 0.25
#: Entries the clients create fill a resource's day this many at a time (of 0.5 h
#: each: 12 h a day, leaving room for the demo's own), then move to the next day, as a
#: resource's day holds at most 24 hours.
ENTRIES_PER_DAY = 24
#: The pseudo route group of the CPU milliseconds per request, server's and clients'.
CPU = "CPU ms per request"


class Client:
    """One simulated user: a keep-alive connection and the times of its answers."""

    def __init__(self, base: str, token: str, world: dict[str, Any], seed: int) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=120)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.world = world
        self.rng = random.Random(seed)
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def call(self, group: str, method: str, path: str, body: Any = None) -> Any:
        """Send one request, time it under ``group``; its JSON body (None on a refusal)."""
        payload = json.dumps(body) if body is not None else None
        began = time.perf_counter()
        self.connection.request(method, "/api/v1" + path, payload, self.headers)
        answer = self.connection.getresponse()
        data = answer.read()
        self.times[group].append(time.perf_counter() - began)
        if answer.status >= 400:
            self.errors.append(f"{method} {path}: {answer.status} {data[:200]!r}")
            return None
        return json.loads(data) if data else None

    def read(self) -> None:
        """One of the reads, chosen at random."""
        world, group = self.world, self.rng.choice(READS)
        if group == "GET /invoices":
            self.call(group, "GET", "/invoices?limit=20")
        elif group == "GET /invoices/{id}":
            self.call(group, "GET", f"/invoices/{self.rng.choice(world['invoices'])}")
        elif group == "GET /time-entries":
            self.call(group, "GET", "/time-entries?limit=20")
        else:
            self.call(group, "GET", f"/billing-backlog?contract_id={world['contract']}")

    def lifecycle(self) -> None:
        """A time entry created, submitted and approved: three writes."""
        entry = self.world["entry"]
        day = dt.date.fromisoformat(entry["date"]) + dt.timedelta(
            days=1 + next(self.world["made"]) // ENTRIES_PER_DAY
        )
        body = {**entry, "date": day.isoformat()}
        created = self.call(WRITES[0], "POST", "/time-entries", body)
        if created is None:
            return
        ident = created["id"]
        if self.call(WRITES[1], "POST", f"/time-entries/{ident}/submit") is not None:
            self.call(WRITES[2], "POST", f"/time-entries/{ident}/approve")

    def run(self, until: float) -> None:
        """Requests until ``until`` (a ``perf_counter`` time)."""
        while time.perf_counter() < until:
            (self.lifecycle if self.rng.random() < WRITE_SHARE else self.read)()
        self.connection.close()


def _get(base: str, token: str, path: str) -> Any:
    client = Client(base, token, {}, 0)
    body = client.call("setup", "GET", path)
    client.connection.close()
    if body is None:
        raise RuntimeError(f"setup request failed: {client.errors}")
    return body


def world_of(base: str, token: str) -> dict[str, Any]:
    """What the clients act on: the demo's invoices, a contract, and a time entry's
    references to create new ones with."""
    invoices = [i["id"] for i in _get(base, token, "/invoices?limit=100")["items"]]
    sample = _get(base, token, "/time-entries?limit=1")["items"][0]
    keys = ("resource_id", "project_id", "task_id", "role_id", "category_id", "date")
    entry = {key: sample[key] for key in keys if sample.get(key) is not None}
    contract = _get(base, token, f"/invoices/{invoices[0]}")["contract_id"]
    # The days after the newest entry's are free of the demo's work (and before today:
    # entries dated in the future are not approved); a count shared by the clients.
    return {
        "invoices": invoices,
        "contract": contract,
        "entry": {**entry, "quantity": "0.5"},
        "made": itertools.count(),
    }


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (0-1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def one_run(
    url: str, token: str, clients: int, seconds: float, workers: int
) -> dict[str, dict[str, float]]:
    """Serve ``url`` and load it; per route group p50, p95, p99 (ms) and requests/s."""
    with (
        tempfile.TemporaryDirectory(prefix="billable-load-") as folder,
        serving(url, workers=workers, log=Path(folder) / "server.log") as server,
    ):
        world = world_of(server.base, token)
        crowd = [Client(server.base, token, world, seed) for seed in range(clients)]
        until = time.perf_counter() + seconds
        threads = [threading.Thread(target=c.run, args=(until,)) for c in crowd]
        # Who used the 2 cores: the server's processes, and this one's client threads.
        server_began, client_began = cpu_seconds(server.process.pid), time.process_time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        server_cpu = cpu_seconds(server.process.pid) - server_began
        client_cpu = time.process_time() - client_began
    errors = [e for c in crowd for e in c.errors]
    if errors:
        raise RuntimeError(f"{len(errors)} requests refused, e.g. {errors[:3]}")
    figures: dict[str, dict[str, float]] = {}
    for group in (*READS, *WRITES):
        times = [t for c in crowd for t in c.times.get(group, [])]
        if times:
            figures[group] = {
                "p50": 1000 * statistics.median(times),
                "p95": 1000 * percentile(times, 0.95),
                "p99": 1000 * percentile(times, 0.99),
                "rps": len(times) / seconds,
            }
    answered = sum(len(t) for c in crowd for t in c.times.values()) or 1
    figures[CPU] = {"server": 1000 * server_cpu / answered, "client": 1000 * client_cpu / answered}
    return figures


@contextmanager
def fresh_copy(template: str) -> Iterator[str]:
    """A copy of the prepared database: a copied SQLite file, or a PostgreSQL database
    made with the prepared one as its template (dropped afterwards)."""
    parsed = make_url(template)
    if parsed.get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory(prefix="billable-load-") as folder:
            target = Path(folder) / "load.db"
            shutil.copyfile(parsed.database or "", target)
            yield f"sqlite:///{target}"
        return
    name = f"{parsed.database}_run_{uuid.uuid4().hex[:6]}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"')
        try:
            yield parsed.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def measure(args: argparse.Namespace) -> dict[str, dict[str, Spread]]:
    """Every run's figures, as the median and spread per route group and figure."""
    runs: list[dict[str, dict[str, float]]] = []
    with scratch_database(args.database) as template:
        print("loading the demo data set...", flush=True)
        token = prepare_demo(template)["admin"]
        for number in range(args.runs):
            with fresh_copy(template) as url:
                runs.append(one_run(url, token, args.clients, args.seconds, args.workers))
            print(f"run {number + 1} of {args.runs} done", flush=True)
    spreads: dict[str, dict[str, Spread]] = {}
    for group in (*READS, *WRITES, CPU):
        seen = [run[group] for run in runs if group in run]
        if seen:
            spreads[group] = {k: Spread.of([f[k] for f in seen]) for k in seen[0]}
    return spreads


def table(spreads: dict[str, dict[str, Spread]]) -> str:
    """The figures as a Markdown table."""
    rows = [
        "| route group | p50 ms | p95 ms | p99 ms | requests/s |",
        "| --- | --- | --- | --- | --- |",
    ]
    for group, figures in spreads.items():
        if group == CPU:
            continue
        cells = [str(figures[k]) for k in ("p50", "p95", "p99", "rps")]
        rows.append(f"| `{group}` | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def record(args: argparse.Namespace, body: str) -> None:
    """Replace (or add) this configuration's section of docs/performance.md."""
    path = ROOT / "docs" / "performance.md"
    engine = "PostgreSQL" if args.database else "SQLite"
    title = f"## API under load: {engine}, {args.clients} clients, {args.workers} worker(s)"
    text = path.read_text(encoding="utf-8")
    section = f"{title}\n\n{body}\n"
    if title in text:
        start = text.index(title)
        following = text.find("\n## ", start + len(title))
        end = len(text) if following < 0 else following + 1
        text = text[:start] + section + ("\n" if following >= 0 else "") + text[end:]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main() -> None:
    """Measure and print; with ``--record``, write the figures into docs/performance.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--database", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--record", action="store_true", help="write docs/performance.md")
    args = parser.parse_args()
    spreads = measure(args)
    where = "PostgreSQL" if args.database else "SQLite"
    body = (
        f"`python benchmarks/api_load.py --clients {args.clients} --seconds {args.seconds:g} "
        f"--runs {args.runs} --workers {args.workers}"
        + (" --database URL" if args.database else "")
        + f"` on {where}, measured {time.strftime('%Y-%m-%d', time.gmtime())} on "
        f"{machine()}: the median of {args.runs} runs (lowest-highest). A client is a "
        f"thread with a keep-alive connection; each step is a read (three in four) or a "
        "time entry created, submitted and approved.\n\n" + table(spreads)
    )
    if CPU in spreads:
        cpu = spreads[CPU]
        body += (
            f"\n\nCPU per request (all answers): server processes {cpu['server']} ms, "
            f"this benchmark's client threads {cpu['client']} ms."
        )
    print(body)
    if args.record:
        record(args, body)


if __name__ == "__main__":
    main()
