"""The audit chain: append-only events, each holding the hash of the one before it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, CheckConstraint, Column, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from tenderscore.db.types import UTCDateTime, utcnow

GENESIS_HASH = "0" * 64


class AuditEvent(SQLModel, table=True):
    """Who did what, when, to which record, with the values before and after and the reason given."""

    __tablename__ = "audit_event"
    __table_args__ = (
        UniqueConstraint("hash"),
        # Each event names its predecessor and no two name the same one: the chain cannot fork.
        UniqueConstraint("prev_hash"),
        CheckConstraint("length(hash) = 64 AND length(prev_hash) = 64", name="hashes_are_sha256"),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    actor: str = Field(max_length=254)  # the actor's email, or "system"/"cli:<user>" for commands
    action: str = Field(max_length=64, index=True)
    entity: str = Field(max_length=64)
    entity_id: str = Field(max_length=64)
    tender_id: int | None = Field(default=None, foreign_key="tender.id", index=True)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    reason: str = ""
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


# The database itself refuses to change history; `tenderscore audit verify` finds what was done around it.
SQLITE_APPEND_ONLY = [
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
]
POSTGRESQL_APPEND_ONLY = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
]

_audit_table = AuditEvent.__table__  # type: ignore[attr-defined]
for _statement in SQLITE_APPEND_ONLY:
    event.listen(_audit_table, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_APPEND_ONLY:
    event.listen(_audit_table, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
