"""delivery: KPIs measurable and varied on the record, delivery returns with partners' spend, ratings, notices

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:30:00

- ``contract`` gains its reporting cycle (``return_months``, quarterly for existing contracts) and the rating rule
  published with it (``rating_rule``, ``{}``: the default rule of core.performance.RatingRule).
- ``contract_kpi`` gains a numeric target, direction, basis, evidence expected, the commitment it came from and
  ``withdrawn_at``; a KPI whose target text is a plain number gets it as ``target_value``, the rest stay unrated
  (Other) until the officer varies them.
- ``kpi_variation``, ``delivery_return``, ``return_figure``, ``return_spend``, ``kpi_rating`` and
  ``performance_notice`` are new; ``issued_document.kind`` admits ``performance_notice``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from alembic import op

from tenderscore.db.types import ExactDecimal, UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

KINDS = "kind IN ('assessment_summary', 'award_notice', 'standstill_letter', 'contract_notice'%s)"


def upgrade() -> None:
    with op.batch_alter_table("issued_document", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_issued_document_kind_known"), type_="check")
        batch_op.create_check_constraint("kind_known", KINDS % ", 'performance_notice'")
    op.create_table(
        "delivery_return",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("contract_spend", ExactDecimal(length=64), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("workbook", sa.LargeBinary(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.CheckConstraint("source IN ('page', 'api', 'workbook')", name=op.f("ck_delivery_return_source_known")),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"], name=op.f("fk_delivery_return_contract_id_contract")),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["user_account.id"], name=op.f("fk_delivery_return_submitted_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_return")),
        sa.UniqueConstraint(
            "contract_id", "period", "version", name=op.f("uq_delivery_return_contract_id_period_version")
        ),
    )
    with op.batch_alter_table("delivery_return", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_return_contract_id"), ["contract_id"], unique=False)

    op.create_table(
        "performance_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("first_period", sa.Integer(), nullable=False),
        sa.Column("last_period", sa.Integer(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("overall", sa.String(length=30), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("release_id", sa.String(length=200), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=False),
        sa.Column("published_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "overall IN ('good', 'approaching_target', 'requires_improvement', 'inadequate', 'other')",
            name=op.f("ck_performance_notice_overall_known"),
        ),
        sa.CheckConstraint("first_period <= last_period", name=op.f("ck_performance_notice_periods_in_order")),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_performance_notice_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["issued_document.id"], name=op.f("fk_performance_notice_document_id_issued_document")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["user_account.id"], name=op.f("fk_performance_notice_published_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_performance_notice")),
        sa.UniqueConstraint("contract_id", "number", name=op.f("uq_performance_notice_contract_id_number")),
    )
    with op.batch_alter_table("performance_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_performance_notice_contract_id"), ["contract_id"], unique=False)

    op.create_table(
        "kpi_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=True),
        sa.Column("delivered", ExactDecimal(length=64), nullable=True),
        sa.Column("computed", sa.String(length=30), nullable=False),
        sa.Column("rating", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("rated_by_id", sa.Integer(), nullable=False),
        sa.Column("rated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "computed IN ('good', 'approaching_target', 'requires_improvement', 'inadequate', 'other')",
            name=op.f("ck_kpi_rating_computed_known"),
        ),
        sa.CheckConstraint(
            "rating IN ('good', 'approaching_target', 'requires_improvement', 'inadequate', 'other')",
            name=op.f("ck_kpi_rating_rating_known"),
        ),
        sa.CheckConstraint(
            "rating = computed OR length(trim(reason)) > 0", name=op.f("ck_kpi_rating_judgement_reasoned")
        ),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"], name=op.f("fk_kpi_rating_contract_id_contract")),
        sa.ForeignKeyConstraint(["kpi_id"], ["contract_kpi.id"], name=op.f("fk_kpi_rating_kpi_id_contract_kpi")),
        sa.ForeignKeyConstraint(
            ["rated_by_id"], ["user_account.id"], name=op.f("fk_kpi_rating_rated_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["return_id"], ["delivery_return.id"], name=op.f("fk_kpi_rating_return_id_delivery_return")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_rating")),
    )
    with op.batch_alter_table("kpi_rating", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kpi_rating_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kpi_rating_kpi_id"), ["kpi_id"], unique=False)

    op.create_table(
        "kpi_variation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("varied_by_id", sa.Integer(), nullable=False),
        sa.Column("varied_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(trim(reason)) > 0", name=op.f("ck_kpi_variation_reason_given")),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"], name=op.f("fk_kpi_variation_contract_id_contract")),
        sa.ForeignKeyConstraint(["kpi_id"], ["contract_kpi.id"], name=op.f("fk_kpi_variation_kpi_id_contract_kpi")),
        sa.ForeignKeyConstraint(
            ["varied_by_id"], ["user_account.id"], name=op.f("fk_kpi_variation_varied_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_variation")),
    )
    with op.batch_alter_table("kpi_variation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kpi_variation_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kpi_variation_kpi_id"), ["kpi_id"], unique=False)

    op.create_table(
        "return_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("value", ExactDecimal(length=64), nullable=True),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["kpi_id"], ["contract_kpi.id"], name=op.f("fk_return_figure_kpi_id_contract_kpi")),
        sa.ForeignKeyConstraint(
            ["return_id"], ["delivery_return.id"], name=op.f("fk_return_figure_return_id_delivery_return")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_figure")),
        sa.UniqueConstraint("return_id", "kpi_id", name=op.f("uq_return_figure_return_id_kpi_id")),
    )
    with op.batch_alter_table("return_figure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_return_figure_kpi_id"), ["kpi_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_return_figure_return_id"), ["return_id"], unique=False)

    op.create_table(
        "return_spend",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("identifier", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("amount", ExactDecimal(length=64), nullable=False),
        sa.Column("confirmation", sa.String(length=20), nullable=False),
        sa.Column("answer_reason", sa.Text(), server_default="", nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "confirmation != 'refused' OR length(trim(answer_reason)) > 0", name=op.f("ck_return_spend_refusal_reason")
        ),
        sa.CheckConstraint(
            "confirmation IN ('awaiting', 'confirmed', 'refused', 'not_asked')",
            name=op.f("ck_return_spend_confirmation_known"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["user_account.id"], name=op.f("fk_return_spend_answered_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["return_id"], ["delivery_return.id"], name=op.f("fk_return_spend_return_id_delivery_return")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_spend")),
        sa.UniqueConstraint("return_id", "identifier", name=op.f("uq_return_spend_return_id_identifier")),
        sa.UniqueConstraint("return_id", "line", name=op.f("uq_return_spend_return_id_line")),
    )
    with op.batch_alter_table("return_spend", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_return_spend_identifier"), ["identifier"], unique=False)
        batch_op.create_index(batch_op.f("ix_return_spend_return_id"), ["return_id"], unique=False)

    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.add_column(sa.Column("return_months", sa.Integer(), server_default="3", nullable=False))
        batch_op.add_column(sa.Column("rating_rule", sa.Text(), server_default="{}", nullable=False))

    with op.batch_alter_table("contract_kpi", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_value", ExactDecimal(length=64), nullable=True))
        batch_op.add_column(sa.Column("direction", sa.String(length=10), server_default="at_least", nullable=False))
        batch_op.add_column(sa.Column("basis", sa.String(length=20), server_default="figure", nullable=False))
        batch_op.add_column(sa.Column("evidence", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("criterion_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", UTCDateTime(timezone=True), nullable=True))

    _numeric_targets()


def _numeric_targets() -> None:
    """A KPI whose target was typed as a plain number (``12``, ``95.5``) is measurable as it stands."""
    kpi = sa.table("contract_kpi", sa.column("id", sa.Integer), sa.column("target", sa.String),
                   sa.column("target_value", ExactDecimal()))  # fmt: skip
    connection = op.get_bind()
    for row in connection.execute(sa.select(kpi.c.id, kpi.c.target)).all():
        text = (row.target or "").strip().replace(",", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            continue
        if value.is_finite() and value >= 0:
            connection.execute(kpi.update().where(kpi.c.id == row.id).values(target_value=value))


def downgrade() -> None:
    for table in ("performance_notice", "kpi_rating", "return_spend", "return_figure", "kpi_variation",
                  "delivery_return"):  # fmt: skip
        op.drop_table(table)
    with op.batch_alter_table("contract_kpi", schema=None) as batch_op:
        for column in ("withdrawn_at", "criterion_id", "evidence", "basis", "direction", "target_value"):
            batch_op.drop_column(column)
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_column("rating_rule")
        batch_op.drop_column("return_months")
    op.execute("DELETE FROM issued_document WHERE kind = 'performance_notice'")
    with op.batch_alter_table("issued_document", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_issued_document_kind_known"), type_="check")
        batch_op.create_check_constraint("kind_known", KINDS % "")
