"""Consensus scores as the reports show them: per criterion, per bid, with the evaluators' scores and spread."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from tenderscore.core.flags import needs_discussion, score_spread
from tenderscore.core.numbers import plural
from tenderscore.core.responses import ScoreKey
from tenderscore.core.results import BidResult, Evaluation
from tenderscore.core.rubric import Criterion, CriterionKind, Rubric

from .errors import ReportError
from .facts import ConsensusRecord, IndividualScore
from .text import points, weight
from .views import BreakdownRowView, CriterionBreakdownView, IndividualScoreView


def check_consensus(evaluation: Evaluation, consensus: Mapping[ScoreKey, ConsensusRecord]) -> None:
    """Refuse records that are not the scores the evaluation used: a report must print what was scored."""
    for (bid_id, criterion_id), record in consensus.items():
        try:
            result = evaluation.result(bid_id)
        except KeyError:
            raise ReportError(f"a consensus record names bid {bid_id}, which was not evaluated") from None
        used = result.scores.get(criterion_id)
        if used is not None and used != record.score:
            raise ReportError(
                f"bid {bid_id} ({result.bidder}), criterion {criterion_id}: the consensus record says {record.score} "
                f"but the evaluation used {used}; re-run the evaluation from the same records"
            )


def breakdown_views(
    rubric: Rubric,
    evaluation: Evaluation,
    consensus: Mapping[ScoreKey, ConsensusRecord],
    unmoderated: Mapping[ScoreKey, Sequence[IndividualScore]],
) -> tuple[CriterionBreakdownView, ...]:
    """One table per scored criterion: every bid's consensus, points, evaluators' scores, spread and reason."""
    views = []
    for criterion in rubric.criteria:
        if criterion.kind is not CriterionKind.SCORED:
            continue
        rows = tuple(
            _row(
                rubric,
                criterion,
                result,
                consensus.get((result.bid_id, criterion.id)),
                unmoderated.get((result.bid_id, criterion.id), ()),
            )
            for result in evaluation.results
        )
        views.append(
            CriterionBreakdownView(
                id=criterion.id,
                title=criterion.title,
                section=rubric.section_of(criterion.id).title,
                weight=weight(criterion.weight),
                rows=rows,
            )
        )
    return tuple(views)


def _row(
    rubric: Rubric,
    criterion: Criterion,
    result: BidResult,
    record: ConsensusRecord | None,
    pending: Sequence[IndividualScore],
) -> BreakdownRowView:
    individual = record.individual if record is not None else tuple(pending)
    given = [s.score for s in individual]
    spread = score_spread(given)
    score = record.score if record is not None else result.scores.get(criterion.id)
    if not result.compliant:
        shown_points = "excluded"
    elif score is None:
        shown_points = "—"
    else:
        shown_points = points(result.points.get(criterion.id, Decimal(0)))
    return BreakdownRowView(
        bidder=result.bidder,
        score="—" if score is None else f"{score} / {rubric.scale.maximum}",
        points=shown_points,
        reason=record.reason if record is not None else _no_reason(result, score),
        individual=tuple(IndividualScoreView(s.evaluator, str(s.score)) for s in individual),
        spread="" if not spread else plural(spread, "step"),
        spread_flagged=needs_discussion(given),
        missing=score is None and result.compliant,
    )


def _no_reason(result: BidResult, score: int | None) -> str:
    if score is not None:
        return "No reason recorded."
    if not result.compliant:
        return "Not scored: the tender was excluded at the compliance stage."
    return ""
