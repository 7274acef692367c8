"""each run date's contract records whether the run invoiced it

Revision ID: 0022_run_contract_invoiced
Revises: 0021_detail_kinds
Create Date: 2026-12-03 08:30:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0022_run_contract_invoiced'
down_revision = '0021_detail_kinds'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('invoice_run_contracts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('invoiced', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # Rows recorded before: an invoice still named was made by the run. A draft deleted
    # before this migration left no trace of having been made, so its row stays false.
    op.execute("UPDATE invoice_run_contracts SET invoiced = (invoice_id IS NOT NULL)")


def downgrade() -> None:
    with op.batch_alter_table('invoice_run_contracts', schema=None) as batch_op:
        batch_op.drop_column('invoiced')
