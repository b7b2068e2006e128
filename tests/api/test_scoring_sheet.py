"""A whole bid at once through the API: many scores saved together or not at all, drafts, 'finished' and reopening,
stale versions per criterion, excluded bids refused, the officer's view of who has finished what, and consensus."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from tenderscore.core import CriterionKind
from tenderscore.db.models import AuditEvent
from tenderscore.services import tenders
from tests.api.conftest import Declare, World
from tests.world import PROBATION

RUBRIC = tenders.load_rubric_source(PROBATION)
SCORED = [c.id for c in RUBRIC.criteria if c.kind == CriterionKind.SCORED]
TITLES = {c.id: c.title for c in RUBRIC.criteria}


def _sheet(world: World, who: str, bidder: str, rows: list[dict[str, Any]], finished: bool = False) -> Any:
    url = f"/api/submissions/{world.submission_id(bidder)}/scores"
    return world.put(who, url, json={"scores": rows, "finished": finished})


def _row(criterion: str, score: int = 3, reason: str = "Clear, evidenced plan", **extra: Any) -> dict[str, Any]:
    return {"criterion_id": criterion, "score": score, "reason": reason, **extra}


def _actions(world: World, since: int) -> list[str]:
    with world.fresh() as s:
        return [e.action for e in s.exec(select(AuditEvent).where(col(AuditEvent.id) > since)).all()]


def _last_event(world: World) -> int:
    with world.fresh() as s:
        return max(s.exec(select(AuditEvent.id)).all() or [0]) or 0


def test_many_scores_are_saved_at_once_each_versioned_and_audited(opened: World, declare: Declare) -> None:
    declare()
    since = _last_event(opened)
    saved = _sheet(opened, "evaluator1", "bidder_a", [_row(c) for c in SCORED[:3]])
    assert saved.status_code == 200, saved.json
    assert saved.json["finished"] is False and saved.json["criteria"] == len(SCORED)
    assert sorted((s["criterion_id"], s["version"]) for s in saved.json["scores"]) == sorted((c, 1) for c in SCORED[:3])
    assert _actions(opened, since) == ["score.recorded"] * 3
    # Sending the same values again changes nothing: no new version, no audit event.
    since = _last_event(opened)
    again = _sheet(opened, "evaluator1", "bidder_a", [_row(c, version=1) for c in SCORED[:3]])
    assert again.status_code == 200 and {s["version"] for s in again.json["scores"]} == {1}
    assert _actions(opened, since) == []


def test_one_bad_criterion_saves_nothing_and_every_problem_is_reported(opened: World, declare: Declare) -> None:
    declare()
    before = opened.state()
    rows = [_row(SCORED[0]), _row(SCORED[1], score=9), _row(SCORED[2], reason="x" * 10_001)]
    refused = _sheet(opened, "evaluator1", "bidder_a", rows)
    assert refused.status_code == 422  # the schema refuses an over-long reason before the service
    rows = [_row(SCORED[0]), _row(SCORED[1], score=9), _row(SCORED[2], score=7)]
    refused = _sheet(opened, "evaluator1", "bidder_a", rows)
    assert refused.status_code == 400, refused.json
    assert len(refused.json["details"]) == 2  # both bad criteria, at once
    assert TITLES[SCORED[1]] in refused.json["details"][0] and TITLES[SCORED[2]] in refused.json["details"][1]
    assert opened.state() == before


def test_finishing_needs_every_criterion_and_records_the_completion(opened: World, declare: Declare) -> None:
    declare()
    before = opened.state()
    early = _sheet(opened, "evaluator1", "bidder_a", [_row(c) for c in SCORED[:2]], finished=True)
    assert early.status_code == 400
    assert len(early.json["details"]) == len(SCORED) - 2
    assert all("finished" in d for d in early.json["details"])
    assert opened.state() == before
    since = _last_event(opened)
    done = _sheet(opened, "evaluator1", "bidder_a", [_row(c) for c in SCORED], finished=True)
    assert done.status_code == 200 and done.json["finished"] is True and done.json["completed_at"]
    assert _actions(opened, since) == ["score.recorded"] * len(SCORED) + ["scoring.finished"]
    # Finished scores are locked, through either endpoint, until reopened.
    sub = opened.submission_id("bidder_a")
    locked = _sheet(opened, "evaluator1", "bidder_a", [_row(SCORED[0], score=5, version=1)])
    assert locked.status_code == 409 and "Change my scores" in locked.json["detail"]
    one = opened.put("evaluator1", f"/api/submissions/{sub}/scores/{SCORED[0]}",
                     json={"score": 5, "reason": "changed", "version": 1})  # fmt: skip
    assert one.status_code == 409


def test_reopening_needs_a_reason_and_is_on_the_record(opened: World, declare: Declare) -> None:
    declare()
    sub = opened.submission_id("bidder_a")
    url = f"/api/submissions/{sub}/scoring-completion"
    assert opened.get("evaluator1", url).json["finished"] is False
    unfinished = opened.post("evaluator1", url, json={"finished": True})
    assert unfinished.status_code == 400 and len(unfinished.json["details"]) == len(SCORED)
    assert _sheet(opened, "evaluator1", "bidder_a", [_row(c) for c in SCORED]).status_code == 200
    finished = opened.post("evaluator1", url, json={"finished": True})
    assert finished.status_code == 200 and finished.json["finished"] is True
    before = opened.state()
    no_reason = opened.post("evaluator1", url, json={"finished": False})
    assert no_reason.status_code == 400 and no_reason.json["field"] == "reason"
    assert opened.state() == before
    since = _last_event(opened)
    reopened = opened.post("evaluator1", url, json={"finished": False, "reason": "Re-read the mobilisation plan"})
    assert reopened.status_code == 200 and reopened.json["finished"] is False
    assert _actions(opened, since) == ["scoring.reopened"]
    with opened.fresh() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "scoring.reopened")).one()
        assert event.reason == "Re-read the mobilisation plan"
    changed = _sheet(opened, "evaluator1", "bidder_a", [_row(SCORED[0], score=5, reason="Better", version=1)])
    assert changed.status_code == 200


def test_a_stale_criterion_is_named_with_the_other_change_and_nothing_is_saved(opened: World, declare: Declare) -> None:
    declare()
    assert _sheet(opened, "evaluator1", "bidder_a", [_row(SCORED[0]), _row(SCORED[1])]).status_code == 200
    # Another tab changes the first criterion.
    other = _sheet(opened, "evaluator1", "bidder_a", [_row(SCORED[0], score=1, reason="Weak on risk", version=1)])
    assert other.status_code == 200
    before = opened.state()
    stale = _sheet(opened, "evaluator1", "bidder_a",
                   [_row(SCORED[0], score=4, version=1), _row(SCORED[1], score=4, version=1)])  # fmt: skip
    assert stale.status_code == 409, stale.json
    assert TITLES[SCORED[0]] in stale.json["detail"] and "Weak on risk" in stale.json["detail"]
    assert "Nothing was saved" in stale.json["detail"]
    assert stale.json["details"]["stale"] == {
        SCORED[0]: {"current_score": 1, "current_reason": "Weak on risk", "current_version": 2}
    }
    assert opened.state() == before  # the second criterion, which was not stale, was not saved either


def test_an_excluded_bid_is_not_scored_at_any_door(opened: World, declare: Declare) -> None:
    declare()
    sub = opened.submission_id("bidder_c")  # a tokenistic VCSE share, below the mandatory 15%
    before = opened.state()
    for response in (
        _sheet(opened, "evaluator1", "bidder_c", [_row(SCORED[0])]),
        opened.put("evaluator1", f"/api/submissions/{sub}/scores/{SCORED[0]}", json={"score": 3, "reason": "x"}),
        opened.post("evaluator1", f"/api/submissions/{sub}/scoring-completion", json={"finished": True}),
        opened.put("officer", f"/api/submissions/{sub}/consensus", json={"scores": [_row(SCORED[0])]}),
        opened.put("officer", f"/api/submissions/{sub}/consensus/{SCORED[0]}", json={"score": 3, "reason": "x"}),
    ):
        assert response.status_code == 409, response.json
        assert "excluded at the compliance stage" in response.json["detail"] and "15%" in response.json["detail"]
    assert opened.state() == before


def test_the_officer_sees_who_has_finished_what(opened: World, declare: Declare) -> None:
    declare("evaluator1")
    declare("evaluator2", [{"bidder_org_id": opened.org_id("bidder_b"), "details": "Former employer"}])
    assert _sheet(opened, "evaluator1", "bidder_a", [_row(c) for c in SCORED], finished=True).status_code == 200
    assert _sheet(opened, "evaluator2", "bidder_a", [_row(SCORED[0])]).status_code == 200
    url = f"/api/tenders/{opened.tender_id}/scoring-progress"
    progress = {b["bidder"]: b for b in opened.get("officer", url).json}
    a = {e["evaluator"]: e for e in progress["Northern Resettlement Consortium Ltd"]["evaluators"]}
    assert a["Evaluator1"]["state"] == "finished" and a["Evaluator1"]["completed_at"]
    assert a["Evaluator2"]["state"] == "draft" and a["Evaluator2"]["scored"] == 1
    b = {e["evaluator"]: e for e in progress["Meridian Probation Partners LLP"]["evaluators"]}
    assert b["Evaluator1"]["state"] == "not started"
    assert b["Evaluator2"]["state"] is None and "conflict" in b["Evaluator2"]["note"]
    assert any("15%" in r for r in progress["Brightpath Justice Services Ltd"]["excluded"])
    assert opened.get("evaluator1", url).status_code == 403
    assert opened.get("other_officer", url).status_code == 404


def test_consensus_for_a_whole_bid_is_saved_at_once_or_not_at_all(opened: World) -> None:
    sub = opened.submission_id("bidder_a")
    url = f"/api/submissions/{sub}/consensus"
    before = opened.state()
    refused = opened.put("officer", url, json={"scores": [_row(SCORED[0]), _row(SCORED[1], score=8)]})
    assert refused.status_code == 400 and TITLES[SCORED[1]] in refused.json["detail"]
    assert opened.state() == before
    saved = opened.put("officer", url, json={"scores": [_row(c, score=4) for c in SCORED]})
    assert saved.status_code == 200 and len(saved.json) == len(SCORED)
    moved = opened.put("moderator", url, json={"scores": [_row(SCORED[0], score=2, reason="Re-read", version=1)]})
    assert moved.status_code == 200
    before = opened.state()
    stale = opened.put("officer", url, json={"scores": [_row(SCORED[0], score=5, version=1)]})
    assert stale.status_code == 409 and "Moderator" in stale.json["detail"] and "Re-read" in stale.json["detail"]
    assert opened.state() == before
    duplicate = opened.put("officer", url, json={"scores": [_row(SCORED[0]), _row(SCORED[0])]})
    assert duplicate.status_code == 422


def test_the_whole_bid_endpoints_are_in_the_openapi_document(app: Any, client: Any) -> None:
    paths = client.get("/api/openapi.json").json["paths"]
    assert "put" in paths["/api/submissions/{submission_id}/scores"]
    assert {"get", "post"} <= set(paths["/api/submissions/{submission_id}/scoring-completion"])
    assert "put" in paths["/api/submissions/{submission_id}/consensus"]
    assert "get" in paths["/api/tenders/{tender_id}/scoring-progress"]
