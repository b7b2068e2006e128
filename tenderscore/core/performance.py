"""After the contract: KPI ratings on the Procurement Act's five-level scale, reporting periods and when things are due.

The rule a buyer publishes with a contract (``RatingRule``) turns a KPI's target and what was delivered in a period
into one of the five ratings of a contract performance notice (s.71): Good, Approaching target, Requires
improvement, Inadequate, or Other (nothing to rate on). Achievement is an exact fraction of the target; a rating
threshold is a percentage of the target achieved. Nothing here knows about the database or the clock: callers pass
dates and figures in (docs/performance.md says the same in words, with worked examples that are tests).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from tenderscore.core.errors import ScoringError
from tenderscore.core.numbers import exact_arithmetic, plain, ratio

HUNDRED = Decimal(100)
RETURN_DUE_DAYS = 30  # a delivery return is due within 30 days of the end of its period
NOTICE_MONTHS = 12  # s.71: a performance assessment at least every 12 months and at the end of the contract
NOTICE_DUE_DAYS = 30  # the notice is published within 30 days of the assessment it reports
RETURN_CYCLES = (1, 3, 6, 12)  # months a reporting period may last


class Rating(StrEnum):
    """The five ratings of a contract performance notice, best first."""

    GOOD = "good"
    APPROACHING = "approaching_target"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def ocds(self) -> str:
        """The UK profile's ``measureClassification`` id for this rating."""
        return _OCDS[self]


_LABELS = {
    Rating.GOOD: "Good",
    Rating.APPROACHING: "Approaching target",
    Rating.REQUIRES_IMPROVEMENT: "Requires improvement",
    Rating.INADEQUATE: "Inadequate",
    Rating.OTHER: "Other",
}
_OCDS = {
    Rating.GOOD: "met",
    Rating.APPROACHING: "slightlyBelow",
    Rating.REQUIRES_IMPROVEMENT: "below",
    Rating.INADEQUATE: "significantlyBelow",
    Rating.OTHER: "other",
}
_ORDER = (Rating.GOOD, Rating.APPROACHING, Rating.REQUIRES_IMPROVEMENT, Rating.INADEQUATE)


class Direction(StrEnum):
    """Which way a KPI improves: most commitments are "at least"; a complaint count or a wait is "at most"."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"


@dataclass(frozen=True)
class RatingRule:
    """Percentages of a KPI's target achieved at or above which each rating is given; below the last, Inadequate.

    The overall rating of a contract for a period is its lowest KPI rating, ``Other`` aside (a contract is rated no
    better than its weakest measured KPI); with nothing measured it is ``Other``.
    """

    good: Decimal = Decimal(95)
    approaching: Decimal = Decimal(85)
    requires_improvement: Decimal = Decimal(70)

    def problems(self) -> list[tuple[str, str]]:
        """(field, message) for each thing wrong with the rule, all at once."""
        found: list[tuple[str, str]] = []
        for name, value in self.thresholds():
            if not value.is_finite() or value <= 0 or value > 1000:
                found.append((name, "enter a percentage of the target above 0 and at most 1000"))
        if not found and not (self.good > self.approaching > self.requires_improvement):
            found.append(("approaching", "the percentages must fall from Good to Approaching target to Requires "
                                         "improvement"))  # fmt: skip
        return found

    def thresholds(self) -> tuple[tuple[str, Decimal], ...]:
        return (("good", self.good), ("approaching", self.approaching),
                ("requires_improvement", self.requires_improvement))  # fmt: skip

    def as_dict(self) -> dict[str, str]:
        return {name: str(value) for name, value in self.thresholds()}

    @classmethod
    def from_dict(cls, data: Mapping[str, str] | None) -> RatingRule:
        if not data:
            return cls()
        return cls(**{name: Decimal(str(data[name])) for name, _ in cls().thresholds() if name in data})

    def lines(self) -> list[str]:
        """The rule in words, as published with the contract."""
        return [
            f"Good: {plain(self.good)}% of the target or more",
            f"Approaching target: {plain(self.approaching)}% or more, below {plain(self.good)}%",
            f"Requires improvement: {plain(self.requires_improvement)}% or more, below {plain(self.approaching)}%",
            f"Inadequate: below {plain(self.requires_improvement)}% of the target",
            "Other: nothing was reported to rate on",
            "For a KPI where less is better, the target divided by what was delivered is the percentage achieved.",
            "The contract's overall rating for a period is its lowest KPI rating, Other aside.",
        ]


def achievement(target: Decimal, actual: Decimal, direction: Direction = Direction.AT_LEAST) -> Fraction:
    """The exact share of ``target`` that ``actual`` achieves (1 is the target met exactly)."""
    for value, what in ((target, "target"), (actual, "delivered figure")):
        if isinstance(value, float) or not isinstance(value, Decimal) or not value.is_finite():
            raise ScoringError(f"a KPI's {what} must be a finite Decimal, not {value!r}")
        if value < 0:
            raise ScoringError(f"a KPI's {what} cannot be negative ({plain(value)})")
    if direction == Direction.AT_LEAST:
        return Fraction(1) if target == 0 else Fraction(actual) / Fraction(target)
    if actual == 0:
        return Fraction(1) if target == 0 else Fraction(2)  # nothing where at most some was allowed: beyond the target
    return Fraction(target) / Fraction(actual)


def rate(
    rule: RatingRule, target: Decimal | None, actual: Decimal | None, direction: Direction = Direction.AT_LEAST
) -> Rating:
    """The rating the published rule gives: ``Other`` when there is no numeric target or nothing was reported."""
    if target is None or actual is None:
        return Rating.OTHER
    share = achievement(target, actual, direction) * 100
    for rating, threshold in zip(_ORDER, (rule.good, rule.approaching, rule.requires_improvement), strict=False):
        if share >= Fraction(threshold):
            return rating
    return Rating.INADEQUATE


def percent_achieved(target: Decimal | None, actual: Decimal | None, direction: Direction = Direction.AT_LEAST
                     ) -> Decimal | None:  # fmt: skip
    """What ``rate`` compares, as a Decimal percentage rounded to 2 places for display only."""
    if target is None or actual is None:
        return None
    share = achievement(target, actual, direction) * 100
    return (Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal("0.01"))


def overall(ratings: Iterable[Rating]) -> Rating:
    """The lowest rating, ``Other`` aside; ``Other`` when nothing was rated."""
    rated = [r for r in ratings if r != Rating.OTHER]
    return max(rated, key=_ORDER.index) if rated else Rating.OTHER


def delivered_share(spend: Decimal, contract_spend: Decimal) -> Decimal | None:
    """The VCSE share delivered in a period, in percent: partners' spend / the contract's spend x 100, unrounded
    (exact when it terminates, else to 50 significant digits). None when nothing was spent on the contract."""
    if contract_spend <= 0:
        return None
    with exact_arithmetic():
        return ratio(spend * HUNDRED, contract_spend)  # exact context: an unending quotient would never stop


@dataclass(frozen=True)
class Period:
    """A reporting period of a contract: the days it covers (inclusive) and when its return is due."""

    number: int
    starts_on: date
    ends_on: date

    @property
    def due_on(self) -> date:
        return self.ends_on + timedelta(days=RETURN_DUE_DAYS)

    def late(self, submitted_on: date) -> bool:
        return submitted_on > self.due_on


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 January + 1 = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def periods(starts_on: date, ends_on: date, months: int) -> list[Period]:
    """The contract's reporting periods of ``months`` months from its start, the last cut short at its end."""
    if months not in RETURN_CYCLES:
        raise ScoringError(f"a reporting period lasts 1, 3, 6 or 12 months, not {months}")
    if ends_on < starts_on:
        raise ScoringError("a contract cannot end before it starts")
    found: list[Period] = []
    while True:
        number = len(found) + 1
        first = add_months(starts_on, (number - 1) * months)
        if first > ends_on:
            return found
        last = min(add_months(starts_on, number * months) - timedelta(days=1), ends_on)
        found.append(Period(number, first, last))


def period_of(all_periods: Sequence[Period], number: int) -> Period:
    for period in all_periods:
        if period.number == number:
            return period
    raise ScoringError(f"the contract has no reporting period {number} (it has {len(all_periods)})")


@dataclass(frozen=True)
class NoticeDue:
    """The next contract performance notice: the assessment's date and the day the notice must be published by."""

    assessed_by: date
    publish_by: date
    final: bool

    def overdue(self, today: date) -> bool:
        """Not published by the day it was due."""
        return today > self.publish_by


def next_notice(starts_on: date, ends_on: date, last_assessed: date | None, final_published: bool) -> NoticeDue | None:
    """When the next performance notice falls due: 12 months after the last assessment (or the contract's start),
    and at the end of the contract; None once the final notice is out."""
    if final_published:
        return None
    assessed_by = add_months(last_assessed or starts_on, NOTICE_MONTHS)
    final = assessed_by >= ends_on
    if final:
        assessed_by = ends_on
    return NoticeDue(assessed_by, assessed_by + timedelta(days=NOTICE_DUE_DAYS), final)


__all__ = [
    "NOTICE_DUE_DAYS",
    "NOTICE_MONTHS",
    "RETURN_CYCLES",
    "RETURN_DUE_DAYS",
    "Direction",
    "NoticeDue",
    "Period",
    "Rating",
    "RatingRule",
    "achievement",
    "add_months",
    "delivered_share",
    "next_notice",
    "overall",
    "percent_achieved",
    "period_of",
    "periods",
    "rate",
]
