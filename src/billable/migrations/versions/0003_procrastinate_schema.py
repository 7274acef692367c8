"""procrastinate's job queue schema (PostgreSQL only)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:45:00

On PostgreSQL, background jobs go through procrastinate; its tables and functions are
created here so ``billable db upgrade`` is the one step that prepares a database. A
later procrastinate release with schema changes gets its own revision applying that
release's migration scripts. SQLite runs jobs in-process and needs none of this.
"""

from alembic import op
from procrastinate.schema import SchemaManager

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    exists = op.get_bind().exec_driver_sql(
        "SELECT to_regclass('procrastinate_jobs') IS NOT NULL"
    ).scalar()
    if not exists:
        op.execute(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, "
               "procrastinate_jobs, procrastinate_workers CASCADE")
