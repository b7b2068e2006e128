"""The evaluation model of a tender: sections, criteria, weights, scale, measures, thresholds.

Plain frozen dataclasses, stdlib only. A ``Rubric`` is what a tender freezes when it is published; every score
refers to it. Weights are ``Decimal`` points out of 100.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class CriterionKind(StrEnum):
    """What a criterion asks for and how it earns points (docs/scoring.md, "The rubric")."""

    SCORED = "scored"
    PASS_FAIL = "pass_fail"
    COMMITMENT = "commitment"
    PRICE = "price"


class SectionCategory(StrEnum):
    """What a section's points count towards: the tie-break and the policy floor read this."""

    QUALITY = "quality"
    SOCIAL_VALUE = "social_value"
    PRICE = "price"
    COMPLIANCE = "compliance"


class Unit(StrEnum):
    """Units a social-value measure is committed in."""

    PERCENT = "percent"
    GBP = "gbp"
    FTE = "fte"
    WEEKS = "weeks"
    COUNT = "count"
    TCO2E = "tco2e"


class TieBreak(StrEnum):
    """Keys of the published tie-break order, applied after the total."""

    QUALITY = "quality"  # more quality points first
    SOCIAL_VALUE = "social_value"  # more social-value points first
    PRICE = "price"  # lower price first


DEFAULT_TIE_BREAK: tuple[TieBreak, ...] = (TieBreak.QUALITY, TieBreak.SOCIAL_VALUE, TieBreak.PRICE)


@dataclass(frozen=True)
class ScaleLevel:
    """One whole step of the published scale and what it means."""

    score: int
    descriptor: str


@dataclass(frozen=True)
class Scale:
    """The integer scale evaluators score on, 0..maximum, a descriptor per level."""

    maximum: int = 5
    levels: tuple[ScaleLevel, ...] = ()

    def descriptor(self, score: int) -> str:
        for level in self.levels:
            if level.score == score:
                return level.descriptor
        return ""


@dataclass(frozen=True)
class Measure:
    """A social-value quantity a commitment criterion asks for (e.g. VCSE share, FTE jobs)."""

    id: str
    name: str
    unit: Unit
    description: str = ""


@dataclass(frozen=True)
class Band:
    """A threshold band of the ``banded`` method: a value ``>= at_least`` earns ``share`` of the weight."""

    at_least: Decimal
    share: Decimal  # 0..1


@dataclass(frozen=True)
class Criterion:
    """One thing scored. Fields that do not apply to the criterion's kind stay at their defaults."""

    id: str
    title: str
    kind: CriterionKind
    weight: Decimal = Decimal(0)  # pass_fail criteria carry no weight
    question: str = ""
    guidance: str = ""
    # scored
    minimum: int | None = None  # consensus below this excludes the bid
    word_limit: int | None = None
    pathway: str | None = None  # e.g. one of the seven reducing-reoffending pathways
    # pass_fail: the answer that passes; any other answer excludes
    expected: bool = True
    # commitment and price
    method: str | None = None  # key in the method registry
    measure: str | None = None  # Measure.id, commitment only
    mandatory_minimum: Decimal | None = None  # commitment below this excludes the bid
    bands: tuple[Band, ...] = ()  # banded
    floor: Decimal | None = None  # linear: at or below -> 0
    target: Decimal | None = None  # linear: at or above -> full weight
    # price: prices below this share of the compliant median are flagged abnormally low
    abnormally_low_share: Decimal | None = None


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    category: SectionCategory
    criteria: tuple[Criterion, ...] = ()

    @property
    def weight(self) -> Decimal:
        return sum((c.weight for c in self.criteria), Decimal(0))


@dataclass(frozen=True)
class Rubric:
    """A whole evaluation model. Criterion ids are unique across sections; weights sum to exactly 100."""

    id: str
    title: str
    version: str = "1"
    description: str = ""
    scale: Scale = field(default_factory=Scale)
    sections: tuple[Section, ...] = ()
    measures: tuple[Measure, ...] = ()
    tie_break: tuple[TieBreak, ...] = DEFAULT_TIE_BREAK
    vcse_criterion: str | None = None  # the commitment (unit percent) that states the VCSE share of the price
    # Which named partners count towards that share: "listed", "registered" or "verified" (core/register.py)
    vcse_counting: str = "listed"
    default_abnormally_low_share: Decimal = Decimal("0.8")

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for s in self.sections for c in s.criteria)

    def of_kind(self, kind: CriterionKind) -> tuple[Criterion, ...]:
        """The criteria of one kind, in the rubric's order (the scored questions, the commitments...)."""
        return tuple(c for c in self.criteria if c.kind is kind)

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def section_of(self, criterion_id: str) -> Section:
        for s in self.sections:
            if any(c.id == criterion_id for c in s.criteria):
                return s
        raise KeyError(criterion_id)

    def measure(self, measure_id: str) -> Measure:
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise KeyError(measure_id)

    def weight_of(self, category: SectionCategory) -> Decimal:
        return sum((s.weight for s in self.sections if s.category == category), Decimal(0))

    @property
    def total_weight(self) -> Decimal:
        return sum((s.weight for s in self.sections), Decimal(0))
