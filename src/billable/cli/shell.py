"""What every command shares: the consoles, the database, units of work, and refusals.

Kept apart from ``main`` (which assembles the commands) so that the command modules
import this and ``main`` imports them, with no circle between them.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from alembic.util import CommandError
from rich.console import Console
from rich.markup import escape

from billable.domain.errors import Conflict, DomainError, Invalid, NotFound
from billable.persistence import auditing
from billable.persistence.db import Engine, make_engine, session_factory
from billable.persistence.errors import DatabaseError
from billable.persistence.uow import UnitOfWork

LogLevelOption = Annotated[
    str,
    typer.Option(
        help="Log from this level up (debug, info, warning, error), as JSON lines on stderr."
    ),
]

console = Console(highlight=False)
error_console = Console(stderr=True, highlight=False)

#: Exit codes of refused commands, by the domain error that refused them.
EXIT_CODES: tuple[tuple[type[DomainError], int], ...] = ((Invalid, 2), (Conflict, 3), (NotFound, 4))


def exit_code(error: DomainError) -> int:
    """The exit code for a refusal: 2 invalid, 3 conflict, 4 not found, else 1."""
    for kind, code in EXIT_CODES:
        if isinstance(error, kind):
            return code
    return 1


@contextmanager
def refusals() -> Iterator[None]:
    """Report a domain refusal or a database failure on stderr and exit non-zero."""
    try:
        yield
    except DomainError as exc:
        error_console.print(f"[bold red]Refused:[/] {escape(exc.detail)}")
        raise typer.Exit(exit_code(exc)) from None
    except (DatabaseError, CommandError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        error_console.print(f"[bold red]Database error:[/] {escape(first_line)}")
        error_console.print(
            "Check the database URL (BILLABLE_DATABASE_URL, or --database-url for demo), "
            "and run `billable db upgrade` to bring the database to the current schema."
        )
        raise typer.Exit(1) from None


@contextmanager
def database(url: str | None = None) -> Iterator[Engine]:
    """An engine on ``url`` (default: ``BILLABLE_DATABASE_URL``), disposed on exit."""
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def uow_factory(engine: Engine) -> Callable[[], UnitOfWork]:
    """Make units of work on ``engine``."""
    factory = session_factory(engine)
    return lambda: UnitOfWork(factory)


def os_user() -> str:
    """Who runs this command, as the operating system names them (the audit trail's
    actor for what a command writes)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return f"uid-{os.getuid()}"


def name_command(word: str) -> None:
    """Add ``word`` (a group's subcommand) to what the running command is called."""
    action = auditing.current()
    if action is not None:
        action.what = f"{action.what} {word}"


def check_level(level: str) -> str:
    """``level`` in lower case, or a refusal naming ``--log-level`` and the levels."""
    from billable.observability.logs import LEVELS

    if level.lower() not in LEVELS:
        raise Invalid.field("--log-level", f"must be one of {', '.join(LEVELS)}")
    return level.lower()
