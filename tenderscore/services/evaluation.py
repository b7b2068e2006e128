"""The evaluation, gathered once: the rubric, the bids, every score and consensus, and the result computed from them.

Every door that shows results (the evaluation page and API, the score matrix, the evaluation report, assessment
summaries, sensitivity, the award) reads through ``gather``, so no two of them can be built from different reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from tenderscore.core import BidResponse, Consensus, Evaluation, Exclusion, Rubric, ScoreKey, evaluate
from tenderscore.core.gates import gate_exclusions
from tenderscore.core.register import Counting
from tenderscore.db.models import ConsensusScore, Organisation, Role, Score, Submission, Tender, User, id_of
from tenderscore.services import access, named_partners
from tenderscore.services.bid_json import response_from_json
from tenderscore.services.errors import Conflict, Forbidden
from tenderscore.services.tenders import get_tender, rubric_of


@dataclass(frozen=True)
class Marked:
    """One evaluator's own score of one criterion for one bid, as recorded."""

    evaluator: str
    score: int
    reason: str


@dataclass(frozen=True)
class Gathered:
    tender: Tender
    rubric: Rubric
    bids: list[BidResponse]  # bid_id is the submission id as text
    consensus: dict[ScoreKey, Consensus]
    moderators: dict[ScoreKey, str | None]  # who recorded each consensus
    individual: dict[ScoreKey, list[Marked]]  # every evaluator's score, moderated or not, oldest first
    evaluation: Evaluation


def gather(session: Session, tender: Tender, *, at: datetime | None = None) -> Gathered:
    """Read everything once (a fixed number of queries, whatever the number of bids) and evaluate it.

    The caller has decided that the actor may see the results (``results_for``); this only reads. ``at``: the
    moment named partners are judged at when it is not the tender's own (``named_partners.as_at``): the award
    decision while it is being taken, so the evaluation it keeps is the one every later document reproduces.
    """
    rubric = rubric_of(tender)
    # Only the columns used: never a workbook, nor a score's versions and times. (sqlmodel types a select of up to
    # four columns; these are five.)
    rows = session.exec(
        select(Submission.id, Submission.responses, Organisation.name)
        .join(Organisation, col(Organisation.id) == Submission.bidder_org_id)
        .where(Submission.tender_id == tender.id, col(Submission.is_current).is_(True))
        .order_by(col(Submission.id))
    ).all()
    read = [response_from_json(dict(responses), bid_id=str(sid), bidder=name) for sid, responses, name in rows]
    bids = named_partners.looked_up(session, tender, read, at=at)  # standings and answers, as at the award if awarded
    agreed: Sequence[tuple[int, str, int, str, int]] = session.exec(
        select(  # type: ignore[call-overload]
            ConsensusScore.submission_id, ConsensusScore.criterion_id, ConsensusScore.score, ConsensusScore.reason,
            ConsensusScore.moderator_id,
        )
        .join(Submission, col(Submission.id) == ConsensusScore.submission_id)
        .where(Submission.tender_id == tender.id, col(Submission.is_current).is_(True))
        .order_by(col(ConsensusScore.id))
    ).all()  # fmt: skip
    scores: Sequence[tuple[int, str, int, int, str]] = session.exec(
        select(  # type: ignore[call-overload]
            Score.submission_id, Score.criterion_id, Score.evaluator_id, Score.score, Score.reason
        )
        .join(Submission, col(Submission.id) == Score.submission_id)
        .where(Submission.tender_id == tender.id, col(Submission.is_current).is_(True))
        .order_by(col(Score.id))
    ).all()  # fmt: skip
    people = {moderator for *_, moderator in agreed} | {evaluator for _, _, evaluator, _, _ in scores}
    names = dict(session.exec(select(User.id, User.name).where(col(User.id).in_(people))).all())
    consensus = {(str(sid), cid): Consensus(score, reason) for sid, cid, score, reason, _ in agreed}
    moderators = {(str(sid), cid): names.get(moderator) for sid, cid, _, _, moderator in agreed}
    individual: dict[ScoreKey, list[Marked]] = defaultdict(list)
    for sid, cid, evaluator, score, reason in scores:
        individual[(str(sid), cid)].append(Marked(names.get(evaluator, "?"), score, reason))
    panel_scores = {key: [m.score for m in marks] for key, marks in individual.items()}
    result = evaluate(rubric, bids, consensus, panel_scores)
    return Gathered(tender, rubric, bids, consensus, moderators, dict(individual), result)


def results_for(session: Session, actor: User, tender_id: int, *, lock: bool = False) -> Gathered:
    """The tender's evaluation for the buyer's officers and commissioners, once the bids are opened.

    Provisional until every scored criterion of every compliant bid has consensus. ``lock`` holds the tender row
    (an award decides on exactly what was read).
    """
    tender = get_tender(session, actor, tender_id, for_update=lock)
    if actor.role not in (Role.OFFICER, Role.COMMISSIONER):
        raise Forbidden("Only the buyer's officers see the evaluation")
    if not access.bids_opened(tender):
        raise Conflict(access.SEALED_MESSAGE)
    return gather(session, tender)


def evaluation(session: Session, actor: User, tender_id: int) -> Evaluation:
    """The results now (see ``results_for``)."""
    return results_for(session, actor, tender_id).evaluation


def compliance_exclusions(session: Session, tender: Tender, submission: Submission) -> tuple[Exclusion, ...]:
    """The gates ``submission`` fails on its own (docs/scoring.md, "Gates and mandatory thresholds"): pass/fail
    answers, mandatory minimums such as the VCSE share, a missing or non-positive price.

    The one owner of "this bid is out at the compliance stage and is not scored": the evaluator's list of bids, the
    scoring page, the moderation page and the scoring services all ask here. These are step 1 of ``evaluate`` with
    no scores yet, so quality minimums (which wait for a consensus) never keep a bid from being scored. The caller
    has decided that the actor may read the bid.
    """
    return compliance_exclusions_of(session, tender, [submission])[id_of(submission)]


def compliance_exclusions_of(
    session: Session, tender: Tender, submissions: Sequence[Submission]
) -> dict[int, tuple[Exclusion, ...]]:
    """``compliance_exclusions`` of each of ``submissions`` (by id), in a fixed number of queries. The partners'
    standings are looked up only when the tender's rule does not count every listed partner."""
    rubric = rubric_of(tender)
    bids = [response_from_json(s.responses, bid_id=str(s.id), bidder="") for s in submissions]
    if Counting(rubric.vcse_counting) is not Counting.LISTED:
        bids = named_partners.looked_up(session, tender, bids, answers=False)
    return {int(bid.bid_id): gate_exclusions(rubric, bid, {}) for bid in bids}


def refuse_excluded(session: Session, tender: Tender, submission: Submission) -> None:
    """A ``Conflict`` with the reasons when ``submission`` is excluded at the compliance stage (it is not scored)."""
    exclusions = compliance_exclusions(session, tender, submission)
    if exclusions:
        reasons = " ".join(e.reason.rstrip(".") + "." for e in exclusions)
        raise Conflict(
            f"This bid is excluded at the compliance stage, so it is not scored: {reasons}",
            details={"exclusions": [e.reason for e in exclusions]},
        )
