"""Sensitivity worked by hand: weight transfers (reached and only beyond), score changes of each kind, robust."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tenderscore.core import ScoringError, SectionCategory, sensitivity
from tenderscore.core.numbers import to_decimal

from .builders import bid, commitment, price, rubric, scored, section

# Quality 60 (Q1), price 40 by lowest_ratio.
QP = rubric(
    section("quality", SectionCategory.QUALITY, scored("q1", 60, title="Delivery model")),
    section("price", SectionCategory.PRICE, price(40), title="Price"),
)
# A: Q1 3/5 x 60 = 36; price lowest (£100,000): 40.                   total 76
# B: Q1 4/5 x 60 = 48; price 100,000 / 200,000 x 40 = 20.            total 68
QP_BIDS = [bid("a", 100000), bid("b", 200000)]


def test_weight_transfer_reached_exactly() -> None:
    finding = sensitivity(QP, QP_BIDS, {("a", "q1"): 3, ("b", "q1"): 4})
    shift = finding.weight_shift
    assert shift is not None
    # Moving t points from Price (40) to Quality (60), each section's criteria scaled proportionally:
    #   A: 36 (1 + t/60) + 40 (1 - t/40) = 76 - 0.4 t        B: 48 (1 + t/60) + 20 (1 - t/40) = 68 + 0.3 t
    #   level when 76 - 0.4 t = 68 + 0.3 t, so t = 8 / 0.7 = 80/7 = 11.428571...  (<= 40, the donor's weight)
    #   At t = 80/7 both total 500/7; quality points 36 x 25/21 against 48 x 25/21: the tie-break goes to B,
    #   so moving exactly 80/7 already makes B first (not "beyond").
    assert (shift.from_section, shift.to_section) == ("price", "quality")
    assert shift.points == to_decimal(Fraction(80, 7)) and not shift.beyond
    assert (shift.leaders_before, shift.leaders_after) == (("a",), ("b",))
    # The other direction only widens A's lead: A 76 + 0.4 t, B 68 - 0.3 t.
    assert finding.summary.startswith(
        "Fragile: moving 11.43 points of weight from Price to Quality would make Bidder B first; "
    )


def test_weight_transfer_only_beyond_the_threshold() -> None:
    r = rubric(
        section("quality", SectionCategory.QUALITY, scored("q1", 40)),
        section("social", SectionCategory.SOCIAL_VALUE, commitment("sv_vcse", 20, "vcse_share"), title="Social value"),
        section("price", SectionCategory.PRICE, price(40)),
    )
    # A: Q1 4/5 x 40 = 32; VCSE 20/30 x 20 = 40/3; price lowest 40.            total 85 1/3
    # C: Q1 3/5 x 40 = 24; VCSE 30/30 x 20 = 20; price 100k/120k x 40 = 100/3. total 77 1/3
    bids = [bid("a", 100000, sv_vcse=20), bid("c", 120000, sv_vcse=30)]
    shift = sensitivity(r, bids, {("a", "q1"): 4, ("c", "q1"): 3}).weight_shift
    assert shift is not None
    # Quality (40) -> Social value (20):  A: 32 (1 - t/40) + 40/3 (1 + t/20) + 40 = 85 1/3 - (0.8 - 2/3) t
    #                                     C: 24 (1 - t/40) + 20 (1 + t/20) + 100/3 = 77 1/3 + (1 - 0.6) t
    #   level at 8 = (0.4 + 2/15) t, t = 15. There quality is A 32 x 5/8 = 20 against C 24 x 5/8 = 15: the
    #   tie-break still favours A, so only a transfer of more than 15 points makes C first.
    assert (shift.from_section, shift.to_section, shift.points, shift.beyond) == ("quality", "social", 15, True)
    assert shift.leaders_after == ("c",)


def test_smallest_score_change_lowering_the_leader() -> None:
    finding = sensitivity(QP, QP_BIDS, {("a", "q1"): 3, ("b", "q1"): 4})
    change = finding.score_change
    assert change is not None
    # One step either way is enough: A 3 -> 2 gives 24 + 40 = 64 < 68; B 4 -> 5 gives 60 + 20 = 80 > 76.
    # Equal steps go to the bid placed higher in the results: A.
    assert (change.bid_id, change.criterion_id, change.score_from, change.score_to) == ("a", "q1", 3, 2)
    assert change.steps == 1 and change.effect is None and change.leaders_after == ("b",)
    assert finding.summary.endswith(
        "; lowering Bidder A's consensus score on 'Delivery model' from 3 to 2 would make Bidder B first."
    )
    assert not finding.robust


# Quality: Q1 20 (steps of 4), Q2 10 with a minimum of 2 (steps of 2); social value: proportional VCSE share 30;
# price 40 by lowest_ratio.
PIVOT = rubric(
    section("quality", SectionCategory.QUALITY, scored("q1", 20), scored("q2", 10, minimum=2)),
    section("social", SectionCategory.SOCIAL_VALUE, commitment("sv_vcse", 30, "vcse_share")),
    section("price", SectionCategory.PRICE, price(40)),
)


def test_excluding_a_bid_that_sets_the_field_changes_the_winner() -> None:
    bids = [bid("a", 100000, sv_vcse=10), bid("b", 100000, sv_vcse=50), bid("c", 200000, sv_vcse=100)]
    consensus = {("a", "q1"): 5, ("a", "q2"): 5, ("b", "q1"): 2, ("b", "q2"): 2, ("c", "q1"): 0, ("c", "q2"): 2}
    # With C (highest VCSE share, 100%):
    #   A: 20 + 10 + 10/100 x 30 = 3 + 40 = 73;  B: 8 + 4 + 50/100 x 30 = 15 + 40 = 67;  C: 0 + 4 + 30 + 20 = 54
    # No one-step change of A or B closes the 6-point gap (steps are 4 and 2 points). But C's Q2 from 2 to 1
    # excludes C, and the highest VCSE share becomes B's 50%:
    #   A: 20 + 10 + 10/50 x 30 = 6 + 40 = 76;  B: 8 + 4 + 30 + 40 = 82  -> B first.
    change = sensitivity(PIVOT, bids, consensus).score_change
    assert change is not None
    assert (change.bid_id, change.criterion_id, change.score_from, change.score_to) == ("c", "q2", 2, 1)
    assert change.effect == "excludes" and change.leaders_after == ("b",)


def test_admitting_a_bid_excluded_by_a_minimum_alone() -> None:
    r = rubric(
        section(
            "quality", SectionCategory.QUALITY, scored("q1", 50), scored("q2", 10, minimum=2, title="Safeguarding")
        ),
        section("price", SectionCategory.PRICE, price(40)),
    )
    # A: 4/5 x 50 = 40 + 3/5 x 10 = 6 + 40 = 86, the only compliant bid. D scored 1 on Q2, below the minimum.
    # Raising D's Q2 to 2 admits D: 50 + 4 + 40 = 94 -> D first. (D's £100,000 equals A's: no field moves.)
    bids = [bid("a", 100000), bid("d", 100000)]
    consensus = {("a", "q1"): 4, ("a", "q2"): 3, ("d", "q1"): 5, ("d", "q2"): 1}
    finding = sensitivity(r, bids, consensus)
    change = finding.score_change
    assert change is not None
    assert (change.bid_id, change.score_from, change.score_to, change.effect) == ("d", 1, 2, "admits")
    assert "raising Bidder D's consensus score on 'Safeguarding' from 1 to 2 would admit Bidder D (it reaches " \
           "the minimum of 2) and make Bidder D first" in finding.summary
    # Admitted at £80,000 instead, D also sets a new lowest price: A's price points fall to 80/100 x 40 = 32.
    cheaper = [bid("a", 100000), bid("d", 80000)]
    change = sensitivity(r, cheaper, consensus).score_change
    assert change is not None and (change.bid_id, change.score_to, change.leaders_after) == ("d", 2, ("d",))


def test_robust() -> None:
    r = rubric(
        section("quality", SectionCategory.QUALITY, scored("q1", 50), scored("q2", 10)),
        section("price", SectionCategory.PRICE, price(40)),
    )
    # A: 50 + 10 + 40 = 100, every section's share is 1. B: 0 + 2/5 x 10 = 4 + 100k/200k x 40 = 20 -> 24.
    # Weight: A's total stays 100 whatever moves; B gains at most (1/2 - 4/60) per point moved to price,
    # 0.4333 x 60 = 26 < 76. Scores: A's Q1 to 0 leaves 50 > 24 + 0; B's Q1 to 5 gives 74 < 100.
    finding = sensitivity(r, [bid("a", 100000), bid("b", 200000)], {("a", "q1"): 5, ("a", "q2"): 5,
                                                                      ("b", "q1"): 0, ("b", "q2"): 2})
    assert finding.robust and finding.weight_shift is None and finding.score_change is None
    assert finding.summary == (
        "Robust: no transfer of weight between sections up to their full weight, and no single change of one "
        "consensus score, changes the winner."
    )


def test_level_on_total_any_transfer_at_all_can_change_the_winner() -> None:
    r = rubric(
        section("quality", SectionCategory.QUALITY, scored("q1", 60)),
        section("price", SectionCategory.PRICE, price(40)),
    )
    # A: Q1 2/5 x 60 = 24, price lowest 40 -> 64.   B: Q1 4/5 x 60 = 48, price 100k/250k x 40 = 16 -> 64.
    # Level on total; the quality tie-break puts B first. Moving t points from quality to price:
    #   A: 24 (1 - t/60) + 40 (1 + t/40) = 64 + 0.6 t;   B: 48 (1 - t/60) + 16 (1 + t/40) = 64 - 0.4 t
    # so any amount at all, however small, makes A first.
    bids = [bid("a", 100000), bid("b", 250000)]
    finding = sensitivity(r, bids, {("a", "q1"): 2, ("b", "q1"): 4})
    shift = finding.weight_shift
    assert shift is not None
    assert (shift.from_section, shift.to_section, shift.points, shift.beyond) == ("quality", "price", 0, True)
    assert shift.leaders_before == ("b",) and shift.leaders_after == ("a",)
    assert finding.summary.startswith(
        "Fragile: moving any amount of weight from Quality to Price would make Bidder A first;"
    )


def test_bids_sharing_first_place() -> None:
    r = rubric(
        section("quality", SectionCategory.QUALITY, scored("q1", 60)),
        section("price", SectionCategory.PRICE, price(40)),
        tie_break=(),
    )
    # As above, A and B both total 64; with no tie-break keys published they share first place.
    bids = [bid("a", 100000), bid("b", 250000)]
    finding = sensitivity(r, bids, {("a", "q1"): 2, ("b", "q1"): 4})
    shift, change = finding.weight_shift, finding.score_change
    assert shift is not None and change is not None
    # any transfer parts them: the first pair in rubric order is quality -> price, which favours A
    assert (shift.points, shift.beyond, shift.leaders_before, shift.leaders_after) == (0, True, ("a", "b"), ("a",))
    # one step either way for either bid parts them; A (placed first, by bid id) 2 -> 1 is the lower new score
    assert (change.bid_id, change.score_from, change.score_to, change.leaders_after) == ("a", 2, 1, ("b",))
    assert "would make Bidder A first on its own" in finding.summary  # the weight transfer's outcome
    assert "changes who is ranked first" not in finding.summary


def test_sensitivity_needs_a_final_result() -> None:
    with pytest.raises(ScoringError, match="final result only; 1 consensus score"):
        sensitivity(QP, QP_BIDS, {("a", "q1"): 3})


def test_no_compliant_bid() -> None:
    r = rubric(section("quality", SectionCategory.QUALITY, scored("q1", 60, minimum=3)),
               section("price", SectionCategory.PRICE, price(40)))
    finding = sensitivity(r, [bid("a", 0)], {("a", "q1"): 5})
    assert finding.robust
    assert finding.summary.startswith("No bid is compliant")
