"""form submissions: one record per create form's submission

Revision ID: 7a1c3e5d9b20
Revises: 482e2cbb0d6d
Create Date: 2026-12-04 15:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '7a1c3e5d9b20'
down_revision = '482e2cbb0d6d'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'form_submissions',
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('token', name=op.f('pk_form_submissions')),
    )
    op.create_index(op.f('ix_form_submissions_at'), 'form_submissions', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_form_submissions_at'), table_name='form_submissions')
    op.drop_table('form_submissions')
