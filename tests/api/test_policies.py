"""Commissioners' policies through the API: create, read, change with a version and a reason."""

from __future__ import annotations

import pytest

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


def test_nonsense_is_refused_with_every_field_named_at_once(world: World) -> None:
    """An unknown measure, a percentage over 100, a criterion no rubric has and a name in use: all four, one 422."""
    before = world.state()
    nonsense = {
        "name": "VCSE policy",  # the world's policy already has it
        "min_social_value_weight": "20",
        "mandatory_commitments": [
            {"measure": "vcse_shar", "minimum": "15"},
            {"measure": "vcse_share", "minimum": "150"},
        ],
        "required_criteria": ["sv_vcse_share", "no_such_criterion"],
    }
    response = world.post("commissioner", "/api/policies", json=nonsense)
    assert response.status_code == 422, response.json
    errors = response.json["errors"]["json"]
    assert errors["name"] == [
        "Your organisation already has a policy called “VCSE policy”. Give this policy a different name"
    ]
    assert "vcse_shar" in errors["mandatory_commitments"]["0"]["measure"][0]
    assert errors["mandatory_commitments"]["1"]["minimum"] == [
        "The minimum for VCSE share is a percentage: enter a number from 0 to 100"
    ]
    assert "no_such_criterion" in errors["required_criteria"][0]
    assert "sv_vcse_share" not in errors["required_criteria"][0]
    assert "VCSE policy" in response.json["detail"]
    assert world.state() == before


def test_a_percentage_lies_in_0_to_100_and_other_units_are_not_capped_at_100(world: World) -> None:
    at_most = {**NEW, "mandatory_commitments": [{"measure": "vcse_share", "minimum": "100"}]}
    assert world.post("commissioner", "/api/policies", json=at_most).status_code == 201
    jobs = {**NEW, "name": "Jobs", "mandatory_commitments": [{"measure": "jobs_with_convictions", "minimum": "150"}]}
    created = world.post("commissioner", "/api/policies", json=jobs)
    assert created.status_code == 201, created.json
    assert created.json["mandatory_commitments"] == [{"measure": "jobs_with_convictions", "minimum": "150"}]
    before = world.state()
    over = {**NEW, "name": "Over", "mandatory_commitments": [{"measure": "vcse_share", "minimum": "100.01"}]}
    refused = world.post("commissioner", "/api/policies", json=over)
    assert refused.status_code == 422 and "minimum" in refused.json["errors"]["json"]["mandatory_commitments"]["0"]
    huge = {
        **NEW,
        "name": "Huge",
        "mandatory_commitments": [{"measure": "jobs_with_convictions", "minimum": "2000000"}],
    }
    refused = world.post("commissioner", "/api/policies", json=huge)
    assert refused.status_code == 422
    assert refused.json["errors"]["json"]["mandatory_commitments"]["0"]["minimum"] == [
        "The minimum for Jobs for people with convictions must be from 0 to 1,000,000"
    ]
    twice = {**NEW, "name": "Twice", "mandatory_commitments": [{"measure": "vcse_share", "minimum": "15"}] * 2}
    refused = world.post("commissioner", "/api/policies", json=twice)
    assert refused.status_code == 422 and "measure" in refused.json["errors"]["json"]["mandatory_commitments"]["1"]
    assert world.state() == before


def test_names_are_unique_within_an_organisation_only(world: World) -> None:
    before = world.state()
    for name in ("VCSE policy", "  vcse   POLICY "):
        same = world.post("commissioner", "/api/policies", json={**NEW, "name": name})
        assert same.status_code == 422 and "name" in same.json["errors"]["json"], name
    assert world.state() == before
    # Another buyer's commissioner may use the name: names only need telling apart within one organisation.
    assert world.post("other_commissioner", "/api/policies", json={**NEW, "name": "VCSE policy"}).status_code == 201
    # Renaming a policy to another's name is refused; keeping its own name is not a clash.
    policy_id = world.post("commissioner", "/api/policies", json=NEW).json["id"]
    change = {**NEW, "name": "VCSE policy", "version": 1, "reason": "Rename"}
    clash = world.put("commissioner", f"/api/policies/{policy_id}", json=change)
    assert clash.status_code == 422 and "name" in clash.json["errors"]["json"]
    same = world.put("commissioner", f"/api/policies/{policy_id}", json={**change, "name": NEW["name"]})
    assert same.status_code == 200, same.json


def test_a_race_on_the_name_gets_the_same_words_from_the_unique_index(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests that both passed the name check: the database's unique index refuses the later one."""
    from tenderscore.services import policies

    monkeypatch.setattr(policies, "_name_taken", lambda *args: False)  # as if the other request had not committed
    before = world.state()
    response = world.post("commissioner", "/api/policies", json={**NEW, "name": "VCSE policy"})
    assert response.status_code == 422, response.json
    assert response.json["errors"]["json"] == {
        "name": ["Your organisation already has a policy called “VCSE policy”. Give this policy a different name"]
    }
    assert world.state() == before
