"""voucher lines name their posted transaction; journal lines by journal and date

Revision ID: 0017_erpjournal
Revises: 0014_audit
Create Date: 2026-12-01 22:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0017_erpjournal'
down_revision = '0014_audit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('voucher_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('posted_transaction_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('integration_journal_lines', schema=None) as batch_op:
        batch_op.create_index(
            'ix_integration_journal_lines_journal_date', ['journal_id', 'date'], unique=False
        )
    # Vouchers written before this revision hold one posted transaction each: the
    # transaction whose voucher it is, or (an adjustment's reversal) the one its source
    # names.
    op.execute(
        "UPDATE voucher_lines SET posted_transaction_id = pt.id "
        "FROM posted_transactions AS pt WHERE pt.voucher_id = voucher_lines.voucher_id"
    )
    op.execute(
        "UPDATE voucher_lines SET posted_transaction_id = CAST(v.source_id AS INTEGER) "
        "FROM vouchers AS v WHERE v.id = voucher_lines.voucher_id "
        "AND v.source_type = 'adjust_accounting' "
        "AND voucher_lines.posted_transaction_id IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table('integration_journal_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_integration_journal_lines_journal_date')
    with op.batch_alter_table('voucher_lines', schema=None) as batch_op:
        batch_op.drop_column('posted_transaction_id')
