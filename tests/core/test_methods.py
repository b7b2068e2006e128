"""Every commitment and price method, worked by hand, and the registry."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest

from tenderscore.core import (
    Criterion,
    CriterionKind,
    SectionCategory,
    evaluate,
    method,
    method_names,
    methods,
    register,
)
from tenderscore.core.methods import DEFAULT_METHODS, Field, MethodFunction, method_for

from .builders import D, bid, commitment, price, rubric, scored, section


def fraction(name: str, value: str, field: Field, **criterion: object) -> Fraction:
    if method(name).kind is CriterionKind.PRICE:
        c = price(20, name)
    else:
        c = commitment("c", 20, "jobs", name, **criterion)  # type: ignore[arg-type]
    return method(name).fraction(D(value), field, c)


def test_proportional_is_value_over_highest_compliant_value() -> None:
    # highest compliant commitment 8 FTE; this bid 6 FTE: 6 / 8 = 3/4 of the weight
    assert fraction("proportional", "6", Field(D(2), D(8))) == Fraction(3, 4)
    # the best bid earns the full weight
    assert fraction("proportional", "8", Field(D(2), D(8))) == 1


def test_proportional_earns_nothing_when_nobody_committed_anything() -> None:
    # best is 0: 0 / 0 is not a score; every bid earns 0 (docs/scoring.md, "Methods")
    assert fraction("proportional", "0", Field(D(0), D(0))) == 0


def test_banded_takes_the_share_of_the_highest_band_reached() -> None:
    bands = (("5", "0.25"), ("10", "0.5"), ("20", "1"))
    assert fraction("banded", "4.99", Field(), bands=bands) == 0  # below the lowest band
    assert fraction("banded", "5", Field(), bands=bands) == Fraction(1, 4)  # exactly at 5: 0.25
    assert fraction("banded", "19.9", Field(), bands=bands) == Fraction(1, 2)  # 10 <= 19.9 < 20: 0.5
    assert fraction("banded", "35", Field(), bands=bands) == 1  # top band


def test_linear_runs_from_floor_to_target_and_is_capped() -> None:
    # floor 2, target 10: at 2 or below 0; at 10 or above full; 5 -> (5 - 2) / (10 - 2) = 3/8
    assert fraction("linear", "1", Field(), floor=2, target=10) == 0
    assert fraction("linear", "2", Field(), floor=2, target=10) == 0
    assert fraction("linear", "5", Field(), floor=2, target=10) == Fraction(3, 8)
    assert fraction("linear", "10", Field(), floor=2, target=10) == 1
    assert fraction("linear", "400", Field(), floor=2, target=10) == 1


def test_lowest_ratio_is_lowest_compliant_price_over_price() -> None:
    # lowest £800,000; this bid £1,000,000: 800,000 / 1,000,000 = 4/5
    assert fraction("lowest_ratio", "1000000", Field(D(800000), D(1200000))) == Fraction(4, 5)
    # £1,200,000: 800,000 / 1,200,000 = 2/3 exactly, not 0.6666...7
    assert fraction("lowest_ratio", "1200000", Field(D(800000), D(1200000))) == Fraction(2, 3)


def test_proportional_deviation_loses_weight_in_proportion_to_the_excess_and_stops_at_zero() -> None:
    # lowest £800,000; £1,000,000 is 25% above: 1 - 200,000 / 800,000 = 3/4
    assert fraction("proportional_deviation", "1000000", Field(D(800000))) == Fraction(3, 4)
    # £1,600,000 is 100% above: 1 - 1 = 0; £2,000,000 would be -0.5, floored at 0
    assert fraction("proportional_deviation", "1600000", Field(D(800000))) == 0
    assert fraction("proportional_deviation", "2000000", Field(D(800000))) == 0


def test_points_are_fraction_times_weight_in_an_evaluation() -> None:
    r = rubric(
        section("quality", SectionCategory.QUALITY, scored("q1", 50)),
        section(
            "social",
            SectionCategory.SOCIAL_VALUE,
            commitment("jobs_c", 10, "jobs", "banded", bands=(("2", "0.5"), ("4", "1"))),
            commitment("spend_c", 10, "local_spend", "linear", floor=0, target=100000),
        ),
        section("price", SectionCategory.PRICE, price(30, "proportional_deviation")),
    )
    bids = [
        bid("a", 100000, jobs_c=3, spend_c=25000),
        bid("b", 125000, jobs_c=5, spend_c=150000),
    ]
    e = evaluate(r, bids, {("a", "q1"): 4, ("b", "q1"): 2})
    a, b = e.result("a"), e.result("b")
    # A: q1 4/5 x 50 = 40; jobs 3 reaches the 2-band: 0.5 x 10 = 5; spend 25,000/100,000 x 10 = 2.5; price lowest = 30
    assert a.points == {"q1": D(40), "jobs_c": D(5), "spend_c": D("2.5"), "price": D(30)}
    assert a.total == D("77.5")
    # B: q1 2/5 x 50 = 20; jobs 5 -> top band 10; spend capped at 10; price 25% above lowest: 30 x 0.75 = 22.5
    assert b.points == {"q1": D(20), "jobs_c": D(10), "spend_c": D(10), "price": D("22.5")}
    assert b.total == D("62.5")


def test_defaults_and_names_by_kind() -> None:
    assert DEFAULT_METHODS == {CriterionKind.COMMITMENT: "proportional", CriterionKind.PRICE: "lowest_ratio"}
    assert method_names(CriterionKind.COMMITMENT)[:3] == ("proportional", "banded", "linear")
    assert method_names(CriterionKind.PRICE)[:2] == ("lowest_ratio", "proportional_deviation")
    assert method_for(replace(price(20), method=None)).name == "lowest_ratio"
    assert method_for(replace(commitment("c", 5, "jobs"), method=None)).name == "proportional"


@contextmanager
def registered(name: str, function: MethodFunction) -> Iterator[None]:
    """Register a method for one test only, so no other test sees it."""
    register(name, CriterionKind.COMMITMENT, relative=False, summary="for a test")(function)
    try:
        yield
    finally:
        del methods._REGISTRY[name]


def test_a_new_method_is_one_registered_function() -> None:
    def threshold(value: Decimal, field: Field, criterion: Criterion) -> Fraction:
        return Fraction(1) if value >= D(10) else Fraction(0)

    with registered("threshold_for_test", threshold):
        assert "threshold_for_test" in method_names(CriterionKind.COMMITMENT)
        assert method("threshold_for_test").fraction(D(12), Field(), commitment("c", 5, "jobs")) == 1
        with pytest.raises(ValueError, match="already registered"):
            register("threshold_for_test", CriterionKind.COMMITMENT, relative=False, summary="")(threshold)
    assert "threshold_for_test" not in method_names()


def test_a_method_straying_outside_0_to_1_or_returning_a_float_is_refused() -> None:
    def too_generous(value: Decimal, field: Field, criterion: Criterion) -> Fraction:
        return Fraction(3, 2)

    def floaty(value: Decimal, field: Field, criterion: Criterion) -> Fraction:
        return 0.5  # type: ignore[return-value]

    with registered("too_generous_for_test", too_generous), registered("floaty_for_test", floaty):
        with pytest.raises(ValueError, match="expected 0..1"):
            method("too_generous_for_test").fraction(D(1), Field(), commitment("c", 5, "jobs"))
        with pytest.raises(TypeError, match="exact Fraction"):
            method("floaty_for_test").fraction(D(1), Field(), commitment("c", 5, "jobs"))


def test_field_admitting_a_value() -> None:
    assert Field().admitting(D(5)) == Field(D(5), D(5))
    assert Field(D(2), D(8)).admitting(D(5)) == Field(D(2), D(8))
    assert Field(D(2), D(8)).admitting(D(9)) == Field(D(2), D(9))
    assert Field.of([]) == Field()
