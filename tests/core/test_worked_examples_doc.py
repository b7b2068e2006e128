"""The worked examples of docs/scoring.md, checked against the core with the document's own numbers.

If one of these fails, either the core changed a rule or the document is wrong: fix whichever is wrong, and keep
the two in step (docs/scoring.md, "Worked examples").
"""

from __future__ import annotations

from fractions import Fraction

from tenderscore.core import (
    Consensus,
    ExclusionCode,
    Field,
    FlagCode,
    SectionCategory,
    display,
    evaluate,
    method,
    needs_discussion,
    score_spread,
    sensitivity,
    vcse_share,
    vcse_share_disagreement,
)
from tenderscore.core.numbers import to_decimal
from tenderscore.core.rubric import Band, Criterion, CriterionKind

from .builders import D, bid, commitment, price, rubric, scored, section

# --- Example 1: gates first, relative formulas over the compliant set, totals, display ---------------------------

EXAMPLE_1 = rubric(
    section("quality", SectionCategory.QUALITY, scored("q_plan", 40, minimum=2, title="Delivery plan")),
    section("social", SectionCategory.SOCIAL_VALUE,
            commitment("sv_vcse", 20, "vcse_share", minimum=15, title="VCSE share of the contract")),
    section("price", SectionCategory.PRICE, price(40)),
    vcse_criterion="sv_vcse",
)  # fmt: skip
EXAMPLE_1_BIDS = [
    bid("A", 1_000_000, bidder="Aire Partnership", partners=(("Aire Food Bank", 200_000),), sv_vcse=20),
    bid("B", 1_200_000, bidder="Brook Consortium", partners=(("Brook Mentors", 300_000),), sv_vcse=25),
    bid("C", 800_000, bidder="Calder Services", partners=(("Calder Recovery", 112_000),), sv_vcse=14),
]
EXAMPLE_1_CONSENSUS = {
    ("A", "q_plan"): Consensus(4, "Meets the requirement fully."),
    ("B", "q_plan"): Consensus(5, "Exceeds the requirement."),
    ("C", "q_plan"): Consensus(3, "Meets the requirement with minor weaknesses."),
}
EXAMPLE_1_PANELS = {("A", "q_plan"): [2, 4, 4], ("B", "q_plan"): [4, 5, 5], ("C", "q_plan"): [3, 3, 3]}


def test_example_1_points_totals_and_ranks() -> None:
    evaluation = evaluate(EXAMPLE_1, EXAMPLE_1_BIDS, EXAMPLE_1_CONSENSUS, EXAMPLE_1_PANELS)
    a, b, c = (evaluation.result(x) for x in "ABC")

    # C commits 14% against a mandatory 15%: excluded, 0 everywhere, never ranked
    assert not c.compliant and c.rank is None and c.total == 0
    assert [e.code for e in c.exclusions] == [ExclusionCode.COMMITMENT_BELOW_MINIMUM]
    assert evaluation.excluded == (c,)

    # A: 4/5 x 40 = 32; 20/25 x 20 = 16 (B's 25% is the highest compliant share); 1,000,000/1,000,000 x 40 = 40
    assert a.points == {"q_plan": D(32), "sv_vcse": D(16), "price": D(40)}
    assert a.total == D(88)
    # B: 5/5 x 40 = 40; 25/25 x 20 = 20; 1,000,000/1,200,000 x 40 = 33.333... (C's £800,000 does not count)
    assert (b.points["q_plan"], b.points["sv_vcse"]) == (D(40), D(20))
    assert Fraction(b.points["price"]) != Fraction(100, 3)  # carried as a 50-digit Decimal, not exactly 100/3
    assert abs(Fraction(b.points["price"]) - Fraction(100, 3)) < Fraction(1, 10**47)
    assert display(b.points["price"]) == "33.33"
    assert display(b.total) == "93.33"
    assert Fraction(b.total) == sum(Fraction(p) for p in b.points.values())  # the exact sum of the points
    assert b.category_points[SectionCategory.QUALITY] == D(40)

    assert [(r.bid_id, r.rank) for r in evaluation.ranked] == [("B", 1), ("A", 2)]
    assert evaluation.winner == b and not evaluation.provisional


def test_example_1_flags() -> None:
    evaluation = evaluate(EXAMPLE_1, EXAMPLE_1_BIDS, EXAMPLE_1_CONSENSUS, EXAMPLE_1_PANELS)
    a, b = evaluation.result("A"), evaluation.result("B")
    # evaluators 2, 4, 4: two steps apart, flagged; 4, 5, 5: one step, not flagged
    assert [f.code for f in a.flags] == [FlagCode.EVALUATOR_SPREAD]
    assert b.flags == ()
    assert score_spread([2, 4, 4]) == 2 and needs_discussion([2, 4, 4])
    assert score_spread([4, 5, 5]) == 1 and not needs_discussion([4, 5, 5])
    # median compliant price (1,000,000 + 1,200,000) / 2 = 1,100,000; 80% of it is 880,000: nobody is below it
    assert not any(f.code is FlagCode.ABNORMALLY_LOW_PRICE for r in evaluation.results for f in r.flags)
    assert a.vcse_share == D(20) and b.vcse_share == D(25)


def test_example_1_provisional_while_a_consensus_is_missing() -> None:
    partial = {k: v for k, v in EXAMPLE_1_CONSENSUS.items() if k != ("B", "q_plan")}
    evaluation = evaluate(EXAMPLE_1, EXAMPLE_1_BIDS, partial)
    b = evaluation.result("B")
    assert evaluation.provisional and evaluation.missing_consensus == (("B", "q_plan"),)
    assert b.points["q_plan"] == 0 and display(b.total) == "53.33"  # 0 + 20 + 33.33 meanwhile
    assert evaluation.winner is None  # A leads on 88, but nothing is awarded while provisional
    assert [r.bid_id for r in evaluation.leaders] == ["A"]


def test_example_1_sensitivity() -> None:
    finding = sensitivity(EXAMPLE_1, EXAMPLE_1_BIDS, EXAMPLE_1_CONSENSUS)
    shift, change = finding.weight_shift, finding.score_change
    assert shift is not None and change is not None and not finding.robust
    # gap 16/3 closes at 11/30 of a point per point moved from Quality to Price: t = 160/11 = 14.5454...
    assert (shift.from_section, shift.to_section) == ("quality", "price")
    assert abs(Fraction(shift.points) - Fraction(160, 11)) < Fraction(1, 10**47)
    assert shift.beyond  # at exactly 160/11 the totals are level and B still has more quality points
    assert (shift.leaders_before, shift.leaders_after) == (("B",), ("A",))
    # B's 5 lowered to 4: 32 + 20 + 33.33 = 85.33 < 88
    assert (change.bid_id, change.criterion_id, change.score_from, change.score_to) == ("B", "q_plan", 5, 4)
    assert change.effect is None and change.steps == 1
    assert finding.summary == (
        "Fragile: moving 14.55 points of weight from Quality to Price would make Aire Partnership first; "
        "lowering Brook Consortium's consensus score on 'Delivery plan' from 5 to 4 would make Aire Partnership "
        "first."
    )


# --- Example 2: ties on total, the published tie-break, shared ranks ---------------------------------------------

EXAMPLE_2 = rubric(
    section("quality", SectionCategory.QUALITY, scored("q_service", 50)),
    section("price", SectionCategory.PRICE, price(50)),
)
EXAMPLE_2_BIDS = [bid("P", 100_000), bid("Q", 125_000), bid("R", 100_000), bid("S", 200_000)]
EXAMPLE_2_CONSENSUS = {("P", "q_service"): 3, ("Q", "q_service"): 4, ("R", "q_service"): 3, ("S", "q_service"): 2}


def test_example_2_tie_break_and_competition_ranking() -> None:
    evaluation = evaluate(EXAMPLE_2, EXAMPLE_2_BIDS, EXAMPLE_2_CONSENSUS)
    totals = {r.bid_id: r.total for r in evaluation.results}
    assert totals == {"P": D(80), "Q": D(80), "R": D(80), "S": D(45)}  # S: 20 + 50 x 100,000/200,000 = 25
    assert evaluation.result("Q").points == {"q_service": D(40), "price": D(40)}
    assert evaluation.result("P").points == {"q_service": D(30), "price": D(50)}
    # Q wins the tie on quality (40 > 30); P and R are equal on every key and share 2nd; S is 4th, not 3rd
    assert [(r.bid_id, r.rank) for r in evaluation.results] == [("Q", 1), ("P", 2), ("R", 2), ("S", 4)]
    assert evaluation.winner is not None and evaluation.winner.bid_id == "Q"


def test_example_2_a_tie_for_first_has_no_winner() -> None:
    without_q = [b for b in EXAMPLE_2_BIDS if b.bid_id != "Q"]
    evaluation = evaluate(EXAMPLE_2, without_q, {k: v for k, v in EXAMPLE_2_CONSENSUS.items() if k[0] != "Q"})
    assert [(r.bid_id, r.rank) for r in evaluation.results] == [("P", 1), ("R", 1), ("S", 3)]
    assert evaluation.winner is None


def test_example_2_with_proportional_deviation() -> None:
    deviation = rubric(
        section("quality", SectionCategory.QUALITY, scored("q_service", 50)),
        section("price", SectionCategory.PRICE, price(50, "proportional_deviation")),
    )
    evaluation = evaluate(deviation, EXAMPLE_2_BIDS, EXAMPLE_2_CONSENSUS)
    # Q: 50 x (1 - 25,000/100,000) = 37.5; S: 50 x (1 - 100,000/100,000) = 0
    assert evaluation.result("Q").points["price"] == D("37.5")
    assert evaluation.result("S").points["price"] == 0
    assert [(r.bid_id, r.rank) for r in evaluation.results] == [("P", 1), ("R", 1), ("Q", 3), ("S", 4)]


# --- Example 3: the VCSE cross-check, and which figure the mandatory minimum reads --------------------------------

PARTNERS_3 = (("Wharfe Women's Centre", 180_000), ("Tees Recovery Network", 110_000))


def test_example_3_vcse_share_and_tolerance() -> None:
    partners = bid("V", 2_000_000, partners=PARTNERS_3).vcse_partners
    assert vcse_share(partners, D(2_000_000)) == D("14.5")  # 290,000 / 2,000,000 x 100
    assert vcse_share_disagreement(D(15), partners, D(2_000_000)) is None  # 0.5 apart: agrees
    assert vcse_share_disagreement(D(14), partners, D(2_000_000)) is None
    message = vcse_share_disagreement(D("15.1"), partners, D(2_000_000))  # 0.6 apart
    assert message is not None and "15.1%" in message and "14.50%" in message


def test_example_3_the_mandatory_minimum_reads_the_stated_share() -> None:
    stated_15 = bid("V", 2_000_000, partners=PARTNERS_3, sv_vcse=15)
    evaluation = evaluate(EXAMPLE_1, [stated_15], {("V", "q_plan"): 3})
    result = evaluation.result("V")
    assert result.compliant and result.vcse_share == D("14.5")  # computed 14.5% < 15%, yet not excluded
    assert result.flags == ()


# --- The methods' small examples ----------------------------------------------------------------------------------


def test_linear_and_banded_examples() -> None:
    jobs = Criterion("sv_jobs", "Jobs", CriterionKind.COMMITMENT, D(5), method="linear", measure="jobs",
                     floor=D(0), target=D(6))  # fmt: skip
    linear = method("linear")
    assert linear.fraction(D(4), Field(), jobs) == Fraction(2, 3)  # 4/6 of 5 points: 3.33
    assert display(to_decimal(5 * linear.fraction(D(4), Field(), jobs))) == "3.33"
    assert linear.fraction(D(8), Field(), jobs) == 1  # capped at the target
    assert linear.fraction(D(0), Field(), jobs) == 0
    weeks = Criterion("sv_weeks", "Apprenticeship weeks", CriterionKind.COMMITMENT, D(5), method="banded",
                      measure="weeks", bands=(Band(D(52), D("0.4")), Band(D(104), D("0.7")), Band(D(156), D(1))))
    banded = method("banded")
    assert banded.fraction(D(120), Field(), weeks) == Fraction(7, 10)  # 3.5 of 5 points
    assert banded.fraction(D(51), Field(), weeks) == 0
