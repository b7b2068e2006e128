"""Commissioners' policies and the tenders run under them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderscore.core.lots import LotOrder
from tenderscore.core.register import Counting
from tenderscore.db.models.base import one_of
from tenderscore.db.types import ExactDecimal, UTCDateTime, utcnow


class TenderStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    EVALUATING = "evaluating"
    AWARDED = "awarded"


class Policy(SQLModel, table=True):
    """A commissioner's standing rules that every tender under it must meet before publication."""

    __tablename__ = "policy"
    # Two policies of one commissioner with the same name could not be told apart in the tender form.
    __table_args__ = (
        Index("uq_policy_commissioner_org_id_name", "commissioner_org_id", "name", unique=True),
        CheckConstraint(one_of("vcse_counting", tuple(Counting)), name="vcse_counting_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    commissioner_org_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    min_social_value_weight: Decimal = Field(sa_column=Column(ExactDecimal(), nullable=False))
    # [{"measure": "vcse_share", "minimum": "15"}]: Decimals kept as text
    mandatory_commitments: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    required_criteria: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Which named VCSE partners count towards a tender's VCSE share (core.register.Counting); copied into the rubric
    # at publication. Policies made before the register read "listed": nothing changed for their tenders.
    vcse_counting: str = Field(default="verified", max_length=12, sa_column_kwargs={"server_default": "listed"})
    version: int = 1  # optimistic lock: a save names the version it read
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Tender(SQLModel, table=True):
    """One competition. ``rubric`` is the working copy while drafting; publication freezes ``rubric_snapshot``."""

    __tablename__ = "tender"
    __table_args__ = (
        CheckConstraint(one_of("status", tuple(TenderStatus)), name="status_known"),
        # Once published, the frozen rubric and its hash are what every score refers to.
        CheckConstraint(
            "status = 'draft' OR "
            "(rubric_snapshot IS NOT NULL AND rubric_hash IS NOT NULL AND published_at IS NOT NULL)",
            name="published_is_frozen",
        ),
        UniqueConstraint("reference"),
        # Every tender is lot 1 of itself; a further lot points at the tender it belongs to (docs/lots.md).
        CheckConstraint("(lot_of_id IS NULL) = (lot_number = 1)", name="lot_one_is_the_tender"),
        CheckConstraint("lot_cap IS NULL OR lot_cap >= 1", name="lot_cap_positive"),
        CheckConstraint(one_of("lot_order", tuple(LotOrder)), name="lot_order_known"),
        Index("uq_tender_lot_of_id_lot_number", "lot_of_id", "lot_number", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=50)
    title: str = Field(max_length=300)
    description: str = ""
    buyer_org_id: int = Field(foreign_key="organisation.id", index=True)
    policy_id: int | None = Field(default=None, foreign_key="policy.id", index=True)
    estimated_value: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal(), nullable=True))
    deadline: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Bidders may ask questions until then (services/clarifications.py); None on a draft: set at publication.
    clarification_deadline: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    status: str = Field(default=TenderStatus.DRAFT, max_length=20)
    rubric: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    rubric_snapshot: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    rubric_hash: str | None = Field(default=None, max_length=64)
    policy_snapshot: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    template_version: int = 1
    created_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    opened_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    awarded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # A draft the officer deleted: hidden everywhere, kept because the audit chain refers to it.
    deleted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    version: int = 1
    # Lots (docs/lots.md). A tender is lot 1 of itself; each further lot is a row of its own pointing at it here, so
    # a lot is published, sealed, opened, evaluated, moderated and awarded by exactly the code a tender is. What the
    # lots of a tender share (buyer, policy, deadlines, status until opened) is copied from the tender to them by
    # services/lots.py alone.
    lot_of_id: int | None = Field(default=None, foreign_key="tender.id", index=True)
    lot_number: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    lot_title: str | None = Field(default=None, max_length=300)  # None: a tender not divided into lots
    # The tender's rule across its lots (core.lots.CapRule), published with it: the most lots one bidder may win
    # (None: no limit) and which lots are settled first when that bites.
    lot_cap: int | None = None
    lot_order: str = Field(default=LotOrder.VALUE, max_length=12, sa_column_kwargs={"server_default": "value"})
