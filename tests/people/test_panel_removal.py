"""An officer takes an evaluator off a tender's panel, with a reason, until that evaluator has scored anything."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import col, select

from tenderscore.core import CriterionKind
from tenderscore.db.models import AuditEvent, ConflictOfInterest, EvaluatorAssignment, Role, User
from tenderscore.services import access, panel, scoring, tenders
from tenderscore.services.errors import Conflict, Forbidden, NotFound, ServiceError
from tests import forms, world
from tests.competition import NOW, Competition
from tests.world import PASSWORD


@pytest.fixture
def scored(competition: Competition) -> Competition:
    """One bid in, opened; evaluator 1 has declared and scored one criterion; evaluator 2 has declared a conflict
    with the bidder and scored nothing."""
    c = competition
    receipt = c.submit(c.bid("Northern"))
    assert c.tender.id is not None
    tenders.open_bids(c.session, c.officer, c.tender.id, now=NOW + timedelta(hours=1))
    for evaluator in c.evaluators:
        assert evaluator.id is not None
        panel.assign_evaluator(c.session, c.officer, c.tender.id, evaluator.id)
    first, second = c.evaluators
    panel.declare(c.session, first, c.tender.id, statement="No conflict of interest")
    bidder_org = c.bidders[c.bid("Northern").name].organisation_id
    panel.declare(c.session, second, c.tender.id, statement="I have one conflict",
                  conflicts=[(bidder_org, "My sister runs it")])  # fmt: skip
    criterion = next(cr.id for cr in tenders.rubric_of(c.tender).criteria if cr.kind == CriterionKind.SCORED)
    submission = access.current_bids(c.session, c.tender.id)[0]
    assert submission.id is not None and receipt is not None
    scoring.record_score(c.session, first, submission.id, criterion, 3, "Meets the requirement")
    c.session.commit()
    return c


def _ids(c: Competition) -> tuple[int, int, int]:
    first, second = (e.id for e in c.evaluators)
    assert c.tender.id is not None and first is not None and second is not None
    return c.tender.id, first, second


def test_an_evaluator_who_has_not_scored_is_removed_with_the_reason_on_record(scored: Competition) -> None:
    tender_id, _, second = _ids(scored)
    s = scored.session
    panel.remove_evaluator(s, scored.officer, tender_id, second, "Declared a conflict with the only bidder")
    s.commit()
    assert panel.assignment_of(s, tender_id, second) is None
    assert s.exec(select(ConflictOfInterest)).all() == []
    event = s.exec(select(AuditEvent).where(AuditEvent.action == "evaluator.removed")).one()
    assert event.reason == "Declared a conflict with the only bidder"
    assert event.tender_id == tender_id
    assert event.before is not None
    assert event.before["evaluator"] == "evaluator2@buyer.example"
    assert event.before["declaration"] == "I have one conflict"
    assert event.before["conflicts"][0]["details"] == "My sister runs it"
    # Assigned again, they start afresh: a new declaration before any bid.
    panel.assign_evaluator(s, scored.officer, tender_id, second)
    again = panel.assignment_of(s, tender_id, second)
    assert again is not None and again.declared_at is None


def test_an_evaluator_who_has_scored_stays_and_their_scores_are_untouched(scored: Competition) -> None:
    tender_id, first, _ = _ids(scored)
    s = scored.session
    with pytest.raises(Conflict, match="already recorded 1 score on this tender") as refused:
        panel.remove_evaluator(s, scored.officer, tender_id, first, "Too slow")
    assert "assign another evaluator" in refused.value.message
    s.rollback()
    assert panel.assignment_of(s, tender_id, first) is not None
    assert panel.scores_recorded(s, tender_id, first) == 1


def test_only_the_buyers_officer_removes_and_a_reason_is_needed(scored: Competition) -> None:
    tender_id, _, second = _ids(scored)
    s = scored.session
    for who in (scored.commissioner, scored.evaluators[0]):
        with pytest.raises(Forbidden):
            panel.remove_evaluator(s, who, tender_id, second, "No")
    other = world.person(s, scored.buyer, Role.OFFICER, "officer2@buyer.example")
    with pytest.raises(ServiceError, match="enter why the evaluator is leaving the panel"):
        panel.remove_evaluator(s, other, tender_id, second, "   ")
    with pytest.raises(NotFound):
        panel.remove_evaluator(s, scored.officer, tender_id, scored.commissioner.id or 0, "Not on it")
    s.rollback()
    assert s.exec(select(EvaluatorAssignment).where(EvaluatorAssignment.tender_id == tender_id)).all()


def test_another_buyers_officer_cannot_find_the_panel(scored: Competition) -> None:
    tender_id, _, second = _ids(scored)
    s = scored.session
    elsewhere = s.exec(select(User).where(User.email == "officer@other.example")).one()
    with pytest.raises(NotFound):
        panel.remove_evaluator(s, elsewhere, tender_id, second, "Mine now")
    s.rollback()
    assert panel.assignment_of(s, tender_id, second) is not None


def test_the_panel_page_removes_after_confirming_with_a_reason(scored: Competition, app: Flask) -> None:
    tender_id, first, second = _ids(scored)
    officer = app.test_client()
    csrf = forms.sign_in(officer, scored.officer.email, PASSWORD)
    detail = officer.get(f"/tenders/{tender_id}").text
    assert f'href="/tenders/{tender_id}/panel/{second}/remove"' in detail

    url = f"/tenders/{tender_id}/panel/{second}/remove"
    confirm = officer.get(url)
    assert confirm.status_code == 200 and "Remove Evaluator2 from the panel" in confirm.text
    missing = officer.post(url, data={"reason": " ", "csrf_token": csrf})
    assert missing.status_code == 400
    assert "<title>Error: Remove Evaluator2 from the panel" in missing.text
    assert 'href="#reason">Enter why the evaluator is leaving the panel' in missing.text
    assert missing.text.count("govuk-error-message") == 1
    done = officer.post(url, data={"reason": "Conflicted with the only bidder", "csrf_token": csrf})
    assert done.status_code == 302 and done.headers["Location"] == f"/tenders/{tender_id}#panel"
    assert "Evaluator2 has been removed from the panel" in officer.get(f"/tenders/{tender_id}").text

    refused = officer.get(f"/tenders/{tender_id}/panel/{first}/remove")
    assert refused.status_code == 409
    assert "You cannot remove this evaluator" in refused.text and "already recorded 1 score" in refused.text
    assert officer.post(f"/tenders/{tender_id}/panel/{first}/remove",
                        data={"reason": "x", "csrf_token": csrf}).status_code == 409  # fmt: skip

    evaluator = app.test_client()
    csrf = forms.sign_in(evaluator, scored.evaluators[0].email, PASSWORD)
    assert evaluator.get(f"/tenders/{tender_id}/panel/{first}/remove").status_code == 403
    s = scored.session
    s.rollback()
    removed = s.exec(select(AuditEvent).where(AuditEvent.action == "evaluator.removed").order_by(col(AuditEvent.id)))
    assert [e.reason for e in removed.all()] == ["Conflicted with the only bidder"]
