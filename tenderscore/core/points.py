"""Steps 2 and 3 of the evaluation: points per criterion (relative formulas over the compliant set), then totals.

Points are ``weight x fraction``: a scored criterion's fraction is ``consensus / scale maximum``, a commitment's or
price's comes from its registered method. Points are computed as exact fractions; each is then carried as a
``Decimal`` (exact when it terminates within 50 digits), and every sum of Decimals is exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .methods import Field, method_for
from .numbers import ZERO, to_decimal
from .responses import BidResponse, ScoreKey
from .rubric import Criterion, CriterionKind, Rubric, SectionCategory


@dataclass(frozen=True)
class Tally:
    """One compliant bid's points: per criterion, per section, per category, the total, and what is missing.

    The ``Decimal`` figures are what results carry (the total is their exact sum). The ``exact_`` figures are the
    same points as exact fractions: ranks and sensitivity compare these, so rounding never decides an order.
    """

    points: dict[str, Decimal]
    section_points: dict[str, Decimal]
    category_points: dict[SectionCategory, Decimal]
    total: Decimal
    missing_consensus: tuple[str, ...]  # scored criteria counted as 0 until their consensus is recorded
    exact_points: dict[str, Fraction]
    exact_sections: dict[str, Fraction]

    def exact_category(self, rubric: Rubric, category: SectionCategory) -> Fraction:
        return sum((self.exact_sections[s.id] for s in rubric.sections if s.category is category), Fraction(0))

    @property
    def exact_total(self) -> Fraction:
        return sum(self.exact_sections.values(), Fraction(0))


def bid_value(criterion: Criterion, bid: BidResponse) -> Decimal | None:
    """The number a commitment or price criterion scores for ``bid``, or ``None`` if the bid gave none."""
    if criterion.kind is CriterionKind.PRICE:
        return bid.price
    return bid.commitments.get(criterion.id)


def relative_criteria(rubric: Rubric) -> tuple[Criterion, ...]:
    """Criteria whose method compares bids, so whose points depend on who else is compliant."""
    return tuple(
        c
        for c in rubric.criteria
        if c.kind in (CriterionKind.COMMITMENT, CriterionKind.PRICE) and method_for(c).relative
    )


def compliant_fields(rubric: Rubric, compliant: Iterable[BidResponse]) -> dict[str, Field]:
    """For each relative criterion, the field of values among the compliant bids that gave one."""
    bids = list(compliant)
    fields: dict[str, Field] = {}
    for criterion in relative_criteria(rubric):
        values = (bid_value(criterion, bid) for bid in bids)
        fields[criterion.id] = Field.of(v for v in values if v is not None)
    return fields


_NOTHING = (Fraction(0), ZERO)


class Scorer:
    """Points of any bid under one rubric and one compliant field, caching what repeats from bid to bid.

    Use inside ``exact_arithmetic()``.
    """

    def __init__(self, rubric: Rubric, fields: Mapping[str, Field]) -> None:
        self.rubric = rubric
        self.fields = fields
        self._weights = {c.id: Fraction(c.weight) for c in rubric.criteria}
        self._scored: dict[tuple[str, int], tuple[Fraction, Decimal]] = {}

    def scored(self, criterion: Criterion, score: int) -> tuple[Fraction, Decimal]:
        """``score / scale maximum x weight``, exact and as a Decimal."""
        key = (criterion.id, score)
        if key not in self._scored:
            exact = self._weights[criterion.id] * Fraction(score, self.rubric.scale.maximum)
            self._scored[key] = (exact, to_decimal(exact))
        return self._scored[key]

    def earned(
        self, criterion: Criterion, bid: BidResponse, scores: Mapping[ScoreKey, int]
    ) -> tuple[Fraction, Decimal] | None:
        """The points ``bid`` earns on ``criterion``, exact and as a Decimal; ``None`` while consensus is missing."""
        if criterion.kind is CriterionKind.SCORED:
            score = scores.get((bid.bid_id, criterion.id))
            return None if score is None else self.scored(criterion, score)
        if criterion.kind is CriterionKind.PASS_FAIL:
            return _NOTHING
        exact = self.formula_points(criterion, bid)
        return exact, to_decimal(exact)

    def formula_points(self, criterion: Criterion, bid: BidResponse) -> Fraction:
        """The exact points of a commitment or price criterion, from its method."""
        value = bid_value(criterion, bid)
        if value is None:
            return Fraction(0)  # only an optional commitment can be blank here: the gates excluded any other gap
        fraction = method_for(criterion).fraction(value, self.fields.get(criterion.id, Field()), criterion)
        return self._weights[criterion.id] * fraction

    def tally(self, bid: BidResponse, scores: Mapping[ScoreKey, int]) -> Tally:
        """The points of one compliant bid."""
        points: dict[str, Decimal] = {}
        exact: dict[str, Fraction] = {}
        missing: list[str] = []
        for criterion in self.rubric.criteria:
            earned = self.earned(criterion, bid, scores)
            if earned is None:
                missing.append(criterion.id)
                earned = _NOTHING
            exact[criterion.id], points[criterion.id] = earned
        return _tally(self.rubric, points, exact, tuple(missing))


def _tally(rubric: Rubric, points: dict[str, Decimal], exact: dict[str, Fraction], missing: tuple[str, ...]) -> Tally:
    sections: dict[str, Decimal] = {}
    exact_sections: dict[str, Fraction] = {}
    categories = dict.fromkeys(SectionCategory, ZERO)
    for section in rubric.sections:
        sections[section.id] = sum((points[c.id] for c in section.criteria), ZERO)
        exact_sections[section.id] = sum((exact[c.id] for c in section.criteria), Fraction(0))
        categories[section.category] += sections[section.id]
    return Tally(points, sections, categories, sum(points.values(), ZERO), missing, exact, exact_sections)


def empty_tally(rubric: Rubric) -> Tally:
    """The all-zero tally of an excluded bid."""
    zero = {c.id: ZERO for c in rubric.criteria}
    return _tally(rubric, zero, {c.id: Fraction(0) for c in rubric.criteria}, ())
