"""Hypothesis strategies: small random rubrics, bids and consensus scores, valid by construction."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import strategies as st

from tenderscore.core import (
    BidResponse,
    Criterion,
    CriterionKind,
    Rubric,
    ScoreKey,
    Section,
    SectionCategory,
    TieBreak,
    rubric_problems,
)

from .builders import MEASURES, commitment, gate, price, scale, scored

PRICES = [Decimal(p) for p in (80000, 100000, 120000, 125000, 150000, 200000, 240000)]
VALUES = [Decimal(v) for v in ("0", "1", "2", "2.5", "5", "10", "15", "20", "30")]


@dataclass(frozen=True)
class Case:
    rubric: Rubric
    bids: tuple[BidResponse, ...]
    consensus: dict[ScoreKey, int]


def _split(draw: st.DrawFn, total: int, parts: int) -> list[int]:
    """``parts`` positive whole weights summing to ``total``."""
    cuts = sorted(draw(st.lists(st.integers(1, total - 1), min_size=parts - 1, max_size=parts - 1, unique=True)))
    bounds = [0, *cuts, total]
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


def _commitment(draw: st.DrawFn, cid: str, weight: int) -> Criterion:
    measure = draw(st.sampled_from(["vcse_share", "jobs"]))
    minimum = draw(st.sampled_from([None, None, 2, 5]))
    kind = draw(st.sampled_from(["proportional", "banded", "linear"]))
    if kind == "banded":
        bands = (("2", "0.25"), ("5", "0.5"), ("15", "1"))
        return commitment(cid, weight, measure, "banded", minimum=minimum, bands=bands)
    if kind == "linear":
        return commitment(cid, weight, measure, "linear", minimum=minimum, floor=1, target=20)
    return commitment(cid, weight, measure, minimum=minimum)


@st.composite
def rubrics(draw: st.DrawFn) -> Rubric:
    n_quality = draw(st.integers(1, 3))
    n_social = draw(st.integers(0, 2))
    priced = draw(st.booleans()) or n_social == 0
    weights = _split(draw, 100, n_quality + n_social + (1 if priced else 0))
    quality = tuple(
        scored(f"q{i}", weights[i], minimum=draw(st.sampled_from([None, None, 1, 2])))
        for i in range(n_quality)
    )
    sections = [Section("quality", "Quality", SectionCategory.QUALITY, quality)]
    if draw(st.booleans()):
        sections.insert(0, Section("gates", "Gates", SectionCategory.COMPLIANCE, (gate("pf_msa"),)))
    if n_social:
        social = tuple(_commitment(draw, f"sv{i}", weights[n_quality + i]) for i in range(n_social))
        sections.append(Section("social", "Social value", SectionCategory.SOCIAL_VALUE, social))
    if priced:
        method = draw(st.sampled_from(["lowest_ratio", "proportional_deviation"]))
        sections.append(Section("price", "Price", SectionCategory.PRICE, (price(weights[-1], method),)))
    keys = draw(st.permutations(list(TieBreak)))
    rubric = Rubric(
        "random",
        "Random rubric",
        scale=scale(draw(st.sampled_from([4, 5]))),
        sections=tuple(sections),
        measures=MEASURES,
        tie_break=tuple(keys[: draw(st.integers(0, 3))]),
    )
    assert rubric_problems(rubric) == [], rubric_problems(rubric)
    return rubric


def _bid(draw: st.DrawFn, rubric: Rubric, bid_id: str) -> BidResponse:
    commitments = {}
    declarations = {}
    for criterion in rubric.criteria:
        if criterion.kind is CriterionKind.COMMITMENT and draw(st.integers(0, 9)):
            commitments[criterion.id] = draw(st.sampled_from(VALUES))
        if criterion.kind is CriterionKind.PASS_FAIL:
            declarations[criterion.id] = draw(st.sampled_from([True, True, True, False]))
    return BidResponse(
        bid_id,
        f"Bidder {bid_id.upper()}",
        declarations=declarations,
        commitments=commitments,
        price=draw(st.sampled_from(PRICES)) if draw(st.integers(0, 14)) else None,
    )


@st.composite
def cases(draw: st.DrawFn, *, min_bids: int = 1, max_bids: int = 6, complete: bool = False) -> Case:
    """A rubric, bids and consensus scores; ``complete`` gives every scored criterion of every bid a score."""
    rubric = draw(rubrics())
    count = draw(st.integers(min_bids, max_bids))
    bids = tuple(_bid(draw, rubric, f"b{i}") for i in range(count))
    consensus: dict[ScoreKey, int] = {}
    for b in bids:
        for criterion in rubric.criteria:
            if criterion.kind is CriterionKind.SCORED and (complete or draw(st.integers(0, 9))):
                consensus[(b.bid_id, criterion.id)] = draw(st.integers(0, rubric.scale.maximum))
    return Case(rubric, bids, consensus)
