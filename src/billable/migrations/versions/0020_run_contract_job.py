"""each run date's contract records the job that did it

Revision ID: 0020_run_contract_job
Revises: 0013_identity
Create Date: 2026-12-02 13:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0020_run_contract_job'
down_revision = '0013_identity'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('invoice_run_contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_invoice_run_contracts_job_id_jobs'), 'jobs', ['job_id'], ['id']
        )
    # Rows recorded before: the job that opened their date is the best record of who did them.
    op.execute(
        "UPDATE invoice_run_contracts SET job_id = (SELECT r.job_id FROM invoice_runs r "
        "WHERE r.run_date = invoice_run_contracts.run_date)"
    )


def downgrade() -> None:
    with op.batch_alter_table('invoice_run_contracts', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_invoice_run_contracts_job_id_jobs'), type_='foreignkey'
        )
        batch_op.drop_column('job_id')
