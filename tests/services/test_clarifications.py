"""Clarification questions: who may ask and until when, answers to one bidder or to all, corrections, who sees what.

The competition's tender was published 30 days before its deadline (NOW), so questions close 7 days before it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from tenderscore.core.clarifications import default_clarification_deadline
from tenderscore.db.models import AuditEvent, Clarification, ClarificationAnswer, Role
from tenderscore.services import accounts, clarifications, mail, panel, tenders
from tenderscore.services.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from tests.competition import NOW, PASSWORD, Competition

ASKING = NOW - timedelta(days=10)  # questions still open
CLOSES = NOW - timedelta(days=7)


def _ask(c: Competition, who: str = "Acme Ltd", text: str = "Does Acme's own housing count?", **kw: object) -> int:
    row = clarifications.ask(c.session, c.bidder(who), c.tender.id, text, now=kw.get("now", ASKING))  # type: ignore[arg-type]
    return int(row.id)  # type: ignore[arg-type]


def test_the_default_clarification_deadline() -> None:
    published = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    assert default_clarification_deadline(published, datetime(2027, 2, 1, 12, 0, tzinfo=UTC)) == datetime(
        2027, 1, 25, 12, 0, tzinfo=UTC
    )  # seven days before the deadline
    # Open for four days: halfway, to the minute (2 days and 1.5 hours after publication).
    assert default_clarification_deadline(published, datetime(2027, 1, 8, 12, 0, tzinfo=UTC)) == datetime(
        2027, 1, 6, 10, 30, tzinfo=UTC
    )


def test_publication_sets_the_default_clarification_deadline(competition: Competition) -> None:
    assert competition.tender.clarification_deadline == CLOSES


def test_a_bidder_asks_and_the_question_waits_for_the_officer(competition: Competition) -> None:
    c = competition
    asked = _ask(c)
    queue = clarifications.awaiting(c.session, c.officer)
    assert [(t.reference, n) for t, n in queue] == [("T-1", 1)]
    [seen] = clarifications.visible(c.session, c.officer, c.tender.id)  # type: ignore[arg-type]
    assert (seen.id, seen.state, seen.asker, seen.question) == (
        asked,
        "awaiting",
        "Acme Ltd",
        "Does Acme's own housing count?",
    )
    told = [m for m in mail.queued(c.session) if m.purpose == "clarification_asked"]
    assert sorted(m.to for m in told) == ["moderator@buyer.example", "officer@buyer.example"]  # the buyer's officers
    assert "Acme Ltd asked a clarification question about T-1" in told[0].body
    event = c.session.exec(select(AuditEvent).where(AuditEvent.action == "clarification.asked")).one()
    assert event.after == {
        "question": "Does Acme's own housing count?",
        "bidder_org_id": c.bidder("Acme Ltd").organisation_id,
    }


@pytest.mark.parametrize(
    ("when", "words"),
    [
        (CLOSES, "clarification questions closed at 16 November 2026, midday GMT, the clarification deadline"),
        (NOW, "the deadline for bids, 23 November 2026, midday GMT, has passed"),
    ],
)
def test_questions_after_the_clarification_deadline_are_refused_naming_it(
    competition: Competition, when: datetime, words: str
) -> None:
    with pytest.raises(Conflict, match=words) as refused:
        _ask(competition, now=when)
    assert refused.value.field == "question"
    assert competition.session.exec(select(Clarification)).all() == []


def test_only_a_bidder_asks_only_about_a_published_tender_and_in_limits(competition: Competition) -> None:
    c = competition
    with pytest.raises(Forbidden):
        clarifications.ask(c.session, c.officer, c.tender.id, "May I?", now=ASKING)  # type: ignore[arg-type]
    with pytest.raises(ServiceError, match="question: enter your question"):
        _ask(c, text="   ")
    with pytest.raises(ServiceError, match="5,000 characters or fewer"):
        _ask(c, text="x" * 5001)
    draft = tenders.create_tender(
        c.session,
        c.officer,
        reference="T-9",
        title="Draft",
        rubric=tenders.load_rubric_source("probation-innovation-partner"),
        deadline=NOW + timedelta(days=30),
    )
    with pytest.raises(NotFound):  # a bidder cannot see a draft at all
        clarifications.ask(c.session, c.bidder("Acme Ltd"), draft.id, "When?", now=ASKING)  # type: ignore[arg-type]


def test_a_private_answer_reaches_the_asker_alone(competition: Competition) -> None:
    c = competition
    asked = _ask(c)
    other = c.bidder("Bravo Ltd")
    mail.discard(c.session)
    clarifications.answer(
        c.session, c.officer, asked, answer="Yes, if it is let at social rent.", audience="asker", now=ASKING
    )
    [message] = mail.queued(c.session)
    assert message.to == "bids@acme.example" and "social rent" in message.body
    mine = clarifications.one(c.session, c.bidder("Acme Ltd"), asked)
    assert mine.state == "private" and mine.current and mine.current.answer == "Yes, if it is let at social rent."
    assert clarifications.visible(c.session, other, c.tender.id) == []  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        clarifications.one(c.session, other, asked)


def test_a_published_answer_reaches_every_bidder_without_who_asked(competition: Competition) -> None:
    c = competition
    asked = _ask(c)
    other, evaluator = c.bidder("Bravo Ltd"), c.evaluators[0]
    panel.assign_evaluator(c.session, c.officer, c.tender.id, evaluator.id)  # type: ignore[arg-type]
    mail.discard(c.session)
    clarifications.answer(
        c.session,
        c.officer,
        asked,
        answer="Yes, at social rent.",
        audience="all",
        published_question="Does a bidder's own housing count?",
        now=ASKING,
    )
    assert sorted(m.to for m in mail.queued(c.session)) == ["bids@acme.example", "bids@bravo.example"]
    assert all("Acme" not in m.body for m in mail.queued(c.session))
    for who in (other, evaluator):
        [seen] = clarifications.visible(c.session, who, c.tender.id)  # type: ignore[arg-type]
        assert (seen.question, seen.original, seen.asker, seen.yours) == (
            "Does a bidder's own housing count?",
            None,
            None,
            False,
        )
        assert seen.published_at == ASKING and [a.answer for a in seen.answers] == ["Yes, at social rent."]
    [asker_sees] = clarifications.visible(c.session, c.bidder("Acme Ltd"), c.tender.id)  # type: ignore[arg-type]
    assert asker_sees.yours and asker_sees.original == "Does Acme's own housing count?"
    assert clarifications.awaiting(c.session, c.officer) == []


def test_publishing_needs_the_edited_wording_and_every_mistake_is_told_at_once(competition: Competition) -> None:
    c = competition
    asked = _ask(c)
    with pytest.raises(Invalid) as refused:
        clarifications.answer(
            c.session, c.officer, asked, answer=" ", audience="all", published_question="", now=ASKING
        )
    assert [f for f, _ in refused.value.problems] == ["answer", "published_question"]
    with pytest.raises(Invalid, match="audience: Choose who gets the answer"):
        clarifications.answer(c.session, c.officer, asked, answer="Yes", audience="everyone", now=ASKING)
    assert c.session.exec(select(ClarificationAnswer)).all() == []


def test_an_answer_is_never_changed_a_correction_is_a_new_linked_answer(competition: Competition) -> None:
    c = competition
    asked = _ask(c)
    first = clarifications.answer(c.session, c.officer, asked, answer="No.", audience="asker", now=ASKING)
    with pytest.raises(Conflict, match=f"corrects: .* to correct it, send a new answer naming answer {first.id}"):
        clarifications.answer(c.session, c.officer, asked, answer="Yes.", audience="asker", now=ASKING)
    fixed = clarifications.answer(
        c.session,
        c.officer,
        asked,
        answer="Yes, at social rent.",
        audience="all",
        published_question="Does own housing count?",
        corrects=first.id,
        now=ASKING + timedelta(hours=1),
    )
    seen = clarifications.one(c.session, c.officer, asked)
    assert [(a.answer, a.corrected, a.corrects_id) for a in seen.answers] == [
        ("No.", True, None),
        ("Yes, at social rent.", False, first.id),
    ]
    # Others see the published correction only, never the private first answer.
    assert [a.answer for a in clarifications.one(c.session, c.bidder("Bravo Ltd"), asked).answers] == [
        "Yes, at social rent."
    ]
    with pytest.raises(Invalid, match="audience: The answer was published to every bidder"):
        clarifications.answer(
            c.session, c.officer, asked, answer="Withdrawn", audience="asker", corrects=fixed.id, now=ASKING
        )
    event = c.session.exec(select(AuditEvent).where(AuditEvent.action == "clarification.corrected")).one()
    assert event.before == {"answer_id": first.id, "answer": "No.", "audience": "asker"}
    assert event.after["published_question"] == "Does own housing count?"  # type: ignore[index]


def test_who_may_answer_and_until_when(competition: Competition) -> None:
    c = competition
    asked = _ask(c)
    other_org = accounts.create_organisation(c.session, name="Elsewhere", kind="buyer")
    stranger = accounts.create_user(
        c.session, email="o@elsewhere.example", name="O", password=PASSWORD, role=Role.OFFICER, organisation=other_org
    )
    with pytest.raises(NotFound):
        clarifications.answer(c.session, stranger, asked, answer="Yes", audience="asker", now=ASKING)
    with pytest.raises(Forbidden):
        clarifications.answer(c.session, c.commissioner, asked, answer="Yes", audience="asker", now=ASKING)
    with pytest.raises(Conflict, match="the deadline for bids, 23 November 2026, midday GMT, has passed"):
        clarifications.answer(c.session, c.officer, asked, answer="Yes", audience="asker", now=NOW)
    # Answering after the clarification deadline (but before the deadline for bids) is what officers do.
    clarifications.answer(c.session, c.officer, asked, answer="Yes", audience="asker", now=CLOSES + timedelta(days=1))


def test_an_extension_following_an_answer_is_linked_to_it(competition: Competition) -> None:
    c = competition
    asked = _ask(c)
    with pytest.raises(Invalid, match=f"following: This tender has no answered clarification question {asked}"):
        tenders.extend_deadline(
            c.session,
            c.officer,
            c.tender.id,
            expected_version=c.tender.version,
            deadline=NOW + timedelta(days=14),  # type: ignore[arg-type]
            reason="Answer to a question",
            following=asked,
            now=ASKING,
        )
    clarifications.answer(
        c.session,
        c.officer,
        asked,
        answer="We will extend.",
        audience="all",
        published_question="More time?",
        now=ASKING,
    )
    tenders.extend_deadline(
        c.session,
        c.officer,
        c.tender.id,
        expected_version=c.tender.version,
        deadline=NOW + timedelta(days=14),  # type: ignore[arg-type]
        clarification_deadline=NOW + timedelta(days=7),
        reason="Answer to a question",
        following=asked,
        now=ASKING,
    )
    seen = clarifications.one(c.session, c.bidder("Bravo Ltd"), asked)
    assert [ch.summary for ch in seen.changes] == ["The deadline for bids was extended to 7 December 2026, midday GMT"]
    assert c.tender.clarification_deadline == NOW + timedelta(days=7)
    event = c.session.exec(select(AuditEvent).where(AuditEvent.action == "tender.deadline_extended")).one()
    assert event.after["following_clarification"] == asked  # type: ignore[index]
    assert event.before["clarification_deadline"] == CLOSES.isoformat()  # type: ignore[index]


def test_the_clarification_deadline_is_before_the_deadline(competition: Competition) -> None:
    c = competition
    rubric = tenders.load_rubric_source("probation-innovation-partner")
    with pytest.raises(Invalid, match="clarification_deadline: The clarification deadline must be before the deadline"):
        tenders.create_tender(
            c.session,
            c.officer,
            reference="T-3",
            title="Late questions",
            rubric=rubric,
            deadline=NOW + timedelta(days=30),
            clarification_deadline=NOW + timedelta(days=30),
        )
    draft = tenders.create_tender(
        c.session,
        c.officer,
        reference="T-3",
        title="Set questions",
        rubric=rubric,
        deadline=NOW + timedelta(days=30),
        clarification_deadline=NOW + timedelta(days=20),
    )
    with pytest.raises(Invalid, match="must be before the deadline for bids; change it as well"):
        tenders.update_draft(
            c.session,
            c.officer,
            draft.id,
            expected_version=draft.version,
            deadline=NOW + timedelta(days=10),
            now=NOW,  # type: ignore[arg-type]
        )
    with pytest.raises(Conflict, match="clarification_deadline: the clarification deadline must be in the future"):
        tenders.publish(c.session, c.officer, draft.id, now=NOW + timedelta(days=21))  # type: ignore[arg-type]
    assert not tenders.next_step(c.session, draft, now=NOW + timedelta(days=21)).can_publish
    tenders.publish(c.session, c.officer, draft.id, now=NOW)  # type: ignore[arg-type]
    assert draft.clarification_deadline == NOW + timedelta(days=20)  # kept as set, not the default


def test_every_query_is_bounded(session: Session) -> None:
    """A person with no tender sees no queue (and the query runs on an empty database)."""
    officer = accounts.create_user(
        session,
        email="o@x.example",
        name="O",
        password=PASSWORD,
        role=Role.OFFICER,
        organisation=accounts.create_organisation(session, name="X", kind="buyer"),
    )
    assert clarifications.awaiting(session, officer) == []
