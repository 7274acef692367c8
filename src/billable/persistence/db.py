"""Engines and sessions for the embedded SQLite default and for PostgreSQL."""

from __future__ import annotations

import os
import socket
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from billable.persistence.writer_line import WriterLine

DEFAULT_URL = "sqlite:///billable.db"
#: The execution option of a read-only transaction (:class:`UnitOfWork` ``read_only``).
READ_ONLY = "billable_read_only"
#: What this process is (``serve``, ``worker``, ``cli``): set once at start-up by the
#: command that runs, read by :func:`process_name` for every new connection.
_role = ["cli"]


def name_process(role: str) -> None:
    """Say what this process is, for the ``application_name`` of its connections."""
    _role[0] = role


def process_name() -> str:
    """``billable-ROLE-HOST-PID``: how this process shows in ``pg_stat_activity``, logs
    and job attempts. PostgreSQL keeps 63 bytes of it."""
    return f"billable-{_role[0]}-{socket.gethostname()}-{os.getpid()}"[:63]


def database_url() -> str:
    """``BILLABLE_DATABASE_URL``, or an SQLite file in the working directory."""
    return normalize_url(os.environ.get("BILLABLE_DATABASE_URL", DEFAULT_URL))


def normalize_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (default :func:`database_url`), set up for Billable.

    SQLite: foreign keys on, WAL, a busy timeout, and ``BEGIN IMMEDIATE`` for every
    transaction, so concurrent writers queue instead of failing half-way.
    """
    url = normalize_url(url or database_url())
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True, **kwargs)

    @event.listens_for(engine, "do_connect")
    def _name_connection(_dialect: Any, _record: Any, _args: Any, params: Any) -> None:
        # Per connection, not per engine: a forked or renamed process names itself right.
        params.setdefault("application_name", process_name())

    return engine


def _configure_sqlite(engine: Engine) -> None:
    database_file = _database_file(engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # 64 MB of page cache (the default is 2 MB): index pages of large tables stay hot.
        cursor.execute("PRAGMA cache_size=-65536")
        if database_file is not None:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    # One writer at a time, waiting in line: SQLite's own busy handler waits by sleeping
    # in growing steps (up to 100 ms), which with many threads or several server
    # processes costs far more than the writes themselves. The line is first come, first
    # served within a process (a job committing chunk after chunk cannot starve
    # requests) and shared by every process on the file (writer_line.WriterLine).
    writer = WriterLine(database_file)
    held = "billable_writer"
    reading = "billable_reading"

    def release(info: dict[str, Any]) -> None:
        if info.pop(held, False):
            writer.release()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            # A read sees the last committed state (WAL) without queueing behind writers;
            # query_only turns a write slipped into it into an error instead of a race.
            connection.exec_driver_sql("PRAGMA query_only=ON")
            connection.info[reading] = True
            connection.exec_driver_sql("BEGIN")
            return
        connection.info[held] = writer.acquire(timeout=30)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            release(connection.info)
            raise

    def finish(connection: Any, statement: str) -> None:
        # End the transaction here, then let the next writer in (SQLAlchemy's own
        # commit or rollback that follows finds nothing left to end): released
        # before, the next writer would meet a busy database and sleep.
        try:
            if connection.connection.dbapi_connection.in_transaction:
                connection.exec_driver_sql(statement)
            if connection.info.pop(reading, False):
                connection.exec_driver_sql("PRAGMA query_only=OFF")
        finally:
            release(connection.info)

    @event.listens_for(engine, "commit")
    def _on_commit(connection: Any) -> None:
        finish(connection, "COMMIT")

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection: Any) -> None:
        finish(connection, "ROLLBACK")

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, record: Any) -> None:
        release(record.info)  # a connection given back mid-transaction (an error)
        if record.info.pop(reading, False):
            dbapi_connection.execute("PRAGMA query_only=OFF")


def _database_file(engine: Engine) -> str | None:
    """The SQLite database's file, or None for an in-memory one."""
    database = engine.url.database
    # The real path: processes reaching one file by different paths share one line.
    return None if database in (None, "", ":memory:") else os.path.realpath(database)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (presenters read them)."""
    return sessionmaker(engine, expire_on_commit=False)
