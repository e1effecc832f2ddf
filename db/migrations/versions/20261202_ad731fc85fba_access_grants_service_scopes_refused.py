"""access grants (借阅), service scopes (what the admin lets customer service see), refused attempts

Revision ID: ad731fc85fba
Revises: b56e9e7823f0
Create Date: 2026-12-02 09:07:51.095934
"""
import sqlalchemy as sa
from alembic import op

revision = 'ad731fc85fba'
down_revision = 'b56e9e7823f0'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('refused_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('page', sa.String(length=60), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_refused_attempts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refused_attempts'))
    )
    op.create_index(op.f('ix_refused_attempts_at'), 'refused_attempts', ['at'], unique=False)

    op.create_table('service_scopes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['manager_id'], ['users.id'], name=op.f('fk_service_scopes_manager_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_service_scopes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_scopes'))
    )
    op.create_index(op.f('ix_service_scopes_user_id'), 'service_scopes', ['user_id'], unique=False)

    op.create_table('access_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_access_grants_customer_id_customers')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_access_grants_decided_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_access_grants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_grants'))
    )
    op.create_index(op.f('ix_access_grants_customer_id'), 'access_grants', ['customer_id'], unique=False)
    op.create_index('ix_access_grants_user_state', 'access_grants', ['user_id', 'state', 'until'], unique=False)

    # Customer service saw every archive before admins could grant scopes: existing service users keep
    # that (a scope with no manager); new ones see nothing until granted.
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('role', sa.String))
    scopes = sa.table('service_scopes', sa.column('user_id', sa.Integer), sa.column('manager_id', sa.Integer))
    op.execute(scopes.insert().from_select(['user_id', 'manager_id'],
                                           sa.select(users.c.id, sa.null()).where(users.c.role == 'service')))


def downgrade() -> None:
    with op.batch_alter_table('access_grants', schema=None) as batch_op:
        batch_op.drop_index('ix_access_grants_user_state')
        batch_op.drop_index(batch_op.f('ix_access_grants_customer_id'))

    op.drop_table('access_grants')
    with op.batch_alter_table('service_scopes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_scopes_user_id'))

    op.drop_table('service_scopes')
    with op.batch_alter_table('refused_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refused_attempts_at'))

    op.drop_table('refused_attempts')
    # ### end Alembic commands ###
