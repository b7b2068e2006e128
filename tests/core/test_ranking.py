"""Ranking: total first, then each published tie-break key; still-equal bids share a rank (1, 1, 3)."""

from __future__ import annotations

from tenderscore.core import SectionCategory, TieBreak, evaluate

from .builders import D, bid, commitment, price, rubric, scored, section

# Quality 60, social value 20 (a scored question), price 20 by lowest_ratio.
SCORED_SV = (
    section("quality", SectionCategory.QUALITY, scored("q1", 60)),
    section("social", SectionCategory.SOCIAL_VALUE, scored("sv1", 20)),
    section("price", SectionCategory.PRICE, price(20)),
)


def ranks(r: object, bids: list, consensus: dict) -> dict[str, int | None]:  # type: ignore[type-arg]
    e = evaluate(r, bids, consensus)  # type: ignore[arg-type]
    return {x.bid_id: x.rank for x in e.results}


def test_equal_totals_go_to_more_quality_points_by_default() -> None:
    bids = [bid("a", 100000), bid("b", 100000)]
    # A: Q1 4/5 x 60 = 48, SV 3/5 x 20 = 12, price 20: total 80
    # B: Q1 5/5 x 60 = 60, SV 0,               price 20: total 80 -> level; B has more quality points
    consensus = {("a", "q1"): 4, ("a", "sv1"): 3, ("b", "q1"): 5, ("b", "sv1"): 0}
    assert ranks(rubric(*SCORED_SV), bids, consensus) == {"b": 1, "a": 2}
    # the published order is what counts: social value first puts A (12 > 0) ahead
    social_first = rubric(*SCORED_SV, tie_break=(TieBreak.SOCIAL_VALUE, TieBreak.QUALITY, TieBreak.PRICE))
    assert ranks(social_first, bids, consensus) == {"a": 1, "b": 2}


def test_equal_totals_and_quality_go_to_more_social_value_points() -> None:
    bids = [bid("a", 100000), bid("b", 125000)]
    # A: Q1 48, SV 3/5 x 20 = 12, price lowest 20:                     total 80
    # B: Q1 48, SV 4/5 x 20 = 16, price 100,000 / 125,000 x 20 = 16:   total 80; quality level, B has more SV
    consensus = {("a", "q1"): 4, ("a", "sv1"): 3, ("b", "q1"): 4, ("b", "sv1"): 4}
    assert ranks(rubric(*SCORED_SV), bids, consensus) == {"b": 1, "a": 2}
    # price first: A's lower price wins
    price_first = rubric(*SCORED_SV, tie_break=(TieBreak.PRICE, TieBreak.QUALITY))
    assert ranks(price_first, bids, consensus) == {"a": 1, "b": 2}


def test_equal_on_points_goes_to_the_lower_price() -> None:
    r = rubric(
        SCORED_SV[0], SCORED_SV[1], section("price", SectionCategory.PRICE, price(20, "proportional_deviation"))
    )
    # C sets the lowest price, £100,000. A (£250,000) and B (£300,000) are both 100% or more above it, so both
    # earn 20 x (1 - 1.5) -> 0 and 20 x (1 - 2) -> 0 price points: level on every points key. A is cheaper.
    bids = [bid("a", 250000), bid("b", 300000), bid("c", 100000)]
    consensus = {("a", "q1"): 5, ("a", "sv1"): 5, ("b", "q1"): 5, ("b", "sv1"): 5, ("c", "q1"): 0, ("c", "sv1"): 0}
    e = evaluate(r, bids, consensus)
    assert e.result("a").total == e.result("b").total == 80
    assert {x.bid_id: x.rank for x in e.results} == {"a": 1, "b": 2, "c": 3}


def test_bids_equal_on_every_key_share_a_rank_and_the_next_rank_skips() -> None:
    bids = [bid("a", 100000), bid("b", 100000), bid("c", 100000)]
    consensus = {("a", "q1"): 4, ("a", "sv1"): 3, ("b", "q1"): 4, ("b", "sv1"): 3, ("c", "q1"): 1, ("c", "sv1"): 1}
    e = evaluate(rubric(*SCORED_SV), bids, consensus)
    assert {x.bid_id: x.rank for x in e.results} == {"a": 1, "b": 1, "c": 3}
    assert [x.bid_id for x in e.leaders] == ["a", "b"]
    assert e.winner is None  # a tie the published order cannot separate is the officer's to resolve


def test_no_tie_break_keys_leaves_equal_totals_sharing_a_rank() -> None:
    bids = [bid("a", 100000), bid("b", 100000)]
    consensus = {("a", "q1"): 4, ("a", "sv1"): 3, ("b", "q1"): 5, ("b", "sv1"): 0}
    assert ranks(rubric(*SCORED_SV, tie_break=()), bids, consensus) == {"a": 1, "b": 1}


def test_an_exact_tie_is_not_broken_by_rounding() -> None:
    r = rubric(
        section("quality", SectionCategory.QUALITY, scored("q1", 40)),
        section("social", SectionCategory.SOCIAL_VALUE, commitment("sv_vcse", 20, "vcse_share")),
        section("price", SectionCategory.PRICE, price(40)),
    )
    # C sets the lowest price (£200,000) and the highest VCSE share (30%).
    # A: Q1 40; VCSE 10/30 x 20 = 20/3;  price 200,000/300,000 x 40 = 80/3.  total 40 + 100/3
    # B: Q1 40; VCSE 30/30 x 20 = 20;    price 200,000/600,000 x 40 = 40/3.  total 40 + 100/3: exactly level.
    # Rounded quotients would put A ahead by about 1e-48 (26.66...67 + 6.66...67 against 13.33...33 + 20); the
    # rule is the tie-break: quality is level (40 each), so social value decides, and B's 20 beats A's 6.67.
    bids = [bid("a", 300000, sv_vcse=10), bid("b", 600000, sv_vcse=30), bid("c", 200000, sv_vcse=30)]
    consensus = {("a", "q1"): 5, ("b", "q1"): 5, ("c", "q1"): 0}
    e = evaluate(r, bids, consensus)
    a, b = e.result("a"), e.result("b")
    assert a.total > b.total and a.total - b.total < D("1e-45")  # the carried Decimals differ only in noise
    assert (b.rank, a.rank) == (1, 2)
    assert (e.result("c").total, e.result("c").rank) == (60, 3)  # C: 0 + 20 + 40
