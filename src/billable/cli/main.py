"""``billable``: serve the API, migrate the database, add users, load the demo.

A thin shell over the services: each command opens the database named by
``BILLABLE_DATABASE_URL`` (default: ``billable.db`` in the working directory), calls a use
case and prints the outcome with Rich. Refusals go to stderr with an exit code:
invalid input 2, a conflict with the current state 3, not found 4, anything else 1.
"""

from __future__ import annotations

from typing import Annotated

import typer
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from rich.markup import escape
from rich.table import Table

from billable.cli import audit, documents, ledger, proposals, staging, users, work
from billable.cli.shell import (
    LogLevelOption,
    check_level,
    console,
    database,
    name_command,
    os_user,
    refusals,
    uow_factory,
)
from billable.cli.shell import exit_code as exit_code  # the refusal's exit code, re-exported
from billable.demo import dataset as demo_data
from billable.domain.audit import Actor
from billable.observability.logs import DEFAULT_LEVEL
from billable.persistence import auditing
from billable.persistence.db import Engine, name_process
from billable.persistence.migrate import alembic_config, upgrade

app = typer.Typer(
    name="billable",
    help="Project invoicing: approved time, expenses and milestones to proforma invoices.",
    no_args_is_help=True,
    add_completion=False,
)


def _name_subcommand(ctx: typer.Context) -> None:
    # A group's callback learns the subcommand to run: the audit trail's "what" is then
    # the whole command (``billable proposals post``), not just its group.
    if ctx.invoked_subcommand:
        name_command(ctx.invoked_subcommand)


db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db", callback=_name_subcommand)
app.add_typer(users.users_app, name="users", callback=_name_subcommand)
# The command modules build their own groups; assembling them here (they never import
# this module) keeps the package free of import circles.
app.add_typer(ledger.ledger_app, name="ledger", callback=_name_subcommand)
app.add_typer(documents.invoices_app, name="invoices", callback=_name_subcommand)
app.add_typer(documents.customer_app, name="customer-invoices", callback=_name_subcommand)
app.add_typer(proposals.proposals_app, name="proposals", callback=_name_subcommand)
app.add_typer(staging.staging_app, name="staging", callback=_name_subcommand)
app.add_typer(work.work_app)  # no name: its commands sit at the top level
app.add_typer(audit.audit_app)

#: Commands that serve others: what they write is their callers' (requests) or the
#: system's (jobs), never the OS user's who started them.
SERVING = frozenset({"serve", "worker"})


@app.callback()
def _attribute(ctx: typer.Context) -> None:
    """Project invoicing: approved time, expenses and milestones to proforma invoices."""
    if ctx.invoked_subcommand not in SERVING:
        what = " ".join(["billable", *([ctx.invoked_subcommand] if ctx.invoked_subcommand else [])])
        ctx.with_resource(auditing.acting(Actor(os_user()), what))


HostOption = Annotated[str, typer.Option(help="The address to listen on.")]
PortOption = Annotated[int, typer.Option(help="The port to listen on.")]


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the database to the current schema and say what that took."""
    before = _revision(engine)
    upgrade(engine)
    after = _revision(engine)
    where = escape(engine.url.render_as_string(hide_password=True))
    if before == after:
        console.print(
            f"Database {where} is at the current schema (revision {after}).", soft_wrap=True
        )
        return
    script = ScriptDirectory.from_config(
        alembic_config(engine.url.render_as_string(hide_password=False))
    )
    applied = []
    for revision in script.iterate_revisions(after, "base"):
        if revision.revision == before:
            break
        applied.append(revision)
    console.print(
        f"Database {where}: upgraded from {before or 'an empty schema'} to {after}.", soft_wrap=True
    )
    for revision in reversed(applied):
        console.print(
            f"  applied {revision.revision}: {escape(revision.doc or '')}", soft_wrap=True
        )


def _browser_address(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{shown}:{port}"


def _serve(
    engine: Engine, host: str, port: int, log_level: str = DEFAULT_LEVEL, workers: int = 1
) -> None:
    from billable.cli.serving import serve_api

    docs = f"{_browser_address(host, port)}/docs"
    console.print(f"Serving Billable on {host}:{port}; interactive docs at {docs}", soft_wrap=True)
    serve_api(engine, host, port, log_level, workers)


@app.command()
def serve(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    log_level: LogLevelOption = DEFAULT_LEVEL,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes answering on the port (SQLite too: they share the "
            "database's writer line).",
        ),
    ] = 1,
) -> None:
    """Bring the database to the current schema and serve the API; on SQLite, run the
    background jobs in this process too (and resume those left unfinished)."""
    name_process("serve")
    with refusals(), database() as engine:
        migrate(engine)
        _serve(engine, host, port, check_level(log_level), workers)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration not yet applied to the database."""
    with refusals(), database() as engine:
        migrate(engine)


def _print_tokens(made: list[demo_data.DemoUser]) -> None:
    """Each demo user, then its token alone on a line (so it copies whole)."""
    console.print("Demo users, one per role, and their tokens (shown this once):")
    for user in made:
        linked = f", resource {user.resource_id}" if user.resource_id else ""
        console.print(f"  [bold]{escape(user.name)}[/] ({user.role}{linked})")
        console.print(f"    {user.token}", markup=False, soft_wrap=True)


def _summary(summary: demo_data.DemoSummary) -> Table:
    table = Table(title="What the database holds", show_header=False)
    for label, value in summary.rows():
        table.add_row(label, value)
    return table


@app.command()
def demo(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Load and print the tokens, but do not serve.")
    ] = False,
    database_url: Annotated[
        str | None,
        typer.Option(help="The database (default: BILLABLE_DATABASE_URL or ./billable.db)."),
    ] = None,
) -> None:
    """Load the demo data set (once), print a token per role, and serve the API."""
    name_process("serve")
    with refusals(), database(database_url) as engine:
        migrate(engine)
        new = uow_factory(engine)
        if demo_data.has_data(new()):
            console.print("The database already has data: the demo data set is not loaded again.")
            summary = demo_data.summarize(new())
        else:
            console.print("Loading the demo data set (six months of 2026)...")
            summary = demo_data.load_demo(new)
            console.print("Loaded the demo data set.")
        console.print(_summary(summary))
        made = demo_data.demo_users(new)
        docs = f"{_browser_address(host, port)}/docs"
        console.print(f"\nInteractive API docs: [bold]{docs}[/]", soft_wrap=True)
        _print_tokens(made)
        console.print(
            "Running the demo again keeps these users and prints new tokens; the ones "
            "above then stop working."
        )
        console.print(
            "To use one in the docs: click [bold]Authorize[/], paste the token into the "
            "HTTPBearer value field, click Authorize and Close; every [bold]Try it out[/] "
            "request then sends it."
        )
        sign_ins = Table(title="Web sign-in (passwords new each start)")
        for column in ("name", "role", "password"):
            sign_ins.add_column(column)
        for row in demo_data.demo_sign_ins(new):
            sign_ins.add_row(*row)
        console.print(f"\nWeb UI: [bold]{_browser_address(host, port)}/[/]", soft_wrap=True)
        console.print(sign_ins)
        if not no_serve:
            _serve(engine, host, port)


if __name__ == "__main__":
    app()
