"""a run date's contract keeps the id of the invoice it made, deleted or not

Revision ID: 0022_run_contract_history
Revises: 0021_detail_kinds
Create Date: 2026-12-03 08:30:00.000000
"""

from alembic import op


revision = '0022_run_contract_history'
down_revision = '0021_detail_kinds'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('invoice_run_contracts', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_invoice_run_contracts_invoice_id_invoices'), type_='foreignkey'
        )


def downgrade() -> None:
    # The key needs every id to name an invoice: those deleted since read as skipped again.
    op.execute(
        "UPDATE invoice_run_contracts SET invoice_id = NULL WHERE invoice_id IS NOT NULL "
        "AND invoice_id NOT IN (SELECT id FROM invoices)"
    )
    with op.batch_alter_table('invoice_run_contracts', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_invoice_run_contracts_invoice_id_invoices'),
            'invoices',
            ['invoice_id'],
            ['id'],
        )
