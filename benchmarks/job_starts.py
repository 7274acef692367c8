"""How long N simultaneous job starts take to be answered (issue: "50 simultaneous job
starts each answer 202 within a second").

Each run serves the app on a fresh database (a new SQLite file, or a database made on the
PostgreSQL server given with ``--database``), then N threads post ``/invoice-runs`` at
once and time their answers. The figures are the medians over the runs of the slowest,
the 95th-percentile and the median answer, with their spread: a latency on a shared
machine is a measurement, never a test assertion.

    python benchmarks/job_starts.py [--starts 50] [--runs 3] [--database URL] [--record]
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _runs import Spread, machine, scratch_database
from fastapi.testclient import TestClient

from billable.api.app import create_app
from billable.identity.users import add_user
from billable.persistence.db import make_engine, session_factory
from billable.persistence.migrate import upgrade
from billable.persistence.uow import UnitOfWork

ROOT = Path(__file__).resolve().parent.parent
#: A small run for CI's smoke test (dev.py bench-smoke).
SMOKE_ARGS = ("--starts", "5", "--runs", "3")
RUN_DATE = "2026-09-07"


def one_run(server: str | None, starts: int) -> list[float]:
    """The seconds each of ``starts`` simultaneous job starts took to be answered."""
    with scratch_database(server) as url:
        engine = make_engine(url)
        upgrade(engine)
        factory = session_factory(engine)
        _, token = add_user(UnitOfWork(factory), "bench-admin", "admin")
        headers = {"Authorization": f"Bearer {token}"}
        with TestClient(create_app(engine)) as client:

            def start(_: int) -> float:
                began = time.perf_counter()
                answer = client.post(
                    "/api/v1/invoice-runs", json={"run_date": RUN_DATE}, headers=headers
                )
                assert answer.status_code == 202, answer.text
                return time.perf_counter() - began

            with ThreadPoolExecutor(max_workers=starts) as pool:
                seconds = sorted(pool.map(start, range(starts)))
            if engine.dialect.name == "sqlite":  # the in-process thread ends before the file
                client.app.state.dispatcher().wait_idle()  # type: ignore[attr-defined]
        engine.dispose()
        return seconds


def main() -> None:
    """Run the benchmark, print its figures and, with --record, write them to the docs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", help="a PostgreSQL server URL; default: SQLite files")
    parser.add_argument("--record", action="store_true", help="write docs/performance.md")
    args = parser.parse_args()
    runs = [one_run(args.database, args.starts) for _ in range(max(3, args.runs))]
    slowest = Spread.of([r[-1] for r in runs])
    p95 = Spread.of([r[max(0, int(len(r) * 0.95) - 1)] for r in runs])
    median = Spread.of([statistics.median(r) for r in runs])
    database = "postgresql" if args.database else "sqlite"
    line = f"| {database} | {args.starts} | {median} | {p95} | {slowest} | {machine()} |"
    print(f"median_s={median.median:.3f} p95_s={p95.median:.3f} slowest_s={slowest.median:.3f}")
    print(line)
    if args.record:
        docs = ROOT / "docs" / "performance.md"
        text = docs.read_text(encoding="utf-8")
        start, end = "<!-- job_starts:start -->", "<!-- job_starts:end -->"
        before, _, rest = text.partition(start)
        old, _, after = rest.partition(end)
        rows = [row for row in old.strip().splitlines() if row.startswith("| ")][2:]
        header = (
            "| database | starts | median s | p95 s | slowest s | machine |\n"
            "| --- | --- | --- | --- | --- | --- |"
        )
        body = "\n".join([header, *rows, line])
        docs.write_text(f"{before}{start}\n{body}\n{end}{after}", encoding="utf-8")


if __name__ == "__main__":
    main()
