"""pending changes: sensitive fields wait for sign-off

Revision ID: 2fd75db0db05
Revises: ad731fc85fba
Create Date: 2026-12-02 09:17:01.224100
"""
import sqlalchemy as sa
from alembic import op

revision = '2fd75db0db05'
down_revision = 'ad731fc85fba'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pending_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('new_values', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_pending_changes_customer_id_customers')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_pending_changes_decided_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_pending_changes_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_changes'))
    )
    op.create_index('ix_pending_changes_customer_state', 'pending_changes', ['customer_id', 'state'], unique=False)
    op.create_index(op.f('ix_pending_changes_state'), 'pending_changes', ['state'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pending_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_changes_state'))
        batch_op.drop_index('ix_pending_changes_customer_state')

    op.drop_table('pending_changes')
