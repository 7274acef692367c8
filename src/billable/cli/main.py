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

from billable.cli import documents, ledger, proposals, staging, work
from billable.cli.shell import LogLevelOption, check_level, console, database, refusals, uow_factory
from billable.cli.shell import exit_code as exit_code  # the refusal's exit code, re-exported
from billable.demo import dataset as demo_data
from billable.identity.users import add_user
from billable.observability.logs import DEFAULT_LEVEL
from billable.persistence.db import Engine, name_process
from billable.persistence.migrate import alembic_config, upgrade

app = typer.Typer(
    name="billable",
    help="Project invoicing: approved time, expenses and milestones to proforma invoices.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
users_app = typer.Typer(help="Users and their API tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
# The command modules build their own groups; assembling them here (they never import
# this module) keeps the package free of import circles.
app.add_typer(ledger.ledger_app, name="ledger")
app.add_typer(documents.invoices_app, name="invoices")
app.add_typer(documents.customer_app, name="customer-invoices")
app.add_typer(proposals.proposals_app, name="proposals")
app.add_typer(staging.staging_app, name="staging")
app.add_typer(work.work_app)  # no name: its commands sit at the top level

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


def _serve(engine: Engine, host: str, port: int, log_level: str = DEFAULT_LEVEL) -> None:
    import uvicorn

    from billable.api.app import create_app
    from billable.observability.logs import configure_logging

    docs = f"{_browser_address(host, port)}/docs"
    console.print(f"Serving Billable on {host}:{port}; interactive docs at {docs}", soft_wrap=True)
    configure_logging(log_level)
    api = create_app(engine)
    if engine.dialect.name != "postgresql":  # PostgreSQL: `billable worker` schedules runs
        from billable.jobs.scheduler import start_daily_runs

        start_daily_runs(uow_factory(engine), api.state.dispatcher())
    uvicorn.run(api, host=host, port=port, log_config=None, log_level=log_level.lower())


@app.command()
def serve(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    log_level: LogLevelOption = DEFAULT_LEVEL,
) -> None:
    """Bring the database to the current schema and serve the API; on SQLite, run the
    background jobs in this process too (and resume those left unfinished)."""
    name_process("serve")
    with refusals(), database() as engine:
        migrate(engine)
        _serve(engine, host, port, check_level(log_level))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration not yet applied to the database."""
    with refusals(), database() as engine:
        migrate(engine)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The user's name, unique.")],
    role: Annotated[str, typer.Option(help="admin, project_manager, accountant or team_member.")],
) -> None:
    """Add a user and print its API token: shown once, only its hash is stored."""
    with refusals(), database() as engine:
        principal, token = add_user(uow_factory(engine)(), name, role)
    console.print(f"Added user [bold]{escape(principal.name)}[/] ({principal.role.value}).")
    console.print("Its token, shown this once (send it as `Authorization: Bearer <token>`):")
    console.print(token, markup=False, soft_wrap=True)


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
        bool, typer.Option("--no-serve", help="Load and print the token, but do not serve.")
    ] = False,
    database_url: Annotated[
        str | None,
        typer.Option(help="The database (default: BILLABLE_DATABASE_URL or ./billable.db)."),
    ] = None,
) -> None:
    """Load the demo data set (once), print an admin token, and serve the API."""
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
        principal, token = demo_data.add_demo_admin(new)
        docs = f"{_browser_address(host, port)}/docs"
        console.print(f"\nInteractive API docs: [bold]{docs}[/]", soft_wrap=True)
        console.print(f"Token of [bold]{escape(principal.name)}[/] (admin), shown this once:")
        console.print(token, markup=False, soft_wrap=True)
        console.print(
            "To use it in the docs: click [bold]Authorize[/], paste the token into the "
            "HTTPBearer value field, click Authorize and Close; every [bold]Try it out[/] "
            "request then sends it."
        )
        if not no_serve:
            _serve(engine, host, port)


if __name__ == "__main__":
    app()
