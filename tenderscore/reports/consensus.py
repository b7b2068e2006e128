"""Consensus scores as the reports show them: per bid and criterion with the evaluators' scores and spread, and
per criterion across the tenders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from tenderscore.core.flags import needs_discussion, score_spread
from tenderscore.core.numbers import plural
from tenderscore.core.responses import ScoreKey
from tenderscore.core.results import BidResult, Evaluation, FlagCode
from tenderscore.core.rubric import Criterion, CriterionKind, Rubric

from .errors import ReportError
from .facts import ConsensusRecord, IndividualScore
from .text import points, weight
from .views import CriterionSummaryView, IndividualScoreView, ScoreRowView


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


def score_rows(
    rubric: Rubric,
    result: BidResult,
    consensus: Mapping[ScoreKey, ConsensusRecord],
    unmoderated: Mapping[ScoreKey, Sequence[IndividualScore]],
) -> tuple[ScoreRowView, ...]:
    """One bid's row per scored criterion: consensus, points, the evaluators' scores, spread and reason."""
    return tuple(
        _row(
            rubric,
            criterion,
            result,
            consensus.get((result.bid_id, criterion.id)),
            unmoderated.get((result.bid_id, criterion.id), ()),
        )
        for criterion in rubric.of_kind(CriterionKind.SCORED)
    )


def criterion_summaries(
    rubric: Rubric, evaluation: Evaluation, consensus: Mapping[ScoreKey, ConsensusRecord]
) -> tuple[CriterionSummaryView, ...]:
    """Each scored criterion across the tenders: how many consensus scores are recorded, how many spreads flagged."""
    views = []
    tenders = len(evaluation.results)
    for criterion in rubric.of_kind(CriterionKind.SCORED):
        recorded = sum(1 for r in evaluation.results if (r.bid_id, criterion.id) in consensus)
        spreads = sum(
            1
            for r in evaluation.results
            if any(f.criterion_id == criterion.id for f in r.flagged(FlagCode.EVALUATOR_SPREAD))
        )
        views.append(
            CriterionSummaryView(
                title=criterion.title,
                section=rubric.section_of(criterion.id).title,
                weight=weight(criterion.weight),
                recorded=f"{recorded} of {plural(tenders, 'tender')}",
                spreads=plural(spreads, "tender") if spreads else "None",
            )
        )
    return tuple(views)


def _row(
    rubric: Rubric,
    criterion: Criterion,
    result: BidResult,
    record: ConsensusRecord | None,
    pending: Sequence[IndividualScore],
) -> ScoreRowView:
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
    return ScoreRowView(
        criterion=criterion.title,
        weight=weight(criterion.weight),
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
