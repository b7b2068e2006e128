"""the VCSE register: organisation identifiers, register entries, verifications, partners' confirmations

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 08:10:00

- ``organisation_identifier`` replaces ``organisation.company_number`` and ``charity_number``: each number becomes
  an org-id identifier (``GB-COH``; a charity number ``GB-CHC``, or ``GB-SC``/``GB-NIC`` by its prefix).
- ``register_entry`` (with ``register_offer``, its services and areas) replaces ``vcse_register_entry``; each old
  entry becomes a VCSE organisation on the register, unverified, its source saying where it came from.
- ``verification`` and ``partner_confirmation`` are new; ``policy.vcse_counting`` is ``listed`` for every existing
  policy, so tenders under them count partners as they did; ``user_account.role`` admits ``partner``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from tenderscore.db.types import ExactDecimal, UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation_identifier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=10), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "scheme IN ('GB-CHC', 'GB-SC', 'GB-NIC', 'GB-COH', 'GB-MPR')",
            name=op.f("ck_organisation_identifier_scheme_known"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_organisation_identifier_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_identifier")),
        sa.UniqueConstraint("scheme", "number", name=op.f("uq_organisation_identifier_scheme_number")),
    )
    with op.batch_alter_table("organisation_identifier", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_identifier_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "register_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("legal_form", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("joined_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_register_entry_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_entry")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_register_entry_organisation_id")),
    )
    op.create_table(
        "register_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.CheckConstraint("facet IN ('service', 'area')", name=op.f("ck_register_offer_facet_known")),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["register_entry.id"], name=op.f("fk_register_offer_entry_id_register_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_offer")),
        sa.UniqueConstraint("entry_id", "facet", "code", name=op.f("uq_register_offer_entry_id_facet_code")),
    )
    with op.batch_alter_table("register_offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_register_offer_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_register_offer_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "verification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("verified_by_id", sa.Integer(), nullable=False),
        sa.Column("verified_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("(ended_at IS NULL) = (end_reason IS NULL)", name=op.f("ck_verification_end_has_reason")),
        sa.CheckConstraint("expires_at > verified_at", name=op.f("ck_verification_expires_after_verified")),
        sa.CheckConstraint("length(trim(evidence)) > 0", name=op.f("ck_verification_evidence_given")),
        sa.CheckConstraint("length(trim(reason)) > 0", name=op.f("ck_verification_reason_given")),
        sa.ForeignKeyConstraint(
            ["ended_by_id"], ["user_account.id"], name=op.f("fk_verification_ended_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["register_entry.id"], name=op.f("fk_verification_entry_id_register_entry")
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"], ["user_account.id"], name=op.f("fk_verification_verified_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification")),
    )
    with op.batch_alter_table("verification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verification_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "partner_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("identifier", sa.String(length=40), nullable=False),
        sa.Column("partner_org_id", sa.Integer(), nullable=True),
        sa.Column("value_gbp", ExactDecimal(), nullable=False),
        sa.Column("role", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("asked_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("carried_from_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(status IN ('confirmed', 'refused')) = (answered_at IS NOT NULL)",
            name=op.f("ck_partner_confirmation_answer_has_time"),
        ),
        sa.CheckConstraint(
            "status != 'not_asked' OR partner_org_id IS NULL", name=op.f("ck_partner_confirmation_not_asked_is_unknown")
        ),
        sa.CheckConstraint(
            "status != 'refused' OR length(trim(note)) > 0", name=op.f("ck_partner_confirmation_refusal_has_reason")
        ),
        sa.CheckConstraint(
            "status IN ('awaiting', 'confirmed', 'refused', 'not_asked')",
            name=op.f("ck_partner_confirmation_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["user_account.id"], name=op.f("fk_partner_confirmation_answered_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["carried_from_id"],
            ["partner_confirmation.id"],
            name=op.f("fk_partner_confirmation_carried_from_id_partner_confirmation"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_org_id"], ["organisation.id"], name=op.f("fk_partner_confirmation_partner_org_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name=op.f("fk_partner_confirmation_submission_id_submission")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_confirmation")),
        sa.UniqueConstraint("submission_id", "line", name=op.f("uq_partner_confirmation_submission_id_line")),
    )
    with op.batch_alter_table("partner_confirmation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_confirmation_partner_org_id"), ["partner_org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_partner_confirmation_submission_id"), ["submission_id"], unique=False)

    _move_numbers_to_identifiers()
    _move_old_register()
    op.drop_table("vcse_register_entry")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("charity_number")
        batch_op.drop_column("company_number")

    with op.batch_alter_table("policy", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vcse_counting", sa.String(length=12), server_default="listed", nullable=False))
        batch_op.create_check_constraint("vcse_counting_known", "vcse_counting IN ('listed', 'registered', 'verified')")
    _role_check(("commissioner", "officer", "evaluator", "bidder", "partner"))


def _charity_scheme(number: str) -> str:
    return "GB-SC" if number.startswith("SC") else "GB-NIC" if number.startswith("NIC") else "GB-CHC"


def _identifier_rows(org_id: int, company: str | None, charity: str | None, now: datetime) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    if company:
        rows.append(
            {"organisation_id": org_id, "scheme": "GB-COH", "number": company.strip().upper(), "created_at": now}
        )
    if charity:
        number = re.sub(r"\s+", "", charity).upper()
        scheme = _charity_scheme(number)
        rows.append(
            {
                "organisation_id": org_id,
                "scheme": scheme,
                "number": number[3:] if scheme == "GB-NIC" else number,
                "created_at": now,
            }
        )
    return rows


_IDENTIFIER = sa.table(
    "organisation_identifier",
    sa.column("organisation_id", sa.Integer()),
    sa.column("scheme", sa.String()),
    sa.column("number", sa.String()),
    sa.column("created_at", UTCDateTime(timezone=True)),
)


def _move_numbers_to_identifiers() -> None:
    """Each organisation's company and charity numbers as identifiers; a number two organisations share (which the
    old columns allowed) stays with the first, so the new unique constraint holds and nothing fails half-way."""
    bind = op.get_bind()
    now, seen, rows = datetime.now(UTC), set(), []
    found = bind.execute(sa.text("SELECT id, company_number, charity_number FROM organisation ORDER BY id"))
    for org_id, company, charity in found:
        for row in _identifier_rows(org_id, company, charity, now):
            if (row["scheme"], row["number"]) not in seen:
                seen.add((row["scheme"], row["number"]))
                rows.append(row)
    if rows:
        op.bulk_insert(_IDENTIFIER, rows)


def _move_old_register() -> None:
    """Each old register entry becomes a VCSE organisation on the register (unverified), unless an organisation
    already holds one of its numbers, which then joins the register itself."""
    bind = op.get_bind()
    now = datetime.now(UTC)
    old = bind.execute(
        sa.text("SELECT name, charity_number, company_number, source FROM vcse_register_entry ORDER BY id")
    ).all()
    for name, charity, company, source in old:
        wanted = _identifier_rows(0, company, charity, now)
        holder = None
        for row in wanted:
            holder = (
                holder
                or bind.execute(
                    sa.text("SELECT organisation_id FROM organisation_identifier WHERE scheme = :s AND number = :n"),
                    {"s": row["scheme"], "n": row["number"]},
                ).scalar()
            )
        if holder is None:
            holder = bind.execute(
                sa.text("INSERT INTO organisation (name, kind, created_at) VALUES (:name, 'vcse', :now) RETURNING id"),
                {"name": name, "now": now},
            ).scalar_one()
            op.bulk_insert(_IDENTIFIER, [{**row, "organisation_id": holder} for row in wanted])
        if bind.execute(sa.text("SELECT 1 FROM register_entry WHERE organisation_id = :o"), {"o": holder}).first():
            continue
        bind.execute(
            sa.text(
                "INSERT INTO register_entry (organisation_id, legal_form, description, website, contact_email, "
                "source, joined_at, version) VALUES (:o, 'charity', '', '', '', :source, :now, 1)"
            ),
            {
                "o": holder,
                "source": (f"moved from the old register: {source}" if source else "moved from the old register")[:200],
                "now": now,
            },
        )


def _role_check(roles: tuple[str, ...]) -> None:
    quoted = ", ".join(f"'{role}'" for role in roles)
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_account_role_known"), type_="check")
        batch_op.create_check_constraint("role_known", f"role IN ({quoted})")


def downgrade() -> None:
    """Back to 0005: identifiers return to the two number columns (the first of each scheme); the register's
    entries, verifications and confirmations are dropped. Refused while any partner account exists."""
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM user_account WHERE role = 'partner'")).first():
        raise RuntimeError("partner accounts exist: remove them before going back to 0005")
    _role_check(("commissioner", "officer", "evaluator", "bidder"))
    with op.batch_alter_table("policy", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_policy_vcse_counting_known"), type_="check")
        batch_op.drop_column("vcse_counting")

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("company_number", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("charity_number", sa.String(length=12), nullable=True))

    _numbers_back()
    op.create_table(
        "vcse_register_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("charity_number", sa.String(length=12), nullable=True),
        sa.Column("company_number", sa.String(length=8), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("added_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "charity_number IS NOT NULL OR company_number IS NOT NULL", name=op.f("ck_vcse_register_entry_has_a_number")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vcse_register_entry")),
        sa.UniqueConstraint("charity_number", name=op.f("uq_vcse_register_entry_charity_number")),
        sa.UniqueConstraint("company_number", name=op.f("uq_vcse_register_entry_company_number")),
    )
    with op.batch_alter_table("partner_confirmation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_confirmation_submission_id"))
        batch_op.drop_index(batch_op.f("ix_partner_confirmation_partner_org_id"))

    op.drop_table("partner_confirmation")
    with op.batch_alter_table("verification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verification_entry_id"))

    op.drop_table("verification")
    with op.batch_alter_table("register_offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_register_offer_entry_id"))
        batch_op.drop_index(batch_op.f("ix_register_offer_code"))

    op.drop_table("register_offer")
    op.drop_table("register_entry")
    with op.batch_alter_table("organisation_identifier", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_identifier_organisation_id"))

    op.drop_table("organisation_identifier")


def _numbers_back() -> None:
    bind = op.get_bind()
    found = bind.execute(sa.text("SELECT organisation_id, scheme, number FROM organisation_identifier ORDER BY id"))
    for org_id, scheme, number in found.all():
        column = "company_number" if scheme == "GB-COH" else "charity_number" if scheme != "GB-MPR" else None
        if column is None:
            continue
        value = f"NIC{number}" if scheme == "GB-NIC" else number
        bind.execute(
            sa.text(f"UPDATE organisation SET {column} = :v WHERE id = :o AND {column} IS NULL"),
            {"v": value, "o": org_id},
        )
