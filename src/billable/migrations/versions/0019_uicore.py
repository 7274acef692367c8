"""users sign in to the web UI with a password (argon2id hash)

Revision ID: 0019_uicore
Revises: 0012
Create Date: 2026-12-01 21:45:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0019_uicore'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_hash', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('password_hash')
