"""expected deal date

Revision ID: 69f02ff5f37c
Revises: 9fe0c9ad4f29
Create Date: 2026-11-23 18:11:28.577364
"""
import sqlalchemy as sa
from alembic import op

revision = '69f02ff5f37c'
down_revision = '9fe0c9ad4f29'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain add_column, not batch: on SQLite a batch recreate of customers would drop the tables that
    # reference it. A nullable column without default is a cheap ALTER TABLE on both databases.
    op.add_column('customers', sa.Column('expected_deal_date', sa.Date(), nullable=True, comment='预计成交日期'))


def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('expected_deal_date')
