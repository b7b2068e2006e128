"""Build one supplier's assessment summary (reg. 31 of the Procurement Regulations 2024).

For each criterion: its title, importance (weight), how it was scored and the scores available, this supplier's
score and an explanation referring to its own tender; sub-totals and total; reasons for any disqualification; the
winner's name with the winning tender's scores and reasons; the standstill. It refuses (raises) while the result is
provisional or while any score lacks its written reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from tenderscore.core.numbers import plural
from tenderscore.core.responses import BidResponse, ScoreKey
from tenderscore.core.results import BidResult, Evaluation
from tenderscore.core.rubric import Criterion, CriterionKind, Rubric
from tenderscore.core.vcse import counted_summary, partner_lines

from .common import document_meta, scale_levels, tender_view
from .consensus import check_consensus
from .errors import MissingReasonError, ProvisionalResultError, ReportError
from .explain import OWN, WINNER, Voice, commitment_reason, compliant_values, declaration_reason, price_reason
from .facts import ConsensusRecord, TenderFacts
from .methodology import describe
from .text import KIND_NAMES, ordinal, points, weight
from .views import AssessmentSummaryView, SummaryCriterionView, SummarySectionView, TenderScoresView

STANDSTILL = (
    "The buyer will publish a contract award notice. A standstill period of at least 8 working days then applies, "
    "beginning with the day the notice is published; the contract will not be entered into before it ends."
)


def build_assessment_summary(
    rubric: Rubric,
    evaluation: Evaluation,
    responses: Sequence[BidResponse],
    *,
    bid_id: str,
    tender: TenderFacts,
    consensus: Mapping[ScoreKey, ConsensusRecord],
    generated_at: datetime,
    winner_bid_id: str | None = None,
    lot_rule: Mapping[str, Any] | None = None,
) -> AssessmentSummaryView:
    """The assessment summary of bid ``bid_id``.

    ``winner_bid_id`` names the winning bid when the evaluation alone cannot (a tie the officer resolved);
    otherwise the evaluation's single first-ranked bid is the winner. Raises ``ProvisionalResultError`` while any
    consensus is missing, ``MissingReasonError`` (naming bid and criterion) for a score without a reason, and
    ``ReportError`` for an unknown bid or no single winner. ``lot_rule``: how the tender's limit on lots won decided
    the award of this lot, as the award kept it (``services.lots.Allocation.explained``); the winner it names may then
    rank below a bidder who had reached the limit.
    """
    _check_final(evaluation, tender)
    check_consensus(evaluation, consensus)
    result = _result(evaluation, bid_id)
    winner = _winner(evaluation, winner_bid_id, capped=lot_rule is not None)
    bids = {b.bid_id: b for b in responses}
    context = _Context(rubric, evaluation, bids, consensus)
    own = context.scores(result, OWN)
    return AssessmentSummaryView(
        meta=document_meta(tender, "Assessment summary", f"Assessment summary for {result.bidder}", generated_at),
        tender=tender_view(tender),
        bid_id=result.bid_id,
        bidder=result.bidder,
        compliant=result.compliant,
        exclusions=tuple(e.reason for e in result.exclusions),
        own=own,
        is_winner=winner.bid_id == result.bid_id,
        winner=None if winner.bid_id == result.bid_id else context.scores(winner, WINNER),
        scale_max=rubric.scale.maximum,
        scale=scale_levels(rubric),
        standstill=STANDSTILL,
        partners=_partners(rubric, bids.get(result.bid_id)),
        lot_rule=_lot_rule_words(lot_rule, result.bidder) if lot_rule else "",
        passed_over=bool(lot_rule) and any(p["bidder"] == result.bidder for p in lot_rule["passed_over"]),  # type: ignore[index]
    )


def _lot_rule_words(lot_rule: Mapping[str, Any], bidder: str) -> str:
    """One paragraph: the published rule and, when it passed anyone over for this lot, who and why."""
    text = f"This tender is divided into lots. {lot_rule['rule']}"
    for passed in lot_rule.get("passed_over", []):
        lots = " and ".join(f"lot {n}" for n in passed["cap_reached_by_lots"])
        who = "Your tender" if passed["bidder"] == bidder else f"The tender of {passed['bidder']}"
        text += (
            f" {who} ranked at or above the winning tender in lot {lot_rule['lot']}, but had already reached the "
            f"limit with {lots}, which was settled before this lot."
        )
    return text


def _partners(rubric: Rubric, bid: BidResponse | None) -> str:
    """Which of the bidder's own VCSE partners counted towards its VCSE share, and why the others did not (its own
    partners only: another tender's partners are not for it to see)."""
    if bid is None or not bid.vcse_partners or rubric.vcse_criterion is None:
        return ""
    lines = partner_lines(rubric, bid)
    counted = [f"{line.name} ({line.identifier})" for line in lines if line.counts]
    left = [f"{line.name} ({line.identifier}), {line.standing}" for line in lines if not line.counts]
    text = f"Your VCSE partners: {counted_summary(rubric, bid)}."
    if counted:
        text += f" Counted: {'; '.join(counted)}."
    if left:
        text += f" Not counted under this tender's rule: {'; '.join(left)}."
    return text


def _check_final(evaluation: Evaluation, tender: TenderFacts) -> None:
    if evaluation.provisional:
        raise ProvisionalResultError(
            f"tender {tender.reference}: assessment summaries need a final result, but "
            f"{len(evaluation.missing_consensus)} consensus score(s) are still missing"
        )


def _result(evaluation: Evaluation, bid_id: str) -> BidResult:
    try:
        return evaluation.result(bid_id)
    except KeyError:
        raise ReportError(f"bid {bid_id} was not evaluated; there is no assessment summary for it") from None


def _winner(evaluation: Evaluation, winner_bid_id: str | None, *, capped: bool = False) -> BidResult:
    if winner_bid_id is not None:
        winner = _result(evaluation, winner_bid_id)
        if winner.rank != 1 and not (capped and winner.compliant):
            raise ReportError(f"bid {winner_bid_id} ({winner.bidder}) is not ranked first, so it cannot be the winner")
        return winner
    if evaluation.winner is None:
        raise ReportError(
            "the evaluation has no single first-ranked bid (no compliant bid, or a tie at first place); "
            "pass winner_bid_id once the officer has resolved it"
        )
    return evaluation.winner


class _Context:
    """What every criterion's explanation needs: the rubric, the results, the bids and the consensus records."""

    def __init__(
        self,
        rubric: Rubric,
        evaluation: Evaluation,
        bids: Mapping[str, BidResponse],
        consensus: Mapping[ScoreKey, ConsensusRecord],
    ) -> None:
        self.rubric, self.evaluation, self.bids, self.consensus = rubric, evaluation, dict(bids), consensus
        self.fields = {
            c.id: compliant_values(c, evaluation.results, self.bids)
            for c in rubric.criteria
            if c.kind in (CriterionKind.COMMITMENT, CriterionKind.PRICE)
        }

    def scores(self, result: BidResult, voice: Voice) -> TenderScoresView:
        """One tender's scores and reasons, section by section."""
        sections = tuple(
            SummarySectionView(
                title=section.title,
                weight=weight(section.weight),
                subtotal=points(result.section_points.get(section.id, Decimal(0))),
                criteria=tuple(self._criterion(c, result, voice) for c in section.criteria),
            )
            for section in self.rubric.sections
        )
        ranked = len(self.evaluation.ranked)
        rank = (
            f"{ordinal(result.rank)} of {plural(ranked, 'compliant tender')}"
            if result.rank is not None
            else "Not ranked"
        )
        return TenderScoresView(result.bidder, sections, points(result.total), rank)

    def _criterion(self, criterion: Criterion, result: BidResult, voice: Voice) -> SummaryCriterionView:
        method = describe(self.rubric, criterion)
        score, reason = self._score_and_reason(criterion, result, voice)
        scored = criterion.kind is CriterionKind.SCORED and criterion.id in result.scores
        has_points = criterion.kind is not CriterionKind.PASS_FAIL
        return SummaryCriterionView(
            id=criterion.id,
            title=criterion.title,
            weight=weight(criterion.weight) if has_points else "—",
            kind=KIND_NAMES[criterion.kind],
            how=method.how,
            available=method.available,
            score=score,
            descriptor=self.rubric.scale.descriptor(result.scores[criterion.id]) if scored else "",
            points=points(result.points.get(criterion.id, Decimal(0))) if has_points else "—",
            reason=reason,
        )

    def _score_and_reason(self, criterion: Criterion, result: BidResult, voice: Voice) -> tuple[str, str]:
        bid = self.bids[result.bid_id]
        if criterion.kind is CriterionKind.SCORED:
            return self._scored(criterion, result)
        if criterion.kind is CriterionKind.PASS_FAIL:
            return declaration_reason(criterion, bid, voice)
        field = self.fields[criterion.id]
        if criterion.kind is CriterionKind.COMMITMENT:
            return commitment_reason(self.rubric, criterion, result, bid, field, voice)
        return price_reason(criterion, result, bid, field, voice)

    def _scored(self, criterion: Criterion, result: BidResult) -> tuple[str, str]:
        record = self.consensus.get((result.bid_id, criterion.id))
        score = result.scores.get(criterion.id, record.score if record is not None else None)
        if score is None:
            if result.compliant:  # cannot happen in a final result; refuse rather than print a blank
                raise MissingReasonError(result.bid_id, result.bidder, criterion.id, criterion.title)
            return "Not scored", "Not scored: the tender was excluded at the compliance stage (see above)."
        if record is None or not record.reason.strip():
            raise MissingReasonError(result.bid_id, result.bidder, criterion.id, criterion.title)
        return f"{score} of {self.rubric.scale.maximum}", record.reason
