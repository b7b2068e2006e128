"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 15:15:48.140394

Every table of the domain, and the triggers that make the audit chain append-only.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tenderscore.db.types
from tenderscore.db.models.audit import POSTGRESQL_APPEND_ONLY, SQLITE_APPEND_ONLY

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("company_number", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("charity_number", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
        sa.Column("created_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('buyer', 'supplier', 'vcse')", name=op.f("ck_organisation_kind_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_name"), ["name"], unique=False)

    op.create_table(
        "vcse_register_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("charity_number", sa.String(length=12), nullable=True),
        sa.Column("company_number", sa.String(length=8), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("added_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "charity_number IS NOT NULL OR company_number IS NOT NULL",
            name=op.f("ck_vcse_register_entry_has_a_number"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vcse_register_entry")),
        sa.UniqueConstraint("charity_number", name=op.f("uq_vcse_register_entry_charity_number")),
        sa.UniqueConstraint("company_number", name=op.f("uq_vcse_register_entry_company_number")),
    )
    op.create_table(
        "policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commissioner_org_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("min_social_value_weight", tenderscore.db.types.ExactDecimal(length=64), nullable=False),
        sa.Column("mandatory_commitments", sa.JSON(), nullable=False),
        sa.Column("required_criteria", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["commissioner_org_id"],
            ["organisation.id"],
            name=op.f("fk_policy_commissioner_org_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy")),
    )
    with op.batch_alter_table("policy", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_policy_commissioner_org_id"), ["commissioner_org_id"], unique=False
        )

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("api_token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('commissioner', 'officer', 'evaluator', 'bidder')",
            name=op.f("ck_user_account_role_known"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_user_account_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("api_token_hash", name=op.f("uq_user_account_api_token_hash")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_account_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "tender",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("buyer_org_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("estimated_value", tenderscore.db.types.ExactDecimal(length=64), nullable=True),
        sa.Column("deadline", tenderscore.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("rubric", sa.JSON(), nullable=False),
        sa.Column("rubric_snapshot", sa.JSON(), nullable=True),
        sa.Column("rubric_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("policy_snapshot", sa.JSON(), nullable=True),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("opened_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("awarded_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status = 'draft' OR "
            "(rubric_snapshot IS NOT NULL AND rubric_hash IS NOT NULL AND published_at IS NOT NULL)",
            name=op.f("ck_tender_published_is_frozen"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'closed', 'evaluating', 'awarded')",
            name=op.f("ck_tender_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["buyer_org_id"], ["organisation.id"], name=op.f("fk_tender_buyer_org_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_tender_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["policy_id"], ["policy.id"], name=op.f("fk_tender_policy_id_policy")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender")),
        sa.UniqueConstraint("reference", name=op.f("uq_tender_reference")),
    )
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tender_buyer_org_id"), ["buyer_org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tender_policy_id"), ["policy_id"], unique=False)

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("entity_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.CheckConstraint(
            "length(hash) = 64 AND length(prev_hash) = 64", name=op.f("ck_audit_event_hashes_are_sha256")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_audit_event_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(["tender_id"], ["tender.id"], name=op.f("fk_audit_event_tender_id_tender")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_event_hash")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_audit_event_prev_hash")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "evaluator_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("declared_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("declaration", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["user_account.id"],
            name=op.f("fk_evaluator_assignment_assigned_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["evaluator_id"],
            ["user_account.id"],
            name=op.f("fk_evaluator_assignment_evaluator_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tender.id"], name=op.f("fk_evaluator_assignment_tender_id_tender")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluator_assignment")),
        sa.UniqueConstraint(
            "tender_id", "evaluator_id", name=op.f("uq_evaluator_assignment_tender_id_evaluator_id")
        ),
    )
    with op.batch_alter_table("evaluator_assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluator_assignment_evaluator_id"), ["evaluator_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evaluator_assignment_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("bidder_org_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("workbook", sa.LargeBinary(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("responses", sa.JSON(), nullable=False),
        sa.Column("received_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_submission_sha256_hex")),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_submission_size_not_negative")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_submission_version_positive")),
        sa.ForeignKeyConstraint(
            ["bidder_org_id"], ["organisation.id"], name=op.f("fk_submission_bidder_org_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["user_account.id"], name=op.f("fk_submission_submitted_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["tender_id"], ["tender.id"], name=op.f("fk_submission_tender_id_tender")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission")),
        sa.UniqueConstraint(
            "tender_id",
            "bidder_org_id",
            "version",
            name=op.f("uq_submission_tender_id_bidder_org_id_version"),
        ),
    )
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_bidder_org_id"), ["bidder_org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_submission_tender_id"), ["tender_id"], unique=False)
        batch_op.create_index(
            "uq_submission_one_current",
            ["tender_id", "bidder_org_id"],
            unique=True,
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        )

    op.create_table(
        "award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("awarded_by_id", sa.Integer(), nullable=False),
        sa.Column("awarded_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("evaluation", sa.JSON(), nullable=False),
        sa.CheckConstraint("length(trim(reason)) > 0", name=op.f("ck_award_reason_given")),
        sa.ForeignKeyConstraint(
            ["awarded_by_id"], ["user_account.id"], name=op.f("fk_award_awarded_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name=op.f("fk_award_submission_id_submission")
        ),
        sa.ForeignKeyConstraint(["tender_id"], ["tender.id"], name=op.f("fk_award_tender_id_tender")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award")),
        sa.UniqueConstraint("tender_id", name=op.f("uq_award_tender_id")),
    )
    op.create_table(
        "conflict_of_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("bidder_org_id", sa.Integer(), nullable=False),
        sa.Column("details", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["evaluator_assignment.id"],
            name=op.f("fk_conflict_of_interest_assignment_id_evaluator_assignment"),
        ),
        sa.ForeignKeyConstraint(
            ["bidder_org_id"],
            ["organisation.id"],
            name=op.f("fk_conflict_of_interest_bidder_org_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_of_interest")),
        sa.UniqueConstraint(
            "assignment_id", "bidder_org_id", name=op.f("uq_conflict_of_interest_assignment_id_bidder_org_id")
        ),
    )
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_of_interest_assignment_id"), ["assignment_id"], unique=False
        )

    op.create_table(
        "consensus_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(trim(reason)) > 0", name=op.f("ck_consensus_score_reason_given")),
        sa.CheckConstraint(
            "score >= 0 AND score <= scale_max AND scale_max >= 1",
            name=op.f("ck_consensus_score_score_in_scale"),
        ),
        sa.ForeignKeyConstraint(
            ["moderator_id"], ["user_account.id"], name=op.f("fk_consensus_score_moderator_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name=op.f("fk_consensus_score_submission_id_submission")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consensus_score")),
        sa.UniqueConstraint(
            "submission_id", "criterion_id", name=op.f("uq_consensus_score_submission_id_criterion_id")
        ),
    )
    with op.batch_alter_table("consensus_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consensus_score_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tenderscore.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(trim(reason)) > 0", name=op.f("ck_score_reason_given")),
        sa.CheckConstraint(
            "score >= 0 AND score <= scale_max AND scale_max >= 1", name=op.f("ck_score_score_in_scale")
        ),
        sa.ForeignKeyConstraint(
            ["evaluator_id"], ["user_account.id"], name=op.f("fk_score_evaluator_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name=op.f("fk_score_submission_id_submission")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score")),
        sa.UniqueConstraint(
            "submission_id",
            "criterion_id",
            "evaluator_id",
            name=op.f("uq_score_submission_id_criterion_id_evaluator_id"),
        ),
    )
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_evaluator_id"), ["evaluator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_submission_id"), ["submission_id"], unique=False)

    statements = SQLITE_APPEND_ONLY if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_APPEND_ONLY
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_submission_id"))
        batch_op.drop_index(batch_op.f("ix_score_evaluator_id"))

    op.drop_table("score")
    with op.batch_alter_table("consensus_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consensus_score_submission_id"))

    op.drop_table("consensus_score")
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_of_interest_assignment_id"))

    op.drop_table("conflict_of_interest")
    op.drop_table("award")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_submission_one_current",
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        )
        batch_op.drop_index(batch_op.f("ix_submission_tender_id"))
        batch_op.drop_index(batch_op.f("ix_submission_bidder_org_id"))

    op.drop_table("submission")
    with op.batch_alter_table("evaluator_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluator_assignment_tender_id"))
        batch_op.drop_index(batch_op.f("ix_evaluator_assignment_evaluator_id"))

    op.drop_table("evaluator_assignment")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_tender_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tender_policy_id"))
        batch_op.drop_index(batch_op.f("ix_tender_buyer_org_id"))

    op.drop_table("tender")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_organisation_id"))

    op.drop_table("user_account")
    with op.batch_alter_table("policy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_commissioner_org_id"))

    op.drop_table("policy")
    op.drop_table("vcse_register_entry")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_name"))

    op.drop_table("organisation")
