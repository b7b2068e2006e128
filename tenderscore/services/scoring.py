"""Scores and consensus (optimistic versioning, reasons required), the evaluation, and the award."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from tenderscore.core import CriterionKind, Evaluation, Rubric, scale_problem
from tenderscore.db.models import Award, ConsensusScore, Role, Score, Submission, Tender, TenderStatus, User, id_of
from tenderscore.db.types import utcnow
from tenderscore.services import access, audit, limits
from tenderscore.services.errors import Conflict, Forbidden, NotFound, ServiceError, StaleRecord, Unprocessable
from tenderscore.services.evaluation import gather
from tenderscore.services.tenders import get_tender, rubric_of


def _scored_criterion(rubric: Rubric, criterion_id: str) -> None:
    try:
        criterion = rubric.criterion(criterion_id)
    except KeyError:
        raise ServiceError(
            f"criterion_id: the tender has no criterion {criterion_id!r}", field="criterion_id"
        ) from None
    if criterion.kind != CriterionKind.SCORED:
        raise ServiceError(
            f"criterion_id: {criterion_id} is scored by formula, not by evaluators", field="criterion_id"
        )


def _check_score(rubric: Rubric, score: object, reason: str) -> int:
    # Scores are whole steps of the published scale: a court set aside an award built on averaged scores.
    problem = scale_problem(score, rubric.scale.maximum)
    if problem is not None:
        raise Unprocessable(f"score: {problem}", field="score")
    limits.written(reason, "reason", "a reason for the score that refers to the bid", maximum=limits.REASON_MAX)
    assert isinstance(score, int)
    return score


def _evaluating_submission(session: Session, actor: User, submission_id: int) -> tuple[Submission, Tender]:
    # Locking the bid serialises every score and consensus write on it, so a version is checked against what the
    # last writer committed: on PostgreSQL two saves from one version otherwise both "win" (a lost update).
    submission = access.readable_bid(session, actor, submission_id, for_update=True)
    if not submission.is_current:
        raise NotFound(f"No submission {submission_id}")
    tender = get_tender(session, actor, submission.tender_id)
    if tender.status != TenderStatus.EVALUATING:
        raise Conflict(f"Scores are recorded while a tender is being evaluated; this one is {tender.status}")
    return submission, tender


def _stale(record: Score | ConsensusScore, who: str) -> StaleRecord:
    when = record.updated_at.strftime("%d %B %Y %H:%M UTC")
    return StaleRecord(
        f"This score was changed by {who} at {when} (now {record.score}, version {record.version}); "
        "nothing was overwritten. Reload and decide again.",
        details={"current_score": record.score, "current_version": record.version, "changed_by": who},
    )


Scored = TypeVar("Scored", Score, ConsensusScore)


def _save_versioned(
    session: Session, existing: Scored | None, new: Scored, expected_version: int | None, changed_by: str
) -> tuple[Scored, dict[str, object] | None]:
    """``new`` if there is nothing yet, else ``existing`` updated with ``new``'s score and reason.

    A first save names no version; a change must name the version it read, or nothing is overwritten and the
    user is told who changed it (optimistic versioning: two people saving at once cannot lose an update).
    """
    if existing is None:
        if expected_version not in (None, 0):
            raise StaleRecord("This score no longer exists as you saw it; reload")
        record, before = new, None
    else:
        if expected_version != existing.version:
            raise _stale(existing, changed_by)
        before = {"score": existing.score, "reason": existing.reason, "version": existing.version}
        record = existing
        record.score, record.reason, record.version = new.score, new.reason, existing.version + 1
        record.updated_at = utcnow()
    session.add(record)
    session.flush()
    return record, before


def _audit_score(
    session: Session,
    actor: User,
    record: Score | ConsensusScore,
    tender: Tender,
    before: dict[str, object] | None,
    **extra: object,
) -> None:
    kind = "score" if isinstance(record, Score) else "consensus"
    audit.record(
        session, actor, f"{kind}.recorded", "score" if kind == "score" else "consensus_score", record.id,
        tender_id=tender.id, before=before, reason=record.reason,
        after={"submission_id": record.submission_id, "criterion_id": record.criterion_id, "score": record.score,
               "reason": record.reason, "version": record.version, **extra},
    )  # fmt: skip


def record_score(
    session: Session,
    actor: User,
    submission_id: int,
    criterion_id: str,
    score: object,
    reason: str,
    *,
    expected_version: int | None = None,
) -> Score:
    """An evaluator's own score. A first score needs no version; a change names the version it read."""
    if actor.role != Role.EVALUATOR:
        raise Forbidden("Only an evaluator on the panel records their own scores")
    submission, tender = _evaluating_submission(session, actor, submission_id)
    rubric = rubric_of(tender)
    _scored_criterion(rubric, criterion_id)
    value = _check_score(rubric, score, reason)
    existing = session.exec(
        select(Score).where(
            Score.submission_id == submission_id, Score.criterion_id == criterion_id, Score.evaluator_id == actor.id
        )
    ).first()
    new = Score(submission_id=submission_id, criterion_id=criterion_id, evaluator_id=id_of(actor), score=value,
                scale_max=rubric.scale.maximum, reason=reason.strip())  # fmt: skip
    record, before = _save_versioned(session, existing, new, expected_version, actor.email)
    _audit_score(session, actor, record, tender, before)
    return record


def record_consensus(
    session: Session,
    actor: User,
    submission_id: int,
    criterion_id: str,
    score: object,
    reason: str,
    *,
    expected_version: int | None = None,
) -> ConsensusScore:
    """The moderator's consensus score with its reason: never an automatic average; individual scores stay."""
    if actor.role != Role.OFFICER:
        raise Forbidden("Only the moderating procurement officer records consensus")
    submission, tender = _evaluating_submission(session, actor, submission_id)
    rubric = rubric_of(tender)
    _scored_criterion(rubric, criterion_id)
    value = _check_score(rubric, score, reason)
    existing = session.exec(
        select(ConsensusScore).where(
            ConsensusScore.submission_id == submission_id, ConsensusScore.criterion_id == criterion_id
        )
    ).first()
    new = ConsensusScore(submission_id=submission_id, criterion_id=criterion_id, score=value,
                         scale_max=rubric.scale.maximum, reason=reason.strip(), moderator_id=id_of(actor))  # fmt: skip
    changed_by = _email(session, existing.moderator_id) if existing is not None else actor.email
    record, before = _save_versioned(session, existing, new, expected_version, changed_by)
    record.moderator_id = id_of(actor)
    individual = [s.score for s in scores_for(session, submission_id, criterion_id)]
    _audit_score(session, actor, record, tender, before, individual_scores=individual)
    return record


def my_scores(session: Session, actor: User, submission_id: int) -> dict[str, Score]:
    """An evaluator's own scores for a bid they may read, by criterion id (never anyone else's)."""
    access.readable_bid(session, actor, submission_id)
    if actor.role != Role.EVALUATOR:
        raise Forbidden("Only evaluators have scores of their own")
    rows = session.exec(select(Score).where(Score.submission_id == submission_id, Score.evaluator_id == actor.id))
    return {score.criterion_id: score for score in rows.all()}


def scored_per_bid(session: Session, actor: User, submission_ids: list[int]) -> dict[int, int]:
    """How many criteria ``actor`` has scored on each of these bids (ids already from ``access.visible_bids``)."""
    counts: dict[int, int] = defaultdict(int)
    rows = session.exec(
        select(Score.submission_id).where(col(Score.submission_id).in_(submission_ids), Score.evaluator_id == actor.id)
    )
    for submission_id in rows.all():
        counts[submission_id] += 1
    return dict(counts)


def _email(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.email if user else f"user {user_id}"


def scores_for(session: Session, submission_id: int, criterion_id: str) -> list[Score]:
    return list(
        session.exec(
            select(Score).where(Score.submission_id == submission_id, Score.criterion_id == criterion_id)
        ).all()
    )


def award(session: Session, actor: User, tender_id: int, reason: str, *, now: datetime | None = None) -> Award:
    """Award to the top-ranked compliant bid of a final evaluation; the evaluation as decided is kept."""
    if actor.role != Role.OFFICER:
        raise Forbidden("Only a procurement officer can award")
    tender = get_tender(session, actor, tender_id, for_update=True)
    if tender.status != TenderStatus.EVALUATING:
        raise Conflict(f"Only a tender under evaluation can be awarded; this one is {tender.status}")
    reason = limits.written(reason, "reason", "the reason for the award decision", maximum=limits.REASON_MAX)
    result = gather(session, tender).evaluation
    if result.provisional:
        missing = len(result.missing_consensus)
        raise Conflict(f"The results are provisional: {missing} consensus scores are missing")
    winner = result.winner
    if winner is None:
        raise Conflict("There is no single top-ranked compliant bid to award to")
    record = Award(
        tender_id=id_of(tender),
        submission_id=int(winner.bid_id),
        awarded_by_id=id_of(actor),
        awarded_at=now or utcnow(),
        reason=reason.strip(),
        evaluation=evaluation_summary(result),
    )
    tender.status = TenderStatus.AWARDED
    tender.awarded_at = record.awarded_at
    tender.version += 1
    session.add(record)
    session.add(tender)
    session.flush()
    audit.record(
        session,
        actor,
        "tender.awarded",
        "award",
        record.id,
        tender_id=tender.id,
        after={"winner_submission_id": record.submission_id, "winner": winner.bidder, "evaluation": record.evaluation},
        reason=record.reason,
    )
    return record


def evaluation_summary(result: Evaluation) -> dict[str, Any]:
    return {
        "bids": [
            {
                "submission_id": r.bid_id,
                "bidder": r.bidder,
                "compliant": r.compliant,
                "rank": r.rank,
                "total": str(r.total),
                "exclusions": [e.reason for e in r.exclusions],
            }
            for r in result.results
        ]
    }
