"""The rule across lots (core/lots.py): worked examples computed by hand, and properties over any standings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenderscore.core.lots import CapRule, LotOrder, LotStanding, Ranked, allocate


def _lot(number: int, value: str | None, *ranked: tuple[str, int]) -> LotStanding:
    return LotStanding(number, Decimal(value) if value else None, tuple(Ranked(b, r) for b, r in ranked))


# Two lots, three bidders. A ranks first in both; lot 2 is worth more.
LOT_1 = _lot(1, "1200000", ("A", 1), ("B", 2), ("C", 3))
LOT_2 = _lot(2, "2000000", ("A", 1), ("C", 2), ("B", 3))


def test_a_cap_of_one_settled_by_value_gives_the_bigger_lot_to_the_leader_and_the_other_to_the_next() -> None:
    found = allocate(CapRule(1, LotOrder.VALUE), [LOT_1, LOT_2])
    assert found[2].winner == "A" and found[2].passed_over == ()
    assert found[1].winner == "B"  # A has reached the cap with lot 2
    assert found[1].passed_over == (("A", (2,)),)


def test_settled_by_lot_number_the_leader_keeps_lot_one() -> None:
    found = allocate(CapRule(1, LotOrder.NUMBER), [LOT_2, LOT_1])
    assert (found[1].winner, found[2].winner) == ("A", "C")
    assert found[2].passed_over == (("A", (1,)),)


def test_without_a_cap_every_lot_goes_to_its_own_leader() -> None:
    found = allocate(CapRule(None), [LOT_1, LOT_2])
    assert (found[1].winner, found[2].winner) == ("A", "A")


def test_a_tie_among_those_left_is_not_settled_by_the_rule() -> None:
    tied = _lot(1, "100", ("A", 1), ("B", 2), ("C", 2))
    found = allocate(CapRule(1), [tied, _lot(2, "900", ("A", 1))])
    assert found[1].winner is None and found[1].tied == ("B", "C")


def test_a_lot_of_unknown_value_is_settled_last_by_value() -> None:
    found = allocate(CapRule(1), [_lot(1, None, ("A", 1), ("B", 2)), _lot(2, "5", ("A", 1), ("B", 2))])
    assert (found[1].winner, found[2].winner) == ("B", "A")


def test_a_cap_below_one_and_repeated_lot_numbers_are_refused() -> None:
    with pytest.raises(ValueError, match="1 or more"):
        CapRule(0)
    with pytest.raises(ValueError, match="unique"):
        allocate(CapRule(1), [LOT_1, LOT_1])


@st.composite
def _standings(draw: st.DrawFn) -> list[LotStanding]:
    bidders = ["A", "B", "C", "D"]
    count = draw(st.integers(1, 5))
    lots = []
    for number in range(1, count + 1):
        entered = draw(st.lists(st.sampled_from(bidders), unique=True, max_size=4))
        ranks = draw(st.lists(st.integers(1, 3), min_size=len(entered), max_size=len(entered)))
        ranked = sorted(zip(entered, ranks, strict=True), key=lambda e: e[1])
        value = draw(st.one_of(st.none(), st.integers(0, 9).map(Decimal)))
        lots.append(LotStanding(number, value, tuple(Ranked(b, r) for b, r in ranked)))
    return lots


@given(_standings(), st.one_of(st.none(), st.integers(1, 3)), st.sampled_from(list(LotOrder)))
def test_properties_of_the_rule(standings: list[LotStanding], cap: int | None, order: LotOrder) -> None:
    found = allocate(CapRule(cap, order), standings)
    assert sorted(found) == sorted(s.number for s in standings)
    wins: dict[str, int] = {}
    for outcome in found.values():
        if outcome.winner is not None:
            wins[outcome.winner] = wins.get(outcome.winner, 0) + 1
    # No bidder wins more lots than the cap.
    assert cap is None or all(n <= cap for n in wins.values())
    for standing in standings:
        outcome = found[standing.number]
        if outcome.winner is None:
            continue
        best = next(e.rank for e in standing.ranked if e.bidder == outcome.winner)
        # Everyone ranked better than the winner, or level with it, was passed over because they had reached the
        # cap: they won `cap` lots.
        ahead = {e.bidder for e in standing.ranked if e.rank <= best} - {outcome.winner}
        assert {b for b, _ in outcome.passed_over} == ahead
        assert all(cap is not None and wins.get(b, 0) == cap for b in ahead)
    # The order the standings are handed in does not matter.
    assert allocate(CapRule(cap, order), list(reversed(standings))) == found
    if cap is None:  # without a cap every lot goes to its own single leader
        for standing in standings:
            top = min((e.rank for e in standing.ranked), default=0)
            leaders = [e.bidder for e in standing.ranked if e.rank == top]
            assert found[standing.number].winner == (leaders[0] if len(leaders) == 1 else None)
