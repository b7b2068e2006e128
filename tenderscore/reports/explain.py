"""Explanations that refer to the bidder's own tender, for the criteria a formula scores (reg. 31).

Scored criteria carry the moderator's written reason; pass/fail, commitment and price criteria are explained here
from the bidder's own answer, the published formula and the compliant field's figures, so the bidder can check
the arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tenderscore.core.methods import method_for
from tenderscore.core.numbers import HUNDRED, money, plain, quantity
from tenderscore.core.responses import BidResponse
from tenderscore.core.results import BidResult
from tenderscore.core.rubric import Criterion, CriterionKind, Rubric

from .methodology import unit_of
from .text import points, weight, yes_no


@dataclass(frozen=True)
class Voice:
    """Whose tender an explanation speaks of: the reader's own, or the winner's."""

    subject: str  # "You"
    possessive: str  # "Your"


OWN = Voice("You", "Your")
WINNER = Voice("The winning bidder", "The winning bidder's")


def compliant_values(criterion: Criterion, results: Sequence[BidResult], bids: dict[str, BidResponse]) -> list[Decimal]:
    """The values compliant bids gave for a commitment or price criterion: what relative formulas compare."""
    values = []
    for result in results:
        if not result.compliant:
            continue
        bid = bids[result.bid_id]
        value = bid.price if criterion.kind is CriterionKind.PRICE else bid.commitments.get(criterion.id)
        if value is not None:
            values.append(value)
    return values


def declaration_reason(criterion: Criterion, bid: BidResponse, voice: Voice = OWN) -> tuple[str, str]:
    """(score, reason) of a pass/fail criterion."""
    answer = bid.declarations.get(criterion.id)
    required = yes_no(criterion.expected)
    if answer is None:
        return "Fail", f"{voice.subject} did not answer this question; the tender requires the answer '{required}'."
    if answer is criterion.expected:
        return "Pass", f"{voice.subject} answered '{yes_no(answer)}', which the tender requires."
    return "Fail", (
        f"{voice.subject} answered '{yes_no(answer)}'; the tender requires '{required}', so the tender was excluded."
    )


def commitment_reason(
    rubric: Rubric, criterion: Criterion, result: BidResult, bid: BidResponse, field: list[Decimal], voice: Voice = OWN
) -> tuple[str, str]:
    """(score, reason) of a commitment criterion, with the formula's figures."""
    unit = unit_of(rubric, criterion)
    value = bid.commitments.get(criterion.id)
    if value is None:
        nothing = f"{voice.subject} made no commitment here, so it earns no points."
        return "None", _excluded_or(result, criterion, nothing)
    committed = quantity(value, unit)
    if not result.compliant:
        return committed, _excluded_or(result, criterion, f"{voice.subject} committed {committed}.")
    earned, w = points(result.points.get(criterion.id, Decimal(0))), weight(criterion.weight)
    name = method_for(criterion).name
    if name == "proportional" and field:
        top = max(field)
        return committed, (
            f"{voice.subject} committed {committed}. The highest commitment among compliant tenders was "
            f"{quantity(top, unit)}, "
            f"so {plain(value)} ÷ {plain(top)} × {w} = {earned} points."
        )
    if name == "banded":
        reached = [b for b in criterion.bands if value >= b.at_least]
        if not reached:
            return committed, f"{voice.subject} committed {committed}, below the lowest band, so it earns no points."
        band = max(reached, key=lambda b: b.at_least)
        return committed, (
            f"{voice.subject} committed {committed}, which reaches the band "
            f"'at least {quantity(band.at_least, unit)}', "
            f"worth {plain(band.share * HUNDRED)}% of the {w} points: {earned} points."
        )
    if name == "linear" and criterion.floor is not None and criterion.target is not None:
        return committed, (
            f"{voice.subject} committed {committed}. With no points at {quantity(criterion.floor, unit)} "
            f"and the full {w} at "
            f"{quantity(criterion.target, unit)}, this earns {earned} points."
        )
    summary = method_for(criterion).summary
    return committed, f"{voice.subject} committed {committed}, which earns {earned} of {w} points ({summary})."


def price_reason(
    criterion: Criterion, result: BidResult, bid: BidResponse, field: list[Decimal], voice: Voice = OWN
) -> tuple[str, str]:
    """(score, reason) of the price criterion, with the formula's figures."""
    if bid.price is None:
        return "None", _excluded_or(result, criterion, f"{voice.subject} gave no total price.")
    price = money(bid.price)
    if not result.compliant or not field:
        return price, _excluded_or(result, criterion, f"{voice.possessive} total price was {price}.")
    lowest, earned, w = min(field), points(result.points.get(criterion.id, Decimal(0))), weight(criterion.weight)
    name = method_for(criterion).name
    if name == "lowest_ratio":
        return price, (
            f"{voice.possessive} total price was {price}. The lowest compliant price was {money(lowest)}, so "
            f"{money(lowest)} ÷ {price} × {w} = {earned} points."
        )
    if name == "proportional_deviation":
        return price, (
            f"{voice.possessive} total price was {price}. The lowest compliant price was {money(lowest)}, so "
            f"{w} × (1 − ({price} − {money(lowest)}) ÷ {money(lowest)}) = {earned} points (never below 0)."
        )
    summary = method_for(criterion).summary
    return price, f"{voice.possessive} total price was {price}, which earns {earned} of {w} points ({summary})."


def _excluded_or(result: BidResult, criterion: Criterion, text: str) -> str:
    own = [e.reason for e in result.exclusions if e.criterion_id == criterion.id]
    if own:
        return f"{text} {' '.join(own)} This excluded the tender."
    if not result.compliant:
        return f"{text} The tender was excluded for the reasons given above, so no points were computed."
    return text
