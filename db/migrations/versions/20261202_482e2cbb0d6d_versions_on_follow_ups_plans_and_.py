"""versions on follow-ups, plans and classes; soft delete; anonymised contacts

- ``version`` (optimistic locking) on follow_ups, visit_plans, class_values and class_schemes:
  existing rows start at 1.
- customers.deleted_at / deleted_reason: 删除 is a soft delete (who: in the archive's 历史).
- contacts.anonymised_at: 匿名化 on a person's request.
- audit_events.version: the archive version an edit produced (for the conflict message).
- A unique index on the 税号 key of live archives. Archives filed before this rule may share a
  税号 (the duplicate warning could be confirmed): the oldest keeps the key, the others get their
  key suffixed with ``#<id>`` so the index can be built. Their 税号 as typed is untouched, and the
  next edit of such an archive asks the user to correct the 税号 or delete the duplicate.

Revision ID: 482e2cbb0d6d
Revises: 260ca28dd1de
Create Date: 2026-12-02 12:36:39.689806
"""
import sqlalchemy as sa
from alembic import op

revision = '482e2cbb0d6d'
down_revision = '260ca28dd1de'
branch_labels = None
depends_on = None

LIVE_TAX = "deleted_at IS NULL AND tax_key <> ''"


def upgrade() -> None:
    for table in ("class_schemes", "class_values", "follow_ups", "visit_plans"):
        op.add_column(table, sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    op.add_column('contacts', sa.Column('anonymised_at', sa.DateTime(), nullable=True))
    op.add_column('audit_events', sa.Column('version', sa.Integer(), nullable=True))
    op.add_column('customers', sa.Column('deleted_at', sa.DateTime(), nullable=True))
    op.add_column('customers', sa.Column('deleted_reason', sa.Text(), nullable=True))
    # Earlier duplicates of a 税号: all but the oldest archive get a key no one else has (see above).
    op.execute(sa.text(
        "UPDATE customers SET tax_key = tax_key || '#' || CAST(id AS VARCHAR(20)) "
        "WHERE tax_key <> '' AND id > (SELECT MIN(c2.id) FROM customers c2 WHERE c2.tax_key = customers.tax_key)"))
    op.create_index('uq_customers_live_tax_key', 'customers', ['tax_key'], unique=True,
                    sqlite_where=sa.text(LIVE_TAX), postgresql_where=sa.text(LIVE_TAX))


def downgrade() -> None:
    op.drop_index('uq_customers_live_tax_key', table_name='customers')
    with op.batch_alter_table('customers') as batch_op:
        batch_op.drop_column('deleted_reason')
        batch_op.drop_column('deleted_at')
    with op.batch_alter_table('contacts') as batch_op:
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('audit_events') as batch_op:
        batch_op.drop_column('version')
    for table in ("visit_plans", "follow_ups", "class_values", "class_schemes"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('version')
