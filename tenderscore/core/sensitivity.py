"""How robust is a final result? The smallest weight transfer and the smallest score change that change the winner.

docs/scoring.md, "Sensitivity": for a final result, report (a) the smallest transfer of weight between two sections and
(b) the smallest change of one consensus score that would change the top-ranked bid, and say "robust" or name the
fragile point in plain words. "Changing the top-ranked bid" means the set of bids ranked first changes: another bid
comes first, a bid joins or leaves a shared first place, or no compliant bid is left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .errors import ScoringError
from .evaluate import score
from .inputs import check_bids, consensus_scores
from .numbers import display_up, exact_arithmetic, plain
from .responses import BidResponse, Consensus, ScoreKey
from .rubric import Rubric
from .score_change import ScoreChange, smallest_score_change
from .validation import check_rubric
from .weight_shift import WeightShift, smallest_weight_shift


@dataclass(frozen=True)
class SensitivityFinding:
    """Both findings (``None`` where nothing within the published ranges changes the result) and a plain summary."""

    weight_shift: WeightShift | None
    score_change: ScoreChange | None
    summary: str

    @property
    def robust(self) -> bool:
        """True when neither a weight transfer nor a single score change alters who is ranked first."""
        return self.weight_shift is None and self.score_change is None


def sensitivity(
    rubric: Rubric, bids: Sequence[BidResponse], consensus: Mapping[ScoreKey, Consensus | int]
) -> SensitivityFinding:
    """Test how robust the final ranking of ``bids`` is; inputs as for ``evaluate``.

    (a) Weight: every ordered pair of sections with weight, moving ``0 < t <= weight of the donor`` points and
    scaling the criteria within each section proportionally. (b) Scores: every consensus score moved to every other
    whole step of the scale, including moves that exclude a bid (below a minimum) or admit one (excluded by that
    minimum alone), which change the compliant set and the relative formulas.

    Raises ``ScoringError`` for a provisional result (a consensus score is missing) and for any input ``evaluate``
    refuses.
    """
    check_rubric(rubric)
    check_bids(bids)
    scores = consensus_scores(rubric, bids, consensus)
    scoring = score(rubric, bids, scores)
    missing = sum(len(t.missing_consensus) for t in scoring.tallies.values())
    if missing:
        raise ScoringError(
            f"sensitivity is computed for a final result only; {missing} consensus score(s) are still missing"
        )
    leaders = sorted(b for b, rank in scoring.ranks.items() if rank == 1)
    with exact_arithmetic():
        shift = smallest_weight_shift(rubric, scoring)
        change = smallest_score_change(rubric, bids, scores, scoring)
    names = {b.bid_id: b.bidder for b in bids}
    return SensitivityFinding(shift, change, summarise_sensitivity(rubric, names, leaders, shift, change))


def summarise_sensitivity(
    rubric: Rubric,
    names: Mapping[str, str],
    leaders: Sequence[str],
    shift: WeightShift | None,
    change: ScoreChange | None,
) -> str:
    """The finding in plain English: "Robust: ..." or "Fragile: ..." naming the change and who would lead."""
    subject = "the winner" if len(leaders) == 1 else "who is ranked first"
    if not leaders and change is None:
        return (
            "No bid is compliant, so there is no ranking to test; no single change of one consensus score admits one."
        )
    if shift is None and change is None:
        return (
            f"Robust: no transfer of weight between sections up to their full weight, and no single change of one "
            f"consensus score, changes {subject}."
        )
    parts = []
    if shift is not None:
        parts.append(_shift_words(rubric, names, shift))
    if change is not None:
        parts.append(_change_words(rubric, names, change))
    text = "Fragile: " + "; ".join(parts) + "."
    if shift is None and leaders:
        text += f" No transfer of weight between sections up to their full weight changes {subject}."
    if change is None:
        text += f" No single change of one consensus score changes {subject}."
    return text


def _shift_words(rubric: Rubric, names: Mapping[str, str], shift: WeightShift) -> str:
    titles = {s.id: s.title for s in rubric.sections}
    donor, recipient = titles[shift.from_section], titles[shift.to_section]
    limit = next(s.weight for s in rubric.sections if s.id == shift.from_section)
    amount = _amount(shift.points, shift.beyond, limit)
    outcome = _outcome(names, shift.leaders_before, shift.leaders_after)
    return f"moving {amount} of weight from {donor} to {recipient} would {outcome}"


def _amount(points: Decimal, beyond: bool, limit: Decimal) -> str:
    """The transfer in words, rounded up to 2 places so that the amount stated really does make the change."""
    if points.is_zero():
        return "any amount"
    shown = Decimal(display_up(points))
    if shown > limit:
        shown = limit  # the exact threshold is the donor's whole weight: say so rather than more
    if shown == points and beyond:
        return f"more than {plain(shown)} points"
    return f"{plain(shown)} points"


def _change_words(rubric: Rubric, names: Mapping[str, str], change: ScoreChange) -> str:
    criterion = rubric.criterion(change.criterion_id)
    bidder = names[change.bid_id]
    verb = "raising" if change.score_to > change.score_from else "lowering"
    words = (
        f"{verb} {bidder}'s consensus score on '{criterion.title}' from {change.score_from} to {change.score_to} would "
    )
    if change.effect == "excludes":
        words += f"exclude {bidder} (below the minimum of {criterion.minimum}) and "
    elif change.effect == "admits":
        words += f"admit {bidder} (it reaches the minimum of {criterion.minimum}) and "
    return words + _outcome(names, change.leaders_before, change.leaders_after)


def _outcome(names: Mapping[str, str], before: Sequence[str], after: Sequence[str]) -> str:
    if not after:
        return "leave no compliant bid"
    listed = _join([names[b] for b in after])
    if len(after) > 1:
        return f"leave {listed} sharing first place"
    if len(before) > 1 and after[0] in before:
        return f"make {listed} first on its own"
    return f"make {listed} first"


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
