"""Officers' tenders through the API: create from a shipped or uploaded rubric, adjust, check the policy, publish."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from tests.api.conftest import DEADLINE, World
from tests.world import PROBATION


def _new(world: World, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": "NWPR-2027-010",
        "title": "Resettlement services",
        "description": "Accommodation and employment support",
        "deadline": DEADLINE.isoformat(),
        "estimated_value": "1200000",
        "policy_id": world.policy.id,
        "rubric": PROBATION,
    }
    body.update(overrides)
    return body


def _weights(tender: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c.get("weight") for s in tender["rubric"]["sections"] for c in s["criteria"]}


def _create(world: World, **overrides: Any) -> dict[str, Any]:
    response = world.post("officer", "/api/tenders", json=_new(world, **overrides))
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def test_create_from_a_shipped_rubric(world: World) -> None:
    tender = _create(world)
    assert tender["status"] == "draft" and tender["version"] == 1
    assert tender["rubric"]["id"] == PROBATION
    assert tender["breaches"] == []
    assert tender["estimated_value"] == "1200000.00"  # pounds and pence, as all money in the API
    assert tender["rubric_hash"] is None and tender["published_at"] is None
    assert world.get("officer", f"/api/tenders/{tender['id']}").json == tender
    assert [t["id"] for t in world.get("officer", "/api/tenders").json] == [tender["id"]]


def test_create_from_uploaded_yaml(world: World, yaml_rubric: str) -> None:
    tender = _create(world, rubric=None, rubric_yaml=yaml_rubric, policy_id=None)
    assert tender["rubric"]["id"] == "housing-asb-services"
    assert sum(float(w) for w in _weights(tender).values() if w is not None) == 100


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"rubric": "no-such-rubric"}, "no-such-rubric"),
        ({"rubric": None}, "rubric"),
        ({"rubric": None, "rubric_yaml": "id: [unclosed"}, "rubric"),
        ({"rubric": None, "rubric_yaml": "- just\n- a list\n"}, "mapping"),
        ({"rubric": None, "rubric_yaml": "id: x\nid: y\n"}, "rubric"),
        ({"policy_id": 987654}, "policy"),
    ],
)
def test_a_bad_rubric_or_policy_is_refused_with_nothing_stored(
    world: World, overrides: dict[str, Any], needle: str
) -> None:
    before = world.state()
    response = world.post("officer", "/api/tenders", json=_new(world, **overrides))
    assert response.status_code in (400, 422), response.json
    assert needle in response.get_data(as_text=True)
    assert world.state() == before


def test_an_uploaded_rubric_with_errors_names_each_path(world: World, yaml_rubric: str) -> None:
    broken = yaml_rubric.replace("weight: 30", "weight: 31", 1)
    assert broken != yaml_rubric
    before = world.state()
    response = world.post("officer", "/api/tenders", json=_new(world, rubric=None, rubric_yaml=broken))
    assert response.status_code == 400
    assert response.json["field"] == "rubric"
    assert any("100" in d for d in response.json["details"])
    assert world.state() == before


def test_a_duplicate_reference_is_a_conflict(world: World) -> None:
    _create(world)
    before = world.state()
    response = world.post("officer", "/api/tenders", json=_new(world))
    assert response.status_code == 409 and response.json["field"] == "reference"
    assert world.state() == before


def test_patch_moves_weight_and_changes_thresholds(world: World) -> None:
    tender = _create(world)
    change = {
        "version": 1,
        "reason": "More weight on accommodation",
        "criteria": {
            "q1_attitudes_programmes": {"weight": "10"},
            "q3_accommodation": {"weight": "10", "minimum": 2},
            "sv_vcse_share": {"mandatory_minimum": "20"},
        },
    }
    response = world.patch("officer", f"/api/tenders/{tender['id']}", json=change)
    assert response.status_code == 200, response.json
    patched = response.json
    assert patched["version"] == 2
    weights = _weights(patched)
    assert (weights["q1_attitudes_programmes"], weights["q3_accommodation"]) == ("10", "10")
    criteria = {c["id"]: c for s in patched["rubric"]["sections"] for c in s["criteria"]}
    assert criteria["q3_accommodation"]["minimum"] == 2
    assert criteria["sv_vcse_share"]["mandatory_minimum"] == "20"

    before = world.state()
    stale = world.patch("officer", f"/api/tenders/{tender['id']}", json={**change, "criteria": {}})
    assert stale.status_code == 409 and "version 2" in stale.json["detail"]
    assert world.state() == before


def test_weights_not_summing_to_100_are_refused_naming_the_path(world: World) -> None:
    tender = _create(world)
    before = world.state()
    response = world.patch(
        "officer",
        f"/api/tenders/{tender['id']}",
        json={"version": 1, "criteria": {"q1_attitudes_programmes": {"weight": "13"}}},
    )
    assert response.status_code in (400, 422)
    assert response.json["field"] == "rubric"
    assert any("100" in d and "weight" in d for d in response.json["details"]), response.json
    assert world.state() == before


@pytest.mark.parametrize(
    ("criteria", "status"),
    [
        ({"no_such_criterion": {"weight": "1"}}, 400),
        ({"q1_attitudes_programmes": {"weight": "-1"}}, 422),
        ({"q1_attitudes_programmes": {"weight": "NaN"}}, 422),
        ({"q1_attitudes_programmes": {"colour": "red"}}, 422),
        ({"q1_attitudes_programmes": {"minimum": 99}}, 400),
        ({"q1_attitudes_programmes": {"mandatory_minimum": "5"}}, 400),
        ({"price": {"minimum": 3}}, 400),
        ({"sv_vcse_share": {"minimum": 3}}, 400),
        ({"pf_insurance": {"weight": "12"}}, 400),
    ],
)
def test_bad_criterion_changes_are_refused(world: World, criteria: dict[str, Any], status: int) -> None:
    tender = _create(world)
    before = world.state()
    response = world.patch("officer", f"/api/tenders/{tender['id']}", json={"version": 1, "criteria": criteria})
    assert response.status_code == status, response.json
    assert world.state() == before


def test_breaches_are_listed_and_block_publication(world: World) -> None:
    strict = world.post(
        "commissioner",
        "/api/policies",
        json={
            "name": "Strict",
            "min_social_value_weight": "40",
            "mandatory_commitments": [{"measure": "vcse_share", "minimum": "30"}],
        },
    ).json
    tender = _create(world, policy_id=strict["id"])
    assert len(tender["breaches"]) == 2, tender["breaches"]
    assert any("40" in b for b in tender["breaches"]) and any("30" in b for b in tender["breaches"])
    before = world.state()
    response = world.post("officer", f"/api/tenders/{tender['id']}/publish")
    assert response.status_code == 409
    assert response.json["details"] == tender["breaches"]
    assert world.state() == before


def test_publish_freezes_the_rubric(world: World) -> None:
    tender = _create(world)
    assert world.post("commissioner", f"/api/tenders/{tender['id']}/publish").status_code == 403
    published = world.post("officer", f"/api/tenders/{tender['id']}/publish")
    assert published.status_code == 200, published.json
    body = published.json
    assert body["status"] == "published" and len(body["rubric_hash"]) == 64 and body["published_at"]
    before = world.state()
    frozen = world.patch(
        "officer", f"/api/tenders/{tender['id']}", json={"version": body["version"], "title": "Changed"}
    )
    assert frozen.status_code == 409 and "frozen" in frozen.json["detail"]
    again = world.post("officer", f"/api/tenders/{tender['id']}/publish")
    assert again.status_code == 409
    assert world.state() == before


def test_publishing_after_the_deadline_is_refused(world: World) -> None:
    tender = _create(world, deadline="2020-01-01T12:00:00+00:00")
    before = world.state()
    response = world.post("officer", f"/api/tenders/{tender['id']}/publish")
    assert response.status_code == 409 and response.json["field"] == "deadline"
    assert world.state() == before


def test_the_template_is_an_xlsx_for_bidders_once_published(world: World) -> None:
    tender = _create(world)
    assert world.get("bidder_a", f"/api/tenders/{tender['id']}/template").status_code == 404  # drafts are unseen
    assert world.get("officer", f"/api/tenders/{tender['id']}/template").status_code == 409
    world.post("officer", f"/api/tenders/{tender['id']}/publish")
    response = world.get("bidder_a", f"/api/tenders/{tender['id']}/template")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "NWPR-2027-010" in response.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert len(workbook.sheetnames) >= 3
    assert world.get("evaluator1", f"/api/tenders/{tender['id']}/template").status_code == 403


def test_who_sees_which_tender(world: World) -> None:
    draft = _create(world)
    published = _create(world, reference="NWPR-2027-011")
    world.post("officer", f"/api/tenders/{published['id']}/publish")
    assert world.get("other_officer", f"/api/tenders/{draft['id']}").status_code == 404
    assert world.get("other_officer", f"/api/tenders/{published['id']}").status_code == 404
    assert world.get("other_officer", "/api/tenders").json == []
    assert world.get("bidder_a", f"/api/tenders/{draft['id']}").status_code == 404
    assert world.get("bidder_a", f"/api/tenders/{published['id']}").status_code == 200
    assert [t["id"] for t in world.get("bidder_a", "/api/tenders").json] == [published["id"]]
    assert world.get("evaluator1", f"/api/tenders/{published['id']}").status_code == 404  # not assigned
    assert world.get("commissioner", f"/api/tenders/{published['id']}").status_code == 200  # under their policy
    assert world.get("other_commissioner", f"/api/tenders/{published['id']}").status_code == 404
    assert world.get("officer", "/api/tenders/0").status_code == 404


def test_another_buyers_officer_cannot_change_publish_or_open(world: World) -> None:
    tender = _create(world)
    before = world.state()
    assert world.patch("other_officer", f"/api/tenders/{tender['id']}", json={"version": 1}).status_code == 404
    assert world.post("other_officer", f"/api/tenders/{tender['id']}/publish").status_code == 404
    assert world.post("other_officer", f"/api/tenders/{tender['id']}/open").status_code == 404
    assert world.state() == before
