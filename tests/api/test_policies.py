"""Commissioners' policies through the API: create, read, change with a version and a reason."""

from __future__ import annotations

from tests.api.conftest import World

NEW = {
    "name": "Regional VCSE policy",
    "min_social_value_weight": "20",
    "mandatory_commitments": [{"measure": "vcse_share", "minimum": "15"}],
    "required_criteria": ["sv_vcse_share"],
}


def test_commissioner_creates_reads_and_lists_a_policy(world: World) -> None:
    created = world.post("commissioner", "/api/policies", json=NEW)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["version"] == 1
    assert body["min_social_value_weight"] == "20"
    assert body["mandatory_commitments"] == [{"measure": "vcse_share", "minimum": "15"}]
    assert body["required_criteria"] == ["sv_vcse_share"]
    read = world.get("commissioner", f"/api/policies/{body['id']}")
    assert read.status_code == 200 and read.json == body
    names = [p["name"] for p in world.get("commissioner", "/api/policies").json]
    assert names == ["Regional VCSE policy", "VCSE policy"]
    # Officers choose a policy for their tenders, so they read them too.
    assert world.get("officer", f"/api/policies/{body['id']}").status_code == 200


def test_update_needs_the_version_read_and_a_reason(world: World) -> None:
    policy_id = world.post("commissioner", "/api/policies", json=NEW).json["id"]
    change = {**NEW, "min_social_value_weight": "25", "version": 1, "reason": "Board decision 12 May"}
    updated = world.put("commissioner", f"/api/policies/{policy_id}", json=change)
    assert updated.status_code == 200, updated.json
    assert updated.json["version"] == 2 and updated.json["min_social_value_weight"] == "25"

    before = world.state()
    stale = world.put("commissioner", f"/api/policies/{policy_id}", json={**change, "min_social_value_weight": "30"})
    assert stale.status_code == 409
    assert "version 2" in stale.json["detail"]
    assert world.state() == before
    assert world.get("commissioner", f"/api/policies/{policy_id}").json["min_social_value_weight"] == "25"

    blank = world.put("commissioner", f"/api/policies/{policy_id}", json={**change, "version": 2, "reason": "  "})
    assert blank.status_code == 422 and "reason" in blank.json["errors"]["json"]
    assert world.state() == before


def test_the_change_is_in_the_audit_chain_with_before_after_and_reason(world: World) -> None:
    from sqlmodel import select

    from tenderscore.db.models import AuditEvent

    policy_id = world.post("commissioner", "/api/policies", json=NEW).json["id"]
    world.put(
        "commissioner",
        f"/api/policies/{policy_id}",
        json={**NEW, "min_social_value_weight": "22.5", "version": 1, "reason": "Consultation"},
    )
    with world.fresh() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "policy.updated")).one()
    assert event.actor == "commissioner@buyer.example" and event.reason == "Consultation"
    assert event.before is not None and event.after is not None
    assert (event.before["min_social_value_weight"], event.after["min_social_value_weight"]) == ("20", "22.5")
    assert world.get("commissioner", "/api/audit/verify").json["ok"] is True


def test_below_the_uk_floor_is_refused_naming_the_field(world: World) -> None:
    before = world.state()
    response = world.post("commissioner", "/api/policies", json={**NEW, "min_social_value_weight": "9.99"})
    assert response.status_code == 422
    assert "min_social_value_weight" in response.json["errors"]["json"]
    assert world.state() == before


def test_another_organisations_policy_is_not_found_and_unchanged(world: World) -> None:
    policy_id = world.post("commissioner", "/api/policies", json=NEW).json["id"]
    before = world.state()
    assert world.get("other_commissioner", f"/api/policies/{policy_id}").status_code == 404
    change = {**NEW, "version": 1, "reason": "hostile"}
    assert world.put("other_commissioner", f"/api/policies/{policy_id}", json=change).status_code == 404
    assert world.put("officer", f"/api/policies/{policy_id}", json=change).status_code == 403
    assert world.get("other_commissioner", "/api/policies").json == []
    assert world.get("bidder_a", f"/api/policies/{policy_id}").status_code == 403
    assert world.get("commissioner", "/api/policies/999999").status_code == 404
    assert world.state() == before
