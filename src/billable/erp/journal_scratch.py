"""Scratch tables of the set-based journal: the few distinct figures the domain decides
for a chunk (rates, tax groups, vouchers), which the chunk's ``INSERT ... SELECT``
statements join to its lines.

Temporary tables, private to the connection and emptied at the start of each use, so
a chunk that is rolled back leaves nothing behind and each chunk sees only its own.
The amounts are :class:`~billable.persistence.types.ExactDecimal` columns like the
tables they are copied into, so SQL copies raw values and never converts or rounds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable

from billable.persistence.types import Amount, Price

#: Never part of the schema: Alembic and the schema checks see only ``Base.metadata``.
SCRATCH = MetaData()
#: The value standing for "none" in the key columns, so keys compare with ``=``.
NONE_KEY = ""


def temporary(name: str, *columns: Column[Any]) -> Table:
    """A scratch table of ``columns``: temporary, one per connection, outside the schema."""
    return Table(name, SCRATCH, *columns, prefixes=["TEMPORARY"])


#: The rate of a contract's fixed-rate agreement in its currency (the domain's rate).
AGREED = temporary(
    "scratch_journal_agreed",
    Column("contract_id", Integer, primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("rate", Price()),
)
#: The rate in force for a currency on a date, for lines without an agreement.
DATED = temporary(
    "scratch_journal_dated",
    Column("currency", String(3), primary_key=True),
    Column("date", Date, primary_key=True),
    Column("rate", Price()),
)
#: One distinct figure: the key a line matches, and what the domain made of it.
FIGURES = temporary(
    "scratch_journal_figures",
    Column("key_no", Integer, primary_key=True),
    Column("kind", String(10)),
    Column("transaction_class", String(20)),
    Column("currency", String(3)),
    Column("amount", Amount()),
    Column("rate", Price()),
    Column("billing_type", String(30)),
    Column("dimensions", Text),
    Column("distribution", Text),
    Column("parts", JSON),
    Column("accrued", Boolean),
    Column("posts", Boolean),
)
#: The voucher lines of a figure that posts, in the domain's order (``seq``).
FIGURE_LINES = temporary(
    "scratch_journal_figure_lines",
    Column("key_no", Integer, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("ledger_account_id", Integer),
    Column("account", String(20)),
    Column("posting_type", String(30)),
    Column("currency", String(3)),
    Column("amount_transaction", Amount()),
    Column("amount_accounting", Amount()),
    Column("exchange_rate", Price()),
    Column("dimensions", JSON),
    Column("tax_code", String(20)),
)
#: The chunk's lines, each with the figure it matched.
CHUNK = temporary(
    "scratch_journal_chunk",
    Column("line_id", Integer, primary_key=True),
    Column("actual_id", Integer),
    Column("key_no", Integer),
    Column("date", Date),
)
#: The chunk's voucher per date.
DAYS = temporary(
    "scratch_journal_days",
    Column("date", Date, primary_key=True),
    Column("voucher_id", Integer),
)
#: Import: the billing sales tax group per distinct (project, contract, customer) groups.
SALES_GROUPS = temporary(
    "scratch_journal_sales_groups",
    Column("project_group", String(20), primary_key=True),
    Column("contract_group", String(20), primary_key=True),
    Column("customer_group", String(20), primary_key=True),
    Column("chosen", String(20)),
)
#: Import: the billing item sales tax group per distinct (class, category, product) groups.
ITEM_GROUPS = temporary(
    "scratch_journal_item_groups",
    Column("transaction_class", String(20), primary_key=True),
    Column("category_group", String(20), primary_key=True),
    Column("product_group", String(20), primary_key=True),
    Column("chosen", String(20)),
)


def ready(session: Session, *tables: Table) -> None:
    """Make ``tables`` exist on this connection, empty."""
    for table in tables:
        session.execute(CreateTable(table, if_not_exists=True))
        session.execute(delete(table))


def fill(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` in multi-row statements (asked to return a key, SQLAlchemy batches
    them into multi-row ``VALUES`` on both databases)."""
    if rows:
        key = next(iter(table.primary_key.columns))
        session.execute(insert(table).returning(key), rows).all()


def analyze(session: Session, *tables: Table) -> None:
    """PostgreSQL: give the planner the filled tables' sizes (autovacuum never sees
    temporary tables, and a join planned for an empty table is a slow one)."""
    if session.get_bind().dialect.name == "postgresql":
        for table in tables:
            session.execute(text(f"ANALYZE {table.name}"))
