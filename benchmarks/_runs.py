"""What every benchmark needs around its measurement: a fresh database per run, the
median and spread of several runs, and a description of the machine they ran on."""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url


@contextmanager
def scratch_database(server: str | None) -> Iterator[str]:
    """The URL of a new, empty database, removed afterwards.

    ``server`` None or SQLite: a new SQLite file in a temporary directory. PostgreSQL:
    a database made on that server for this run and dropped after it, so runs never
    see each other's rows and the URL given may name any database of the server.
    """
    if server is None or make_url(server).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory(prefix="billable-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@dataclass(frozen=True)
class Spread:
    """The median of several runs' figures, with the lowest and highest."""

    median: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        """The spread of ``values`` (at least one)."""
        return cls(statistics.median(values), min(values), max(values), len(values))

    def __str__(self) -> str:
        if self.runs == 1:
            return f"{self.median:.2f}"
        return f"{self.median:.2f} ({self.low:.2f}-{self.high:.2f}, {self.runs} runs)"


def machine() -> str:
    """Cores, CPU model and memory of this machine, the Python version, and the load
    average over the last five minutes."""
    model = platform.processor() or platform.machine()
    memory = ""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = next(
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("model name")
        )
        total_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f", {total_kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass  # not Linux: the model from platform, no memory figure
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # The load says how much else the machine was doing: figures from a busy one are slow.
    load = f", load average {os.getloadavg()[1]:.1f}" if hasattr(os, "getloadavg") else ""
    return f"{cores} cores ({model}){memory}, Python {platform.python_version()}{load}"


def replace_paragraph(path: Path, marker: str, block: str) -> None:
    """Write ``block`` (its first line is ``marker``) into ``path`` in place of the
    paragraph that starts with ``marker``, or after the last paragraph if none does."""
    doc = path.read_text() if path.exists() else ""
    if marker in doc:
        start = doc.index(marker)
        end = doc.find("\n\n", start)
        doc = doc[:start] + block.rstrip("\n") + (doc[end:] if end != -1 else "\n")
    else:
        doc = doc.rstrip("\n") + "\n\n" + block
    path.write_text(doc)


def replace_table_row(path: Path, markers: tuple[str, str], header: str, row: str) -> None:
    """Put ``row`` in the table between the ``markers`` (start, end) of ``path``, in
    place of the row with the same first two cells, keeping the rows sorted; the table
    (under ``header``) is added at the end when the markers are missing."""
    start, end = markers
    doc = path.read_text()
    if start not in doc:
        doc = doc.rstrip("\n") + f"\n\n{start}\n{header}\n{end}\n"
    head, rest = doc.split(start, 1)
    body, tail = rest.split(end, 1)
    key = "|".join(row.split("|")[:3]) + "|"
    rows = [r for r in body.strip("\n").splitlines() if r.startswith("| ")]
    rows = [r for r in rows if not r.startswith(key) and r not in header.splitlines()]
    table = "\n".join([header, *sorted([*rows, row])])
    path.write_text(f"{head}{start}\n{table}\n{end}{tail}")


def process_stats() -> Iterator[tuple[int, list[str]]]:
    """Each live process's id and the fields of its /proc stat after the command (state,
    ppid, ..., utime, stime, ...); none where there is no /proc (not Linux)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        yield int(stat.parent.name), fields


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system, seconds) of process ``pid`` and its live children
    (uvicorn's workers), read from /proc; 0.0 where there is none (not Linux)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    return sum(
        (int(fields[11]) + int(fields[12])) / tick
        for ident, fields in process_stats()
        if ident == pid or fields[1] == str(pid)
    )


def settle(engine: Engine) -> None:
    """PostgreSQL only: do now, untimed, what the server would do by itself in the
    middle of the next timed step: ``VACUUM ANALYZE`` (what autovacuum does after a
    bulk write, on the same two cores) and a ``CHECKPOINT`` (which the previous
    step's WAL would otherwise trigger inside the next one). Each step then starts
    from the same state, and pays for its own writes only."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
        conn.exec_driver_sql("CHECKPOINT")
