"""Clarification questions: who may ask, who answers and how, and who may see which question and answer.

``visible`` and ``one`` are the only readers: every door (the tender page, the API, the evaluation report, the
dashboard's queue) goes through them, so a bidder never sees another bidder's private question or answer, nor who
asked a published one. The buyer's officers and commissioners (the buying team) see everything; the asker's
organisation sees its own questions as asked and every answer to them; everyone else who can see the tender
(other bidders, evaluators, a commissioner of another organisation) sees only the published ones, in the officer's
wording.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, func, select

from tenderscore.core.ukdates import uk_time
from tenderscore.db.models import (
    Clarification,
    ClarificationAnswer,
    ClarificationChange,
    Organisation,
    Role,
    Tender,
    TenderStatus,
    User,
    id_of,
)
from tenderscore.db.models.clarifications import AUDIENCES
from tenderscore.db.types import utcnow
from tenderscore.services import audit, limits, lots, mail
from tenderscore.services.errors import Conflict, Forbidden, NotFound, Problems, ServiceError
from tenderscore.services.tenders import buyer_name, clarification_deadline_of, get_tender

AUDIENCE_WORDS = {"asker": "the bidder who asked", "all": "every bidder"}


class Sight(StrEnum):
    TEAM = "team"  # the buyer's officers and commissioners: every question as asked, who asked, every answer
    BIDDER = "bidder"  # the published ones, and the organisation's own questions as asked with every answer
    PUBLISHED = "published"  # the published ones only, in the officer's wording


@dataclass(frozen=True)
class AnswerView:
    id: int
    answer: str
    audience: str  # "asker" or "all"
    answered_at: datetime
    corrects_id: int | None
    corrected: bool  # a later answer corrects this one

    @property
    def to_whom(self) -> str:
        return AUDIENCE_WORDS[self.audience]


@dataclass(frozen=True)
class ChangeView:
    action: str
    summary: str
    made_at: datetime


@dataclass(frozen=True)
class ClarificationView:
    """A question and its answers as one person may see them."""

    id: int
    tender_id: int
    asked_at: datetime
    question: str  # the wording this person may read: as asked (team, asker), else as published
    original: str | None  # as asked: the buying team and the asker's organisation only
    published_question: str | None
    published_at: datetime | None
    answered_at: datetime | None
    asker: str | None  # the asking organisation's name: the buying team only
    yours: bool  # asked by this person's organisation
    answers: tuple[AnswerView, ...]  # oldest first; a correction follows the answer it corrects
    changes: tuple[ChangeView, ...]  # tender changes made because of this question's answer

    @property
    def state(self) -> str:
        """``awaiting``, ``private`` (answered to the asker alone) or ``published``."""
        return "published" if self.published_at else "private" if self.answered_at else "awaiting"

    @property
    def current(self) -> AnswerView | None:
        return self.answers[-1] if self.answers else None


def sight(actor: User, tender: Tender) -> Sight:
    """How much of a tender's clarifications ``actor`` (who can see the tender) may see."""
    if actor.role in (Role.OFFICER, Role.COMMISSIONER) and actor.organisation_id == tender.buyer_org_id:
        return Sight.TEAM
    return Sight.BIDDER if actor.role == Role.BIDDER else Sight.PUBLISHED


def visible(session: Session, actor: User, tender_id: int) -> list[ClarificationView]:
    """Every clarification of the tender ``actor`` may see, oldest question first (a 404 for an unseen tender).
    A lot's are its tender's: questions are asked and answered once for every lot (docs/lots.md)."""
    tender = lots.head_of(session, get_tender(session, actor, tender_id))
    rows = session.exec(
        select(Clarification).where(Clarification.tender_id == tender.id).order_by(col(Clarification.id))
    ).all()
    return _views(session, actor, tender, rows)


def one(session: Session, actor: User, clarification_id: int) -> ClarificationView:
    """One clarification, if ``actor`` may see it; a 404 otherwise (never saying that it exists)."""
    row = session.get(Clarification, clarification_id)
    if row is None:
        raise NotFound(f"No clarification question {clarification_id}")
    try:
        tender = get_tender(session, actor, row.tender_id)
    except NotFound:
        raise NotFound(f"No clarification question {clarification_id}") from None
    found = _views(session, actor, tender, [row])
    if not found:
        raise NotFound(f"No clarification question {clarification_id}")
    return found[0]


def for_the_record(session: Session, tender: Tender) -> list[ClarificationView]:
    """Every clarification as the buying team sees it, for the buyer's own documents (the evaluation report)."""
    tender = lots.head_of(session, tender)
    rows = session.exec(
        select(Clarification).where(Clarification.tender_id == tender.id).order_by(col(Clarification.id))
    ).all()
    return _build(session, rows, Sight.TEAM, None)


def _views(session: Session, actor: User, tender: Tender, rows: Sequence[Clarification]) -> list[ClarificationView]:
    return _build(session, rows, sight(actor, tender), actor.organisation_id)


def _build(
    session: Session, rows: Sequence[Clarification], seen_as: Sight, org_id: int | None
) -> list[ClarificationView]:
    def own(row: Clarification) -> bool:
        return seen_as == Sight.BIDDER and row.bidder_org_id == org_id

    shown = [r for r in rows if seen_as == Sight.TEAM or own(r) or r.published_at is not None]
    ids = [id_of(r) for r in shown]
    if not ids:
        return []
    answers: dict[int, list[ClarificationAnswer]] = defaultdict(list)
    for answer in session.exec(
        select(ClarificationAnswer)
        .where(col(ClarificationAnswer.clarification_id).in_(ids))
        .order_by(col(ClarificationAnswer.id))
    ).all():
        answers[answer.clarification_id].append(answer)
    changes: dict[int, list[ClarificationChange]] = defaultdict(list)
    for change in session.exec(
        select(ClarificationChange)
        .where(col(ClarificationChange.clarification_id).in_(ids))
        .order_by(col(ClarificationChange.id))
    ).all():
        changes[change.clarification_id].append(change)
    names = (
        dict(
            session.exec(
                select(Organisation.id, Organisation.name).where(
                    col(Organisation.id).in_({r.bidder_org_id for r in shown})
                )
            ).all()
        )
        if seen_as == Sight.TEAM
        else {}
    )
    views = []
    for row in shown:
        full = seen_as == Sight.TEAM or own(row)
        corrected = {a.corrects_id for a in answers[id_of(row)] if a.corrects_id is not None}
        views.append(
            ClarificationView(
                id=id_of(row),
                tender_id=row.tender_id,
                asked_at=row.asked_at,
                question=row.question if full else str(row.published_question),
                original=row.question if full else None,
                published_question=row.published_question,
                published_at=row.published_at,
                answered_at=row.answered_at,
                asker=names.get(row.bidder_org_id) if seen_as == Sight.TEAM else None,
                yours=own(row),
                answers=tuple(
                    AnswerView(id_of(a), a.answer, a.audience, a.answered_at, a.corrects_id, id_of(a) in corrected)
                    for a in answers[id_of(row)]
                    if full or a.audience == "all"
                ),
                changes=tuple(ChangeView(c.action, c.summary, c.made_at) for c in changes[id_of(row)]),
            )
        )
    return views


def closes_at(tender: Tender) -> datetime | None:
    """When questions close: the clarification deadline, or the deadline for bids if that comes first."""
    questions = clarification_deadline_of(tender)
    return min(questions, tender.deadline) if questions else None


def refusal_to_ask(tender: Tender, now: datetime) -> str | None:
    """Why no question can be asked about the tender now, naming the date; None while questions are open."""
    if tender.status == TenderStatus.DRAFT:
        return "questions can be asked once the tender is published"
    if tender.status != TenderStatus.PUBLISHED or now >= tender.deadline:
        return f"the deadline for bids, {uk_time(tender.deadline)}, has passed; no more questions can be asked"
    closes = closes_at(tender)
    if closes is not None and now >= closes:
        return f"clarification questions closed at {uk_time(closes)}, the clarification deadline"
    return None


def ask(session: Session, actor: User, tender_id: int, question: str, *, now: datetime | None = None) -> Clarification:
    """A bidder's question about a published tender, before the clarification deadline: it waits in the buyer's
    queue, and the buyer's officers are emailed. Asked about a lot, it is asked of the lot's tender."""
    tender = lots.head_of(session, get_tender(session, actor, tender_id))
    if actor.role != Role.BIDDER:
        raise Forbidden("Only a bidder can ask a clarification question")
    now = now or utcnow()
    if (refusal := refusal_to_ask(tender, now)) is not None:
        raise Conflict(f"question: {refusal}", field="question")
    text = limits.written(question, "question", "your question", maximum=limits.CLARIFICATION_MAX)
    row = Clarification(
        tender_id=id_of(tender), bidder_org_id=actor.organisation_id, asked_by_id=id_of(actor), question=text,
        asked_at=now,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(
        session, actor, "clarification.asked", "clarification", row.id, tender_id=tender.id,
        after={"question": text, "bidder_org_id": row.bidder_org_id},
    )  # fmt: skip
    _tell_the_buyer(session, tender, row)
    return row


def _tell_the_buyer(session: Session, tender: Tender, row: Clarification) -> None:
    """One email to each active officer of the buyer: a question waits for an answer."""
    officers = session.exec(
        select(User).where(
            User.role == Role.OFFICER, User.organisation_id == tender.buyer_org_id, col(User.active).is_(True)
        ).order_by(col(User.id))
    ).all()
    asker = session.get(Organisation, row.bidder_org_id)
    body = (
        f"{asker.name if asker else 'A bidder'} asked a clarification question about {tender.reference}, "
        f"{tender.title}, on {uk_time(row.asked_at)}:\n\n{row.question}\n\n"
        "Answer it on the tender's page in tenderscore: to the bidder who asked alone, or to every bidder with the "
        f"question in your words. Questions close at {uk_time(closes_at(tender))}; the deadline for bids is "
        f"{uk_time(tender.deadline)}.\n"
    )
    for officer in officers:
        mail.queue(session, mail.Message(to=officer.email, subject=f"Clarification question: {tender.reference}",
                                         body=body, purpose="clarification_asked"))  # fmt: skip


def answer(
    session: Session,
    actor: User,
    clarification_id: int,
    *,
    answer: str,
    audience: str,
    published_question: str | None = None,
    corrects: int | None = None,
    now: datetime | None = None,
) -> ClarificationAnswer:
    """The buyer's officer answers a question to the asker alone or to every bidder (then in ``published_question``,
    the question as everyone will read it, without who asked); emailed once committed.

    An answer is never changed: a later one must name the answer it corrects (``corrects``), and a published answer
    can only be corrected to every bidder. Answers go out only while the tender is open for bids.
    """
    row = session.get(Clarification, clarification_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound(f"No clarification question {clarification_id}")
    try:
        tender = get_tender(session, actor, row.tender_id)
    except NotFound:
        raise NotFound(f"No clarification question {clarification_id}") from None
    if actor.role != Role.OFFICER or sight(actor, tender) != Sight.TEAM:
        raise Forbidden("Only the buyer's procurement officers answer clarification questions")
    now = now or utcnow()
    if tender.status != TenderStatus.PUBLISHED or now >= tender.deadline:
        raise Conflict(
            f"answer: answers go out only while the tender is open for bids, so every bidder can use them; the "
            f"deadline for bids, {uk_time(tender.deadline)}, has passed", field="answer",
        )  # fmt: skip
    latest = session.exec(
        select(ClarificationAnswer)
        .where(ClarificationAnswer.clarification_id == row.id)
        .order_by(col(ClarificationAnswer.id).desc())
    ).first()
    if latest is not None and corrects != latest.id:
        raise Conflict(
            f"corrects: this question was answered on {uk_time(latest.answered_at)} (answer {latest.id}); an answer "
            f"is never changed: to correct it, send a new answer naming answer {latest.id}", field="corrects",
        )  # fmt: skip
    problems = Problems()
    if latest is None and corrects is not None:
        problems.add("corrects", "this question has no answer yet to correct")
    if audience not in AUDIENCES:
        problems.add("audience", "choose who gets the answer: the bidder who asked, or every bidder")
    elif latest is not None and latest.audience == "all" and audience == "asker":
        problems.add("audience", "the answer was published to every bidder; correct it to every bidder too")
    text = problems.check(lambda: limits.written(answer, "answer", "the answer", maximum=limits.CLARIFICATION_MAX))
    wording = _wording(problems, row, audience, published_question)
    problems.raise_any()
    assert text is not None
    sent = ClarificationAnswer(
        clarification_id=id_of(row), answer=text, audience=audience, answered_by_id=id_of(actor), answered_at=now,
        corrects_id=corrects,
    )  # fmt: skip
    session.add(sent)
    row.answered_at = row.answered_at or now
    if audience == "all" and row.published_at is None:
        row.published_at, row.published_question = now, wording
    session.add(row)
    session.flush()
    told = _tell(session, tender, row, sent, correcting=latest)
    audit.record(
        session, actor, "clarification.corrected" if latest else "clarification.answered", "clarification", row.id,
        tender_id=tender.id,
        before={"answer_id": latest.id, "answer": latest.answer, "audience": latest.audience} if latest else None,
        after={"answer_id": sent.id, "answer": text, "audience": audience, "published_question": row.published_question
               if audience == "all" else None, "bidders_told": told},
    )  # fmt: skip
    return sent


def _wording(problems: Problems, row: Clarification, audience: str, published_question: str | None) -> str | None:
    """The question as every bidder will read it: written once, when first published, and kept from then on."""
    given = published_question.strip() if isinstance(published_question, str) else ""
    if audience != "all":
        if given:
            problems.add("published_question", "a question is published only with an answer to every bidder")
        return None
    if row.published_question is not None:
        if given and given != row.published_question:
            problems.add(
                "published_question",
                f"the question was published on {uk_time(row.published_at)} in other words, which stay as published",
            )
        return row.published_question
    return problems.check(
        lambda: limits.written(
            published_question, "published_question", "the question as every bidder will read it, without who asked",
            maximum=limits.CLARIFICATION_MAX,
        )
    )  # fmt: skip


def _tell(
    session: Session, tender: Tender, row: Clarification, sent: ClarificationAnswer, *, correcting: object
) -> int:
    """Email the answer: to every active bidder when published (nobody sees who else was told, nor who asked),
    else to the person who asked alone. Returns how many were told."""
    if sent.audience == "all":
        people = session.exec(
            select(User).where(User.role == Role.BIDDER, col(User.active).is_(True)).order_by(col(User.id))
        ).all()
        question = str(row.published_question)
    else:
        asker = session.get(User, row.asked_by_id)
        people = [asker] if asker is not None and asker.active else []
        question = row.question
    kind = "A correction to a clarification answer" if correcting else "A clarification answer"
    body = (
        f"{kind} about {tender.reference}, {tender.title} ({buyer_name(session, tender)}).\n\n"
        f"Question: {question}\n\nAnswer ({uk_time(sent.answered_at)}): {sent.answer}\n\n"
        + ("This answer went to every bidder.\n" if sent.audience == "all" else "This answer went to you alone.\n")
        + f"Deadline for bids: {uk_time(tender.deadline)}. Every clarification is on the tender's page.\n"
    )
    subject = f"{'Corrected clarification' if correcting else 'Clarification'}: {tender.reference}"
    for person in people:
        mail.queue(session, mail.Message(to=person.email, subject=subject, body=body, purpose="clarification"))
    return len(people)


def answered_on(session: Session, tender: Tender, clarification_id: int | None) -> Clarification | None:
    """The answered clarification of ``tender`` a change follows from (None: none named); a form mistake if not."""
    if clarification_id is None:
        return None
    row = session.get(Clarification, clarification_id)
    if row is None or row.tender_id != tender.id or row.answered_at is None:
        raise ServiceError(
            f"following: this tender has no answered clarification question {clarification_id}", field="following"
        )
    return row


def link_change(
    session: Session, actor: User, row: Clarification, action: str, summary: str, now: datetime | None = None
) -> ClarificationChange:
    """Record that a change to the tender followed from ``row``'s answer (the change's own event names it too)."""
    change = ClarificationChange(
        clarification_id=id_of(row), action=action, summary=summary, made_by_id=id_of(actor), made_at=now or utcnow()
    )
    session.add(change)
    session.flush()
    return change


def awaiting(session: Session, actor: User) -> list[tuple[Tender, int]]:
    """The officer's tenders open for bids with questions awaiting an answer, and how many (the dashboard's queue)."""
    if actor.role != Role.OFFICER:
        return []
    found = session.exec(
        select(Tender, func.count(col(Clarification.id)))
        .join(Clarification, col(Clarification.tender_id) == Tender.id)
        .where(
            Tender.buyer_org_id == actor.organisation_id,
            Tender.status == TenderStatus.PUBLISHED,
            col(Tender.deleted_at).is_(None),
            col(Clarification.answered_at).is_(None),
        )
        .group_by(col(Tender.id))
        .order_by(col(Tender.deadline))
    ).all()
    return [(tender, int(count)) for tender, count in found]
