"""The database's own floors, measured in the same run as the work they bound.

- :func:`copy_floor`: one unindexed ``INSERT ... SELECT`` copying every actual into a
  table as wide as the details: the least a run that writes one detail per actual costs.
- :func:`write_floor`: what confirmation's rules make it write, and nothing else: two
  rows per detail (the billed actual, the reversal of the unbilled one), each read from
  the detail and its backing actual, into a table with the actuals table's own indexes.

Both derive their column lists from the ORM tables, so a column added or removed
changes the floor with the schema instead of breaking it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from sqlalchemy import Engine, MetaData, Table, insert, literal, null, select
from sqlalchemy.orm import aliased

from billable.domain.vocabulary import ActualType, DetailSource
from billable.persistence.tables import Actual, InvoiceLineDetail

_ACTUALS: Table = Actual.__table__  # type: ignore[assignment]
_DETAILS: Table = InvoiceLineDetail.__table__  # type: ignore[assignment]


def _picks(columns: list[str], sources: Mapping[str, str], fallback: set[str]) -> str:
    """``a.<column>`` where the actual has it, ``sources`` where named, NULL otherwise."""
    return ", ".join(
        sources.get(name, f"a.{name}" if name in fallback else "NULL") for name in columns
    )


def copy_floor(engine: Engine) -> float:
    """Seconds to copy every actual into a table as wide as the details, in one statement."""
    columns = [c.name for c in _DETAILS.columns if c.name != "id"]
    sources = {
        "invoice_id": "a.contract_id",
        "invoice_line_id": "a.contract_line_id",
        "source": f"'{DetailSource.ACTUAL}'",  # a member of the vocabulary, as SQL text
        "actual_id": "a.id",
        "backing_quantity": "a.quantity",
        "extended_amount": "a.amount + a.tax",
    }
    picks = _picks(columns, sources, {c.name for c in _ACTUALS.columns})
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS floor_copy")
        conn.exec_driver_sql(
            "CREATE TABLE floor_copy AS SELECT * FROM invoice_line_details WHERE 1 = 0"
        )
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO floor_copy ({', '.join(columns)}) SELECT {picks} FROM actuals a"
        )
    elapsed = time.perf_counter() - started
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE floor_copy")
    return elapsed


def _indexed_copy_of_actuals() -> Table:
    """A table named ``floor_actuals`` with the actuals' columns, primary key and every
    one of its indexes (partial ones stay partial), renamed so that none clashes."""
    table = _ACTUALS.to_metadata(MetaData(), name="floor_actuals")
    for named in (*table.indexes, table.primary_key):
        assert isinstance(named.name, str)
        if "floor_actuals" not in named.name:
            named.name = named.name.replace("actuals", "floor_actuals", 1)  # type: ignore[assignment]
    return table


def write_floor(engine: Engine) -> float:
    """Seconds to write two rows per actual-backed detail into ``floor_actuals``."""
    target = _indexed_copy_of_actuals()
    names = [c.name for c in target.columns if c.name != "id"]
    detail, actual = _DETAILS.alias("d"), aliased(Actual, name="a")
    backed = detail.c.source == DetailSource.ACTUAL
    billed = {
        **{n: getattr(actual, n) for n in names},
        **{n: detail.c[n] for n in names if n in detail.c},
        "transaction_type": literal(ActualType.BILLED_SALES),
        "ready_to_invoice": literal(False),
        "reverses_actual_id": null(),
        "invoice_id": detail.c.invoice_id,
        "invoice_line_detail_id": detail.c.id,
    }
    reversal = {
        **{n: getattr(actual, n) for n in names},
        "quantity": -actual.quantity,
        "amount": -actual.amount,
        "tax": -actual.tax,
        "ready_to_invoice": literal(False),
        "reverses_actual_id": actual.id,
        "invoice_id": detail.c.invoice_id,
        "invoice_line_detail_id": detail.c.id,
    }
    joined = detail.join(actual, actual.id == detail.c.actual_id)
    with engine.begin() as conn:
        target.drop(conn, checkfirst=True)
        target.create(conn)
    started = time.perf_counter()
    with engine.begin() as conn:
        for values in (billed, reversal):
            rows = select(*(values[n] for n in names)).select_from(joined).where(backed)
            conn.execute(insert(target).from_select(names, rows))
    elapsed = time.perf_counter() - started
    with engine.begin() as conn:
        target.drop(conn)
    return elapsed
