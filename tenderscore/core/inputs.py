"""Checks on what callers hand the core: bids, consensus scores and evaluators' scores.

Bad input raises ``ScoringError`` naming the bid and criterion; it is never scored as if it were something else.
Scores are whole steps of the published scale (a court set aside an award built on averaged scores), so a float,
a bool, a fraction or a value off the scale is refused rather than rounded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from .errors import ScoringError
from .responses import BidResponse, Consensus, ScoreKey
from .rubric import CriterionKind, Rubric


def check_bids(bids: Sequence[BidResponse]) -> None:
    """Bid ids are unique; every number a bid carries is a finite ``Decimal`` and every declaration a bool."""
    seen: set[str] = set()
    for bid in bids:
        if bid.bid_id in seen:
            raise ScoringError(f"bid {bid.bid_id!r} is given twice")
        seen.add(bid.bid_id)
        if bid.price is not None:
            _check_decimal(bid.price, f"bid {bid.bid_id!r}: price")
        for criterion_id, value in bid.commitments.items():
            _check_decimal(value, f"bid {bid.bid_id!r}, criterion {criterion_id!r}: committed value")
        for criterion_id, answer in bid.declarations.items():
            if not isinstance(answer, bool):
                raise ScoringError(
                    f"bid {bid.bid_id!r}, criterion {criterion_id!r}: a declaration must be true or false, "
                    f"not {answer!r}"
                )
        for partner in bid.vcse_partners:
            _check_decimal(partner.value_gbp, f"bid {bid.bid_id!r}: VCSE partner {partner.name!r} value")


def consensus_scores(
    rubric: Rubric, bids: Sequence[BidResponse], consensus: Mapping[ScoreKey, Consensus | int]
) -> dict[ScoreKey, int]:
    """The consensus scores as whole numbers, each checked against its bid, criterion and the scale."""
    scored, bid_ids = _scored_ids(rubric), {b.bid_id for b in bids}
    checked: dict[ScoreKey, int] = {}
    for key, given in consensus.items():
        _check_key(key, scored, bid_ids, "consensus")
        value = given.score if isinstance(given, Consensus) else given
        checked[key] = _check_score(value, rubric.scale.maximum, key, "consensus score")
    return checked


def panel_scores(
    rubric: Rubric, bids: Sequence[BidResponse], evaluator_scores: Mapping[ScoreKey, Sequence[int]]
) -> dict[ScoreKey, tuple[int, ...]]:
    """The individual evaluators' scores, each checked like a consensus score."""
    scored, bid_ids = _scored_ids(rubric), {b.bid_id for b in bids}
    checked: dict[ScoreKey, tuple[int, ...]] = {}
    for key, given in evaluator_scores.items():
        _check_key(key, scored, bid_ids, "evaluator scores")
        if isinstance(given, str | bytes) or not isinstance(given, Sequence):
            raise ScoringError(f"bid {key[0]!r}, criterion {key[1]!r}: evaluator scores must be a list of scores")
        checked[key] = tuple(_check_score(v, rubric.scale.maximum, key, "evaluator score") for v in given)
    return checked


def _scored_ids(rubric: Rubric) -> set[str]:
    return {c.id for c in rubric.of_kind(CriterionKind.SCORED)}


def _check_key(key: object, scored: set[str], bid_ids: set[str], what: str) -> None:
    if not (isinstance(key, tuple) and len(key) == 2 and all(isinstance(part, str) for part in key)):
        raise ScoringError(f"{what} must be keyed by (bid id, criterion id), not {key!r}")
    bid_id, criterion_id = key
    if bid_id not in bid_ids:
        raise ScoringError(f"{what} given for bid {bid_id!r}, which is not among the bids evaluated")
    if criterion_id not in scored:
        raise ScoringError(
            f"{what} given for bid {bid_id!r}, criterion {criterion_id!r}, which is not a scored criterion of "
            "this rubric"
        )


def scale_problem(value: object, maximum: int) -> str | None:
    """What is wrong with ``value`` as a score on the scale 0 to ``maximum``; ``None`` for a whole step of it.

    The one rule for every score, an evaluator's or a consensus, wherever it comes from (docs/scoring.md).
    """
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{value!r} is not a whole step of the scale (0 to {maximum})"
    if not 0 <= value <= maximum:
        return f"{value} is outside the scale 0 to {maximum}"
    return None


def _check_score(value: object, maximum: int, key: ScoreKey, what: str) -> int:
    problem = scale_problem(value, maximum)
    if problem is not None:
        raise ScoringError(f"bid {key[0]!r}, criterion {key[1]!r}: {what} {problem}")
    assert isinstance(value, int)
    return value


def _check_decimal(value: object, what: str) -> None:
    if not isinstance(value, Decimal):
        raise ScoringError(f"{what} must be a Decimal, not {type(value).__name__} {value!r}")
    if not value.is_finite():
        raise ScoringError(f"{what} must be a finite number, not {value}")
