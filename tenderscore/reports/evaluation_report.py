"""Build the tender evaluation report's view model from the core's evaluation and the records around it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from tenderscore.core.numbers import plural
from tenderscore.core.responses import BidResponse, ScoreKey
from tenderscore.core.results import BidResult, Evaluation, FlagCode
from tenderscore.core.rubric import Rubric
from tenderscore.core.ukdates import uk_time

from .chart import Bar, stacked_bar_svg
from .common import document_meta, methodology_view, tender_view
from .consensus import breakdown_views, check_consensus
from .errors import ReportError
from .facts import ConsensusRecord, IndividualScore, PanelMember, SensitivityFinding, TenderFacts
from .social_value import social_value_view
from .text import points, pounds, weight
from .views import (
    ComplianceRowView,
    EvaluationReportView,
    FlagView,
    MatrixRowView,
    MatrixView,
    MissingConsensusView,
    PanelMemberView,
    RecommendationView,
    SensitivityView,
)

FLAG_NAMES = {
    FlagCode.ABNORMALLY_LOW_PRICE: "Abnormally low price",
    FlagCode.EVALUATOR_SPREAD: "Evaluator spread",
    FlagCode.CONSENSUS_MISSING: "Consensus missing",
    FlagCode.VCSE_SHARE_DISAGREEMENT: "VCSE share disagreement",
}
_MATRIX_FLAGS = (FlagCode.ABNORMALLY_LOW_PRICE,)


def build_evaluation_report(
    rubric: Rubric,
    evaluation: Evaluation,
    responses: Sequence[BidResponse],
    *,
    tender: TenderFacts,
    panel: Sequence[PanelMember],
    consensus: Mapping[ScoreKey, ConsensusRecord],
    sensitivity: SensitivityFinding | None,
    chain_head: str,
    generated_at: datetime,
    unmoderated: Mapping[ScoreKey, Sequence[IndividualScore]] | None = None,
) -> EvaluationReportView:
    """The evaluation report of ``tender``: everything issue 5 lists (docs/scoring.md), for print.

    ``consensus`` holds the moderated records behind ``evaluation``; ``unmoderated`` the evaluators' scores of
    criteria still awaiting consensus (shown while the result is provisional). ``sensitivity`` is the core's finding
    for a final result, or ``None``. Raises ``ReportError`` when a consensus record disagrees with the evaluation.
    """
    check_consensus(evaluation, consensus)
    _check_responses(evaluation, responses)
    return EvaluationReportView(
        meta=document_meta(tender, "Tender evaluation report", _subject(evaluation), generated_at),
        tender=tender_view(tender),
        provisional=evaluation.provisional,
        missing=_missing(rubric, evaluation),
        recommendation=_recommendation(evaluation),
        methodology=methodology_view(rubric),
        compliance=tuple(
            ComplianceRowView(r.bidder, r.compliant, tuple(e.reason for e in r.exclusions)) for r in evaluation.results
        ),
        matrix=_matrix(rubric, evaluation),
        chart_svg=_chart(rubric, evaluation),
        breakdown=breakdown_views(rubric, evaluation, consensus, unmoderated or {}),
        social_value=social_value_view(rubric, evaluation, responses),
        sensitivity=_sensitivity(evaluation, sensitivity),
        flags=_flags(rubric, evaluation),
        panel=tuple(_panel_member(m) for m in panel),
        chain_head=chain_head,
    )


def _subject(evaluation: Evaluation) -> str:
    state = "provisional results" if evaluation.provisional else "final results"
    return f"Evaluation of {plural(len(evaluation.results), 'tender')}: compliance, scores, ranking ({state})"


def _check_responses(evaluation: Evaluation, responses: Sequence[BidResponse]) -> None:
    given = {b.bid_id for b in responses}
    evaluated = {r.bid_id for r in evaluation.results}
    if given != evaluated:
        raise ReportError(
            f"the responses given ({', '.join(sorted(given)) or 'none'}) are not the bids evaluated "
            f"({', '.join(sorted(evaluated)) or 'none'})"
        )


def _missing(rubric: Rubric, evaluation: Evaluation) -> tuple[MissingConsensusView, ...]:
    return tuple(
        MissingConsensusView(evaluation.result(bid_id).bidder, rubric.criterion(criterion_id).title)
        for bid_id, criterion_id in evaluation.missing_consensus
    )


def _rank_label(result: BidResult, evaluation: Evaluation) -> str:
    """``1``, or ``=2`` when the rank is shared; empty for an excluded bid."""
    if result.rank is None:
        return ""
    shared = sum(1 for r in evaluation.ranked if r.rank == result.rank) > 1
    return f"={result.rank}" if shared else str(result.rank)


def _matrix(rubric: Rubric, evaluation: Evaluation) -> MatrixView:
    sections = [s for s in rubric.sections if s.weight > 0]
    return MatrixView(
        section_headers=tuple(f"{s.title} ({weight(s.weight)})" for s in sections),
        rows=tuple(_matrix_row(r, evaluation, [s.id for s in sections]) for r in evaluation.ranked),
    )


def _chart(rubric: Rubric, evaluation: Evaluation) -> str:
    sections = [s for s in rubric.sections if s.weight > 0]
    return stacked_bar_svg(
        [Bar(r.bidder, tuple(r.section_points.get(s.id, Decimal(0)) for s in sections)) for r in evaluation.ranked],
        [s.title for s in sections],
        title="Points by section for each compliant tender, in rank order",
    )


def _matrix_row(result: BidResult, evaluation: Evaluation, section_ids: list[str]) -> MatrixRowView:
    return MatrixRowView(
        rank=_rank_label(result, evaluation),
        bidder=result.bidder,
        sections=tuple(points(result.section_points.get(s, Decimal(0))) for s in section_ids),
        total=points(result.total),
        price=pounds(result.price),
        flags=tuple(FLAG_NAMES[f.code] for f in result.flags if f.code in _MATRIX_FLAGS),
    )


def _recommendation(evaluation: Evaluation) -> RecommendationView:
    if evaluation.provisional:
        return RecommendationView("", "", "No recommendation can be made while the results are provisional.")
    leaders = evaluation.leaders
    if not leaders:
        return RecommendationView("", "", "No tender is compliant, so no award can be recommended.")
    if len(leaders) > 1:
        names = " and ".join(r.bidder for r in leaders)
        return RecommendationView(
            "",
            points(leaders[0].total),
            f"The tenders of {names} share first place with {points(leaders[0].total)} points after the published "
            "tie-break order. The officer must resolve the tie before any award.",
        )
    winner = leaders[0]
    text = f"Award the contract to {winner.bidder}, whose tender is the most advantageous with {points(winner.total)} "
    runners = [r for r in evaluation.ranked if r.rank == 2]
    if runners:
        margin = winner.total - runners[0].total
        text += f"points out of 100, {points(margin)} points ahead of the tender ranked second ({runners[0].bidder})."
    else:
        text += "points out of 100; it is the only compliant tender."
    return RecommendationView(winner.bidder, points(winner.total), text)


def _sensitivity(evaluation: Evaluation, finding: SensitivityFinding | None) -> SensitivityView:
    if evaluation.provisional:
        return SensitivityView(
            None,
            "The result's robustness is tested only once the result is final. It will be reported here when every "
            "consensus score has been recorded.",
        )
    if finding is None:
        return SensitivityView(None, "No sensitivity analysis was supplied for this report.")
    return SensitivityView(finding.robust, finding.summary)


def _flags(rubric: Rubric, evaluation: Evaluation) -> tuple[FlagView, ...]:
    """Each bid's flags; its evaluator spreads in one line (section 5 marks each one next to its scores)."""
    views = []
    for result in evaluation.results:
        spreads = result.flagged(FlagCode.EVALUATOR_SPREAD)
        for flag in result.flags:
            if flag.code not in (FlagCode.CONSENSUS_MISSING, FlagCode.EVALUATOR_SPREAD):
                views.append(FlagView(result.bidder, FLAG_NAMES[flag.code], flag.message))
        if len(spreads) == 1:
            views.append(FlagView(result.bidder, FLAG_NAMES[FlagCode.EVALUATOR_SPREAD], spreads[0].message))
        elif spreads:
            titles = "; ".join(f"'{rubric.criterion(f.criterion_id).title}'" for f in spreads if f.criterion_id)
            views.append(
                FlagView(
                    result.bidder,
                    FLAG_NAMES[FlagCode.EVALUATOR_SPREAD],
                    f"Evaluators' scores differ by two or more steps on {len(spreads)} criteria: {titles}. "
                    "Each is marked in section 5; discuss them before recording the consensus.",
                )
            )
    return tuple(views)


def _panel_member(member: PanelMember) -> PanelMemberView:
    return PanelMemberView(
        name=member.name,
        role=member.role,
        declaration=member.declaration or "No declaration recorded.",
        declared_at=uk_time(member.declared_at) if member.declared_at is not None else "Not declared",
        conflicts=", ".join(member.conflicts) if member.conflicts else "None",
    )
