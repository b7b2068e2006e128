"""Submissions: every version of every bidder's workbook, kept byte for byte."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from tenderscore.db.types import UTCDateTime, utcnow


class Submission(SQLModel, table=True):
    """One version of one bidder's workbook for one tender; a resubmission before the deadline is a new row."""

    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("tender_id", "bidder_org_id", "version"),
        # One current version per bidder and tender: the one evaluated. Older versions stay on record.
        Index(
            "uq_submission_one_current",
            "tender_id",
            "bidder_org_id",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("length(sha256) = 64", name="sha256_hex"),
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    bidder_org_id: int = Field(foreign_key="organisation.id", index=True)
    version: int
    is_current: bool = True
    filename: str = Field(max_length=255)
    workbook: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    size_bytes: int
    sha256: str = Field(max_length=64)
    # The validated responses read from the workbook (Decimals as text), so evaluation never re-parses files.
    responses: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    received_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    submitted_by_id: int = Field(foreign_key="user_account.id")


class Award(SQLModel, table=True):
    """The decision: which submission won a tender, who decided, and why; then the steps of the Procurement Act
    that follow it (assessment summaries sent, the contract award notice and its standstill) or its withdrawal.

    One live award per tender; a withdrawn award stays on record beside the one that replaced it.
    """

    __tablename__ = "award"
    __table_args__ = (
        Index(
            "uq_award_one_live",
            "tender_id",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
        CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
        # The steps happen in order: summaries before the notice, the notice before its standstill ends.
        CheckConstraint("notice_published_at IS NULL OR summaries_sent_at IS NOT NULL", name="summaries_first"),
        CheckConstraint(
            "(notice_published_at IS NULL) = (standstill_ends_at IS NULL)", name="notice_starts_standstill"
        ),
        CheckConstraint("(withdrawn_at IS NULL) = (withdrawal_reason IS NULL)", name="withdrawal_has_reason"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id")
    submission_id: int = Field(foreign_key="submission.id")
    awarded_by_id: int = Field(foreign_key="user_account.id")
    awarded_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    reason: str
    # The evaluation as awarded (ranks, totals), kept so the award is explained by what was decided on.
    evaluation: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    summaries_sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    notice_published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    standstill_ends_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    withdrawn_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    withdrawn_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    withdrawal_reason: str | None = None
