"""Scores and consensus (optimistic versioning, reasons required), the evaluation, and the award."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from tenderscore.core import Criterion, CriterionKind, Evaluation, Rubric, scale_problem
from tenderscore.core.ukdates import uk_time
from tenderscore.db.models import (
    Award,
    ConsensusScore,
    Organisation,
    Role,
    Score,
    ScoringCompletion,
    Submission,
    Tender,
    TenderStatus,
    User,
    id_of,
)
from tenderscore.db.types import utcnow
from tenderscore.services import access, audit, limits, lots
from tenderscore.services.awards import live_award
from tenderscore.services.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Problems,
    ServiceError,
    StaleRecord,
    Unprocessable,
)
from tenderscore.services.evaluation import gather, refuse_excluded
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
    refuse_excluded(session, tender, submission)  # a bid out at the compliance stage is not scored (one rule)
    return submission, tender


def _stale(record: Score | ConsensusScore, who: str) -> StaleRecord:
    when = uk_time(record.updated_at)
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
    if _completion(session, actor, submission_id) is not None:
        raise Conflict(FINISHED_MESSAGE)
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
    decided = now or utcnow()
    result = gather(session, tender, at=decided).evaluation  # partners as at the decision, as every later read
    if result.provisional:
        missing = len(result.missing_consensus)
        raise Conflict(f"The results are provisional: {missing} consensus scores are missing")
    winner = result.winner
    kept = evaluation_summary(result)
    capped = lots.allocation(session, tender, own=result)  # the cap on lots won, when it can bite (core.lots)
    if capped is not None:
        chosen = lots.winning_submission(session, tender, capped)
        winner = next((r for r in result.ranked if int(r.bid_id) == chosen), None) if chosen is not None else None
        if winner is None:
            raise Conflict(
                f"Under the tender's limit on lots won there is no single bidder to award {lots.lot_name(tender)} "
                "to: " + capped.rule.words
            )
        kept["lot_rule"] = capped.explained(tender.lot_number)
    if winner is None:
        raise Conflict("There is no single top-ranked compliant bid to award to")
    record = Award(
        tender_id=id_of(tender),
        submission_id=int(winner.bid_id),
        awarded_by_id=id_of(actor),
        awarded_at=decided,
        reason=reason.strip(),
        evaluation=kept,
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


# --- A whole bid on one form: every scored criterion saved at once, or none (issue 12) ---------------------------

FINISHED_MESSAGE = (
    "You have marked this bid as finished, so your scores are locked. Choose 'Change my scores' to reopen it first."
)

# What one criterion of a whole-bid form holds: the step chosen (None when left blank), the reason, and the version
# the person read (None for a criterion they had not scored).
Entry = tuple[object | None, str, int | None]


class StaleScores(StaleRecord):
    """Some criteria were changed by someone else since the form was read: nothing was saved.

    Like ``Invalid``, it carries every problem with the form (the stale criteria and any other mistake), each for
    its field; ``stale`` maps each changed criterion id to what is now on record.
    """

    def __init__(self, problems: list[tuple[str, str]], stale: dict[str, dict[str, object]]) -> None:
        self._problems: list[tuple[str | None, str]] = list(problems)
        self.stale = stale
        super().__init__(
            "; ".join(m for _, m in problems),
            field=problems[0][0] if problems else None,
            details={"problems": [m for _, m in problems], "stale": stale},
        )

    @property
    def problems(self) -> list[tuple[str | None, str]]:
        return list(self._problems)


@dataclass
class _Sheet:
    """What a whole-bid form would change, found before anything is written."""

    changes: dict[str, tuple[int, str, int | None]] = field(default_factory=dict)  # criterion -> value, reason, ver
    scored_after: set[str] = field(default_factory=set)  # criteria that would have a score once saved
    stale: dict[str, dict[str, object]] = field(default_factory=dict)


def _quoted(criterion: Criterion) -> str:
    return f"\u201c{criterion.title}\u201d"


def _read_sheet(
    rubric: Rubric,
    entries: Mapping[str, Entry],
    existing: Mapping[str, Scored],
    problems: Problems,
    stale_words: Callable[[Criterion, Scored], str],
    what: str,
) -> _Sheet:
    """Check every criterion of a whole-bid form at once. A criterion left blank (no step, no reason) stays as it
    is; a step needs a reason and a reason needs a step; a change names the version it read (``stale_words`` says,
    in plain words, who changed it to what)."""
    criteria = {c.id: c for c in rubric.of_kind(CriterionKind.SCORED)}
    for unknown in (cid for cid in entries if cid not in criteria):
        problems.add("criterion_id", f"The tender has no question scored by evaluators with the id {unknown!r}")
    sheet = _Sheet(scored_after=set(existing))
    for cid, criterion in criteria.items():
        if cid not in entries:
            continue
        raw, reason, version = entries[cid]
        reason = reason if isinstance(reason, str) else ""
        if raw is None and not reason.strip():
            continue
        if raw is None:
            problems.add(f"score-{cid}", f"Choose a score for {_quoted(criterion)}")
        elif scale_problem(raw, rubric.scale.maximum) is not None:
            problems.add(
                f"score-{cid}",
                f"The score for {_quoted(criterion)} must be a whole step from 0 to {rubric.scale.maximum}",
            )
        described = f"the reason for {what} for {_quoted(criterion)}"
        text = problems.check(partial(limits.written, reason, f"reason-{cid}", described, maximum=limits.REASON_MAX))
        if raw is None or not isinstance(raw, int) or text is None or scale_problem(raw, rubric.scale.maximum):
            continue
        sheet.scored_after.add(cid)
        record = existing.get(cid)
        if record is not None and record.score == raw and record.reason == text:
            continue  # unchanged: no new version, nothing to audit
        if (record is None and version not in (None, 0)) or (record is not None and version != record.version):
            if record is not None:
                sheet.stale[cid] = {"current_score": record.score, "current_reason": record.reason,
                                    "current_version": record.version}  # fmt: skip
                problems.add(f"score-{cid}", stale_words(criterion, record))
            else:
                problems.add(f"score-{cid}", f"{_quoted(criterion)} changed since you opened the page; reload it")
            continue
        sheet.changes[cid] = (raw, text, version)
    return sheet


class SheetInvalid(Invalid):
    """``Invalid`` whose details are the plain words alone (a page shows a lone problem's details as they are)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.details = [words for _, words in self.problems]


def _raise_problems(problems: Problems, sheet: _Sheet) -> None:
    if sheet.stale:
        raise StaleScores(problems.found, sheet.stale)
    if problems.found:
        raise SheetInvalid(problems.found)


@dataclass(frozen=True)
class ScoringSheet:
    """One evaluator's scores of one bid, and whether they have marked it finished."""

    submission_id: int
    scores: dict[str, Score]
    completion: ScoringCompletion | None
    criteria: int  # how many criteria the evaluators score

    @property
    def finished(self) -> bool:
        return self.completion is not None

    @property
    def completed_at(self) -> datetime | None:
        return self.completion.completed_at if self.completion else None


def _completion(session: Session, actor: User, submission_id: int) -> ScoringCompletion | None:
    return session.exec(
        select(ScoringCompletion).where(
            ScoringCompletion.submission_id == submission_id, ScoringCompletion.evaluator_id == actor.id
        )
    ).first()


def _own_scores(session: Session, actor: User, submission_id: int) -> dict[str, Score]:
    rows = session.exec(select(Score).where(Score.submission_id == submission_id, Score.evaluator_id == actor.id))
    return {score.criterion_id: score for score in rows.all()}


def scoring_sheet(session: Session, actor: User, submission_id: int) -> ScoringSheet:
    """The evaluator's own scores of a bid they may read, and whether they have finished it."""
    scores = my_scores(session, actor, submission_id)
    submission = access.readable_bid(session, actor, submission_id)
    rubric = rubric_of(get_tender(session, actor, submission.tender_id))
    return ScoringSheet(submission_id, scores, _completion(session, actor, submission_id),
                        len(rubric.of_kind(CriterionKind.SCORED)))  # fmt: skip


def record_scores(
    session: Session, actor: User, submission_id: int, entries: Mapping[str, Entry], *, finished: bool = False
) -> ScoringSheet:
    """An evaluator's scores of a whole bid at once: every criterion is checked, every problem reported together,
    and then all are saved or none (one transaction; each changed score is versioned and audited like
    ``record_score``). ``finished`` also marks the bid finished, which needs every criterion scored with a reason;
    a draft may leave criteria blank. While a bid is marked finished the evaluator's scores are locked."""
    if actor.role != Role.EVALUATOR:
        raise Forbidden("Only an evaluator on the panel records their own scores")
    submission, tender = _evaluating_submission(session, actor, submission_id)
    rubric = rubric_of(tender)
    existing = _own_scores(session, actor, submission_id)
    completion = _completion(session, actor, submission_id)

    def stale_words(criterion: Criterion, record: Score) -> str:
        return (
            f"Your score for {_quoted(criterion)} was changed to {record.score} on {uk_time(record.updated_at)} "
            "(in another window or tab) since this page was opened, with the reason "
            f"\u201c{_excerpt(record.reason)}\u201d. Nothing was saved. Check what you typed below and save again "
            "to replace it."
        )

    problems = Problems()
    sheet = _read_sheet(rubric, entries, existing, problems, stale_words, "your score")
    if completion is not None and (sheet.changes or sheet.stale):
        raise Conflict(FINISHED_MESSAGE)
    criteria = rubric.of_kind(CriterionKind.SCORED)
    if finished and completion is None:
        for criterion in criteria:
            if criterion.id not in sheet.scored_after and not _has_problem(problems, criterion.id):
                problems.add(
                    f"score-{criterion.id}",
                    f"Choose a score for {_quoted(criterion)} before marking the bid as finished",
                )
    _raise_problems(problems, sheet)
    for cid, (value, reason, version) in sheet.changes.items():
        new = Score(submission_id=submission_id, criterion_id=cid, evaluator_id=id_of(actor), score=value,
                    scale_max=rubric.scale.maximum, reason=reason)  # fmt: skip
        record, before = _save_versioned(session, existing.get(cid), new, version, actor.email)
        existing[cid] = record
        _audit_score(session, actor, record, tender, before)
    if finished and completion is None:
        completion = ScoringCompletion(submission_id=submission_id, evaluator_id=id_of(actor))
        session.add(completion)
        session.flush()
        audit.record(
            session, actor, "scoring.finished", "scoring_completion", completion.id, tender_id=tender.id,
            after={"submission_id": submission_id, "evaluator_id": actor.id,
                   "scores": {cid: s.score for cid, s in sorted(existing.items())}},
        )  # fmt: skip
    return ScoringSheet(submission_id, existing, completion, len(criteria))


def _has_problem(problems: Problems, criterion_id: str) -> bool:
    return any(f in (f"score-{criterion_id}", f"reason-{criterion_id}") for f, _ in problems.found)


def _excerpt(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def finish_scoring(session: Session, actor: User, submission_id: int) -> ScoringSheet:
    """Mark a bid finished with the scores already saved ('I have finished scoring this bid')."""
    return record_scores(session, actor, submission_id, {}, finished=True)


def reopen_scoring(session: Session, actor: User, submission_id: int, reason: str) -> ScoringSheet:
    """Withdraw 'finished' so the evaluator can change their scores, with a reason on the record (the moderator
    may already have compared the finished scores). Only while the tender is being evaluated: never after award."""
    if actor.role != Role.EVALUATOR:
        raise Forbidden("Only an evaluator on the panel reopens their own scores")
    submission, tender = _evaluating_submission(session, actor, submission_id)
    text = limits.written(reason, "reason", "why you are changing your scores", maximum=limits.STATEMENT_MAX)
    completion = _completion(session, actor, submission_id)
    if completion is None:
        raise Conflict("This bid is not marked as finished; your scores can already be changed")
    before = {"submission_id": submission_id, "evaluator_id": actor.id, "completed_at": completion.completed_at}
    completion_id = completion.id
    session.delete(completion)
    session.flush()
    audit.record(session, actor, "scoring.reopened", "scoring_completion", completion_id, tender_id=tender.id,
                 before=before, reason=text)  # fmt: skip
    criteria = len(rubric_of(tender).of_kind(CriterionKind.SCORED))
    return ScoringSheet(submission_id, _own_scores(session, actor, submission_id), None, criteria)


def record_consensus_sheet(
    session: Session, actor: User, submission_id: int, entries: Mapping[str, Entry]
) -> dict[str, ConsensusScore]:
    """The moderator's consensus for a whole bid at once, like ``record_scores``: every problem reported together,
    then all saved or none, each versioned and audited (with the individual scores) like ``record_consensus``."""
    if actor.role != Role.OFFICER:
        raise Forbidden("Only the moderating procurement officer records consensus")
    submission, tender = _evaluating_submission(session, actor, submission_id)
    rubric = rubric_of(tender)
    rows = session.exec(select(ConsensusScore).where(ConsensusScore.submission_id == submission_id)).all()
    existing = {c.criterion_id: c for c in rows}
    names = {u.id: u for u in session.exec(select(User).where(col(User.id).in_({c.moderator_id for c in rows})))}

    def stale_words(criterion: Criterion, record: ConsensusScore) -> str:
        who = names.get(record.moderator_id)
        by = f"{who.name} ({who.email})" if who else "another moderator"
        return (
            f"The consensus for {_quoted(criterion)} was changed to {record.score} by {by} on "
            f"{uk_time(record.updated_at)} since this page was opened, with the reason "
            f"\u201c{_excerpt(record.reason)}\u201d. Nothing was saved. Check what you typed below and save again "
            "to replace it."
        )

    problems = Problems()
    sheet = _read_sheet(rubric, entries, existing, problems, stale_words, "the consensus")
    _raise_problems(problems, sheet)
    individual: dict[str, list[int]] = defaultdict(list)  # every criterion's individual scores, in one query
    for cid, value in session.exec(
        select(Score.criterion_id, Score.score).where(Score.submission_id == submission_id).order_by(col(Score.id))
    ).all():
        individual[cid].append(value)
    for cid, (value, reason, version) in sheet.changes.items():
        new = ConsensusScore(submission_id=submission_id, criterion_id=cid, score=value,
                             scale_max=rubric.scale.maximum, reason=reason, moderator_id=id_of(actor))  # fmt: skip
        record, before = _save_versioned(session, existing.get(cid), new, version, actor.email)
        record.moderator_id = id_of(actor)
        existing[cid] = record
        _audit_score(session, actor, record, tender, before, individual_scores=individual[cid])
    return existing


@dataclass(frozen=True)
class Progress:
    """How far one evaluator is with one bid."""

    scored: int
    criteria: int
    completed_at: datetime | None

    @property
    def state(self) -> str:
        """'finished', 'draft' or 'not started'."""
        if self.completed_at is not None:
            return "finished"
        return "draft" if self.scored else "not started"


def progress_of(session: Session, evaluator_ids: list[int], submission_ids: list[int], criteria: int
                ) -> dict[tuple[int, int], Progress]:  # fmt: skip
    """Each (evaluator, bid)'s progress, in two queries. Internal: callers have decided who may see it."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for evaluator_id, submission_id in session.exec(
        select(Score.evaluator_id, Score.submission_id).where(
            col(Score.submission_id).in_(submission_ids), col(Score.evaluator_id).in_(evaluator_ids)
        )
    ).all():
        counts[(evaluator_id, submission_id)] += 1
    done = {
        (c.evaluator_id, c.submission_id): c.completed_at
        for c in session.exec(
            select(ScoringCompletion).where(
                col(ScoringCompletion.submission_id).in_(submission_ids),
                col(ScoringCompletion.evaluator_id).in_(evaluator_ids),
            )
        ).all()
    }
    return {
        (e, s): Progress(counts.get((e, s), 0), criteria, done.get((e, s)))
        for e in evaluator_ids
        for s in submission_ids
    }


def my_progress(session: Session, actor: User, submission_ids: list[int], criteria: int) -> dict[int, Progress]:
    """An evaluator's own progress on each of these bids (ids already from ``access.visible_bids``)."""
    found = progress_of(session, [id_of(actor)], submission_ids, criteria)
    return {s: found[(id_of(actor), s)] for s in submission_ids}


def award_of(session: Session, actor: User, tender_id: int) -> tuple[Award, str, str] | None:
    """The award decision of a tender the actor may see, with the winner's name and who decided (their name)."""
    tender = get_tender(session, actor, tender_id)
    record = live_award(session, tender.id)
    if record is None:
        return None
    submission = session.get(Submission, record.submission_id)
    org = session.get(Organisation, submission.bidder_org_id) if submission else None
    decider = session.get(User, record.awarded_by_id)
    return record, org.name if org else "", f"{decider.name} ({decider.email})" if decider else ""
