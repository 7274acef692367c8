"""The read side's values: snapshots that cannot query or be changed, and pages that
continue where the last one stopped."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, insert

from billable.domain.errors import Invalid
from billable.persistence.tables import Role
from billable.views import masterdata as views
from billable.views.pagination import decode_cursor, encode_cursor
from billable.views.records import Record


def _roles(engine: Engine, count: int) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Role), [{"name": f"Role {i:03}"} for i in range(count)])


def test_a_record_is_read_only_and_outlives_its_session(engine: Engine, uow_factory: Any) -> None:
    _roles(engine, 1)
    with uow_factory() as uow:
        [role] = views.rows(uow.session, "role", 10, None).items
    assert isinstance(role, Record)
    assert role.name == "Role 000"  # read after the session closed: nothing left to load
    with pytest.raises(AttributeError):
        role.name = "Changed"


def test_pages_follow_one_another_by_id_until_the_last_has_no_cursor(
    engine: Engine, uow_factory: Any
) -> None:
    _roles(engine, 7)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        with uow_factory() as uow:
            found = views.rows(uow.session, "role", 3, cursor)
        seen += [row.name for row in found.items]
        pages += 1
        if found.next_cursor is None:
            break
        cursor = found.next_cursor
    assert pages == 3
    assert seen == [f"Role {i:03}" for i in range(7)]


def test_a_cursor_round_trips_and_a_forged_one_is_refused_on_its_field() -> None:
    assert decode_cursor(encode_cursor(41)) == 41
    with pytest.raises(Invalid) as refused:
        decode_cursor("not-a-cursor")
    assert [e.field for e in refused.value.errors] == ["cursor"]


def test_a_page_size_out_of_range_is_refused_before_any_query(uow_factory: Any) -> None:
    with uow_factory() as uow, pytest.raises(Invalid) as refused:
        views.rows(uow.session, "role", 501, None)
    assert [e.field for e in refused.value.errors] == ["limit"]
