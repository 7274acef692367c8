"""SQLite's one writer at a time: the in-process line is first come, first served, and
a read-only unit of work reads beside a writer instead of queueing behind it; server
processes on one file share the line."""

from __future__ import annotations

import fcntl
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from billable.persistence.db import make_engine
from billable.persistence.uow import UnitOfWork
from billable.persistence.writer_line import FairLock, WriterLine
from tests.waiting import wait_until


def test_a_released_lock_goes_to_the_thread_waiting_not_back_to_the_one_releasing() -> None:
    line = FairLock()
    assert line.acquire(timeout=1)
    got = threading.Event()

    def waiter() -> None:
        if line.acquire(timeout=60):
            got.set()

    thread = threading.Thread(target=waiter)
    thread.start()
    wait_until(lambda: True if line._waiters else None, "the second thread to wait in line")
    line.release()
    # Taking it straight back (what a job committing chunk after chunk does) must wait.
    assert not line.acquire(timeout=0.05)
    thread.join(60)
    assert got.is_set()
    line.release()
    assert line.acquire(timeout=1)


def test_a_waiter_that_gives_up_leaves_the_line() -> None:
    line = FairLock()
    assert line.acquire(timeout=1)
    assert not line.acquire(timeout=0.01)
    assert not line._waiters
    line.release()
    assert line.acquire(timeout=0.01)


def test_a_read_only_unit_of_work_reads_while_a_writer_holds_the_database(engine, uow_factory):
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL readers never wait on writers")
    factory = uow_factory()._factory
    with uow_factory() as writer:
        writer.session.execute(text("CREATE TABLE scratch (x INTEGER)"))
        with UnitOfWork(factory, read_only=True) as reader:
            assert reader.session.execute(text("SELECT count(*) FROM users")).scalar() == 0


def test_a_write_in_a_read_only_unit_of_work_fails_and_leaves_the_connection_writable(
    engine, uow_factory
):
    if engine.dialect.name != "sqlite":
        pytest.skip("the read-only guard is SQLite's query_only")
    factory = uow_factory()._factory
    with UnitOfWork(factory, read_only=True) as reader, pytest.raises(OperationalError):
        reader.session.execute(text("CREATE TABLE scratch (x INTEGER)"))
    uow = uow_factory()
    with uow:
        uow.session.execute(text("CREATE TABLE scratch (x INTEGER)"))
        uow.commit()


HOLDER = """
import sys
from billable.persistence.writer_line import WriterLine
line = WriterLine(sys.argv[1])
assert line.acquire(timeout=60)
print("held", flush=True)
sys.stdin.readline()
line.release()
print("released", flush=True)
sys.stdin.readline()
"""


def test_a_writer_in_another_process_holds_the_line_until_it_lets_go(tmp_path) -> None:
    database = str(tmp_path / "shared.db")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, database],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "held"
        # The file is locked: a try without waiting fails, as any other process's would.
        with open(f"{database}-writer", "rb") as probe, pytest.raises(BlockingIOError):
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        line, got = WriterLine(database), threading.Event()
        waiter = threading.Thread(target=lambda: line.acquire(timeout=60) and got.set())
        waiter.start()
        # Held by the other process (the probe above), so the waiter cannot have it yet.
        assert not got.is_set() and waiter.is_alive()
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
        waiter.join(60)
        assert got.is_set()
        line.release()
    finally:
        holder.kill()
        holder.wait(60)


def _free(path: Path) -> bool:
    """Whether another descriptor may take the lock file at ``path`` now."""
    with open(path, "rb") as probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(probe, fcntl.LOCK_UN)
        return True


def test_an_sqlite_file_engine_holds_the_line_for_a_write_and_lets_go_however_it_ends(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'lined.db'}")
    lock = tmp_path / "lined.db-writer"
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE scratch (x INTEGER PRIMARY KEY)"))
            assert not _free(lock)  # held for the transaction
        assert _free(lock)  # committed
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text("INSERT INTO scratch VALUES (1)"))
            assert not _free(lock)
            conn.execute(text("INSERT INTO scratch VALUES (1)"))
        assert _free(lock)  # rolled back
        conn = engine.connect()
        conn.execute(text("INSERT INTO scratch VALUES (2)"))
        assert not _free(lock)
        conn.close()  # given back to the pool mid-transaction
        assert _free(lock)
    finally:
        engine.dispose()


def test_an_in_memory_database_writes_in_its_process_line_alone(tmp_path: Path) -> None:
    engine = make_engine("sqlite://")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE scratch (x INTEGER)"))
            conn.execute(text("INSERT INTO scratch VALUES (1)"))
        assert WriterLine(None).acquire(timeout=1)
    finally:
        engine.dispose()
