"""How each criterion is scored, in words and in symbols, and which failures disqualify: the published method.

The evaluation report prints it for every criterion, and each assessment summary repeats it for the bidder
(Procurement Regulations 2024, regulation 31: "how it was scored and the scores available").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tenderscore.core.methods import method_for
from tenderscore.core.numbers import HUNDRED, plain, quantity
from tenderscore.core.rubric import Criterion, CriterionKind, Rubric, Unit

from .text import weight, yes_no


@dataclass(frozen=True)
class CriterionMethod:
    """How one criterion earns points: ``how`` in words, ``formula`` in symbols, what scores exist, what excludes."""

    how: str
    formula: str
    available: str
    disqualifies: str  # "" when failing it never excludes


def describe(rubric: Rubric, criterion: Criterion) -> CriterionMethod:
    """The published method of ``criterion`` within ``rubric``."""
    if criterion.kind is CriterionKind.SCORED:
        return _scored(rubric, criterion)
    if criterion.kind is CriterionKind.PASS_FAIL:
        expected = yes_no(criterion.expected)
        return CriterionMethod(
            how=f"A declaration: the answer '{expected}' passes. It earns no points.",
            formula="—",
            available="Pass or fail",
            disqualifies=f"Any answer other than '{expected}', or no answer, excludes the tender.",
        )
    if criterion.kind is CriterionKind.COMMITMENT:
        return _commitment(rubric, criterion)
    return _price(rubric, criterion)


def unit_of(rubric: Rubric, criterion: Criterion) -> Unit:
    """The unit a commitment criterion is committed in (a count when the rubric names no measure)."""
    if criterion.measure is None:
        return Unit.COUNT
    try:
        return rubric.measure(criterion.measure).unit
    except KeyError:
        return Unit.COUNT


def _scored(rubric: Rubric, criterion: Criterion) -> CriterionMethod:
    top = rubric.scale.maximum
    w = weight(criterion.weight)
    minimum = criterion.minimum
    return CriterionMethod(
        how=(
            f"Each evaluator scores the answer independently on the 0–{top} scale; the moderated consensus score, "
            f"a whole step of the scale, earns that share of the {w} points available."
        ),
        formula=f"points = score ÷ {top} × {w}",
        available=f"Whole scores 0 to {top}, worth 0 to {w} points",
        disqualifies=(
            f"A consensus score below {minimum} excludes the tender." if minimum is not None and minimum > 0 else ""
        ),
    )


def _commitment(rubric: Rubric, criterion: Criterion) -> CriterionMethod:
    unit = unit_of(rubric, criterion)
    w = weight(criterion.weight)
    name = method_for(criterion).name
    if name == "proportional":
        how = "The commitment divided by the highest commitment among compliant tenders, times the weight."
        formula = f"points = value ÷ highest compliant value × {w}"
    elif name == "banded":
        bands = "; ".join(
            f"at least {quantity(b.at_least, unit)}: {plain(b.share * HUNDRED)}% of the weight"
            for b in sorted(criterion.bands, key=lambda b: b.at_least)
        )
        how = f"Points by the highest band the commitment reaches ({bands}); below the lowest band, none."
        formula = f"points = share of the band reached × {w}"
    elif name == "linear" and criterion.floor is not None and criterion.target is not None:
        floor, target = quantity(criterion.floor, unit), quantity(criterion.target, unit)
        how = f"No points at or below {floor}, the full weight at or above {target}, in a straight line between."
        low, high = plain(criterion.floor), plain(criterion.target)
        formula = f"points = (value − {low}) ÷ ({high} − {low}) × {w}, from 0 to {w}"
    else:
        how = _sentence(method_for(criterion).summary)
        formula = f"points = {method_for(criterion).summary.replace('weight', w)}"
    return CriterionMethod(
        how=how,
        formula=formula,
        available=f"0 to {w} points",
        disqualifies=_minimum_rule(criterion.mandatory_minimum, unit),
    )


def _sentence(summary: str) -> str:
    """A method's one-line summary as a sentence (its registry name is an internal word, never printed)."""
    return summary[:1].upper() + summary[1:].rstrip(".") + "."


def _minimum_rule(minimum: Decimal | None, unit: Unit) -> str:
    if minimum is None:
        return ""
    return f"A commitment below the mandatory minimum of {quantity(minimum, unit)}, or none, excludes the tender."


def _price(rubric: Rubric, criterion: Criterion) -> CriterionMethod:
    w = weight(criterion.weight)
    name = method_for(criterion).name
    if name == "lowest_ratio":
        how = "The lowest compliant price divided by this tender's price, times the weight."
        formula = f"points = lowest compliant price ÷ price × {w}"
    elif name == "proportional_deviation":
        how = (
            "The weight, reduced in proportion to how far the price is above the lowest compliant price; "
            "a price twice the lowest or more earns nothing."
        )
        formula = f"points = {w} × (1 − (price − lowest) ÷ lowest), not below 0"
    else:
        how = _sentence(method_for(criterion).summary)
        formula = f"points = {method_for(criterion).summary.replace('weight', w)}"
    share = criterion.abnormally_low_share or rubric.default_abnormally_low_share
    how += (
        f" A price below {plain(share * HUNDRED)}% of the median compliant price is flagged as abnormally low "
        "for the officer to question; the flag alone never excludes."
    )
    return CriterionMethod(
        how=how,
        formula=formula,
        available=f"0 to {w} points",
        disqualifies="A missing price, or a price of £0 or less, excludes the tender.",
    )
