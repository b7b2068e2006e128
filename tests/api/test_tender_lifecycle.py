"""The routine changes of a tender's life through the API: a draft's details changed or the draft deleted, a published
tender's deadline extended (and every bidder told), each on the record with its reason."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from tenderscore.db.models import AuditEvent, Tender
from tenderscore.services import mail, submissions
from tests.api.conftest import DEADLINE, World
from tests.world import PROBATION


class Outbox:
    """Stands in for the app's mailer: what was sent, after the commit."""

    def __init__(self) -> None:
        self.sent: list[mail.Message] = []

    def send(self, sender: str, messages: Sequence[mail.Message]) -> None:
        self.sent.extend(messages)


@pytest.fixture
def outbox(world: World) -> Outbox:
    box = Outbox()
    world.app.extensions["tenderscore.mailer"] = box
    return box


def _draft(world: World, **overrides: Any) -> dict[str, Any]:
    body = {"reference": "NWPR-2027-020", "title": "Resettlement services", "deadline": DEADLINE.isoformat(),
            "estimated_value": "1200000", "policy_id": world.policy.id, "rubric": PROBATION} | overrides  # fmt: skip
    response = world.post("officer", "/api/tenders", json=body)
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def _events(world: World, action: str) -> list[AuditEvent]:
    with world.fresh() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))).all())


def test_a_drafts_details_change_with_the_version_read_and_are_recorded(world: World) -> None:
    tender = _draft(world)
    later = (DEADLINE + timedelta(days=7)).isoformat()
    change = {"version": 1, "title": "Resettlement and housing", "description": "Now with housing",
              "estimated_value": "1500000", "deadline": later, "reason": "Scope agreed"}  # fmt: skip
    response = world.patch("officer", f"/api/tenders/{tender['id']}", json=change)
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["title"], body["description"], body["estimated_value"], body["version"]) == (
        "Resettlement and housing", "Now with housing", "1500000.00", 2)  # fmt: skip
    assert datetime.fromisoformat(body["deadline"]) == DEADLINE + timedelta(days=7)
    [event] = _events(world, "tender.updated")
    assert event.reason == "Scope agreed"
    assert event.before and event.after and event.before["title"] == "Resettlement services"
    assert event.after["title"] == "Resettlement and housing"

    before = world.state()  # the version read is now stale: nothing is overwritten
    stale = world.patch("officer", f"/api/tenders/{tender['id']}", json={**change, "title": "Other"})
    assert stale.status_code == 409 and "version 2" in stale.json["detail"]
    same = world.patch("officer", f"/api/tenders/{tender['id']}", json={**change, "version": 2})
    assert same.status_code == 200 and same.json["version"] == 2  # nothing changed: nothing recorded
    assert world.state() == before


def test_every_problem_with_a_drafts_changes_is_reported_at_once(world: World) -> None:
    tender = _draft(world)
    before = world.state()
    response = world.patch(
        "officer",
        f"/api/tenders/{tender['id']}",
        json={"version": 1, "deadline": "2020-01-01T12:00:00+00:00", "policy_id": 987654, "title": "A\nB"},
    )
    assert response.status_code == 400, response.json
    fields = {d.split(":")[0] for d in response.json["details"]}
    assert fields == {"deadline", "policy_id", "title"}
    assert world.state() == before


def test_a_draft_is_deleted_with_a_reason_and_then_answers_404(world: World) -> None:
    tender = _draft(world)
    url = f"/api/tenders/{tender['id']}"
    before = world.state()
    assert world.call("officer", "DELETE", url, json={"version": 1}).status_code == 422  # no reason
    assert world.call("officer", "DELETE", url, json={"version": 1, "reason": "   "}).status_code == 422
    assert world.call("officer", "DELETE", url, json={"version": 7, "reason": "Duplicate"}).status_code == 409
    assert world.call("other_officer", "DELETE", url, json={"version": 1, "reason": "Mine"}).status_code == 404
    assert world.call("commissioner", "DELETE", url, json={"version": 1, "reason": "Mine"}).status_code == 403
    assert world.state() == before

    deleted = world.call("officer", "DELETE", url, json={"version": 1, "reason": "Created twice by mistake"})
    assert deleted.status_code == 204
    assert world.get("officer", url).status_code == 404
    assert world.get("commissioner", url).status_code == 404
    assert world.get("officer", "/api/tenders").json == []
    assert world.patch("officer", url, json={"version": 2, "title": "Back"}).status_code == 404
    assert world.post("officer", f"{url}/publish").status_code == 404
    [event] = _events(world, "tender.deleted")
    assert event.reason == "Created twice by mistake" and event.tender_id == tender["id"]
    with world.fresh() as s:
        row = s.get(Tender, tender["id"])
        assert row is not None and row.deleted_at is not None  # kept: the audit chain names it
    again = world.post("officer", "/api/tenders", json={"reference": "NWPR-2027-020", "title": "T", "rubric": PROBATION,
                                                        "deadline": DEADLINE.isoformat()})  # fmt: skip
    assert again.status_code == 409 and "deleted draft" in again.json["detail"]


def test_a_published_tender_cannot_be_deleted(published: World) -> None:
    url = f"/api/tenders/{published.tender_id}"
    version = published.get("officer", url).json["version"]
    before = published.state()
    response = published.call("officer", "DELETE", url, json={"version": version, "reason": "Changed our minds"})
    assert response.status_code == 409 and "draft" in response.json["detail"]
    assert published.state() == before


def test_extending_the_deadline_tells_every_bidder_and_keeps_the_template(published: World, outbox: Outbox) -> None:
    s = published.session
    submissions.submit(
        s, published.users["bidder_a"], published.tender_id, "a.xlsx", published.bids["bidder_a"].workbook
    )
    s.commit()
    url = f"/api/tenders/{published.tender_id}"
    tender = published.get("officer", url).json
    template_before = published.get("bidder_b", f"{url}/template").headers["Content-Disposition"]
    new = DEADLINE + timedelta(days=14)
    response = published.post(
        "officer", f"{url}/deadline",
        json={"version": tender["version"], "deadline": new.isoformat(), "reason": "Clarification issued late"},
    )  # fmt: skip
    assert response.status_code == 200, response.json
    assert datetime.fromisoformat(response.json["deadline"]) == new
    assert response.json["rubric_hash"] == tender["rubric_hash"]
    assert published.get("bidder_b", f"{url}/template").headers["Content-Disposition"] == template_before
    [event] = _events(published, "tender.deadline_extended")
    assert event.reason == "Clarification issued late" and event.after is not None
    assert event.after["bidders_told"] == 3 and event.after["template_version"] == 1
    assert sorted(m.to for m in outbox.sent) == [
        "bids@bidder_a.example",
        "bids@bidder_b.example",
        "bids@bidder_c.example",
    ]
    assert {m.purpose for m in outbox.sent} == {"deadline_extended"}
    by = {m.to: m.body for m in outbox.sent}
    assert "Clarification issued late" in by["bids@bidder_b.example"]
    assert "stands" in by["bids@bidder_a.example"] and "stands" not in by["bids@bidder_b.example"]
    # The bid already in still counts, and a new version can be sent against the unchanged template.
    again = published.post(
        "bidder_a",
        f"{url}/submissions",
        content_type="multipart/form-data",
        data={"workbook": (io.BytesIO(published.bids["bidder_a"].workbook), "a.xlsx")},
    )
    assert again.status_code == 201 and again.json["version"] == 2


@pytest.mark.parametrize(
    ("days", "reason", "status", "field"),
    [(-1, "Earlier", 400, "deadline"), (0, "Same", 400, "deadline"), (5, "", 422, "reason")],
)
def test_a_deadline_can_only_move_later_with_a_reason(
    published: World, outbox: Outbox, days: int, reason: str, status: int, field: str
) -> None:
    url = f"/api/tenders/{published.tender_id}"
    version = published.get("officer", url).json["version"]
    before = published.state()
    response = published.post("officer", f"{url}/deadline", json={
        "version": version, "deadline": (DEADLINE + timedelta(days=days)).isoformat(), "reason": reason})  # fmt: skip
    assert response.status_code == status, response.json
    assert field in str(response.json)
    assert published.state() == before and outbox.sent == []


def test_a_passed_deadline_or_a_draft_cannot_be_extended(published: World, outbox: Outbox) -> None:
    url = f"/api/tenders/{published.tender_id}"
    version = published.get("officer", url).json["version"]
    published.move_deadline(datetime.now(UTC) - timedelta(minutes=1))
    draft = _draft(published)
    before = published.state()
    body = {"version": version, "deadline": (DEADLINE + timedelta(days=9)).isoformat(), "reason": "Too late"}
    late = published.post("officer", f"{url}/deadline", json=body)
    assert late.status_code == 409 and late.json["field"] == "deadline"
    assert (
        published.post("officer", f"/api/tenders/{draft['id']}/deadline", json={**body, "version": 1}).status_code
        == 409
    )
    assert published.post("bidder_a", f"{url}/deadline", json=body).status_code == 403
    assert published.state() == before and outbox.sent == []


def test_the_new_operations_are_documented(world: World) -> None:
    spec = world.get(None, "/api/openapi.json").json
    tender = spec["paths"]["/api/tenders/{tender_id}"]
    assert "delete" in tender and "requestBody" in tender["delete"]
    assert "post" in spec["paths"]["/api/tenders/{tender_id}/deadline"]
    assert {"DeadlineExtensionIn", "TenderDeleteIn", "TenderDraftUpdate"} <= set(spec["components"]["schemas"])
