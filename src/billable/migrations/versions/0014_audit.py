"""audit trail, and who confirmed or posted

Revision ID: 0014_audit
Revises: 0019_uicore
Create Date: 2026-12-01 21:45:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0014_audit'
down_revision = '0019_uicore'
branch_labels = None
depends_on = None

#: The audit tables refuse every UPDATE and DELETE: append-only in the database itself.
AUDIT_TABLES = ('audit_events', 'audit_event_objects')
REFUSAL = 'the audit trail is append-only'


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_name', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    op.create_index(op.f('ix_audit_events_at'), 'audit_events', ['at'], unique=False)
    op.create_index(op.f('ix_audit_events_user_id'), 'audit_events', ['user_id'], unique=False)
    op.create_index(op.f('ix_audit_events_user_name'), 'audit_events', ['user_name'], unique=False)
    op.create_table('audit_event_objects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('object_kind', sa.String(length=60), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['audit_events.id'], name=op.f('fk_audit_event_objects_event_id_audit_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event_objects'))
    )
    op.create_index(op.f('ix_audit_event_objects_event_id'), 'audit_event_objects', ['event_id'], unique=False)
    op.create_index(op.f('ix_audit_event_objects_object_kind_object_id'), 'audit_event_objects', ['object_kind', 'object_id'], unique=False)
    op.add_column('invoices', sa.Column('confirmed_by', sa.String(length=100), nullable=True))
    op.add_column('integration_journals', sa.Column('posted_by', sa.String(length=100), nullable=True))
    op.add_column('invoice_proposals', sa.Column('posted_by', sa.String(length=100), nullable=True))
    op.add_column('vouchers', sa.Column('posted_at', sa.DateTime(), nullable=True))
    op.add_column('vouchers', sa.Column('posted_by', sa.String(length=100), nullable=True))
    _append_only()


def _append_only() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for table in AUDIT_TABLES:
            for verb in ('UPDATE', 'DELETE'):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
                )
        return
    op.execute(
        "CREATE FUNCTION billable_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$"
    )
    for table in AUDIT_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION billable_audit_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        for table in AUDIT_TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION billable_audit_append_only()")
    op.drop_column('vouchers', 'posted_by')
    op.drop_column('vouchers', 'posted_at')
    op.drop_column('invoice_proposals', 'posted_by')
    op.drop_column('integration_journals', 'posted_by')
    op.drop_column('invoices', 'confirmed_by')
    op.drop_index(op.f('ix_audit_event_objects_object_kind_object_id'), table_name='audit_event_objects')
    op.drop_index(op.f('ix_audit_event_objects_event_id'), table_name='audit_event_objects')
    op.drop_table('audit_event_objects')
    op.drop_index(op.f('ix_audit_events_user_name'), table_name='audit_events')
    op.drop_index(op.f('ix_audit_events_user_id'), table_name='audit_events')
    op.drop_index(op.f('ix_audit_events_at'), table_name='audit_events')
    op.drop_table('audit_events')
