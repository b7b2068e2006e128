"""After the contract: KPI variations, delivery returns with partners' spend, ratings and performance notices.

Nothing here is rewritten. A KPI changed after the contract details notice is a ``KpiVariation`` with the reason;
a return submitted again is a new ``DeliveryReturn`` version beside the old; a re-rating is a new ``KpiRating``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, Date, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderscore.core.performance import Rating
from tenderscore.core.register import Confirmation
from tenderscore.db.models.base import one_of
from tenderscore.db.types import ExactDecimal, UTCDateTime, utcnow


class KpiVariation(SQLModel, table=True):
    """A change to a published contract's KPI (or one added or withdrawn), with its reason: before and after as JSON."""

    __tablename__ = "kpi_variation"
    __table_args__ = (CheckConstraint("length(trim(reason)) > 0", name="reason_given"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    kpi_id: int = Field(foreign_key="contract_kpi.id", index=True)
    before: str = Field(sa_column=Column(Text, nullable=False))  # JSON of the KPI's terms; "{}" when added
    after: str = Field(sa_column=Column(Text, nullable=False))  # "{}" when withdrawn
    reason: str = Field(sa_column=Column(Text, nullable=False))
    varied_by_id: int = Field(foreign_key="user_account.id")
    varied_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class DeliveryReturn(SQLModel, table=True):
    """One version of a supplier's return for one reporting period: never overwritten, the newest is current."""

    __tablename__ = "delivery_return"
    __table_args__ = (
        UniqueConstraint("contract_id", "period", "version"),
        CheckConstraint("source IN ('page', 'api', 'workbook')", name="source_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    period: int  # core.performance.Period.number
    version: int
    contract_spend: Decimal = Field(sa_column=Column(ExactDecimal(), nullable=False))  # £ spent on the contract
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    source: str = Field(max_length=10)
    late: bool  # submitted after the period's due date (the first version's lateness is the return's)
    submitted_by_id: int = Field(foreign_key="user_account.id")
    submitted_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    workbook: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    sha256: str = Field(max_length=64)  # of the workbook when there is one, else of the return's JSON


class ReturnFigure(SQLModel, table=True):
    """What a return reports for one KPI: a figure (None: not reported, with a comment saying why) and evidence."""

    __tablename__ = "return_figure"
    __table_args__ = (UniqueConstraint("return_id", "kpi_id"),)

    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="delivery_return.id", index=True)
    kpi_id: int = Field(foreign_key="contract_kpi.id", index=True)
    value: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal(), nullable=True))
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class ReturnSpend(SQLModel, table=True):
    """Spend with one VCSE partner in a return's period, named by org-id identifier, for the partner to confirm."""

    __tablename__ = "return_spend"
    __table_args__ = (
        UniqueConstraint("return_id", "line"),
        UniqueConstraint("return_id", "identifier"),
        CheckConstraint(one_of("confirmation", tuple(Confirmation)), name="confirmation_known"),
        CheckConstraint("confirmation != 'refused' OR length(trim(answer_reason)) > 0", name="refusal_reason"),
    )

    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="delivery_return.id", index=True)
    line: int
    identifier: str = Field(max_length=40, index=True)  # "GB-CHC-1123456"
    name: str = Field(max_length=200)
    amount: Decimal = Field(sa_column=Column(ExactDecimal(), nullable=False))
    # The partner's answer: awaiting until it confirms or refuses (disputes) the figure; carried to a new version of
    # the return when the same partner is reported with the same amount.
    confirmation: str = Field(default=Confirmation.AWAITING.value, max_length=20)
    answer_reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    answered_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class KpiRating(SQLModel, table=True):
    """A KPI's rating for a period: what the published rule gives, and the officer's, with the reason where they
    differ. A re-rating is a new row; the newest for (kpi, period) counts."""

    __tablename__ = "kpi_rating"
    __table_args__ = (
        CheckConstraint(one_of("computed", tuple(Rating)), name="computed_known"),
        CheckConstraint(one_of("rating", tuple(Rating)), name="rating_known"),
        CheckConstraint("rating = computed OR length(trim(reason)) > 0", name="judgement_reasoned"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    kpi_id: int = Field(foreign_key="contract_kpi.id", index=True)
    period: int
    return_id: int | None = Field(default=None, foreign_key="delivery_return.id")  # the version rated; None: none
    delivered: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal(), nullable=True))
    computed: str = Field(max_length=30)
    rating: str = Field(max_length=30)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    rated_by_id: int = Field(foreign_key="user_account.id")
    rated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class PerformanceNotice(SQLModel, table=True):
    """A contract performance notice as published (s.71): the periods it reports, overall rating, PDF and release."""

    __tablename__ = "performance_notice"
    __table_args__ = (
        CheckConstraint(one_of("overall", tuple(Rating)), name="overall_known"),
        CheckConstraint("first_period <= last_period", name="periods_in_order"),
        UniqueConstraint("contract_id", "number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    number: int  # 1, 2, ... for this contract
    first_period: int
    last_period: int
    assessed_on: date = Field(sa_column=Column(Date(), nullable=False))  # the last day of the periods it reports
    final: bool
    overall: str = Field(max_length=30)
    document_id: int | None = Field(default=None, foreign_key="issued_document.id")
    release_id: str = Field(default="", max_length=200)
    published_by_id: int = Field(foreign_key="user_account.id")
    published_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
