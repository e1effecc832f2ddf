"""公海: customers.owner_since, class_values.pool_days, pool_events

Existing owned customers get owner_since = the upgrade day, so the pool's clock starts now and no
customer leaves its owner on the first sweep after an upgrade. 重点客户 and A 战略合作 return after
30 untended days (domain/pool.DEFAULT_CLASS_DAYS); other classes use the default.

Revision ID: b56e9e7823f0
Revises: 5140765699f4
Create Date: 2026-12-02 09:02:58.758190
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = 'b56e9e7823f0'
down_revision = '5140765699f4'
branch_labels = None
depends_on = None

CLASS_DAYS = {("importance", "key"): 30, ("value", "A"): 30}  # copied: a migration never imports app code


def upgrade() -> None:
    op.create_table('pool_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_pool_events_customer_id_customers')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pool_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_events'))
    )
    op.create_index('ix_pool_events_customer_user', 'pool_events', ['customer_id', 'user_id'], unique=False)
    op.create_index('ix_pool_events_user_action_day', 'pool_events', ['user_id', 'action', 'day'], unique=False)
    op.add_column('class_values', sa.Column('pool_days', sa.Integer(), nullable=True))
    op.add_column('customers', sa.Column('owner_since', sa.Date(), nullable=True))

    customers = sa.table('customers', sa.column('owner_id', sa.Integer), sa.column('owner_since', sa.Date))
    op.execute(customers.update().where(customers.c.owner_id.isnot(None)).values(owner_since=dt.date.today()))
    schemes = sa.table('class_schemes', sa.column('id', sa.Integer), sa.column('code', sa.String))
    values = sa.table('class_values', sa.column('scheme_id', sa.Integer), sa.column('code', sa.String),
                      sa.column('pool_days', sa.Integer))
    for (scheme, code), days in CLASS_DAYS.items():
        scheme_id = sa.select(schemes.c.id).where(schemes.c.code == scheme).scalar_subquery()
        op.execute(values.update().where(values.c.scheme_id == scheme_id, values.c.code == code)
                   .values(pool_days=days))


def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('owner_since')
    with op.batch_alter_table('class_values', schema=None) as batch_op:
        batch_op.drop_column('pool_days')
    op.drop_index('ix_pool_events_user_action_day', table_name='pool_events')
    op.drop_index('ix_pool_events_customer_user', table_name='pool_events')
    op.drop_table('pool_events')
