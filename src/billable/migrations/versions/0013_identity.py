"""identity: users linked to a resource, tokens that expire or are revoked

Revision ID: 0013_identity
Revises: 0017_erpjournal
Create Date: 2026-12-01 21:40:00

A team member's entries are those of the resource the user is linked to; a token may
carry an expiry and a revocation time, and the API refuses it (401) after either.
"""

from alembic import op
import sqlalchemy as sa


revision = '0013_identity'
down_revision = '0017_erpjournal'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resource_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_users_resource_id_resources'), 'resources', ['resource_id'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_resource_id_resources'), type_='foreignkey')
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('resource_id')
