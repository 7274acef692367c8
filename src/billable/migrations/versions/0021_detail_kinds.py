"""details of a kind other than an actual, indexed by invoice

Revision ID: 0021_detail_kinds
Revises: 0020_run_contract_job
Create Date: 2026-12-03 08:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0021_detail_kinds'
down_revision = '0020_run_contract_job'
branch_labels = None
depends_on = None

# The detail source 'actual' (DetailSource.ACTUAL), as the index condition spells it.
_NOT_AN_ACTUAL = sa.text("source <> 'actual'")


def upgrade() -> None:
    op.create_index(
        'ix_invoice_line_details_other_kinds',
        'invoice_line_details',
        ['invoice_id', 'source'],
        unique=False,
        postgresql_where=_NOT_AN_ACTUAL,
        sqlite_where=_NOT_AN_ACTUAL,
    )


def downgrade() -> None:
    op.drop_index('ix_invoice_line_details_other_kinds', table_name='invoice_line_details')
