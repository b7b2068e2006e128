"""Evaluators, their conflict declarations, individual scores and moderated consensus scores."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderscore.db.types import UTCDateTime, utcnow

# Scores are whole steps of the tender's published scale (0..scale_max). The scale is copied onto each row so
# the database itself can refuse a score outside it.
_SCORE_IN_SCALE = "score >= 0 AND score <= scale_max AND scale_max >= 1"


class EvaluatorAssignment(SQLModel, table=True):
    """An evaluator on a tender's panel. No bid is shown until ``declared_at`` is set."""

    __tablename__ = "evaluator_assignment"
    __table_args__ = (UniqueConstraint("tender_id", "evaluator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    evaluator_id: int = Field(foreign_key="user_account.id", index=True)
    assigned_by_id: int = Field(foreign_key="user_account.id")
    assigned_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    declared_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    declaration: str = ""  # the evaluator's statement, in their words


class ConflictOfInterest(SQLModel, table=True):
    """A declared conflict with one bidder: the evaluator can neither see nor score that bidder's bid."""

    __tablename__ = "conflict_of_interest"
    __table_args__ = (UniqueConstraint("assignment_id", "bidder_org_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="evaluator_assignment.id", index=True)
    bidder_org_id: int = Field(foreign_key="organisation.id")
    details: str


class Score(SQLModel, table=True):
    """One evaluator's independent score of one scored criterion of one submission, with its reason."""

    __tablename__ = "score"
    __table_args__ = (
        UniqueConstraint("submission_id", "criterion_id", "evaluator_id"),
        CheckConstraint(_SCORE_IN_SCALE, name="score_in_scale"),
        CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
    )

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    criterion_id: str = Field(max_length=64)
    evaluator_id: int = Field(foreign_key="user_account.id", index=True)
    score: int
    scale_max: int
    reason: str
    version: int = 1  # optimistic lock
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ConsensusScore(SQLModel, table=True):
    """The moderated score of a criterion for a submission: recorded by a moderator with a reason, never averaged."""

    __tablename__ = "consensus_score"
    __table_args__ = (
        # One consensus per submission and criterion; a change is an update with a reason, kept in the audit chain.
        UniqueConstraint("submission_id", "criterion_id"),
        CheckConstraint(_SCORE_IN_SCALE, name="score_in_scale"),
        CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
    )

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    criterion_id: str = Field(max_length=64)
    score: int
    scale_max: int
    reason: str
    moderator_id: int = Field(foreign_key="user_account.id")
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ScoringCompletion(SQLModel, table=True):
    """An evaluator's statement that they have finished scoring one bid: every scored criterion has their score and
    reason. Until then their scores are a draft they may still change; the officer sees who has finished what."""

    __tablename__ = "scoring_completion"
    __table_args__ = (UniqueConstraint("submission_id", "evaluator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    evaluator_id: int = Field(foreign_key="user_account.id", index=True)
    completed_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
