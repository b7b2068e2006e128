"""a working day: deleted drafts, finished scoring, one policy name per commissioner

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 03:00:00

- ``tender.deleted_at``: a draft the officer deleted is hidden but kept (the audit chain refers to it).
- ``scoring_completion``: an evaluator marks a bid as finished; until then their scores are a draft.
- a unique index on ``policy (commissioner_org_id, name)``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tenderscore.db.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "scoring_completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=False),
        sa.Column("completed_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluator_id"], ["user_account.id"], name=op.f("fk_scoring_completion_evaluator_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name=op.f("fk_scoring_completion_submission_id_submission")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_completion")),
        sa.UniqueConstraint(
            "submission_id", "evaluator_id", name=op.f("uq_scoring_completion_submission_id_evaluator_id")
        ),
    )
    with op.batch_alter_table("scoring_completion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scoring_completion_evaluator_id"), ["evaluator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scoring_completion_submission_id"), ["submission_id"], unique=False)
    op.create_index("uq_policy_commissioner_org_id_name", "policy", ["commissioner_org_id", "name"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_policy_commissioner_org_id_name", table_name="policy")
    op.drop_table("scoring_completion")
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
