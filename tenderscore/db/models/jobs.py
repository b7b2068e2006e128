"""Background jobs: long documents (the evaluation report, every assessment summary, the score matrix) made outside
the request that asked for them, with their progress and, when done, the file."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, LargeBinary
from sqlmodel import Field, SQLModel

from tenderscore.db.models.base import one_of
from tenderscore.db.types import UTCDateTime, utcnow


class JobKind(StrEnum):
    EVALUATION_REPORT = "evaluation_report"
    SCORE_MATRIX = "score_matrix"
    ALL_SUMMARIES = "all_summaries"  # every assessed bidder's summary, in one ZIP file
    ISSUE_SUMMARIES = "issue_summaries"  # the award path's step: every summary issued and the bidders emailed


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(SQLModel, table=True):
    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint(one_of("kind", tuple(JobKind)), name="kind_known"),
        CheckConstraint(one_of("state", tuple(JobState)), name="state_known"),
        CheckConstraint("done >= 0 AND total >= 0 AND done <= total", name="progress_in_range"),
    )

    id: str = Field(primary_key=True, max_length=32)  # random: a job's address is not guessable
    kind: str = Field(max_length=30)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    requested_by_id: int = Field(foreign_key="user_account.id", index=True)
    state: str = Field(default=JobState.QUEUED, max_length=10)
    done: int = 0
    total: int = 0
    stage: str = Field(default="Waiting for a worker", max_length=200)  # what it is doing, in words
    error: str | None = None  # why it failed, for the person who asked (never a stack trace)
    filename: str | None = Field(default=None, max_length=255)  # None when the job makes no file (a step done)
    mimetype: str | None = Field(default=None, max_length=100)
    result: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    started_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
