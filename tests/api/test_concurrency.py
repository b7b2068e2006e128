"""No lost updates when two people save the same score or consensus at the same moment (issue 7).

Each request is held for a moment after it has written and before it commits (inside the audit record), so the
second request reads while the first is still open: exactly the interleaving that loses an update when the
version check and the write are not serialised (PostgreSQL, READ COMMITTED).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from tenderscore.db.models import AuditEvent
from tenderscore.services import audit
from tests.api.conftest import Declare, World
from tests.api.test_evaluation import SCORED

HOLD = 0.4  # seconds a request keeps its transaction open after writing


def _slow_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    real = audit.record

    def record(*args: Any, **kwargs: Any) -> AuditEvent:
        event = real(*args, **kwargs)
        time.sleep(HOLD)
        return event

    monkeypatch.setattr(audit, "record", record)


def _race(world: World, first: Callable[[], Any], second: Callable[[], Any]) -> list[Any]:
    results: list[Any] = [None, None]

    def run(index: int, call: Callable[[], Any]) -> None:
        results[index] = call()

    threads = [threading.Thread(target=run, args=(0, first)), threading.Thread(target=run, args=(1, second))]
    threads[0].start()
    time.sleep(HOLD / 4)  # the first has read and written, and holds its transaction open
    threads[1].start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _put(world: World, who: str, url: str, body: dict[str, Any]) -> Callable[[], tuple[int, Any]]:
    def call() -> tuple[int, Any]:
        client = world.app.test_client()
        response = client.put(url, json=body, headers={"Authorization": f"Bearer {world.tokens[who]}"})
        return response.status_code, response.json

    return call


def test_two_saves_of_one_score_from_the_same_version(
    opened: World, declare: Declare, monkeypatch: pytest.MonkeyPatch
) -> None:
    declare()
    url = f"/api/submissions/{opened.submission_id('bidder_a')}/scores/{SCORED[0]}"
    assert opened.put("evaluator1", url, json={"score": 3, "reason": "First reading"}).status_code == 200
    _slow_audit(monkeypatch)
    results = _race(
        opened,
        _put(opened, "evaluator1", url, {"score": 4, "reason": "Tab one", "version": 1}),
        _put(opened, "evaluator1", url, {"score": 1, "reason": "Tab two", "version": 1}),
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 409], results
    winner = next(body for status, body in results if status == 200)
    mine = opened.get("evaluator1", f"/api/submissions/{opened.submission_id('bidder_a')}/scores").json
    assert [(s["score"], s["reason"], s["version"]) for s in mine] == [(winner["score"], winner["reason"], 2)]


def test_two_first_scores_at_once(opened: World, declare: Declare, monkeypatch: pytest.MonkeyPatch) -> None:
    declare()
    url = f"/api/submissions/{opened.submission_id('bidder_a')}/scores/{SCORED[1]}"
    _slow_audit(monkeypatch)
    results = _race(
        opened,
        _put(opened, "evaluator1", url, {"score": 4, "reason": "Tab one"}),
        _put(opened, "evaluator1", url, {"score": 1, "reason": "Tab two"}),
    )
    assert sorted(status for status, _ in results) == [200, 409], results


def test_two_moderators_save_one_consensus_from_the_same_version(
    opened: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"/api/submissions/{opened.submission_id('bidder_a')}/consensus/{SCORED[0]}"
    assert opened.put("officer", url, json={"score": 3, "reason": "Agreed"}).status_code == 200
    _slow_audit(monkeypatch)
    results = _race(
        opened,
        _put(opened, "officer", url, {"score": 4, "reason": "Officer re-reads", "version": 1}),
        _put(opened, "moderator", url, {"score": 2, "reason": "Moderator re-reads", "version": 1}),
    )
    assert sorted(status for status, _ in results) == [200, 409], results
    loser = next(body for status, body in results if status == 409)
    assert loser["details"]["current_version"] == 2
    assert opened.get("officer", "/api/audit/verify").json["ok"] is True


def _send(world: World, who: str, method: str, url: str, **kwargs: Any) -> Callable[[], tuple[int, Any]]:
    def call() -> tuple[int, Any]:
        client = world.app.test_client()
        headers = {"Authorization": f"Bearer {world.tokens[who]}"}
        response = client.open(url, method=method, headers=headers, **kwargs)
        return response.status_code, response.json

    return call


def test_one_bidder_submitting_twice_at_once_gets_two_versions(
    published: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    url = f"/api/tenders/{published.tender_id}/submissions"
    data = published.bids["bidder_a"].workbook

    def upload() -> tuple[int, Any]:
        return _send(
            published,
            "bidder_a",
            "POST",
            url,
            data={"workbook": (io.BytesIO(data), "bid.xlsx")},
            content_type="multipart/form-data",
        )()

    _slow_audit(monkeypatch)
    results = _race(published, upload, upload)
    assert sorted(status for status, _ in results) in ([201, 201], [201, 409]), results
    listed = published.get("bidder_a", url).json
    assert [v["is_current"] for v in listed].count(True) == 1


def test_the_same_new_reference_twice_at_once(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.api.conftest import DEADLINE
    from tests.world import PROBATION

    body = {"reference": "C-3", "title": "t", "deadline": DEADLINE.isoformat(), "rubric": PROBATION}
    _slow_audit(monkeypatch)
    results = _race(
        world,
        _send(world, "officer", "POST", "/api/tenders", json=body),
        _send(world, "moderator", "POST", "/api/tenders", json=body),
    )
    assert sorted(status for status, _ in results) == [201, 409], results
