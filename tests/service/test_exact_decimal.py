"""Exact decimals in the database, on SQLite and PostgreSQL alike.

A scratch table with ``ExactDecimal(4)`` and ``ExactDecimal(6)`` columns is created on the
migrated test database for each test and dropped afterwards.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    Table,
    delete,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from billable.persistence.ledger import Actual
from billable.persistence.types import INT64_MAX, ExactDecimal

D = Decimal
#: The largest value a scale-4 column keeps: 2**63 - 1 units of 0.0001.
LARGEST_AT_SCALE_4 = D("922337203685477.5807")

_metadata = MetaData()
scratch = Table(
    "exact_decimal_scratch",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("q", ExactDecimal(4)),
    Column("p", ExactDecimal(6)),
)


@pytest.fixture
def table(engine: Engine) -> Iterator[Table]:
    """The scratch table on the test database, dropped after the test."""
    _metadata.create_all(engine)
    try:
        yield scratch
    finally:
        _metadata.drop_all(engine)


def _insert(engine: Engine, **values: Any) -> int:
    with engine.begin() as conn:
        key = conn.execute(insert(scratch).values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def _read(engine: Engine, row_id: int, column: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(scratch.c[column]).where(scratch.c.id == row_id)).scalar_one()


def _refused(engine: Engine, **values: Any) -> BaseException:
    """Insert ``values`` expecting a refusal; the table must stay unchanged."""
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(scratch)).scalar_one()
    with pytest.raises(StatementError) as refused:
        _insert(engine, **values)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(scratch)).scalar_one() == before
    assert refused.value.orig is not None
    return refused.value.orig


# --- round trips ----------------------------------------------------------------------


def test_the_largest_scale_4_value_round_trips_exactly(engine: Engine, table: Table) -> None:
    for value in (LARGEST_AT_SCALE_4, -LARGEST_AT_SCALE_4):
        row = _insert(engine, q=value)
        stored = _read(engine, row, "q")
        assert isinstance(stored, Decimal)
        assert stored == value
        assert str(stored) == str(value)


def test_values_come_back_with_the_columns_scale(engine: Engine, table: Table) -> None:
    row = _insert(engine, q=D("7.5"), p=D("250"))
    assert str(_read(engine, row, "q")) == "7.5000"
    assert str(_read(engine, row, "p")) == "250.000000"


def test_strings_and_integers_are_stored_as_exact_decimals(engine: Engine, table: Table) -> None:
    row = _insert(engine, q="0.1", p=3)
    assert _read(engine, row, "q") == D("0.1")
    assert _read(engine, row, "p") == D(3)


def test_null_stays_null(engine: Engine, table: Table) -> None:
    row = _insert(engine, q=None, p=None)
    assert _read(engine, row, "q") is None


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    q=st.decimals(min_value=-LARGEST_AT_SCALE_4, max_value=LARGEST_AT_SCALE_4, places=4),
    p=st.decimals(
        min_value=D("-9223372036854.775807"), max_value=D("9223372036854.775807"), places=6
    ),
)
def test_any_value_within_the_columns_bounds_round_trips_exactly(
    engine: Engine, table: Table, q: Decimal, p: Decimal
) -> None:
    row = _insert(engine, q=q, p=p)
    assert (_read(engine, row, "q"), _read(engine, row, "p")) == (q, p)


# --- sums in SQL ----------------------------------------------------------------------


def test_ten_tenths_sum_to_exactly_one_in_sql(engine: Engine, table: Table) -> None:
    assert sum([0.1] * 10) != 1.0  # what a float column would give
    with engine.begin() as conn:
        conn.execute(insert(scratch), [{"q": D("0.1"), "p": D("0.1")} for _ in range(10)])
    with engine.connect() as conn:
        total_q, total_p = conn.execute(select(func.sum(scratch.c.q), func.sum(scratch.c.p))).one()
    assert total_q == D("1")
    assert total_p == D("1")
    assert isinstance(total_q, Decimal)


def test_sql_sums_of_awkward_values_equal_pythons_decimal_sum(engine: Engine, table: Table) -> None:
    rng = random.Random(20260827)
    quantities = [
        D("0.1"), D("0.2"), D("0.3"), D("-0.0001"), D("0.0001"), D("1234567.8901"),
        D("-1234567.8901"), D("99999999999.9999"), D("0.3333"), D("0.6667"),
    ]  # fmt: skip
    quantities += [D(rng.randint(-(10**12), 10**12)).scaleb(-4) for _ in range(490)]
    prices = [D(rng.randint(-(10**9), 10**9)).scaleb(-6) for _ in quantities]
    with engine.begin() as conn:
        conn.execute(
            insert(scratch), [{"q": q, "p": p} for q, p in zip(quantities, prices, strict=True)]
        )
    with engine.connect() as conn:
        total_q, total_p = conn.execute(select(func.sum(scratch.c.q), func.sum(scratch.c.p))).one()
    assert total_q == sum(quantities, D(0))
    assert total_p == sum(prices, D(0))


def test_a_filter_on_an_exact_column_compares_exactly(engine: Engine, table: Table) -> None:
    _insert(engine, q=D("0.3"))
    _insert(engine, q=D("0.30001") - D("0.00001"))
    with engine.connect() as conn:
        found = conn.execute(
            select(func.count()).select_from(scratch).where(scratch.c.q == D("0.3"))
        ).scalar_one()
        above = conn.execute(
            select(func.count()).select_from(scratch).where(scratch.c.q > D("0.2999"))
        ).scalar_one()
    assert (found, above) == (2, 2)


# --- refusals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"), [("q", "0.00001"), ("q", "1.23456"), ("p", "0.0000001"), ("p", "-1E-7")]
)
def test_a_value_with_too_many_decimals_is_refused_not_rounded(
    engine: Engine, table: Table, column: str, value: str
) -> None:
    cause = _refused(engine, **{column: D(value)})
    assert isinstance(cause, ValueError)
    assert "decimal places" in str(cause)


def test_a_value_beyond_a_64_bit_scaled_integer_is_refused(engine: Engine, table: Table) -> None:
    cause = _refused(engine, q=D("12345678901234567.1234"))
    assert isinstance(cause, ValueError)
    assert "too large" in str(cause)


def test_one_unit_past_the_largest_value_is_refused(engine: Engine, table: Table) -> None:
    past = LARGEST_AT_SCALE_4 + D("0.0001")
    assert past.scaleb(4) == INT64_MAX + 1
    assert isinstance(_refused(engine, q=past), ValueError)
    assert isinstance(_refused(engine, q=-past), ValueError)


@pytest.mark.parametrize("value", [0.1, 1.0, 2.5])
def test_a_float_is_refused(engine: Engine, table: Table, value: float) -> None:
    cause = _refused(engine, q=value)
    assert isinstance(cause, TypeError)
    assert "float" in str(cause)


def test_a_value_with_more_digits_than_the_decimal_context_is_refused_not_rounded(
    engine: Engine, table: Table
) -> None:
    value = D("1.00000000000000000000000000001")
    assert len(value.as_tuple().digits) > 28
    cause = _refused(engine, q=value)
    assert isinstance(cause, ValueError)


# --- the real columns -----------------------------------------------------------------


def test_actual_amounts_quantities_and_prices_are_exact_columns() -> None:
    columns = Actual.__table__.c
    for name, scale in (("amount", 4), ("tax", 4), ("quantity", 4), ("price", 6)):
        column_type = columns[name].type
        assert isinstance(column_type, ExactDecimal), name
        assert column_type.scale == scale, name


def test_an_actual_amount_round_trips_through_the_orm(engine: Engine) -> None:
    with Session(engine) as session:
        actual = Actual(
            transaction_type="unbilled_sales",
            transaction_class="time",
            source_kind="entry",
            date=dt.date(2026, 8, 27),
            quantity=D("8.3333"),
            unit="hour",
            price=D("33.333333"),
            amount=D("277.78"),
            tax=D("27.7780"),
            currency="USD",
        )
        session.add(actual)
        session.commit()
        actual_id = actual.id
    with Session(engine) as session:
        stored = session.get(Actual, actual_id)
        assert stored is not None
        assert (stored.quantity, stored.price, stored.amount, stored.tax) == (
            D("8.3333"),
            D("33.333333"),
            D("277.78"),
            D("27.778"),
        )
        total = session.execute(
            select(func.sum(Actual.amount)).where(Actual.id == actual_id)
        ).scalar_one()
        assert total == D("277.78")
        session.execute(delete(Actual).where(Actual.id == actual_id))
        session.commit()


def test_an_actual_with_a_fraction_of_a_cent_too_many_is_refused_by_the_orm(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        session.add(
            Actual(
                transaction_type="unbilled_sales",
                transaction_class="time",
                source_kind="entry",
                date=dt.date(2026, 8, 27),
                quantity=D("1"),
                unit="hour",
                price=D("0.1234567"),
                amount=D("0.12"),
                tax=D("0"),
                currency="USD",
            )
        )
        with pytest.raises(StatementError) as refused:
            session.flush()
        assert isinstance(refused.value.orig, ValueError)
        session.rollback()
        assert session.execute(select(func.count()).select_from(Actual)).scalar_one() == 0


def test_the_stored_representation_keeps_the_exact_value(engine: Engine, table: Table) -> None:
    """On SQLite the column holds integer units; on PostgreSQL an exact NUMERIC."""
    row = _insert(engine, q=D("0.1"))
    with engine.connect() as conn:
        raw = conn.execute(
            text("SELECT q FROM exact_decimal_scratch WHERE id = :id"), {"id": row}
        ).scalar_one()
    if engine.dialect.name == "sqlite":
        assert raw == 1000
    else:
        assert raw == D("0.1")
