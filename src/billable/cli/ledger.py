"""Commands on the general ledger: ``ledger trial-balance``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import typer
from rich.table import Table

from billable.cli.shell import console, database, refusals, uow_factory
from billable.currencies import currency
from billable.domain.errors import Invalid
from billable.domain.money import format_decimal
from billable.erp import ledger as general_ledger
from billable.erp.ledger import TrialBalance

ledger_app = typer.Typer(help="The general ledger of the ERP side.", no_args_is_help=True)


def _date(text: str | None) -> dt.date:
    if text is None:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid.field("--date", f"'{text}' is not a date (YYYY-MM-DD)") from None


def trial_balance_table(report: TrialBalance) -> Table:
    """The trial balance as a Rich table, totals in the footer."""
    places = currency(report.currency).minor_units

    def text(value: Decimal) -> str:
        return format_decimal(value, places)

    table = Table(
        title=f"Trial balance on {report.date.isoformat()} ({report.currency})",
        show_footer=True,
    )
    table.add_column("Account", footer="Total")
    table.add_column("Name")
    table.add_column("Debit", justify="right", footer=text(report.total_debit))
    table.add_column("Credit", justify="right", footer=text(report.total_credit))
    table.add_column("Balance", justify="right", footer=text(report.total_balance))
    for row in report.accounts:
        table.add_row(row.account, row.name, text(row.debit), text(row.credit), text(row.balance))
    return table


@ledger_app.command("trial-balance")
def trial_balance(
    date: Annotated[
        str | None, typer.Option(help="Vouchers dated on or before (YYYY-MM-DD; default today).")
    ] = None,
) -> None:
    """Print debit, credit and balance per ledger account in accounting currency."""
    with refusals(), database() as engine:
        on = _date(date)
        with uow_factory(engine)() as uow:
            report = general_ledger.trial_balance(uow.session, on)
            uow.commit()  # the default legal entity, if it was just made
        console.print(trial_balance_table(report))
