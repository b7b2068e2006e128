"""No lost updates on the records with a version or a lifecycle step: policies, draft tenders, publication.

The same interleaving as test_concurrency: the first request holds its transaction open after writing.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from tenderscore.db.models import AuditEvent
from tests.api.conftest import DEADLINE, World
from tests.api.test_concurrency import _race, _send, _slow_audit
from tests.world import PROBATION


def test_two_policy_changes_from_the_same_version(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"/api/policies/{world.policy.id}"
    body = {"name": "VCSE policy", "min_social_value_weight": "10", "version": 1}
    _slow_audit(monkeypatch)
    results = _race(
        world,
        _send(world, "commissioner", "PUT", url, json={**body, "min_social_value_weight": "20", "reason": "A"}),
        _send(world, "commissioner", "PUT", url, json={**body, "min_social_value_weight": "30", "reason": "B"}),
    )
    assert sorted(status for status, _ in results) == [200, 409], results


def test_two_tender_edits_from_the_same_version(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    created = world.post(
        "officer",
        "/api/tenders",
        json={"reference": "C-1", "title": "t", "deadline": DEADLINE.isoformat(), "rubric": PROBATION},
    ).json
    url = f"/api/tenders/{created['id']}"
    _slow_audit(monkeypatch)
    results = _race(
        world,
        _send(world, "officer", "PATCH", url, json={"version": 1, "title": "First"}),
        _send(world, "moderator", "PATCH", url, json={"version": 1, "title": "Second"}),
    )
    assert sorted(status for status, _ in results) == [200, 409], results


def test_publishing_twice_at_once_publishes_once(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    created = world.post(
        "officer",
        "/api/tenders",
        json={"reference": "C-2", "title": "t", "deadline": DEADLINE.isoformat(), "rubric": PROBATION},
    ).json
    url = f"/api/tenders/{created['id']}/publish"
    _slow_audit(monkeypatch)
    results = _race(world, _send(world, "officer", "POST", url), _send(world, "moderator", "POST", url))
    assert sorted(status for status, _ in results) == [200, 409], results
    with world.fresh() as s:
        published = s.exec(select(AuditEvent).where(AuditEvent.action == "tender.published")).all()
    assert len(published) == 1
