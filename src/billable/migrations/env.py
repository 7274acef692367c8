"""Alembic environment: runs on the connection handed in, or on the configured URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from billable.persistence.tables import Base

config = context.config
target_metadata = Base.metadata


def _ours(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Autogenerate ignores procrastinate's tables (migration 0003 owns them)."""
    return not (type_ == "table" and name is not None and name.startswith("procrastinate_"))


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        include_object=_ours,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)
