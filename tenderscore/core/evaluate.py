"""The one entry point: rubric + bids + consensus scores -> compliance, points, totals, ranks and flags."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .flags import (
    abnormally_low_flags,
    bid_vcse_share,
    missing_consensus_flags,
    partner_flags,
    spread_flags,
    vcse_flag,
)
from .gates import gate_exclusions
from .inputs import check_bids, consensus_scores, panel_scores
from .numbers import exact_arithmetic
from .points import Scorer, Tally, compliant_fields, empty_tally
from .ranking import RankKey, competition_ranks, tally_key
from .responses import BidResponse, Consensus, ScoreKey
from .results import BidResult, Evaluation, Exclusion, Flag
from .rubric import CriterionKind, Rubric
from .validation import check_rubric
from .vcse import counted_bid


def evaluate(
    rubric: Rubric,
    bids: Sequence[BidResponse],
    consensus: Mapping[ScoreKey, Consensus | int],
    evaluator_scores: Mapping[ScoreKey, Sequence[int]] | None = None,
) -> Evaluation:
    """Score ``bids`` against ``rubric`` in the order docs/scoring.md fixes ("Order of evaluation"), and rank them.

    1. Gates that need no other bid (pass/fail answers, commitment mandatory minimums, scored minimums where the
       consensus exists, a missing or non-positive price) decide the compliant set. An excluded bid lists every
       reason, earns 0 everywhere and is never ranked.
    2. Relative formulas (price, proportional commitments) run over the compliant set only.
    3. A bid's total is the exact sum of its points, on 0..100.
    4. Compliant bids are ranked by total and then the rubric's tie-break order (see ``competition_ranks``).

    Consensus scores (``Consensus`` or a bare ``int``) and ``evaluator_scores`` are whole steps of the scale.
    A scored criterion of a compliant bid without consensus counts as 0, is flagged, and makes the evaluation
    provisional. Evaluators' scores only raise ``evaluator_spread`` flags; they never change points.

    Raises ``ScoringError`` for an invalid rubric, a duplicate bid id, a float or non-finite number in a bid, or a
    score that is not an integer of the scale or names an unknown bid or a criterion that is not scored.
    """
    check_rubric(rubric)
    check_bids(bids)
    scores = consensus_scores(rubric, bids, consensus)
    panels = panel_scores(rubric, bids, evaluator_scores or {})
    return assess(rubric, bids, scores, panels)


@dataclass(frozen=True)
class Scoring:
    """Steps 1-4 for checked input, before results are written out: what sensitivity reuses."""

    exclusions: dict[str, tuple[Exclusion, ...]]
    compliant: list[BidResponse]
    scorer: Scorer
    tallies: dict[str, Tally]
    keys: dict[str, RankKey]
    ranks: dict[str, int]


def score(rubric: Rubric, bids: Sequence[BidResponse], scores: Mapping[ScoreKey, int]) -> Scoring:
    """Gates, relative formulas over the compliant set, totals and ranks, for input already checked."""
    with exact_arithmetic():
        exclusions = {bid.bid_id: gate_exclusions(rubric, bid, scores) for bid in bids}
        # relative formulas and totals see the VCSE share each bid is scored on (docs/scoring.md)
        compliant = [counted_bid(rubric, bid) for bid in bids if not exclusions[bid.bid_id]]
        scorer = Scorer(rubric, compliant_fields(rubric, compliant))
        tallies = {bid.bid_id: scorer.tally(bid, scores) for bid in compliant}
        keys = {bid.bid_id: tally_key(rubric, tallies[bid.bid_id], bid.price) for bid in compliant}
    return Scoring(exclusions, compliant, scorer, tallies, keys, competition_ranks(keys))


def assess(
    rubric: Rubric,
    bids: Sequence[BidResponse],
    scores: Mapping[ScoreKey, int],
    panels: Mapping[ScoreKey, Sequence[int]] | None = None,
) -> Evaluation:
    """``evaluate`` for input already checked."""
    scoring = score(rubric, bids, scores)
    with exact_arithmetic():
        low_prices = abnormally_low_flags(rubric, scoring.compliant)
        results = []
        for bid in bids:
            flags = _flags(rubric, bid, scoring, panels or {}, low_prices.get(bid.bid_id))
            results.append(_result(rubric, bid, scoring, scores, flags))
    ordered = sorted((r for r in results if r.compliant), key=lambda r: (r.rank or 0, r.bid_id))
    ordered += sorted((r for r in results if not r.compliant), key=lambda r: r.bid_id)
    missing = tuple((r.bid_id, c) for r in ordered if r.compliant for c in scoring.tallies[r.bid_id].missing_consensus)
    return Evaluation(tuple(ordered), bool(missing), missing)


def _flags(
    rubric: Rubric,
    bid: BidResponse,
    scoring: Scoring,
    panels: Mapping[ScoreKey, Sequence[int]],
    low_price: Flag | None,
) -> tuple[Flag, ...]:
    flags = [low_price] if low_price is not None else []
    flags += spread_flags(rubric, bid.bid_id, panels)
    if bid.bid_id in scoring.tallies:
        flags += missing_consensus_flags(rubric, scoring.tallies[bid.bid_id].missing_consensus)
    disagreement = vcse_flag(rubric, bid)
    if disagreement is not None:
        flags.append(disagreement)
    flags += partner_flags(rubric, bid, excluded=bool(scoring.exclusions[bid.bid_id]))
    return tuple(flags)


def _result(
    rubric: Rubric, bid: BidResponse, scoring: Scoring, scores: Mapping[ScoreKey, int], flags: tuple[Flag, ...]
) -> BidResult:
    counted = scoring.tallies.get(bid.bid_id) or empty_tally(rubric)
    exclusions = scoring.exclusions[bid.bid_id]
    return BidResult(
        bid_id=bid.bid_id,
        bidder=bid.bidder,
        compliant=not exclusions,
        exclusions=exclusions,
        points=counted.points,
        section_points=counted.section_points,
        category_points=counted.category_points,
        total=counted.total,
        rank=scoring.ranks.get(bid.bid_id),
        flags=flags,
        price=bid.price,
        vcse_share=bid_vcse_share(rubric, bid),
        scores={
            c.id: scores[(bid.bid_id, c.id)]
            for c in rubric.criteria
            if c.kind is CriterionKind.SCORED and (bid.bid_id, c.id) in scores
        },
    )
