"""What a moderator sees for one bid: each scored criterion's individual scores side by side, their spread, and
the consensus so far. The pages and the API show the same rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from tenderscore.core import Criterion, CriterionKind, needs_discussion, score_spread
from tenderscore.db.models import ConsensusScore, Role, Score, ScoringCompletion, Submission, User, id_of
from tenderscore.services import access
from tenderscore.services.errors import Forbidden
from tenderscore.services.evaluation import compliance_exclusions_of
from tenderscore.services.panel import panel
from tenderscore.services.scoring import Progress, progress_of
from tenderscore.services.tenders import get_tender, rubric_of


@dataclass(frozen=True)
class ModerationRow:
    criterion: Criterion
    scores: list[tuple[User | None, Score]]  # each evaluator (None if the account is gone) with their score
    spread: int  # scale steps between the highest and lowest score
    flagged: bool  # docs/scoring.md, "Consensus and the spread flag": two or more steps apart
    consensus: ConsensusScore | None


def moderation_rows(session: Session, actor: User, submission: Submission) -> list[ModerationRow]:
    """One row per scored criterion of the tender's frozen rubric, for ``submission`` (already opened by the caller)."""
    rubric = rubric_of(get_tender(session, actor, submission.tender_id))
    marks: dict[str, list[tuple[User | None, Score]]] = defaultdict(list)
    for score, evaluator in session.exec(
        select(Score, User)
        .join(User, col(User.id) == Score.evaluator_id, isouter=True)
        .where(Score.submission_id == submission.id)
        .order_by(col(Score.id))
    ).all():
        marks[score.criterion_id].append((evaluator, score))
    agreed = {
        c.criterion_id: c
        for c in session.exec(select(ConsensusScore).where(ConsensusScore.submission_id == submission.id)).all()
    }
    rows = []
    for criterion in rubric.of_kind(CriterionKind.SCORED):
        values = [s.score for _, s in marks[criterion.id]]
        rows.append(ModerationRow(criterion, marks[criterion.id], score_spread(values), needs_discussion(values),
                                  agreed.get(criterion.id)))  # fmt: skip
    return rows


def finished_evaluators(session: Session, submission_id: int) -> dict[int, datetime]:
    """Who has marked this bid finished, and when (the others' scores are still a draft they may change)."""
    rows = session.exec(select(ScoringCompletion).where(ScoringCompletion.submission_id == submission_id)).all()
    return {c.evaluator_id: c.completed_at for c in rows}


@dataclass(frozen=True)
class EvaluatorProgress:
    evaluator: User
    progress: Progress | None  # None when this evaluator does not score the bid (``note`` says why)
    note: str = ""


@dataclass(frozen=True)
class BidProgress:
    submission_id: int
    bidder: str
    excluded: tuple[str, ...]  # the reasons, when the bid is out at the compliance stage (nobody scores it)
    evaluators: list[EvaluatorProgress]


def scoring_progress(session: Session, actor: User, tender_id: int) -> list[BidProgress]:
    """For the buyer's officer, once the bids are opened: per bid, how far each evaluator on the panel has got
    (not started, a draft with n of m scored, or finished), who has a declared conflict, and which bids are not
    scored because they are excluded at the compliance stage."""
    if actor.role != Role.OFFICER:
        raise Forbidden("Only the buyer's officers follow the panel's scoring")
    tender = get_tender(session, actor, tender_id)
    visible = access.visible_bids(session, actor, tender_id)  # none while sealed
    bids = visible.bids
    members = panel(session, tender_id)
    criteria = len(rubric_of(tender).of_kind(CriterionKind.SCORED))
    found = progress_of(session, [id_of(u) for _, u, _ in members], [id_of(b) for b in bids], criteria)
    conflicted = {id_of(user): {c.bidder_org_id for c in conflicts} for _, user, conflicts in members}
    exclusions = compliance_exclusions_of(session, tender, bids)
    result = []
    for bid in bids:
        excluded = tuple(e.reason for e in exclusions[id_of(bid)])
        people = []
        for assignment, user, _ in members:
            if assignment.declared_at is None:
                people.append(EvaluatorProgress(user, None, "has not declared conflicts of interest yet"))
            elif bid.bidder_org_id in conflicted[id_of(user)]:
                people.append(EvaluatorProgress(user, None, "declared a conflict of interest: does not score this bid"))
            else:
                people.append(EvaluatorProgress(user, found[(id_of(user), id_of(bid))]))
        result.append(BidProgress(id_of(bid), visible.bidders[id_of(bid)], excluded, people))
    return result
