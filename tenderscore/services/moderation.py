"""What a moderator sees for one bid: each scored criterion's individual scores side by side, their spread, and
the consensus so far. The pages and the API show the same rows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from tenderscore.core import Criterion, CriterionKind, needs_discussion, score_spread
from tenderscore.db.models import ConsensusScore, Score, Submission, User, id_of
from tenderscore.services.scoring import scores_for
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
    rows = []
    for criterion in rubric.of_kind(CriterionKind.SCORED):
        individual = scores_for(session, id_of(submission), criterion.id)
        values = [s.score for s in individual]
        consensus = session.exec(
            select(ConsensusScore).where(
                ConsensusScore.submission_id == submission.id, ConsensusScore.criterion_id == criterion.id
            )
        ).first()
        rows.append(ModerationRow(criterion, [(session.get(User, s.evaluator_id), s) for s in individual],
                                  score_spread(values), needs_discussion(values), consensus))  # fmt: skip
    return rows
