"""phones in one format: 0510 8272 0011 → 0510-82720011, +86 138 0013 8000 → 13800138000

Revision ID: c41f2a7d6e85
Revises: 80e405b7e3ab
Create Date: 2026-12-04 16:30:00

Phones are now stored in one form (domain/normalize.format_phone) so search, the duplicate check and
exports agree. Stored phones that the rule can read are rewritten to that form (the same number: the
duplicate keys, digits only, do not change); those it cannot read stay exactly as they are, and the
archive's edit form asks for them to be corrected at the next edit. No history entry is written: the
number is the same, only its spacing changes.
"""
import sqlalchemy as sa
from alembic import op

from domain.normalize import phone_or_as_is

revision = 'c41f2a7d6e85'
down_revision = '80e405b7e3ab'
branch_labels = None
depends_on = None

COLUMNS = {"customers": ("phone", "fax"), "contacts": ("mobile", "phone")}


def upgrade() -> None:
    connection = op.get_bind()
    for table, columns in COLUMNS.items():
        for column in columns:
            rows = connection.execute(sa.text(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL"))
            changes = [{"id": row_id, "value": phone_or_as_is(value)} for row_id, value in rows
                       if phone_or_as_is(value) != value]
            if changes:
                connection.execute(sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"), changes)


def downgrade() -> None:
    pass  # the same numbers, in a form the older version also accepts
