"""board indexes: the board's columns and newest-first lists at 100k customers (bench/board_bench.py)

Revision ID: 1dea07815d7d
Revises: 69f02ff5f37c
Create Date: 2026-12-02 05:52:32.908851
"""
from alembic import op

revision = '1dea07815d7d'
down_revision = '69f02ff5f37c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain index operations (no batch): nothing here needs a table rebuild on SQLite.
    op.create_index('ix_customer_classes_scheme_value', 'customer_classes', ['scheme_id', 'value_id', 'customer_id'])
    op.create_index('ix_customers_updated_at', 'customers', ['updated_at'])
    # ~97 % of archives are active: the index never narrows a query, and SQLite chose it over updated_at.
    op.drop_index('ix_customers_is_active', table_name='customers')


def downgrade() -> None:
    op.create_index('ix_customers_is_active', 'customers', ['is_active'])
    op.drop_index('ix_customers_updated_at', table_name='customers')
    op.drop_index('ix_customer_classes_scheme_value', table_name='customer_classes')
