"""The periodic process "Import from staging table": ``staging import`` journals every
cost and unbilled sales actual not yet journaled, and with ``--post`` posts the journal."""

from __future__ import annotations

from typing import Annotated

import typer

from billable.cli.shell import console, database, refusals, uow_factory
from billable.domain.errors import Conflict
from billable.erp import journal as integration_journal
from billable.erp import journal_posting
from billable.views import erp as erp_views
from billable.views import journal as journal_views

staging_app = typer.Typer(
    help="Import from staging (the integration journal).", no_args_is_help=True
)


@staging_app.command("import")
def staging_import(
    legal_entity: Annotated[
        str | None, typer.Option("--legal-entity", help="Legal entity id (default: the first).")
    ] = None,
    post: Annotated[bool, typer.Option("--post", help="Post the journal right away.")] = False,
) -> None:
    """Journal the staged actuals in a new draft journal (and post it with --post)."""
    with refusals(), database() as engine:
        new = uow_factory(engine)
        try:
            journal_id = integration_journal.import_from_staging(new(), legal_entity)
        except Conflict as exc:
            if exc.detail != integration_journal.NOTHING_TO_IMPORT:
                raise
            console.print("Nothing to import: every cost and unbilled sales actual is journaled.")
            return
        with new() as uow:
            count = journal_views.line_count(uow.session, journal_id)
        console.print(f"Imported integration journal {journal_id}: {count} line(s), draft.")
        if not post:
            return
        journal_posting.post_journal(new(), str(journal_id))
        with new() as uow:
            numbers = erp_views.voucher_numbers(
                uow.session, journal_posting.SOURCE_TYPE, str(journal_id)
            )
        shown = ", ".join(numbers) if numbers else "none"
        console.print(f"Posted journal {journal_id}: {len(numbers)} voucher(s): {shown}.")
