"""Evaluation through the API: the panel, declarations, scores with versions, consensus, results and the award."""

from __future__ import annotations

from typing import Any

import pytest

from tenderscore.core import CriterionKind
from tenderscore.services import tenders
from tests.api.conftest import Declare, World
from tests.world import PROBATION

SCORED = [c.id for c in tenders.load_rubric_source(PROBATION).criteria if c.kind == CriterionKind.SCORED]


def _score(world: World, who: str, bidder: str, criterion: str = SCORED[0], **body: Any) -> Any:
    body = {"score": 3, "reason": "Clear, evidenced plan", **body}
    return world.put(who, f"/api/submissions/{world.submission_id(bidder)}/scores/{criterion}", json=body)


def _consensus(world: World, bidder: str, criterion: str, who: str = "officer", **body: Any) -> Any:
    body = {"score": 3, "reason": "Panel agreed", **body}
    return world.put(who, f"/api/submissions/{world.submission_id(bidder)}/consensus/{criterion}", json=body)


def test_the_officer_assigns_and_lists_the_panel(opened: World) -> None:
    url = f"/api/tenders/{opened.tender_id}/evaluators"
    added = opened.post("officer", url, json={"evaluator_id": opened.uid("evaluator3")})
    assert added.status_code == 201, added.json
    assert added.json["evaluator_id"] == opened.uid("evaluator3") and added.json["declared_at"] is None
    panel = opened.get("officer", url).json
    assert sorted(m["email"] for m in panel) == [f"evaluator{i}@buyer.example" for i in (1, 2, 3)]
    before = opened.state()
    for evaluator_id in (opened.uid("bidder_a"), opened.uid("officer"), 999999):
        refused = opened.post("officer", url, json={"evaluator_id": evaluator_id})
        assert refused.status_code == 400 and refused.json["field"] == "evaluator_id"
    assert opened.post("evaluator1", url, json={"evaluator_id": opened.uid("evaluator3")}).status_code == 403
    assert opened.post("other_officer", url, json={"evaluator_id": opened.uid("evaluator3")}).status_code == 404
    assert opened.get("evaluator1", url).status_code == 403
    assert opened.state() == before


def test_an_evaluator_sees_no_bid_before_declaring(opened: World) -> None:
    before = opened.state()
    sub = opened.submission_id("bidder_a")
    assert opened.get("evaluator1", f"/api/tenders/{opened.tender_id}/bids").status_code == 403
    assert opened.get("evaluator1", f"/api/submissions/{sub}").status_code == 403
    assert opened.get("evaluator1", f"/api/submissions/{sub}/workbook").status_code == 403
    assert opened.get("evaluator1", f"/api/submissions/{sub}/scores").status_code == 403
    response = _score(opened, "evaluator1", "bidder_a")
    assert response.status_code == 403 and "Declare" in response.json["detail"]
    assert opened.state() == before


def test_an_unassigned_evaluator_is_told_nothing_exists(opened: World) -> None:
    before = opened.state()
    sub = opened.submission_id("bidder_a")
    assert opened.get("evaluator3", f"/api/tenders/{opened.tender_id}").status_code == 404
    assert opened.get("evaluator3", f"/api/tenders/{opened.tender_id}/bids").status_code == 404
    assert opened.get("evaluator3", f"/api/submissions/{sub}").status_code == 404
    declaration = opened.put(
        "evaluator3", f"/api/tenders/{opened.tender_id}/declaration", json={"statement": "No conflict"}
    )
    assert declaration.status_code == 404
    assert _score(opened, "evaluator3", "bidder_a").status_code == 404
    assert opened.state() == before


def test_a_conflicted_evaluator_neither_sees_nor_scores_that_bid(opened: World, declare: Declare) -> None:
    declare("evaluator2", [{"bidder_org_id": opened.org_id("bidder_b"), "details": "Sister is their FD"}])
    listed = opened.get("evaluator2", f"/api/tenders/{opened.tender_id}/bids").json
    assert {b["bidder_org_id"] for b in listed["bids"]} == {opened.org_id("bidder_a"), opened.org_id("bidder_c")}
    assert listed["received"] is None  # the count is the buyer's
    before = opened.state()
    sub = opened.submission_id("bidder_b")
    assert opened.get("evaluator2", f"/api/submissions/{sub}").status_code == 403
    assert opened.get("evaluator2", f"/api/submissions/{sub}/workbook").status_code == 403
    response = _score(opened, "evaluator2", "bidder_b")
    assert response.status_code == 403 and "conflict" in response.json["detail"]
    # Each refused attempt is on record (content, workbook, score), and nothing else changed.
    assert opened.unchanged_but_audit(before) == ["submission.read_refused"] * 3
    assert _score(opened, "evaluator2", "bidder_a").status_code == 200
    panel = opened.get("officer", f"/api/tenders/{opened.tender_id}/evaluators").json
    assert next(m for m in panel if m["email"] == "evaluator2@buyer.example")["conflicts"] == [
        opened.org_id("bidder_b")
    ]


def test_scores_carry_versions_and_a_stale_save_names_who_changed_it(opened: World, declare: Declare) -> None:
    declare()
    first = _score(opened, "evaluator1", "bidder_a")
    assert first.status_code == 200, first.json
    assert first.json["version"] == 1 and first.json["score"] == 3
    second = _score(opened, "evaluator1", "bidder_a", score=4, reason="On reflection, strong", version=1)
    assert second.status_code == 200 and second.json["version"] == 2
    before = opened.state()
    stale = _score(opened, "evaluator1", "bidder_a", score=1, reason="Old tab", version=1)
    assert stale.status_code == 409
    assert "evaluator1@buyer.example" in stale.json["detail"] and "nothing was overwritten" in stale.json["detail"]
    assert stale.json["details"]["current_version"] == 2
    missing_version = _score(opened, "evaluator1", "bidder_a", score=1, reason="No version")
    assert missing_version.status_code == 409
    assert opened.state() == before
    mine = opened.get("evaluator1", f"/api/submissions/{opened.submission_id('bidder_a')}/scores").json
    assert [(s["criterion_id"], s["score"], s["version"]) for s in mine] == [(SCORED[0], 4, 2)]
    # Evaluators score independently: another evaluator's list does not show them.
    declare("evaluator2")
    assert opened.get("evaluator2", f"/api/submissions/{opened.submission_id('bidder_a')}/scores").json == []


@pytest.mark.parametrize(
    "body",
    [
        {"score": 2.5},
        {"score": 3.0},
        {"score": "3"},
        {"score": True},
        {"score": False},
        {"score": -1},
        {"score": 6},
        {"score": 10**30},
        {"score": None},
        {"score": [3]},
        {"score": {"value": 3}},
        {"reason": ""},
        {"reason": "   "},
        {"reason": None},
        {"version": "1"},
        {"version": 1.5},
        {"evaluator_id": 1},
    ],
)
def test_bad_scores_are_422_and_nothing_is_stored(opened: World, declare: Declare, body: dict[str, Any]) -> None:
    declare()
    before = opened.state()
    response = _score(opened, "evaluator1", "bidder_a", **body)
    assert response.status_code == 422, response.json
    assert opened.state() == before
    consensus = _consensus(opened, "bidder_a", SCORED[0], **body)
    assert consensus.status_code == 422, consensus.json
    assert opened.state() == before


@pytest.mark.parametrize("criterion", ["price", "pf_insurance", "sv_vcse_share", "nope", "x" * 500, "%00", "é"])
def test_only_scored_criteria_take_scores(opened: World, declare: Declare, criterion: str) -> None:
    declare()
    before = opened.state()
    response = _score(opened, "evaluator1", "bidder_a", criterion=criterion)
    assert response.status_code in (400, 404, 422), response.json
    assert opened.state() == before


def test_bidders_and_evaluators_cannot_moderate_or_read_results(opened: World, declare: Declare) -> None:
    declare()
    before = opened.state()
    sub = opened.submission_id("bidder_a")
    for who in ("bidder_a", "bidder_b"):
        assert _score(opened, who, "bidder_a").status_code == 403
        assert _consensus(opened, "bidder_a", SCORED[0], who=who).status_code == 403
        assert opened.get(who, f"/api/tenders/{opened.tender_id}/evaluation").status_code == 403
        assert opened.get(who, f"/api/submissions/{sub}/moderation").status_code == 403
        assert opened.post(who, f"/api/tenders/{opened.tender_id}/award", json={"reason": "me"}).status_code == 403
    assert _consensus(opened, "bidder_a", SCORED[0], who="evaluator1").status_code == 403
    assert opened.get("evaluator1", f"/api/tenders/{opened.tender_id}/evaluation").status_code == 403
    assert _score(opened, "officer", "bidder_a").status_code == 403
    assert _consensus(opened, "bidder_a", SCORED[0], who="other_officer").status_code == 404
    assert opened.get("other_officer", f"/api/tenders/{opened.tender_id}/evaluation").status_code == 404
    assert opened.get("other_officer", f"/api/submissions/{sub}").status_code == 404
    assert opened.state() == before


def test_a_stale_consensus_names_the_moderator_who_saved_it(opened: World) -> None:
    first = _consensus(opened, "bidder_a", SCORED[0])
    assert first.status_code == 200 and first.json["version"] == 1
    moved = _consensus(opened, "bidder_a", SCORED[0], who="moderator", score=4, reason="Re-read", version=1)
    assert moved.status_code == 200 and moved.json["version"] == 2
    before = opened.state()
    stale = _consensus(opened, "bidder_a", SCORED[0], score=2, reason="Old tab", version=1)
    assert stale.status_code == 409
    assert "moderator@buyer.example" in stale.json["detail"]
    assert stale.json["details"]["changed_by"] == "moderator@buyer.example"
    assert opened.state() == before


def test_the_whole_evaluation_to_award(opened: World, declare: Declare) -> None:
    tender_url = f"/api/tenders/{opened.tender_id}"
    declare("evaluator1")
    declare("evaluator2")
    for who, mark in (("evaluator1", 2), ("evaluator2", 4)):
        for bidder in ("bidder_a", "bidder_b"):
            for criterion in SCORED:
                assert _score(opened, who, bidder, criterion, score=mark).status_code == 200
    rows = opened.get("officer", f"/api/submissions/{opened.submission_id('bidder_a')}/moderation").json
    assert len(rows) == len(SCORED)
    assert all(sorted(s["score"] for s in r["scores"]) == [2, 4] and r["flagged"] for r in rows)
    assert all(r["consensus"] is None for r in rows)

    provisional = opened.get("officer", f"{tender_url}/evaluation")
    assert provisional.status_code == 200 and provisional.json["provisional"] is True
    results = {r["bidder"]: r for r in provisional.json["results"]}
    tokenistic = results["Brightpath Justice Services Ltd"]
    assert tokenistic["compliant"] is False and tokenistic["rank"] is None
    assert any("15" in e["reason"] for e in tokenistic["exclusions"])

    before = opened.state()
    early = opened.post("officer", f"{tender_url}/award", json={"reason": "Too early"})
    assert early.status_code == 409 and "provisional" in early.json["detail"]
    assert opened.state() == before

    for bidder, mark in (("bidder_a", 4), ("bidder_b", 3)):
        for criterion in SCORED:
            assert _consensus(opened, bidder, criterion, score=mark).status_code == 200
    final = opened.get("officer", f"{tender_url}/evaluation").json
    assert final["provisional"] is False and final["missing_consensus"] == []
    ranked = sorted((r for r in final["results"] if r["rank"] is not None), key=lambda r: r["rank"])
    assert ranked[0]["bidder"] == "Northern Resettlement Consortium Ltd"
    assert opened.get("commissioner", f"{tender_url}/evaluation").status_code == 200

    matrix = opened.get("officer", f"{tender_url}/score-matrix")
    assert matrix.status_code == 200 and matrix.data[:2] == b"PK"

    award = opened.post("officer", f"{tender_url}/award", json={"reason": "Highest total score"})
    assert award.status_code == 201, award.json
    assert award.json["submission_id"] == opened.submission_id("bidder_a")
    assert opened.get("officer", tender_url).json["status"] == "awarded"
    assert opened.post("officer", f"{tender_url}/award", json={"reason": "Again"}).status_code == 409
    assert _consensus(opened, "bidder_a", SCORED[0], score=1, version=1).status_code == 409

    check = opened.get("officer", "/api/audit/verify").json
    assert check["ok"] is True and check["broken_event_id"] is None and len(check["head"]) == 64

    summary_url = f"{tender_url}/assessment-summary?submission_id={opened.submission_id('bidder_a')}"
    early = opened.get("bidder_b", summary_url)
    assert early.status_code == 409 and "not issued the assessment summaries yet" in early.json["detail"]
    issued = opened.post("officer", f"{tender_url}/award/summaries")
    assert issued.status_code == 201 and len(issued.json) == 3, issued.json  # the excluded bid has one too
    mine = opened.get("bidder_b", summary_url)
    assert mine.status_code == 200 and mine.mimetype == "application/pdf"
    assert f"assessment-summary-{opened.submission_id('bidder_b')}" in mine.headers["Content-Disposition"]
    unnamed = opened.get("officer", f"{tender_url}/assessment-summary")
    assert unnamed.status_code == 422 and unnamed.json["field"] == "submission_id"
    theirs = opened.get("officer", f"{tender_url}/assessment-summary?submission_id={opened.submission_id('bidder_b')}")
    assert theirs.status_code == 200 and theirs.data[:4] == b"%PDF"
    report = opened.get("officer", f"{tender_url}/evaluation-report")
    assert report.status_code == 200 and report.data[:4] == b"%PDF"
    assert opened.get("bidder_a", f"{tender_url}/evaluation-report").status_code == 403


def test_results_wait_for_the_bids_to_be_opened(published: World) -> None:
    before = published.state()
    response = published.get("officer", f"/api/tenders/{published.tender_id}/evaluation")
    assert response.status_code == 409 and "sealed" in response.json["detail"]
    assert (
        published.post("officer", f"/api/tenders/{published.tender_id}/award", json={"reason": "x"}).status_code == 409
    )
    assert published.state() == before


def test_an_evaluator_on_a_published_tender_cannot_read_a_bid_before_the_deadline(published: World) -> None:
    from tenderscore.services import panel, submissions

    s = published.session
    receipt = submissions.submit(
        s, published.users["bidder_a"], published.tender_id, "a.xlsx", published.bids["bidder_a"].workbook
    )
    panel.assign_evaluator(s, published.users["officer"], published.tender_id, published.uid("evaluator1"))
    s.commit()
    before = published.state()
    response = published.get("evaluator1", f"/api/submissions/{receipt.submission_id}/scores")
    assert response.status_code == 403 and "sealed" in response.json["detail"]
    assert published.unchanged_but_audit(before) == ["submission.read_refused"]
