"""Evaluation through the services: conflicts, whole-step scores with reasons, versions, consensus, award."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from tenderscore.core import CriterionKind
from tenderscore.db.models import AuditEvent, ConsensusScore, Role, Score, TenderStatus
from tenderscore.services import access, accounts, evaluation, panel, scoring, tenders
from tenderscore.services.errors import Conflict, Forbidden, NotFound, ServiceError, StaleRecord
from tests.competition import NOW, PASSWORD, Competition


@pytest.fixture
def opened(competition: Competition) -> Competition:
    """Three bids in (one tokenistic), bids opened, two evaluators assigned; the second conflicted with one bidder."""
    for prefix in ("Northern", "Brightpath", "Meridian"):
        competition.submit(competition.bid(prefix))
    session = competition.session
    tenders.open_bids(session, competition.officer, competition.tender.id, now=NOW + timedelta(hours=1))  # type: ignore[arg-type]
    for evaluator in competition.evaluators:
        panel.assign_evaluator(session, competition.officer, competition.tender.id, evaluator.id)  # type: ignore[arg-type]
    session.commit()
    return competition


def _scored(c: Competition) -> list[str]:
    rubric = tenders.rubric_of(c.tender)
    return [cr.id for cr in rubric.criteria if cr.kind == CriterionKind.SCORED]


def _submission(c: Competition, prefix: str) -> int:
    subs = access.current_bids(c.session, c.tender.id)  # type: ignore[arg-type]
    bidder = c.bidders[c.bid(prefix).name]
    return next(s.id for s in subs if s.bidder_org_id == bidder.organisation_id)  # type: ignore[return-value]


def test_no_bid_is_shown_before_the_declaration(opened: Competition) -> None:
    evaluator = opened.evaluators[0]
    with pytest.raises(Forbidden, match="Declare"):
        scoring.record_score(opened.session, evaluator, _submission(opened, "Northern"), _scored(opened)[0], 3, "ok")


def test_a_conflicted_evaluator_can_neither_see_nor_score_that_bid(opened: Competition) -> None:
    evaluator = opened.evaluators[1]
    meridian = opened.bidders[opened.bid("Meridian").name]
    panel.declare(
        opened.session,
        evaluator,
        opened.tender.id,
        statement="Conflict declared",  # type: ignore[arg-type]
        conflicts=[(meridian.organisation_id, "My sister is their finance director")],
    )
    with pytest.raises(Forbidden, match="conflict"):
        scoring.record_score(opened.session, evaluator, _submission(opened, "Meridian"), _scored(opened)[0], 3, "x")
    scoring.record_score(opened.session, evaluator, _submission(opened, "Northern"), _scored(opened)[0], 3, "fine")


@pytest.mark.parametrize("bad", [-1, 6, 2.5, "3", True, None])
def test_scores_are_whole_steps_of_the_scale(opened: Competition, bad: object) -> None:
    evaluator = opened.evaluators[0]
    panel.declare(opened.session, evaluator, opened.tender.id, statement="No conflict")  # type: ignore[arg-type]
    with pytest.raises(ServiceError, match="score"):
        scoring.record_score(opened.session, evaluator, _submission(opened, "Northern"), _scored(opened)[0], bad, "r")


def test_a_score_needs_a_reason_and_a_change_names_the_version_it_read(opened: Competition) -> None:
    session = opened.session
    evaluator = opened.evaluators[0]
    panel.declare(session, evaluator, opened.tender.id, statement="No conflict")  # type: ignore[arg-type]
    sub, crit = _submission(opened, "Northern"), _scored(opened)[0]
    with pytest.raises(ServiceError, match="reason"):
        scoring.record_score(session, evaluator, sub, crit, 3, "   ")
    first = scoring.record_score(session, evaluator, sub, crit, 3, "Clear plan for accommodation")
    assert first.version == 1
    second = scoring.record_score(session, evaluator, sub, crit, 4, "On reflection, strong", expected_version=1)
    assert second.version == 2
    with pytest.raises(StaleRecord, match="nothing was overwritten"):
        scoring.record_score(session, evaluator, sub, crit, 1, "Stale tab", expected_version=1)
    session.commit()
    assert session.exec(select(Score.score)).one() == 4
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "score.recorded")).all()
    assert events[-1].before == {"score": 3, "reason": "Clear plan for accommodation", "version": 1}


def test_bidders_and_evaluators_cannot_record_consensus(opened: Competition) -> None:
    sub, crit = _submission(opened, "Northern"), _scored(opened)[0]
    for actor in (opened.evaluators[0], opened.bidders[opened.bid("Northern").name]):
        with pytest.raises((Forbidden, NotFound)):
            scoring.record_consensus(opened.session, actor, sub, crit, 3, "agreed")


def test_full_evaluation_is_provisional_until_every_consensus_then_awards(opened: Competition) -> None:
    session, officer = opened.session, opened.officer
    tender_id = opened.tender.id
    assert tender_id is not None
    result = evaluation.evaluation(session, officer, tender_id)
    assert result.provisional
    tokenistic = next(r for r in result.results if r.bidder == opened.bid("Brightpath").name)
    assert not tokenistic.compliant and tokenistic.rank is None
    assert any("15" in e.reason for e in tokenistic.exclusions)
    with pytest.raises(Conflict, match="provisional"):
        scoring.award(session, officer, tender_id, "too early")
    for prefix, mark in (("Northern", 4), ("Meridian", 2)):
        for crit in _scored(opened):
            scoring.record_consensus(session, officer, _submission(opened, prefix), crit, mark, f"Agreed {mark}")
    final = evaluation.evaluation(session, officer, tender_id)
    assert not final.provisional and final.winner is not None
    assert final.winner.bidder == opened.bid("Northern").name
    award = scoring.award(session, officer, tender_id, "Highest total score")
    session.commit()
    assert award.submission_id == _submission(opened, "Northern")
    assert tenders.get_tender(session, officer, tender_id).status == TenderStatus.AWARDED
    with pytest.raises(Conflict):
        scoring.record_consensus(session, officer, _submission(opened, "Northern"), _scored(opened)[0], 1, "late")


def test_two_moderators_saving_the_same_consensus_the_second_is_told_who_changed_it(opened: Competition) -> None:
    session = opened.session
    second_officer = accounts.create_user(
        session,
        email="officer2@test.example",
        name="Second officer",
        password=PASSWORD,
        role=Role.OFFICER,
        organisation=opened.buyer,
    )
    sub, crit = _submission(opened, "Northern"), _scored(opened)[0]
    first = scoring.record_consensus(session, opened.officer, sub, crit, 3, "Agreed 3 at the panel meeting")
    read_by_both = first.version
    scoring.record_consensus(
        session, opened.officer, sub, crit, 4, "Raised after review", expected_version=read_by_both
    )
    with pytest.raises(StaleRecord) as stale:
        scoring.record_consensus(session, second_officer, sub, crit, 2, "My view", expected_version=read_by_both)
    assert opened.officer.email in stale.value.message
    session.commit()
    kept = session.exec(select(ConsensusScore).where(ConsensusScore.submission_id == sub)).one()
    assert (kept.score, kept.reason, kept.version) == (4, "Raised after review", 2)


def test_only_the_buyers_own_evaluators_can_sit_on_its_panel(opened: Competition) -> None:
    session = opened.session
    other = accounts.create_organisation(session, name="Another council", kind="buyer")
    outsider = accounts.create_user(
        session,
        email="outsider@other.example",
        name="Outsider",
        password=PASSWORD,
        role=Role.EVALUATOR,
        organisation=other,
    )
    with pytest.raises(ServiceError, match="not one of your organisation's evaluators"):
        panel.assign_evaluator(session, opened.officer, opened.tender.id, outsider.id)  # type: ignore[arg-type]


def test_a_bid_excluded_at_the_compliance_stage_is_not_scored(opened: Competition) -> None:
    session, evaluator = opened.session, opened.evaluators[0]
    panel.declare(session, evaluator, opened.tender.id, statement="No conflict")  # type: ignore[arg-type]
    tokenistic, crit = _submission(opened, "Brightpath"), _scored(opened)[0]
    for attempt in (
        lambda: scoring.record_score(session, evaluator, tokenistic, crit, 3, "A reason"),
        lambda: scoring.record_scores(session, evaluator, tokenistic, {crit: (3, "A reason", None)}),
        lambda: scoring.record_consensus(session, opened.officer, tokenistic, crit, 3, "Agreed"),
    ):
        with pytest.raises(Conflict, match="excluded at the compliance stage.*15%"):
            attempt()
    assert session.exec(select(Score).where(Score.submission_id == tokenistic)).all() == []


def test_a_whole_bid_is_saved_at_once_or_not_at_all(opened: Competition) -> None:
    session, evaluator = opened.session, opened.evaluators[0]
    panel.declare(session, evaluator, opened.tender.id, statement="No conflict")  # type: ignore[arg-type]
    session.commit()
    sub, crits = _submission(opened, "Northern"), _scored(opened)
    with pytest.raises(ServiceError) as refused:
        scoring.record_scores(session, evaluator, sub, {crits[0]: (3, "Fine", None), crits[1]: (3, " ", None),
                                                        crits[2]: (None, "No score", None)})  # fmt: skip
    assert [field for field, _ in refused.value.problems] == [f"reason-{crits[1]}", f"score-{crits[2]}"]
    session.rollback()
    assert session.exec(select(Score).where(Score.submission_id == sub)).all() == []
    sheet = scoring.record_scores(session, evaluator, sub, {c: (4, "Strong", None) for c in crits}, finished=True)
    assert sheet.finished and len(sheet.scores) == len(crits)
    with pytest.raises(Conflict, match="finished"):
        scoring.record_score(session, evaluator, sub, crits[0], 2, "Changed", expected_version=1)
    reopened = scoring.reopen_scoring(session, evaluator, sub, "Re-read the answer")
    assert not reopened.finished
    actions = session.exec(select(AuditEvent.action).where(col(AuditEvent.action).like("scoring.%"))).all()
    assert actions == ["scoring.finished", "scoring.reopened"]
