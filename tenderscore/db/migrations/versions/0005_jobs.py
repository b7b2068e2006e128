"""background jobs: long documents made outside the request, with their progress and result

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tenderscore.db.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=200), nullable=False),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("mimetype", sa.String(length=100), nullable=True),
        sa.Column("result", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('evaluation_report', 'score_matrix', 'all_summaries', 'issue_summaries')",
            name=op.f("ck_job_kind_known"),
        ),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_job_state_known")),
        sa.CheckConstraint("done >= 0 AND total >= 0 AND done <= total", name=op.f("ck_job_progress_in_range")),
        sa.ForeignKeyConstraint(["tender_id"], ["tender.id"], name=op.f("fk_job_tender_id_tender")),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["user_account.id"], name=op.f("fk_job_requested_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_requested_by_id"), ["requested_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_tender_id"), ["tender_id"], unique=False)


def downgrade() -> None:
    op.drop_table("job")
