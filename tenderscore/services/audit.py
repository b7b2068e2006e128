"""The audit chain: every material change is an event in the same transaction, hashed onto the one before."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, func, or_, select

from tenderscore.db.engine import begin_writing
from tenderscore.db.models import GENESIS_HASH, AuditEvent, Role, Tender, User
from tenderscore.db.types import utcnow
from tenderscore.services.errors import Forbidden

# Any constant will do: it only has to be the same for every writer of the chain.
_CHAIN_LOCK = 7_274_001


def jsonable(value: Any) -> Any:
    """Values as they are kept in an event: Decimals and times as exact text, so the hash is reproducible."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over the event's content and its predecessor's hash, in canonical JSON."""
    content = {
        "prev_hash": event.prev_hash,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor": event.actor,
        "action": event.action,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "tender_id": event.tender_id,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    session: Session,
    actor: User | str,
    action: str,
    entity: str,
    entity_id: object,
    *,
    tender_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append an event to the chain in the caller's transaction (so it commits or vanishes with the change)."""
    begin_writing(session)  # a GET that records (a report issued, a refused read) takes the write lock first
    _lock_chain(session)
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_id=actor.id if isinstance(actor, User) else None,
        actor=actor.email if isinstance(actor, User) else actor,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        tender_id=tender_id,
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        reason=reason,
        prev_hash=chain_head(session),
        hash="",
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


def _lock_chain(session: Session) -> None:
    # SQLite write transactions already begin IMMEDIATE, one at a time; PostgreSQL needs a lock so that two
    # transactions cannot both read the same head (the unique prev_hash would refuse the second one anyway).
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})


def chain_head(session: Session) -> str:
    """The hash of the newest event (what reports print), or the genesis hash of an empty chain."""
    newest = session.exec(select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1)).first()
    return newest or GENESIS_HASH


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    events: int
    head: str
    broken_event_id: int | None = None
    problem: str = ""


def verify_chain(session: Session, batch: int = 1000) -> ChainCheck:
    """Recompute every hash in order; name the first event whose content or link does not match.

    One query, read ``batch`` events at a time (a server-side cursor on PostgreSQL), so memory stays flat however
    long the chain is.
    """
    expected_prev = GENESIS_HASH
    count = 0
    events = session.exec(select(AuditEvent).order_by(col(AuditEvent.id)).execution_options(yield_per=batch))
    try:
        for event in events:
            assert event.id is not None
            if event.prev_hash != expected_prev:
                return ChainCheck(False, count, expected_prev, event.id, "does not follow the event before it")
            if event_hash(event) != event.hash:
                return ChainCheck(False, count, expected_prev, event.id, "its content was changed after it was written")
            expected_prev = event.hash
            count += 1
    finally:
        events.close()
    return ChainCheck(ok=True, events=count, head=expected_prev)


def verify_for(session: Session, actor: User) -> ChainCheck:
    """The chain verified whole, told to a buyer's officer or commissioner in terms of their own records.

    Integrity is a property of the whole chain, so every event is recomputed; but one organisation does not learn
    how busy another is: ``events`` counts the events of the caller's organisation (its people's actions and
    everything on its tenders), and a broken event is named only when it is one of those.
    """
    if actor.role not in (Role.OFFICER, Role.COMMISSIONER):
        raise Forbidden("Only the buyer's officers and commissioners verify the audit chain")
    check = verify_chain(session)
    ours = (
        select(func.count())
        .select_from(AuditEvent)
        .outerjoin(Tender, col(Tender.id) == AuditEvent.tender_id)
        .outerjoin(User, col(User.id) == AuditEvent.actor_id)
        .where(or_(Tender.buyer_org_id == actor.organisation_id, User.organisation_id == actor.organisation_id))
    )
    if check.ok:
        return ChainCheck(True, session.exec(ours).one(), check.head)
    assert check.broken_event_id is not None
    verified = session.exec(ours.where(col(AuditEvent.id) < check.broken_event_id)).one()
    named = session.exec(ours.where(AuditEvent.id == check.broken_event_id)).one() > 0
    if named:
        return ChainCheck(False, verified, check.head, check.broken_event_id, check.problem)
    return ChainCheck(
        False, verified, check.head, None, "an event of another organisation " + check.problem + "; tell the operator"
    )
