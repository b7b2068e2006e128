"""Organisations (buyers, suppliers, VCSE) and users with one role each. Identifiers and the register: register.py."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderscore.db.models.base import one_of
from tenderscore.db.types import UTCDateTime, utcnow


class OrganisationKind(StrEnum):
    BUYER = "buyer"  # councils, housing associations, probation regions: they commission and buy
    SUPPLIER = "supplier"
    VCSE = "vcse"  # voluntary, community and social enterprise organisations


class Nation(StrEnum):
    """Where a buyer is: its bank holidays are the ones its standstill periods skip."""

    ENGLAND_AND_WALES = "england-and-wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"


class Role(StrEnum):
    COMMISSIONER = "commissioner"
    OFFICER = "officer"
    EVALUATOR = "evaluator"
    BIDDER = "bidder"
    PARTNER = "partner"  # a VCSE organisation on the register: confirms or refuses its part in bids


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint(one_of("kind", tuple(OrganisationKind)), name="kind_known"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    kind: str = Field(max_length=20)
    # A buyer's (a Nation value, checked where it is set); None reads as England and Wales.
    nation: str | None = Field(default=None, max_length=20)
    sme: bool | None = None  # a small or medium-sized enterprise, as the organisation says; None: not said
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class User(SQLModel, table=True):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL
    __table_args__ = (
        CheckConstraint(one_of("role", tuple(Role)), name="role_known"),
        UniqueConstraint("email"),
        UniqueConstraint("api_token_hash"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    active: bool = True
    # SHA-256 of the bearer token; the token itself is shown once and never stored.
    api_token_hash: str | None = Field(default=None, max_length=64)
    # Stored in every session at sign-in; raised by sign-out, a password change and deactivation, so that every
    # session issued before then stops working (web/auth.py compares the two on each request).
    session_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
