"""the award path of the Procurement Act: summaries, notices, standstill, challenges, contracts, OCDS releases

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 06:00:00

- ``award`` records when the assessment summaries were sent, when the contract award notice was published and
  when its standstill ends, or its withdrawal (with a reason). One *live* award per tender replaces one award per
  tender, so that a withdrawn decision stays on record beside the one that replaced it.
- ``award_challenge``: challenges to an award (while one is open, the contract is not entered into).
- ``contract`` with its ``contract_kpi`` and the winning bid's ``contract_commitment``.
- ``issued_document``: every summary, letter and notice as issued, byte for byte.
- ``ocds_release``: every OCDS release as published, as JSON text.
- ``organisation.nation`` (a buyer's bank holidays) and ``organisation.sme``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tenderscore.db.types import ExactDecimal, UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

KINDS = "kind IN ('assessment_summary', 'award_notice', 'standstill_letter', 'contract_notice')"


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def _index(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    # Plain ADD COLUMNs: a CHECK here would make SQLite rebuild the table every other table refers to (the nation
    # is checked where it is set, Nation(...)).
    op.add_column("organisation", sa.Column("nation", sa.String(length=20), nullable=True))
    op.add_column("organisation", sa.Column("sme", sa.Boolean(), nullable=True))

    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summaries_sent_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("notice_published_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("standstill_ends_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("withdrawal_reason", sa.String(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_award_withdrawn_by_id_user_account"), "user_account", ["withdrawn_by_id"], ["id"]
        )
        batch_op.drop_constraint("uq_award_tender_id", type_="unique")
        batch_op.create_check_constraint(
            "summaries_first", "notice_published_at IS NULL OR summaries_sent_at IS NOT NULL"
        )
        batch_op.create_check_constraint(
            "notice_starts_standstill", "(notice_published_at IS NULL) = (standstill_ends_at IS NULL)"
        )
        batch_op.create_check_constraint(
            "withdrawal_has_reason", "(withdrawn_at IS NULL) = (withdrawal_reason IS NULL)"
        )
    op.create_index(
        "uq_award_one_live",
        "award",
        ["tender_id"],
        unique=True,
        sqlite_where=sa.text("withdrawn_at IS NULL"),
        postgresql_where=sa.text("withdrawn_at IS NULL"),
    )

    op.create_table(
        "award_challenge",
        _id(),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("details", sa.String(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(), nullable=True),
        sa.CheckConstraint("length(trim(details)) > 0", name=op.f("ck_award_challenge_details_given")),
        sa.CheckConstraint(
            "(resolved_at IS NULL) = (resolution IS NULL)", name=op.f("ck_award_challenge_resolution_given")
        ),
        _fk("award_challenge", "award_id", "award"),
        _fk("award_challenge", "recorded_by_id", "user_account"),
        _fk("award_challenge", "resolved_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_challenge")),
    )
    _index("award_challenge", "award_id")

    op.create_table(
        "contract",
        _id(),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("supplier_org_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("value", ExactDecimal(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("no_kpis_reason", sa.String(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("notice_published_at", UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("starts_on <= ends_on", name=op.f("ck_contract_period_in_order")),
        _fk("contract", "tender_id", "tender"),
        _fk("contract", "award_id", "award"),
        _fk("contract", "supplier_org_id", "organisation"),
        _fk("contract", "recorded_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract")),
        sa.UniqueConstraint("award_id", name=op.f("uq_contract_award_id")),
    )
    _index("contract", "tender_id")

    op.create_table(
        "contract_kpi",
        _id(),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=50), nullable=False),
        _fk("contract_kpi", "contract_id", "contract"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_kpi")),
        sa.UniqueConstraint("contract_id", "position", name=op.f("uq_contract_kpi_contract_id_position")),
    )
    _index("contract_kpi", "contract_id")

    op.create_table(
        "contract_commitment",
        _id(),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("value", ExactDecimal(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        _fk("contract_commitment", "contract_id", "contract"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_commitment")),
        sa.UniqueConstraint(
            "contract_id", "criterion_id", name=op.f("uq_contract_commitment_contract_id_criterion_id")
        ),
    )
    _index("contract_commitment", "contract_id")

    op.create_table(
        "issued_document",
        _id(),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("bidder_org_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(KINDS, name=op.f("ck_issued_document_kind_known")),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_issued_document_sha256_hex")),
        _fk("issued_document", "tender_id", "tender"),
        _fk("issued_document", "award_id", "award"),
        _fk("issued_document", "submission_id", "submission"),
        _fk("issued_document", "bidder_org_id", "organisation"),
        _fk("issued_document", "issued_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_document")),
    )
    _index("issued_document", "award_id", "bidder_org_id", "tender_id")

    op.create_table(
        "ocds_release",
        _id(),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.String(length=200), nullable=False),
        sa.Column("tag", sa.String(length=30), nullable=False),
        sa.Column("released_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        _fk("ocds_release", "tender_id", "tender"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ocds_release")),
        sa.UniqueConstraint("release_id", name=op.f("uq_ocds_release_release_id")),
    )
    _index("ocds_release", "tender_id")


def downgrade() -> None:
    for table in ("ocds_release", "issued_document", "contract_commitment", "contract_kpi", "contract",
                  "award_challenge"):  # fmt: skip
        op.drop_table(table)
    op.drop_index("uq_award_one_live", table_name="award")
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_constraint("withdrawal_has_reason", type_="check")
        batch_op.drop_constraint("notice_starts_standstill", type_="check")
        batch_op.drop_constraint("summaries_first", type_="check")
        batch_op.create_unique_constraint("uq_award_tender_id", ["tender_id"])
        batch_op.drop_constraint("fk_award_withdrawn_by_id_user_account", type_="foreignkey")
        for column in ("withdrawal_reason", "withdrawn_by_id", "withdrawn_at", "standstill_ends_at",
                       "notice_published_at", "summaries_sent_at"):  # fmt: skip
            batch_op.drop_column(column)
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("sme")
        batch_op.drop_column("nation")
