"""Plain helpers that build rubrics and bids for the core's tests: no fixtures, no app."""

from __future__ import annotations

from decimal import Decimal

from tenderscore.core import (
    Band,
    BidResponse,
    Criterion,
    CriterionKind,
    Measure,
    Rubric,
    Scale,
    ScaleLevel,
    Section,
    SectionCategory,
    TieBreak,
    Unit,
    VcsePartner,
)
from tenderscore.core.rubric import DEFAULT_TIE_BREAK

D = Decimal


def scale(maximum: int = 5) -> Scale:
    return Scale(maximum, tuple(ScaleLevel(i, f"level {i}") for i in range(maximum + 1)))


def scored(cid: str, weight: str | int, *, minimum: int | None = None, title: str | None = None) -> Criterion:
    return Criterion(cid, title or cid.upper(), CriterionKind.SCORED, D(weight), minimum=minimum)


def gate(cid: str, *, expected: bool = True, title: str | None = None) -> Criterion:
    return Criterion(cid, title or cid, CriterionKind.PASS_FAIL, expected=expected)


def commitment(
    cid: str,
    weight: str | int,
    measure: str,
    method: str = "proportional",
    *,
    minimum: str | int | None = None,
    bands: tuple[tuple[str | int, str], ...] = (),
    floor: str | int | None = None,
    target: str | int | None = None,
    title: str | None = None,
) -> Criterion:
    return Criterion(
        cid,
        title or cid,
        CriterionKind.COMMITMENT,
        D(weight),
        method=method,
        measure=measure,
        mandatory_minimum=None if minimum is None else D(minimum),
        bands=tuple(Band(D(a), D(s)) for a, s in bands),
        floor=None if floor is None else D(floor),
        target=None if target is None else D(target),
    )


def price(weight: str | int, method: str = "lowest_ratio", *, low_share: str | None = None) -> Criterion:
    return Criterion(
        "price",
        "Total price",
        CriterionKind.PRICE,
        D(weight),
        method=method,
        abnormally_low_share=None if low_share is None else D(low_share),
    )


def section(sid: str, category: SectionCategory, *criteria: Criterion, title: str | None = None) -> Section:
    return Section(sid, title or sid.capitalize(), category, criteria)


MEASURES = (
    Measure("vcse_share", "VCSE share", Unit.PERCENT),
    Measure("jobs", "Jobs for people with convictions", Unit.FTE),
    Measure("local_spend", "Local spend", Unit.GBP),
)


def rubric(
    *sections: Section,
    tie_break: tuple[TieBreak, ...] = DEFAULT_TIE_BREAK,
    maximum: int = 5,
    vcse_criterion: str | None = None,
) -> Rubric:
    return Rubric(
        "test-rubric",
        "Test rubric",
        scale=scale(maximum),
        sections=sections,
        measures=MEASURES,
        tie_break=tie_break,
        vcse_criterion=vcse_criterion,
    )


def simple_rubric(*, quality: int = 60, social_value: int = 20, price_weight: int = 20) -> Rubric:
    """Q1 (quality) + a proportional VCSE commitment (social value) + lowest_ratio price."""
    return rubric(
        section("quality", SectionCategory.QUALITY, scored("q1", quality)),
        section("social", SectionCategory.SOCIAL_VALUE, commitment("sv_vcse", social_value, "vcse_share")),
        section("price", SectionCategory.PRICE, price(price_weight)),
    )


def bid(
    bid_id: str,
    price_gbp: str | int | None = None,
    *,
    bidder: str | None = None,
    declarations: dict[str, bool] | None = None,
    partners: tuple[tuple[str, str | int], ...] = (),
    **commitments: str | int,
) -> BidResponse:
    return BidResponse(
        bid_id,
        bidder or f"Bidder {bid_id.upper()}",
        declarations=declarations or {},
        commitments={k: D(v) for k, v in commitments.items()},
        price=None if price_gbp is None else D(price_gbp),
        vcse_partners=tuple(VcsePartner(n, D(v)) for n, v in partners),
    )
