"""Step 1 of the evaluation: the gates that need no other bid. Failing any one excludes the bid.

Every failed gate is reported, not just the first, in words the bidder understands, naming the criterion and the
numbers (the Procurement Act 2023 requires the reasons for any disqualification).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .numbers import ZERO, display, money, quantity
from .register import Counting
from .responses import BidResponse, ScoreKey
from .results import Exclusion, ExclusionCode
from .rubric import Criterion, CriterionKind, Rubric
from .vcse import counted_share, describe_not_counted, not_counted

Gate = Callable[[Rubric, Criterion, BidResponse, Mapping[ScoreKey, int]], Exclusion | None]


def gate_exclusions(rubric: Rubric, bid: BidResponse, scores: Mapping[ScoreKey, int]) -> tuple[Exclusion, ...]:
    """Every gate ``bid`` fails, in rubric order. An empty tuple means the bid is compliant.

    A scored criterion's minimum is applied only once its consensus exists: until then the bid stays in the
    compliant set and the evaluation is provisional.
    """
    found = [_GATES[c.kind](rubric, c, bid, scores) for c in rubric.criteria]
    found.append(vcse_counting_gate(rubric, bid))
    return tuple(exclusion for exclusion in found if exclusion is not None)


def vcse_counting_gate(rubric: Rubric, bid: BidResponse) -> Exclusion | None:
    """A stated VCSE share that meets its mandatory minimum only through partners that do not count under the
    rubric's rule (docs/scoring.md, "Partners that count"): excluded, with each partner that does not count named."""
    if rubric.vcse_criterion is None or bid.price is None or bid.price <= ZERO:
        return None
    criterion = rubric.criterion(rubric.vcse_criterion)
    stated, minimum = bid.commitments.get(criterion.id), criterion.mandatory_minimum
    if minimum is None or stated is None or stated < minimum:
        return None  # no minimum, or the commitment gate already excludes the bid
    counting = Counting(rubric.vcse_counting)
    left_out = not_counted(bid.vcse_partners, counting)
    share = counted_share(bid.vcse_partners, bid.price, counting)
    if not left_out or share >= minimum:
        return None
    delivered = sum((p.value_gbp for p in bid.vcse_partners if p not in left_out), ZERO)
    unit = rubric.measure(criterion.measure or "").unit
    return Exclusion(
        criterion.id,
        f"The stated VCSE share of {quantity(stated, unit)} meets the mandatory minimum of {quantity(minimum, unit)} "
        f"only through partners that do not count under this tender's rule ({counting.words}): "
        f"{describe_not_counted(left_out)}. The partners that count deliver {money(delivered)}, {display(share)}% "
        f"of the {money(bid.price)} price.",
        ExclusionCode.VCSE_PARTNERS_NOT_COUNTED,
    )


def _declaration_gate(
    rubric: Rubric, criterion: Criterion, bid: BidResponse, scores: Mapping[ScoreKey, int]
) -> Exclusion | None:
    required = _yes_no(criterion.expected)
    answer = bid.declarations.get(criterion.id)
    if answer is None:
        return Exclusion(
            criterion.id,
            f"The pass/fail question '{criterion.title}' was not answered; the tender requires the answer "
            f"'{required}'.",
            ExclusionCode.DECLARATION_MISSING,
        )
    if answer is not criterion.expected:
        return Exclusion(
            criterion.id,
            f"The answer to the pass/fail question '{criterion.title}' was '{_yes_no(answer)}'; the tender "
            f"requires '{required}'.",
            ExclusionCode.DECLARATION_FAILED,
        )
    return None


def _commitment_gate(
    rubric: Rubric, criterion: Criterion, bid: BidResponse, scores: Mapping[ScoreKey, int]
) -> Exclusion | None:
    measure = rubric.measure(criterion.measure or "")
    value = bid.commitments.get(criterion.id)
    minimum = criterion.mandatory_minimum
    if value is None:
        if minimum is None:
            return None  # an optional commitment left blank commits nothing and earns nothing
        return Exclusion(
            criterion.id,
            f"No {measure.name} was committed for '{criterion.title}'; the mandatory minimum is "
            f"{quantity(minimum, measure.unit)}.",
            ExclusionCode.COMMITMENT_MISSING,
        )
    if value < ZERO:
        return Exclusion(
            criterion.id,
            f"{measure.name} {quantity(value, measure.unit)} committed for '{criterion.title}' is negative; "
            "a commitment cannot be below 0.",
            ExclusionCode.COMMITMENT_NEGATIVE,
        )
    if minimum is not None and value < minimum:
        return Exclusion(
            criterion.id,
            f"{measure.name} {quantity(value, measure.unit)} is below the mandatory minimum of "
            f"{quantity(minimum, measure.unit)} for '{criterion.title}'.",
            ExclusionCode.COMMITMENT_BELOW_MINIMUM,
        )
    return None


def _quality_gate(
    rubric: Rubric, criterion: Criterion, bid: BidResponse, scores: Mapping[ScoreKey, int]
) -> Exclusion | None:
    score = scores.get((bid.bid_id, criterion.id))
    if criterion.minimum is None or score is None or score >= criterion.minimum:
        return None
    return Exclusion(
        criterion.id,
        f"The consensus score for '{criterion.title}' is {score} out of {rubric.scale.maximum}, below the "
        f"minimum of {criterion.minimum}.",
        ExclusionCode.QUALITY_BELOW_MINIMUM,
    )


def _price_gate(
    rubric: Rubric, criterion: Criterion, bid: BidResponse, scores: Mapping[ScoreKey, int]
) -> Exclusion | None:
    if bid.price is None:
        return Exclusion(
            criterion.id,
            f"No total price was given for '{criterion.title}'; a bid must state its total price.",
            ExclusionCode.PRICE_MISSING,
        )
    if bid.price <= ZERO:
        return Exclusion(
            criterion.id,
            f"The total price {money(bid.price)} is not above £0; a bid must state a positive total price.",
            ExclusionCode.PRICE_NOT_POSITIVE,
        )
    return None


def _yes_no(answer: bool) -> str:
    return "Yes" if answer else "No"


_GATES: dict[CriterionKind, Gate] = {
    CriterionKind.PASS_FAIL: _declaration_gate,
    CriterionKind.COMMITMENT: _commitment_gate,
    CriterionKind.SCORED: _quality_gate,
    CriterionKind.PRICE: _price_gate,
}
