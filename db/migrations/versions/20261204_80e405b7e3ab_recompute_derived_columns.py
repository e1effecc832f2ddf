"""recompute derived columns: completeness and duplicate keys left stale by sign-off, 撤销导入 and added fields

Revision ID: 80e405b7e3ab
Revises: 7a1c3e5d9b20
Create Date: 2026-12-04 16:00:00
"""
from alembic import op

from db.derived import recompute_all

revision = '80e405b7e3ab'
down_revision = '7a1c3e5d9b20'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Sign-off approvals and undone imports did not refresh completeness, and fields added since an
    # archive was saved were not counted: every archive gets its percentage and keys from its fields.
    recompute_all(op.get_bind())


def downgrade() -> None:
    pass  # derived values only: the recomputed ones are as right for the older schema
