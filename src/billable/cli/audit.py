"""``billable audit``: the audit trail, with the filters of ``GET /audit-events``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from billable.cli.shell import console, database, refusals, uow_factory
from billable.domain.errors import Invalid
from billable.views import audit as views
from billable.views.pagination import Window
from billable.views.records import Record

audit_app = typer.Typer()


def _moment(text: str | None, option: str) -> dt.datetime | None:
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise Invalid.field(
            option, f"'{text}' is not a moment (ISO 8601, UTC if no zone)"
        ) from None


def audit_table(found: Window[Record]) -> Table:
    """A page of events as a Rich table: when, who, what, the objects and the summary."""
    table = Table(title="Audit events")
    for column in ("Id", "At (UTC)", "Who", "What", "Objects", "Summary"):
        table.add_column(column)
    for event in found.items:
        objects = ", ".join(f"{o['kind']} {o['id']}" for o in event.objects)
        table.add_row(
            str(event.id),
            event.at.strftime("%Y-%m-%d %H:%M:%S"),
            escape(event.user_name),
            escape(event.action),
            escape(objects),
            escape(json.dumps(event.summary, separators=(",", ":"))[:120]),
        )
    return table


@audit_app.command("audit")
def audit(
    object_kind: Annotated[str | None, typer.Option(help="Events on objects of this kind.")] = None,
    object_id: Annotated[
        str | None, typer.Option(help="Events on the object with this id.")
    ] = None,
    user: Annotated[str | None, typer.Option(help="Events by this user (or OS user).")] = None,
    since: Annotated[str | None, typer.Option(help="From this moment (ISO 8601).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this moment (ISO 8601).")] = None,
    limit: Annotated[int, typer.Option(help="How many events (1 to 500).")] = 50,
    cursor: Annotated[str | None, typer.Option(help="Continue after a page.")] = None,
) -> None:
    """Print who wrote what, when: the audit trail, oldest first."""
    with refusals(), database() as engine, uow_factory(engine)() as uow:
        found = views.audit_events(
            uow.session,
            limit,
            cursor,
            object_kind=object_kind,
            object_id=object_id,
            user=user,
            since=_moment(since, "--since"),
            until=_moment(until, "--until"),
        )
    console.print(audit_table(found))
    if found.next_cursor:
        console.print(f"More: --cursor {found.next_cursor}")
