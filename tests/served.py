"""A served Billable over loopback, for the tools that drive a real server: the
schemathesis pass (``tests/fuzz.py``) and the load benchmark (``benchmarks/api_load.py``).

It prepares a database with the demo data set and a user per role, starts
``billable serve`` (or uvicorn with several workers) on a free loopback port as a
child process, waits until ``/ready`` answers 200 and stops the process afterwards.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.waiting import PATIENCE, wait_until

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: One user per role, named after it: the tools choose whose token they send.
ROLES = ("admin", "project_manager", "accountant", "team_member")


@dataclass(frozen=True)
class Server:
    """A running server: its base address (no trailing slash) and its process."""

    base: str
    process: subprocess.Popen[bytes]


def prepare_demo(url: str) -> dict[str, str]:
    """Migrate ``url``, load the demo data set into it and add a user per role; their
    tokens by role. The database must be empty."""
    from billable.demo import dataset
    from billable.identity.users import add_user
    from billable.persistence.db import make_engine, session_factory
    from billable.persistence.migrate import upgrade
    from billable.persistence.uow import UnitOfWork

    engine = make_engine(url)
    try:
        upgrade(engine)
        factory = session_factory(engine)

        def new() -> UnitOfWork:
            return UnitOfWork(factory)

        dataset.load_demo(new)
        return {role: add_user(new(), f"served-{role}", role)[1] for role in ROLES}
    finally:
        engine.dispose()


def free_port() -> int:
    """A loopback port nothing listens on now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/ready", timeout=5) as answer:
            return bool(answer.status == 200)
    except (OSError, urllib.error.URLError):
        return False


@contextmanager
def serving(
    url: str, workers: int = 1, log: Path | None = None, timeout: float = PATIENCE
) -> Iterator[Server]:
    """``billable serve`` on ``url`` (with ``workers`` > 1: ``--workers``, uvicorn's
    worker processes), ready."""
    port = free_port()
    env = {**os.environ, "BILLABLE_DATABASE_URL": url}
    command = [str(BIN / "billable"), "serve", "--port", str(port), "--log-level", "warning"]
    if workers > 1:
        command += ["--workers", str(workers)]
    sink = log.open("wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, env=env, stdout=sink, stderr=sink, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until(
                lambda: True if _ready(base) else None,
                f"the server at {base} to be ready",
                timeout=timeout,
                alive=lambda: process.poll() is None,
            )
        except AssertionError:
            if log:
                print(log.read_text()[-5000:], file=sys.stderr)
            raise
        yield Server(base, process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # uvicorn's graceful stop, workers included
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if log and sink is not subprocess.DEVNULL:
            sink.close()  # type: ignore[union-attr]
