"""Set-based status moves follow the lifecycle tables exactly."""

from __future__ import annotations

import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    select,
    update,
)

from billable.domain.errors import Conflict
from billable.domain.lifecycle import MILESTONE, PRODUCT_LINE, Lifecycle
from billable.persistence.transitions import allows, moved


@pytest.mark.parametrize(
    ("lifecycle", "action"),
    [
        (MILESTONE, "invoice"),
        (MILESTONE, "mark_ready"),
        (MILESTONE, "uninvoice"),
        (PRODUCT_LINE, "invoice"),
        (PRODUCT_LINE, "confirm"),
    ],
    ids=lambda value: value.name.replace(" ", "_") if isinstance(value, Lifecycle) else value,
)
def test_a_set_based_move_changes_exactly_the_rows_the_table_allows_and_as_it_says(
    lifecycle: Lifecycle, action: str
) -> None:
    rows = Table("rows", MetaData(), Column("id", Integer, primary_key=True), Column("s", String))
    engine = create_engine("sqlite://")
    rows.metadata.create_all(engine)
    states = sorted(lifecycle.states())
    with engine.begin() as conn:
        conn.execute(insert(rows), [{"s": state} for state in states])
        conn.execute(
            update(rows)
            .where(allows(lifecycle, action, rows.c.s))
            .values(s=moved(lifecycle, action, rows.c.s))
        )
        after = {row.id: row.s for row in conn.execute(select(rows.c.id, rows.c.s))}
    for row_id, before in enumerate(states, start=1):
        try:
            want = lifecycle.next_state(before, action)
        except Conflict:
            want = before  # not allowed: the row is left as it is
        assert after[row_id] == want, (before, action)
