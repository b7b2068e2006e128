"""After the award decision: challenges, the contract entered into, and every document and open-data release issued.

Issued documents and OCDS releases are kept byte for byte as they left the system: what a bidder was sent, or the
public was shown, can be produced again exactly, and its SHA-256 is in the audit chain.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Date, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderscore.db.models.base import one_of
from tenderscore.db.types import ExactDecimal, UTCDateTime, utcnow


class DocumentKind(StrEnum):
    ASSESSMENT_SUMMARY = "assessment_summary"  # to one bidder (s.50, reg. 31)
    AWARD_NOTICE = "award_notice"  # the contract award notice (s.50): public
    STANDSTILL_LETTER = "standstill_letter"  # to one unsuccessful bidder
    CONTRACT_NOTICE = "contract_notice"  # the contract details notice (s.53): public
    PERFORMANCE_NOTICE = "performance_notice"  # a contract performance notice (s.71): public


class AwardChallenge(SQLModel, table=True):
    """A challenge to the award decision: while one is open the contract cannot be entered into (s.101)."""

    __tablename__ = "award_challenge"
    __table_args__ = (
        CheckConstraint("length(trim(details)) > 0", name="details_given"),
        CheckConstraint("(resolved_at IS NULL) = (resolution IS NULL)", name="resolution_given"),
    )

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", index=True)
    details: str  # who challenges, and on what grounds, in the officer's words
    recorded_by_id: int = Field(foreign_key="user_account.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    resolved_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    resolution: str | None = None  # how it ended: withdrawn, dismissed, suspension lifted by the court...


class Contract(SQLModel, table=True):
    """The contract entered into with the awarded supplier, and its contract details notice once published."""

    __tablename__ = "contract"
    __table_args__ = (
        UniqueConstraint("award_id"),
        CheckConstraint("starts_on <= ends_on", name="period_in_order"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    award_id: int = Field(foreign_key="award.id")
    supplier_org_id: int = Field(foreign_key="organisation.id")
    title: str = Field(max_length=300)
    value: Decimal = Field(sa_column=Column(ExactDecimal(), nullable=False))
    starts_on: date = Field(sa_column=Column(Date(), nullable=False))
    ends_on: date = Field(sa_column=Column(Date(), nullable=False))
    signed_on: date = Field(sa_column=Column(Date(), nullable=False))
    no_kpis_reason: str | None = None
    recorded_by_id: int = Field(foreign_key="user_account.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    notice_published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # Delivery: returns are due every ``return_months`` months from the start (core.performance.periods), and each
    # KPI is rated by the rule published with the contract (core.performance.RatingRule.as_dict, as JSON).
    return_months: int = Field(default=3, sa_column_kwargs={"server_default": "3"})
    rating_rule: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))


class ContractKpi(SQLModel, table=True):
    """A key performance indicator of a contract (s.52), in the order the officer gave them."""

    __tablename__ = "contract_kpi"
    __table_args__ = (UniqueConstraint("contract_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    position: int
    title: str = Field(max_length=200)
    description: str = ""
    target: str = Field(max_length=200)
    unit: str = Field(default="", max_length=50)
    # What makes it measurable (None/blank for a KPI entered before delivery tracking: rated Other by the rule).
    target_value: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal(), nullable=True))
    direction: str = Field(default="at_least", max_length=10, sa_column_kwargs={"server_default": "at_least"})
    # "figure": the supplier reports the number; "vcse_share": computed from partners' confirmed spend in the return
    basis: str = Field(default="figure", max_length=20, sa_column_kwargs={"server_default": "figure"})
    evidence: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    criterion_id: str | None = Field(default=None, max_length=64)  # the commitment it came from, if any
    withdrawn_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class ContractCommitment(SQLModel, table=True):
    """A social-value or VCSE commitment of the winning bid, carried into its contract as promised."""

    __tablename__ = "contract_commitment"
    __table_args__ = (UniqueConstraint("contract_id", "criterion_id"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    criterion_id: str = Field(max_length=64)
    title: str = Field(max_length=300)
    value: Decimal = Field(sa_column=Column(ExactDecimal(), nullable=False))
    unit: str = Field(max_length=20)


class IssuedDocument(SQLModel, table=True):
    """A document as it was issued: the assessment summaries, the notices and the standstill letters."""

    __tablename__ = "issued_document"
    __table_args__ = (
        CheckConstraint(one_of("kind", tuple(DocumentKind)), name="kind_known"),
        CheckConstraint("length(sha256) = 64", name="sha256_hex"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    award_id: int = Field(foreign_key="award.id", index=True)
    kind: str = Field(max_length=30)
    submission_id: int | None = Field(default=None, foreign_key="submission.id")  # to one bidder; None: public
    bidder_org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    filename: str = Field(max_length=255)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(max_length=64)
    issued_by_id: int = Field(foreign_key="user_account.id")
    issued_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class OcdsRelease(SQLModel, table=True):
    """One OCDS release as published: the JSON text exactly, never rewritten (releases are immutable)."""

    __tablename__ = "ocds_release"
    __table_args__ = (UniqueConstraint("release_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    release_id: str = Field(max_length=200)
    tag: str = Field(max_length=30)
    released_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(max_length=64)
