"""customer documents

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 18:40:00.000000
"""

from alembic import op
import sqlalchemy as sa
import billable.persistence.types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def _amount() -> billable.persistence.types.ExactDecimal:
    return billable.persistence.types.ExactDecimal(4)


def upgrade() -> None:
    op.create_table('payment_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('net_days', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_terms')),
    sa.UniqueConstraint('code', name=op.f('uq_payment_terms_code'))
    )
    with op.batch_alter_table('legal_entities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('address_street', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('address_city', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('address_postal_code', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('address_country', sa.String(length=2), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('vat_id', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('company_id', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('iban', sa.String(length=34), nullable=True))
        batch_op.add_column(sa.Column('bic', sa.String(length=11), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('endpoint_scheme', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('endpoint_id', sa.String(length=100), nullable=True))
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('billing_email', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('endpoint_scheme', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('endpoint_id', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=False, server_default='en'))
        batch_op.add_column(sa.Column('payment_terms_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_customers_payment_terms_id_payment_terms'), 'payment_terms', ['payment_terms_id'], ['id'])
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_terms_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_contracts_payment_terms_id_payment_terms'), 'payment_terms', ['payment_terms_id'], ['id'])
    with op.batch_alter_table('tax_codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vat_category', sa.String(length=2), nullable=False, server_default='S'))
        batch_op.add_column(sa.Column('exemption_reason', sa.String(length=200), nullable=True))
    # The server defaults only fill the rows that exist; the ORM sets every new row's.
    for table, columns in (
        ('legal_entities', ('address_street', 'address_city', 'address_postal_code', 'address_country')),
        ('customers', ('language',)),
        ('tax_codes', ('vat_category',)),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, server_default=None)

    op.create_table('customer_invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('legal_entity_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('proforma_number', sa.String(length=30), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('payment_terms', sa.JSON(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('seller', sa.JSON(), nullable=False),
    sa.Column('buyer', sa.JSON(), nullable=False),
    sa.Column('corrects_customer_invoice_id', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('tax_breakdown', sa.JSON(), nullable=False),
    sa.Column('total_net', _amount(), nullable=False),
    sa.Column('total_tax', _amount(), nullable=False),
    sa.Column('total_amount', _amount(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('footer_text', sa.String(length=2000), nullable=False),
    sa.Column('report_format', sa.String(length=40), nullable=False),
    sa.Column('print_html', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_customer_invoices_contract_id_contracts')),
    sa.ForeignKeyConstraint(['corrects_customer_invoice_id'], ['customer_invoices.id'], name=op.f('fk_customer_invoices_corrects_customer_invoice_id_customer_invoices')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_invoices_customer_id_customers')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_customer_invoices_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['legal_entity_id'], ['legal_entities.id'], name=op.f('fk_customer_invoices_legal_entity_id_legal_entities')),
    sa.ForeignKeyConstraint(['proposal_id'], ['invoice_proposals.id'], name=op.f('fk_customer_invoices_proposal_id_invoice_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_invoices')),
    sa.UniqueConstraint('legal_entity_id', 'sequence', name=op.f('uq_customer_invoices_legal_entity_id_sequence')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_customer_invoices_proposal_id'))
    )
    with op.batch_alter_table('customer_invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_invoices_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_invoices_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_invoices_issue_date'), ['issue_date'], unique=False)

    op.create_table('customer_invoice_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_invoice_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['customer_invoice_id'], ['customer_invoices.id'], name=op.f('fk_customer_invoice_documents_customer_invoice_id_customer_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_invoice_documents')),
    sa.UniqueConstraint('customer_invoice_id', 'format', name=op.f('uq_customer_invoice_documents_customer_invoice_id_format'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_invoice_id', sa.Integer(), nullable=False),
    sa.Column('destination', sa.String(length=10), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=2000), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('sending_since', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['customer_invoice_id'], ['customer_invoices.id'], name=op.f('fk_outbox_customer_invoice_id_customer_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_idempotency_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_customer_invoice_id'), ['customer_invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_status'), ['status'], unique=False)


def downgrade() -> None:
    op.drop_table('outbox')
    op.drop_table('customer_invoice_documents')
    op.drop_table('customer_invoices')
    with op.batch_alter_table('tax_codes', schema=None) as batch_op:
        batch_op.drop_column('exemption_reason')
        batch_op.drop_column('vat_category')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contracts_payment_terms_id_payment_terms'), type_='foreignkey')
        batch_op.drop_column('payment_terms_id')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_customers_payment_terms_id_payment_terms'), type_='foreignkey')
        for column in ('payment_terms_id', 'language', 'endpoint_id', 'endpoint_scheme', 'billing_email'):
            batch_op.drop_column(column)
    with op.batch_alter_table('legal_entities', schema=None) as batch_op:
        for column in ('endpoint_id', 'endpoint_scheme', 'email', 'bic', 'iban', 'company_id', 'vat_id',
                       'address_country', 'address_postal_code', 'address_city', 'address_street',
                       'registered_name'):
            batch_op.drop_column(column)
    op.drop_table('payment_terms')
