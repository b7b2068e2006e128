"""Commitment and price methods: a name -> function registry.

A method turns one bid's value into the **fraction of the criterion's weight** it earns: an exact
``fractions.Fraction`` in 0..1, computed from the ``Decimal`` inputs without rounding. The evaluation multiplies it
by the weight and reports the points as ``Decimal``. Two reasons for this contract:

* Methods never see weights, so points are linear in the weights: sensitivity moves weight between sections
  exactly without recomputing any method.
* An exact fraction never rounds. A rounded quotient would make 40 x (2/3) and 20 x (1/3) + 13.33... differ in
  the 48th digit, and two bids exactly level would be separated by rounding noise instead of the published
  tie-break. Ranks compare exact values; ``Decimal`` is what results carry.

A *relative* method compares the bid with the compliant field (docs/scoring.md, "Methods": relative formulas
run over the compliant set only) and sees it only through ``Field``: its lowest and highest value. A new method is
one function:

    @register("threshold", CriterionKind.COMMITMENT, relative=False, summary="full weight at or above the target")
    def threshold(value: Decimal, field: Field, criterion: Criterion) -> Fraction:
        return ONE if criterion.target is not None and value >= criterion.target else ZERO

The registry is filled by these decorators when the module is imported and only read afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .rubric import Criterion, CriterionKind


@dataclass(frozen=True)
class Field:
    """What a relative method may know of the compliant bids: the lowest and highest value among them.

    Both are ``None`` when no compliant bid gave a value.
    """

    lowest: Decimal | None = None
    highest: Decimal | None = None

    @classmethod
    def of(cls, values: Iterable[Decimal]) -> Field:
        present = list(values)
        if not present:
            return cls()
        return cls(min(present), max(present))

    def admitting(self, value: Decimal) -> Field:
        """The field once a bid with ``value`` joins the compliant set."""
        if self.lowest is None or self.highest is None:
            return Field(value, value)
        return Field(min(self.lowest, value), max(self.highest, value))


MethodFunction = Callable[[Decimal, Field, Criterion], Fraction]

ZERO = Fraction(0)
ONE = Fraction(1)


@dataclass(frozen=True)
class Method:
    """A registered method: its name, the criterion kind it scores, whether it is relative, and a plain summary."""

    name: str
    kind: CriterionKind
    relative: bool
    function: MethodFunction
    summary: str

    def fraction(self, value: Decimal, field: Field, criterion: Criterion) -> Fraction:
        """The exact fraction of the weight earned; ``ValueError`` if the method strays outside 0..1."""
        returned: object = self.function(value, field, criterion)
        if isinstance(returned, bool) or not isinstance(returned, Fraction | Decimal | int):
            raise TypeError(f"method {self.name!r} returned {returned!r}; expected an exact Fraction")
        earned = Fraction(returned)
        if not ZERO <= earned <= ONE:
            raise ValueError(f"method {self.name!r} returned {earned} for criterion {criterion.id!r}; expected 0..1")
        return earned


_REGISTRY: dict[str, Method] = {}

DEFAULT_METHODS: dict[CriterionKind, str] = {
    CriterionKind.COMMITMENT: "proportional",
    CriterionKind.PRICE: "lowest_ratio",
}


def register(
    name: str, kind: CriterionKind, *, relative: bool, summary: str
) -> Callable[[MethodFunction], MethodFunction]:
    """Register ``function`` under ``name`` for criteria of ``kind``. A name can be registered once."""

    def decorate(function: MethodFunction) -> MethodFunction:
        if name in _REGISTRY:
            raise ValueError(f"method {name!r} is already registered")
        _REGISTRY[name] = Method(name, kind, relative, function, summary)
        return function

    return decorate


def method(name: str) -> Method:
    """The method registered under ``name``; ``KeyError`` if there is none."""
    return _REGISTRY[name]


def method_names(kind: CriterionKind | None = None) -> tuple[str, ...]:
    """Registered method names, optionally only those for ``kind``, in registration order."""
    return tuple(m.name for m in _REGISTRY.values() if kind is None or m.kind is kind)


def method_for(criterion: Criterion) -> Method:
    """The method a commitment or price criterion uses: its own, or the kind's default when it names none."""
    return _REGISTRY[criterion.method or DEFAULT_METHODS[criterion.kind]]


# --- commitment methods ------------------------------------------------------------------------------------


@register(
    "proportional",
    CriterionKind.COMMITMENT,
    relative=True,
    summary="value / highest compliant value x weight",
)
def proportional(value: Decimal, field: Field, criterion: Criterion) -> Fraction:
    """``value / highest`` over the compliant bids; 0 when the highest is 0 (nobody committed anything)."""
    if field.highest is None or field.highest <= 0 or value <= 0:
        return ZERO
    return Fraction(value) / Fraction(field.highest)


@register(
    "banded",
    CriterionKind.COMMITMENT,
    relative=False,
    summary="the share of the weight of the highest band reached",
)
def banded(value: Decimal, field: Field, criterion: Criterion) -> Fraction:
    """The share of the highest band whose ``at_least`` the value reaches; 0 below the lowest band."""
    reached = [band for band in criterion.bands if value >= band.at_least]
    if not reached:
        return ZERO
    return Fraction(max(reached, key=lambda band: band.at_least).share)


@register(
    "linear",
    CriterionKind.COMMITMENT,
    relative=False,
    summary="0 at or below the floor, full weight at or above the target, in a straight line between",
)
def linear(value: Decimal, field: Field, criterion: Criterion) -> Fraction:
    """0 at or below ``floor``, 1 at or above ``target``, on the straight line between them."""
    floor, target = criterion.floor, criterion.target
    if floor is None or target is None:
        raise ValueError(f"criterion {criterion.id!r}: the linear method needs a floor and a target")
    if value <= floor:
        return ZERO
    if value >= target:
        return ONE
    return (Fraction(value) - Fraction(floor)) / (Fraction(target) - Fraction(floor))


# --- price methods -----------------------------------------------------------------------------------------


@register(
    "lowest_ratio",
    CriterionKind.PRICE,
    relative=True,
    summary="lowest compliant price / price x weight",
)
def lowest_ratio(value: Decimal, field: Field, criterion: Criterion) -> Fraction:
    """``lowest / price`` over the compliant bids. Prices are positive: a gate excludes any other."""
    if field.lowest is None or field.lowest <= 0 or value <= 0:
        return ZERO
    return Fraction(field.lowest) / Fraction(value)


@register(
    "proportional_deviation",
    CriterionKind.PRICE,
    relative=True,
    summary="weight x (1 - (price - lowest) / lowest), never below 0",
)
def proportional_deviation(value: Decimal, field: Field, criterion: Criterion) -> Fraction:
    """``1 - (price - lowest) / lowest``, floored at 0: a price twice the lowest or more earns nothing."""
    if field.lowest is None or field.lowest <= 0 or value <= 0:
        return ZERO
    lowest = Fraction(field.lowest)
    return max(ZERO, 1 - (Fraction(value) - lowest) / lowest)
