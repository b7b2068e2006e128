"""Organisation identifiers, the VCSE register, verifications, and partners' confirmations of their part in a bid."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderscore.core.orgid import SCHEME_CODES
from tenderscore.core.register import Confirmation
from tenderscore.db.models.base import one_of
from tenderscore.db.types import ExactDecimal, UTCDateTime, utcnow


class OrganisationIdentifier(SQLModel, table=True):
    """One org-id identifier of an organisation (``GB-CHC`` + ``1123456``); one organisation per identifier."""

    __tablename__ = "organisation_identifier"
    __table_args__ = (
        UniqueConstraint("scheme", "number"),
        CheckConstraint(one_of("scheme", SCHEME_CODES), name="scheme_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    scheme: str = Field(max_length=10)
    number: str = Field(max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class RegisterEntry(SQLModel, table=True):
    """A VCSE organisation on the register: what it says it is, where it works and what it does."""

    __tablename__ = "register_entry"
    __table_args__ = (UniqueConstraint("organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    legal_form: str = Field(max_length=30)  # a key of core.register.LEGAL_FORMS
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    website: str = Field(default="", max_length=300)
    contact_email: str = Field(default="", max_length=254)
    source: str = Field(default="", max_length=200)  # "signed up", "imported from partners.csv line 4"
    joined_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    version: int = 1  # optimistic lock for edits


class RegisterOffer(SQLModel, table=True):
    """One service an entry offers or one area it works in, so the register can be searched by either."""

    __tablename__ = "register_offer"
    __table_args__ = (
        UniqueConstraint("entry_id", "facet", "code"),
        CheckConstraint("facet IN ('service', 'area')", name="facet_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="register_entry.id", index=True)
    facet: str = Field(max_length=10)
    code: str = Field(max_length=40, index=True)


class Verification(SQLModel, table=True):
    """A buyer's recorded judgement that an entry is a VCSE, on named evidence, in force until it lapses.

    Never deleted or rewritten: a verification found wrong is *ended* with a reason, so what the register said on
    any past day (and so every evaluation that relied on it) can be reconstructed.
    """

    __tablename__ = "verification"
    __table_args__ = (
        CheckConstraint("expires_at > verified_at", name="expires_after_verified"),
        CheckConstraint("length(trim(evidence)) > 0", name="evidence_given"),
        CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
        CheckConstraint("(ended_at IS NULL) = (end_reason IS NULL)", name="end_has_reason"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="register_entry.id", index=True)
    verified_by_id: int = Field(foreign_key="user_account.id")
    verified_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    evidence: str = Field(sa_column=Column(Text, nullable=False))  # what was seen: "Charity Commission entry..."
    reason: str = Field(sa_column=Column(Text, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    ended_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    end_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class PartnerConfirmation(SQLModel, table=True):
    """One VCSE partner named in one submission, as named (identifier, role, £), and what it said when asked.

    Unknown identifiers get a row too (``not_asked``): the officer sees every partner, asked or not.
    """

    __tablename__ = "partner_confirmation"
    __table_args__ = (
        UniqueConstraint("submission_id", "line"),
        CheckConstraint(one_of("status", tuple(Confirmation)), name="status_known"),
        CheckConstraint("status != 'not_asked' OR partner_org_id IS NULL", name="not_asked_is_unknown"),
        CheckConstraint("(status IN ('confirmed', 'refused')) = (answered_at IS NOT NULL)", name="answer_has_time"),
        CheckConstraint("status != 'refused' OR length(trim(note)) > 0", name="refusal_has_reason"),
    )

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    line: int  # the partner's position in the bid's list, from 1
    name: str = Field(max_length=200)
    identifier: str = Field(max_length=40)
    partner_org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    value_gbp: Decimal = Field(sa_column=Column(ExactDecimal(), nullable=False))
    role: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    status: str = Field(max_length=12)
    asked_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    answered_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # A resubmission naming the partner for the same role and £ carries the earlier answer over, saying from where.
    carried_from_id: int | None = Field(default=None, foreign_key="partner_confirmation.id")
