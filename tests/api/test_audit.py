"""/api/audit/verify: the chain checks out after real work, and names the first event edited behind its back."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import col, select

from tenderscore.db.models import AuditEvent
from tests.api.conftest import World


def test_the_chain_verifies_and_its_head_moves_with_every_change(world: World) -> None:
    first = world.get("officer", "/api/audit/verify").json
    assert first["ok"] is True and first["problem"] == "" and first["broken_event_id"] is None
    world.post("commissioner", "/api/policies", json={"name": "One more", "min_social_value_weight": "11"})
    second = world.get("commissioner", "/api/audit/verify").json
    assert second["ok"] is True and second["events"] == first["events"] + 1 and second["head"] != first["head"]
    assert second["head"] == world.state()["chain_head"]


def test_an_event_edited_in_the_database_is_named(world: World) -> None:
    with world.fresh() as s:
        target = s.exec(select(AuditEvent.id).where(AuditEvent.action == "policy.created")).one()
        newest = s.exec(select(AuditEvent.id).order_by(col(AuditEvent.id).desc())).first()
        # Go round the append-only trigger, as someone with database access could.
        dialect = s.get_bind().dialect.name
        s.execute(text("DROP TRIGGER audit_event_no_update" + (" ON audit_event" if dialect == "postgresql" else "")))
        s.execute(text("UPDATE audit_event SET reason = 'nothing to see' WHERE id = :id"), {"id": target})
        s.commit()
    assert target is not None and newest is not None and target <= newest
    check = world.get("officer", "/api/audit/verify")
    assert check.status_code == 200
    assert check.json["ok"] is False
    assert check.json["broken_event_id"] == target
    assert "changed" in check.json["problem"]


def test_only_the_buyer_side_verifies(world: World) -> None:
    for who in ("bidder_a", "evaluator1"):
        assert world.get(who, "/api/audit/verify").status_code == 403
    assert world.get(None, "/api/audit/verify").status_code == 401


def test_each_organisation_hears_only_of_its_own_records(world: World) -> None:
    """The chain is shared by every buyer on the instance: verifying it tells nobody how busy another buyer is."""
    ours = world.get("officer", "/api/audit/verify").json
    theirs = world.get("other_officer", "/api/audit/verify").json
    assert ours["ok"] is True and theirs["ok"] is True and ours["head"] == theirs["head"]
    world.post("commissioner", "/api/policies", json={"name": "Busy buyer", "min_social_value_weight": "12"})
    assert world.get("other_officer", "/api/audit/verify").json["events"] == theirs["events"]
    assert world.get("officer", "/api/audit/verify").json["events"] == ours["events"] + 1
    with world.fresh() as s:
        newest_first = select(AuditEvent.id).where(AuditEvent.reason == "").order_by(col(AuditEvent.id).desc())
        target = s.exec(newest_first).first()
        dialect = s.get_bind().dialect.name
        s.execute(text("DROP TRIGGER audit_event_no_update" + (" ON audit_event" if dialect == "postgresql" else "")))
        s.execute(text("UPDATE audit_event SET reason = 'edited' WHERE id = :id"), {"id": target})
        s.commit()
    mine = world.get("officer", "/api/audit/verify").json
    other = world.get("other_officer", "/api/audit/verify").json
    assert mine["ok"] is False and mine["broken_event_id"] == target
    assert other["ok"] is False and other["broken_event_id"] is None and "another organisation" in other["problem"]
