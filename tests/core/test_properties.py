"""Properties that hold for every rubric, bid and score (hypothesis)."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from decimal import Decimal
from enum import Enum

from hypothesis import given, settings
from hypothesis import strategies as st

from tenderscore.core import (
    BidResponse,
    CriterionKind,
    Evaluation,
    Section,
    SectionCategory,
    evaluate,
    sensitivity,
)
from tenderscore.core.numbers import exact_arithmetic

from .strategies import Case, cases

PROPERTY = settings(max_examples=150, deadline=None)


@PROPERTY
@given(cases())
def test_totals_are_the_sum_of_points(case: Case) -> None:
    e = evaluate(case.rubric, case.bids, case.consensus)
    with exact_arithmetic():
        for r in e.results:
            assert r.total == sum(r.points.values(), Decimal(0))
            assert r.total == sum(r.section_points.values(), Decimal(0))
            assert r.total == sum(r.category_points.values(), Decimal(0))
            for s in case.rubric.sections:
                assert r.section_points[s.id] == sum((r.points[c.id] for c in s.criteria), Decimal(0))
            if r.compliant:
                assert 0 <= r.total <= 100


@PROPERTY
@given(cases(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_of_bids(case: Case, rnd: random.Random) -> None:
    shuffled = list(case.bids)
    rnd.shuffle(shuffled)
    assert evaluate(case.rubric, shuffled, case.consensus) == evaluate(case.rubric, case.bids, case.consensus)


@PROPERTY
@given(cases(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_of_criteria_within_sections(case: Case, rnd: random.Random) -> None:
    def shuffled(section: Section) -> Section:
        criteria = list(section.criteria)
        rnd.shuffle(criteria)
        return dataclasses.replace(section, criteria=tuple(criteria))

    reordered = dataclasses.replace(case.rubric, sections=tuple(shuffled(s) for s in case.rubric.sections))
    assert _outcome(evaluate(reordered, case.bids, case.consensus)) == _outcome(
        evaluate(case.rubric, case.bids, case.consensus)
    )


def _outcome(e: Evaluation) -> list[tuple[object, ...]]:
    return [
        (r.bid_id, r.compliant, r.rank, r.total, r.points, r.section_points, frozenset(r.exclusions),
         frozenset(r.flags))
        for r in e.results
    ] + [(e.provisional, frozenset(e.missing_consensus))]


@PROPERTY
@given(cases(min_bids=2), st.data())
def test_raising_a_consensus_score_never_lowers_that_bids_rank(case: Case, data: st.DataObject) -> None:
    raisable = [k for k, v in case.consensus.items() if v < case.rubric.scale.maximum]
    if not raisable:
        return
    key = data.draw(st.sampled_from(raisable))
    higher = data.draw(st.integers(case.consensus[key] + 1, case.rubric.scale.maximum))
    before = evaluate(case.rubric, case.bids, case.consensus).result(key[0]).rank
    after = evaluate(case.rubric, case.bids, {**case.consensus, key: higher}).result(key[0]).rank
    if before is not None:
        assert after is not None and after <= before


@PROPERTY
@given(cases())
def test_full_marks_lowest_price_and_best_commitments_score_exactly_100(case: Case) -> None:
    rubric = case.rubric
    best = BidResponse(
        "best",
        "The best bidder",
        declarations={c.id: c.expected for c in rubric.criteria if c.kind is CriterionKind.PASS_FAIL},
        commitments={c.id: _best_commitment(case, c.id) for c in rubric.criteria if c.kind is CriterionKind.COMMITMENT},
        price=min([b.price for b in case.bids if b.price is not None], default=Decimal(100000)),
    )
    consensus = {**case.consensus, **{("best", c.id): rubric.scale.maximum for c in rubric.criteria
                                      if c.kind is CriterionKind.SCORED}}
    result = evaluate(rubric, [*case.bids, best], consensus).result("best")
    assert result.compliant
    assert result.total == 100
    assert result.points == {c.id: c.weight for c in rubric.criteria}
    assert result.category_points[SectionCategory.COMPLIANCE] == 0
    assert result.rank == 1


def _best_commitment(case: Case, criterion_id: str) -> Decimal:
    criterion = case.rubric.criterion(criterion_id)
    candidates = [Decimal(1000)] + [b.commitments[criterion_id] for b in case.bids if criterion_id in b.commitments]
    candidates += [band.at_least for band in criterion.bands] + [criterion.target or Decimal(0)]
    return max(candidates)


@PROPERTY
@given(cases())
def test_an_excluded_bid_is_never_ranked(case: Case) -> None:
    e = evaluate(case.rubric, case.bids, case.consensus)
    for r in e.results:
        assert (r.rank is None) == (not r.compliant) == bool(r.exclusions)
        if not r.compliant:
            assert r.total == 0 and r not in e.ranked and r not in e.leaders
    ranks = [r.rank for r in e.ranked]
    assert ranks == sorted(ranks)  # type: ignore[type-var]
    assert e.results == e.ranked + e.excluded


@settings(max_examples=60, deadline=None)
@given(cases(complete=True))
def test_no_float_anywhere_in_results(case: Case) -> None:
    e = evaluate(case.rubric, case.bids, case.consensus)
    values = list(_walk(e))
    assert not [v for v in values if isinstance(v, float)]
    assert any(isinstance(v, Decimal) for v in values) or not case.bids
    finding = sensitivity(case.rubric, case.bids, case.consensus)
    assert not [v for v in _walk(finding) if isinstance(v, float)]


def _walk(value: object) -> Iterator[object]:
    yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _walk(getattr(value, f.name))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(k)
            yield from _walk(v)
    elif isinstance(value, tuple | list | frozenset | set):
        for item in value:
            yield from _walk(item)
    else:
        assert isinstance(value, Decimal | int | str | Enum | None), f"unexpected {type(value).__name__}: {value!r}"
