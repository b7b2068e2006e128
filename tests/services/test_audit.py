"""The audit chain: every change is an event, events link by hash, tampering is found and named."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, col, select

from tenderscore.db.models import GENESIS_HASH, AuditEvent
from tenderscore.services import audit
from tests.competition import Competition
from tests.conftest import BACKEND


def _drop_append_only_triggers(session: Session) -> None:
    """What a malicious DBA would do first: the app's own triggers refuse any edit."""
    if BACKEND == "sqlite":
        session.execute(text("DROP TRIGGER audit_event_no_update"))
        session.execute(text("DROP TRIGGER audit_event_no_delete"))
    else:
        session.execute(text("DROP TRIGGER audit_event_no_update ON audit_event"))


def test_every_step_so_far_is_in_an_intact_chain(competition: Competition) -> None:
    session = competition.session
    actions = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
    assert "policy.created" in actions and "tender.created" in actions and "tender.published" in actions
    check = audit.verify_chain(session)
    assert check.ok and check.events == len(actions) and check.head == audit.chain_head(session)
    first = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).first()
    assert first is not None and first.prev_hash == GENESIS_HASH


def test_a_changed_event_is_named_by_id(competition: Competition) -> None:
    session = competition.session
    target = session.exec(select(AuditEvent).where(AuditEvent.action == "tender.published")).one()
    _drop_append_only_triggers(session)
    session.execute(text("UPDATE audit_event SET reason = 'nothing to see' WHERE id = :id"), {"id": target.id})
    session.commit()
    session.expire_all()
    check = audit.verify_chain(session)
    assert not check.ok
    assert check.broken_event_id == target.id
    assert "changed" in check.problem


def test_a_removed_event_is_found_at_the_next_one(competition: Competition) -> None:
    session = competition.session
    ids = session.exec(select(AuditEvent.id).order_by(col(AuditEvent.id))).all()
    _drop_append_only_triggers(session)
    session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[1]})
    session.commit()
    check = audit.verify_chain(session)
    assert not check.ok and check.broken_event_id == ids[2]
    assert "does not follow" in check.problem


def test_the_database_refuses_to_edit_history(competition: Competition) -> None:
    session = competition.session
    before = audit.chain_head(session)
    for statement in ("UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event"):
        try:
            session.execute(text(statement))
            session.commit()
            raise AssertionError(f"{statement} was allowed")
        except Exception as exc:  # noqa: BLE001 - the driver's error type differs by backend
            assert "append-only" in str(exc)
            session.rollback()
    assert audit.chain_head(session) == before and audit.verify_chain(session).ok


def test_decimals_are_kept_exactly_in_events(competition: Competition) -> None:
    event = competition.session.exec(select(AuditEvent).where(AuditEvent.action == "policy.created")).one()
    assert event.after is not None and event.after["min_social_value_weight"] == "10"
    assert event.after["mandatory_commitments"] == [{"measure": "vcse_share", "minimum": "15"}]
