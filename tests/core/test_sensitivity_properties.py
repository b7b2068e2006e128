"""Sensitivity against brute force on small random cases: every score change, and weight transfers on a grid."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from hypothesis import given, settings

from tenderscore.core import Rubric, Section, evaluate, sensitivity
from tenderscore.core.evaluate import assess
from tenderscore.core.numbers import to_decimal

from .strategies import Case, cases

GRID = 40  # transfers tried per pair of sections: W_donor x k / GRID
NEAR = Fraction(1, 10**9)  # brute force stays this far from a reported threshold, where rounding could tip it


def leaders(rubric: Rubric, case: Case, consensus: dict[tuple[str, str], int]) -> tuple[str, ...]:
    return tuple(sorted(r.bid_id for r in assess(rubric, case.bids, consensus).leaders))


@settings(max_examples=200, deadline=None)
@given(cases(min_bids=2, max_bids=5, complete=True))
def test_smallest_score_change_matches_brute_force(case: Case) -> None:
    before = leaders(case.rubric, case, case.consensus)
    smallest: int | None = None
    for key, score in case.consensus.items():
        for to in range(case.rubric.scale.maximum + 1):
            if to != score and leaders(case.rubric, case, {**case.consensus, key: to}) != before:
                smallest = abs(to - score) if smallest is None else min(smallest, abs(to - score))
    change = sensitivity(case.rubric, case.bids, case.consensus).score_change
    assert (change.steps if change else None) == smallest
    if change is not None:
        changed = {**case.consensus, (change.bid_id, change.criterion_id): change.score_to}
        assert change.leaders_before == before
        assert change.leaders_after == leaders(case.rubric, case, changed)
        # the result the change describes is the one evaluate() gives
        assert tuple(sorted(r.bid_id for r in evaluate(case.rubric, case.bids, changed).leaders)) == (
            change.leaders_after
        )


def transferred(rubric: Rubric, donor: str, recipient: str, t: Fraction) -> Rubric:
    """The rubric with t points of weight moved, each section's criteria scaled proportionally."""

    def scaled(section: Section) -> Section:
        if section.id not in (donor, recipient):
            return section
        weight = Fraction(section.weight)
        factor = (weight - t) / weight if section.id == donor else (weight + t) / weight
        criteria = [dataclasses.replace(c, weight=to_decimal(Fraction(c.weight) * factor)) for c in section.criteria]
        return dataclasses.replace(section, criteria=tuple(criteria))

    return dataclasses.replace(rubric, sections=tuple(scaled(s) for s in rubric.sections))


@settings(max_examples=120, deadline=None)
@given(cases(min_bids=2, max_bids=5, complete=True))
def test_smallest_weight_transfer_matches_a_grid_search(case: Case) -> None:
    before = leaders(case.rubric, case, case.consensus)
    shift = sensitivity(case.rubric, case.bids, case.consensus).weight_shift
    threshold = Fraction(shift.points) if shift else None
    weighted = [s for s in case.rubric.sections if s.weight > 0]
    for donor in weighted:
        for recipient in weighted:
            if donor is recipient:
                continue
            limit = Fraction(donor.weight)
            probes = [limit * k / GRID for k in range(1, GRID + 1)]
            if threshold is not None:
                probes += [threshold - NEAR * 1000, threshold + NEAR * 1000]
            for t in probes:
                if not 0 < t <= limit or (threshold is not None and abs(t - threshold) < NEAR):
                    continue
                moved = leaders(transferred(case.rubric, donor.id, recipient.id, t), case, case.consensus)
                if moved != before:
                    # nothing changes the leaders below the reported threshold
                    assert threshold is not None and t > threshold, (donor.id, recipient.id, t, shift)
                elif shift and (donor.id, recipient.id) == (shift.from_section, shift.to_section):
                    # on the reported pair, everything beyond the threshold changes them
                    assert t < threshold  # type: ignore[operator]
    if shift is not None and shift.beyond:
        # just beyond the threshold, the leaders are the ones reported (exactly at it, rounded weights could tip it)
        assert threshold is not None
        moved = transferred(case.rubric, shift.from_section, shift.to_section, threshold + NEAR * 1000)
        assert leaders(moved, case, case.consensus) == shift.leaders_after
