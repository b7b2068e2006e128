"""Clarification questions a bidder asks about a published tender, the buyer's answers, and the changes they led to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderscore.db.models.base import one_of
from tenderscore.db.types import UTCDateTime, utcnow

AUDIENCES = ("asker", "all")  # an answer goes to the bidder who asked alone, or to every bidder


class Clarification(SQLModel, table=True):
    """One bidder's question as asked (kept as asked, whoever later sees another wording of it).

    ``published_question`` is the officer's wording, without who asked, shown to everyone once an answer is
    published to all; ``answered_at`` and ``published_at`` are the first such moments (the queue reads them).
    """

    __tablename__ = "clarification"
    __table_args__ = (
        CheckConstraint("length(trim(question)) > 0", name="question_given"),
        CheckConstraint("(published_at IS NULL) = (published_question IS NULL)", name="published_has_wording"),
        CheckConstraint("published_at IS NULL OR answered_at IS NOT NULL", name="published_is_answered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    bidder_org_id: int = Field(foreign_key="organisation.id", index=True)
    asked_by_id: int = Field(foreign_key="user_account.id")
    question: str = Field(sa_column=Column(Text, nullable=False))
    asked_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    published_question: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class ClarificationAnswer(SQLModel, table=True):
    """An answer as sent, never changed: a correction is a new answer naming the one it corrects."""

    __tablename__ = "clarification_answer"
    __table_args__ = (
        CheckConstraint(one_of("audience", AUDIENCES), name="audience_known"),
        CheckConstraint("length(trim(answer)) > 0", name="answer_given"),
        UniqueConstraint("corrects_id"),  # answers form a chain: each is corrected at most once
    )

    id: int | None = Field(default=None, primary_key=True)
    clarification_id: int = Field(foreign_key="clarification.id", index=True)
    answer: str = Field(sa_column=Column(Text, nullable=False))
    audience: str = Field(max_length=8)
    answered_by_id: int = Field(foreign_key="user_account.id")
    answered_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    corrects_id: int | None = Field(default=None, foreign_key="clarification_answer.id")


class ClarificationChange(SQLModel, table=True):
    """A change to the tender made because of an answer (a deadline extended), shown next to that answer."""

    __tablename__ = "clarification_change"

    id: int | None = Field(default=None, primary_key=True)
    clarification_id: int = Field(foreign_key="clarification.id", index=True)
    action: str = Field(max_length=60)  # the audit action of the change: "tender.deadline_extended"
    summary: str = Field(sa_column=Column(Text, nullable=False))  # "The deadline was extended to ..."
    made_by_id: int = Field(foreign_key="user_account.id")
    made_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
