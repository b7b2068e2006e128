"""Words and numbers as a report prints them: UK time, 2 dp half-up points, weights, ranks, kinds, categories."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from tenderscore.core.numbers import display, money, plain
from tenderscore.core.rubric import CriterionKind, SectionCategory, TieBreak

UK = ZoneInfo("Europe/London")

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


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; reports print UK time and need an aware datetime")
    return moment.astimezone(UK)


def uk_time(moment: datetime) -> str:
    """``23 November 2026, 15:20 GMT`` (or BST in summer): the time a council reader expects."""
    local = _aware(moment)
    return f"{local.day} {local:%B %Y}, {local:%H:%M} {local.tzname()}"


def uk_date(moment: datetime | date) -> str:
    """``23 November 2026``; an aware datetime is first converted to UK time."""
    day = _aware(moment).date() if isinstance(moment, datetime) else moment
    return f"{day.day} {day:%B %Y}"


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
