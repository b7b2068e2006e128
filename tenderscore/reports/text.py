"""Words and numbers as a report prints them: UK time, 2 dp half-up points, weights, ranks, kinds, categories."""

from __future__ import annotations

from decimal import Decimal

from tenderscore.core.numbers import display, money, plain
from tenderscore.core.rubric import CriterionKind, SectionCategory, TieBreak

CATEGORY_NAMES = {
    SectionCategory.QUALITY: "Quality",
    SectionCategory.SOCIAL_VALUE: "Social value",
    SectionCategory.PRICE: "Price",
    SectionCategory.COMPLIANCE: "Compliance",
}

KIND_NAMES = {
    CriterionKind.SCORED: "Scored by evaluators",
    CriterionKind.PASS_FAIL: "Pass or fail",
    CriterionKind.COMMITMENT: "Social-value commitment",
    CriterionKind.PRICE: "Price",
}

_TIE_BREAK_WORDS = {
    TieBreak.QUALITY: "more quality points",
    TieBreak.SOCIAL_VALUE: "more social-value points",
    TieBreak.PRICE: "the lower price",
}


def points(value: Decimal) -> str:
    """Points for display only: 2 dp, half-up (rankings always use the unrounded values)."""
    return display(value)


def weight(value: Decimal) -> str:
    """A weight as published: ``20``, ``12.5``."""
    return plain(value)


def pounds(value: Decimal | None) -> str:
    """An amount of money exactly, or an em dash when there is none."""
    return "—" if value is None else money(value)


def percent(value: Decimal | None) -> str:
    """A percentage for display, 2 dp half-up: ``14.29%``."""
    return "—" if value is None else f"{display(value)}%"


def ordinal(number: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def tie_break_words(order: tuple[TieBreak, ...]) -> str:
    """The published tie-break order as a sentence."""
    steps = ", then ".join(_TIE_BREAK_WORDS[key] for key in order)
    lead = f"Equal totals are separated by {steps}; " if steps else "Equal totals are not separated; "
    return lead + "tenders still equal share a rank. Rankings use unrounded points."


def yes_no(answer: bool) -> str:
    """How a declaration reads in a report."""
    return "Yes" if answer else "No"
