"""Lifecycle transitions as SQL: set-based writes move states by the domain's tables.

A set-based statement cannot call :meth:`Lifecycle.next_state` per row, so it asks the
table instead: :func:`allows` filters the rows an action may move, :func:`moved` is the
state each moves to. No state is spelled here; every name comes from the table.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case

from billable.domain.lifecycle import Lifecycle


def allows(lifecycle: Lifecycle, action: str, state: Any) -> ColumnElement[bool]:
    """Rows whose ``state`` column is one ``action`` is allowed from."""
    return state.in_(sorted(lifecycle.sources_of(action)))


def moved(lifecycle: Lifecycle, action: str, state: Any) -> ColumnElement[Any]:
    """The state ``action`` moves a row to, from the ``state`` it is in; pair it with
    :func:`allows` in the statement's filter, so no other row is touched."""
    targets = {
        source: lifecycle.target_of(action, source) for source in lifecycle.sources_of(action)
    }
    return case(targets, value=state, else_=state)
