"""session epoch

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:00:00

``user_account.session_epoch``: every session carries the value it was issued with; sign-out, a password change
and deactivation raise it, which ends every session issued before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
