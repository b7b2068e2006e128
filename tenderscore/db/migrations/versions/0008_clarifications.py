"""clarification questions: questions, answers (corrections are new answers), changes that followed an answer

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 12:00:00

- ``tender.clarification_deadline`` (nullable: a draft has none until it is set or the tender is published); every
  tender already published gets the default (seven days before its deadline, or halfway between publication and
  the deadline when that is sooner: ``core.clarifications``), so its bidders may ask questions as on a new one.
- ``clarification``, ``clarification_answer`` and ``clarification_change`` are new tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tenderscore.core.clarifications import default_clarification_deadline
from tenderscore.db.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TENDER = sa.table(
    "tender",
    sa.column("id", sa.Integer()),
    sa.column("status", sa.String()),
    sa.column("deadline", UTCDateTime(timezone=True)),
    sa.column("published_at", UTCDateTime(timezone=True)),
    sa.column("clarification_deadline", UTCDateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clarification_deadline", UTCDateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    published = bind.execute(
        sa.select(_TENDER.c.id, _TENDER.c.deadline, _TENDER.c.published_at).where(
            _TENDER.c.status != "draft", _TENDER.c.published_at.is_not(None)
        )
    ).all()
    for tender_id, deadline, published_at in published:
        bind.execute(
            _TENDER.update()
            .where(_TENDER.c.id == tender_id)
            .values(clarification_deadline=default_clarification_deadline(published_at, deadline))
        )

    op.create_table(
        "clarification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("bidder_org_id", sa.Integer(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_question", sa.Text(), nullable=True),
        sa.Column("published_at", UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(published_at IS NULL) = (published_question IS NULL)",
            name=op.f("ck_clarification_published_has_wording"),
        ),
        sa.CheckConstraint(
            "published_at IS NULL OR answered_at IS NOT NULL", name=op.f("ck_clarification_published_is_answered")
        ),
        sa.CheckConstraint("length(trim(question)) > 0", name=op.f("ck_clarification_question_given")),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["user_account.id"], name=op.f("fk_clarification_asked_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["bidder_org_id"], ["organisation.id"], name=op.f("fk_clarification_bidder_org_id_organisation")
        ),
        sa.ForeignKeyConstraint(["tender_id"], ["tender.id"], name=op.f("fk_clarification_tender_id_tender")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clarification")),
    )
    with op.batch_alter_table("clarification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clarification_bidder_org_id"), ["bidder_org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_clarification_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "clarification_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clarification_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("audience", sa.String(length=8), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=False),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("audience IN ('asker', 'all')", name=op.f("ck_clarification_answer_audience_known")),
        sa.CheckConstraint("length(trim(answer)) > 0", name=op.f("ck_clarification_answer_answer_given")),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["user_account.id"], name=op.f("fk_clarification_answer_answered_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["clarification_id"],
            ["clarification.id"],
            name=op.f("fk_clarification_answer_clarification_id_clarification"),
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["clarification_answer.id"],
            name=op.f("fk_clarification_answer_corrects_id_clarification_answer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clarification_answer")),
        sa.UniqueConstraint("corrects_id", name=op.f("uq_clarification_answer_corrects_id")),
    )
    with op.batch_alter_table("clarification_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clarification_answer_clarification_id"), ["clarification_id"], unique=False
        )

    op.create_table(
        "clarification_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clarification_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("made_by_id", sa.Integer(), nullable=False),
        sa.Column("made_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clarification_id"],
            ["clarification.id"],
            name=op.f("fk_clarification_change_clarification_id_clarification"),
        ),
        sa.ForeignKeyConstraint(
            ["made_by_id"], ["user_account.id"], name=op.f("fk_clarification_change_made_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clarification_change")),
    )
    with op.batch_alter_table("clarification_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clarification_change_clarification_id"), ["clarification_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("clarification_change")
    op.drop_table("clarification_answer")
    op.drop_table("clarification")
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.drop_column("clarification_deadline")
