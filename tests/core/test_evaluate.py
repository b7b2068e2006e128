"""evaluate(): a worked example by hand, every exclusion, flags, the provisional state, and refused input."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tenderscore.core import (
    Consensus,
    ExclusionCode,
    FlagCode,
    ScoringError,
    SectionCategory,
    evaluate,
)

from .builders import D, bid, commitment, gate, price, rubric, scored, section

RUBRIC = rubric(
    section("gates", SectionCategory.COMPLIANCE,
            gate("pf_msa", title="Modern Slavery Act statement"),
            gate("pf_insurance", title="Insurance cover")),
    section("quality", SectionCategory.QUALITY,
            scored("q1", 30, minimum=2, title="Accommodation pathway"),
            scored("q2", 30, title="Education, training and employment pathway")),
    section("social", SectionCategory.SOCIAL_VALUE,
            commitment("sv_vcse", 10, "vcse_share", minimum=15, title="Delivery through VCSE organisations"),
            commitment("sv_jobs", 10, "jobs", "linear", floor=0, target=4, title="Jobs for people with convictions")),
    section("price", SectionCategory.PRICE, price(20)),
)
YES = {"pf_msa": True, "pf_insurance": True}

BIDS = [
    bid("a", 500000, declarations=YES, sv_vcse=20, sv_jobs=2),
    bid("b", 400000, declarations=YES, sv_vcse=25, sv_jobs=5),
    bid("c", 450000, declarations={"pf_msa": False, "pf_insurance": True}, sv_vcse="14.2", sv_jobs=3),
    bid("d", 300000, declarations=YES, sv_vcse=30, sv_jobs=1),
    bid("e", None, declarations={"pf_msa": True}, sv_vcse=15, sv_jobs=1),
]
CONSENSUS = {
    ("a", "q1"): 4, ("a", "q2"): 3,
    ("b", "q1"): 3, ("b", "q2"): Consensus(3, "meets the requirement with some detail"),
    ("c", "q1"): 5, ("c", "q2"): 5,
    ("d", "q1"): 1, ("d", "q2"): 5,
}


def test_worked_example() -> None:
    e = evaluate(RUBRIC, BIDS, CONSENSUS)
    a, b = e.result("a"), e.result("b")
    # Compliant: A and B. C (MSA "No", VCSE 14.2% < 15%), D (Q1 1 < minimum 2), E (no price, no insurance answer)
    # are excluded, so the relative formulas see only A and B: highest VCSE share 25%, lowest price £400,000.
    # A: Q1 4/5 x 30 = 24; Q2 3/5 x 30 = 18; VCSE 20/25 x 10 = 8; jobs (2 - 0)/(4 - 0) x 10 = 5;
    #    price 400,000/500,000 x 20 = 16.                              total 24 + 18 + 8 + 5 + 16 = 71
    assert a.points == {"pf_msa": 0, "pf_insurance": 0, "q1": 24, "q2": 18, "sv_vcse": 8, "sv_jobs": 5, "price": 16}
    assert a.total == D(71)
    assert a.section_points == {"gates": 0, "quality": 42, "social": 13, "price": 16}
    assert a.category_points[SectionCategory.QUALITY] == 42
    # B: Q1 3/5 x 30 = 18; Q2 18; VCSE 25/25 x 10 = 10; jobs 5 >= target 4: 10; price lowest: 20.
    #                                                                 total 18 + 18 + 10 + 10 + 20 = 76
    assert b.total == D(76)
    assert (b.rank, a.rank) == (1, 2)
    assert [r.bid_id for r in e.results] == ["b", "a", "c", "d", "e"]
    assert e.winner is b and not e.provisional
    # D's £300,000 would have set the lowest price had D been compliant; it did not (B earns the full 20)
    assert b.points["price"] == 20


def test_every_exclusion_is_listed_in_plain_words() -> None:
    e = evaluate(RUBRIC, BIDS, CONSENSUS)
    c, d, ex = e.result("c"), e.result("d"), e.result("e")
    assert [(x.criterion_id, x.code) for x in c.exclusions] == [
        ("pf_msa", ExclusionCode.DECLARATION_FAILED),
        ("sv_vcse", ExclusionCode.COMMITMENT_BELOW_MINIMUM),
    ]
    assert c.exclusions[0].reason == (
        "The answer to the pass/fail question 'Modern Slavery Act statement' was 'No'; the tender requires 'Yes'."
    )
    assert c.exclusions[1].reason == (
        "VCSE share 14.2% is below the mandatory minimum of 15% for 'Delivery through VCSE organisations'."
    )
    assert [x.reason for x in d.exclusions] == [
        "The consensus score for 'Accommodation pathway' is 1 out of 5, below the minimum of 2."
    ]
    assert [(x.criterion_id, x.code) for x in ex.exclusions] == [
        ("pf_insurance", ExclusionCode.DECLARATION_MISSING),
        ("price", ExclusionCode.PRICE_MISSING),
    ]
    assert ex.exclusions[0].reason == (
        "The pass/fail question 'Insurance cover' was not answered; the tender requires the answer 'Yes'."
    )
    assert ex.exclusions[1].reason == "No total price was given for 'Total price'; a bid must state its total price."
    for excluded in (c, d, ex):
        assert not excluded.compliant and excluded.rank is None and excluded.total == 0
        assert set(excluded.points.values()) == {D(0)}
    assert e.excluded == (c, d, ex)


def test_commitment_gates_missing_negative_and_price_not_positive() -> None:
    bids = [
        bid("a", 500000, declarations=YES, sv_jobs=2),  # no VCSE share at all, though 15% is mandatory
        bid("b", 0, declarations=YES, sv_vcse=20, sv_jobs="-1"),
        bid("c", 400000, declarations=YES, sv_vcse=15),  # an optional commitment left blank: 0 points, compliant
    ]
    e = evaluate(RUBRIC, bids, {})
    assert [x.reason for x in e.result("a").exclusions] == [
        "No VCSE share was committed for 'Delivery through VCSE organisations'; the mandatory minimum is 15%."
    ]
    assert [(x.code, x.reason) for x in e.result("b").exclusions] == [
        (ExclusionCode.COMMITMENT_NEGATIVE,
         "Jobs for people with convictions -1 FTE committed for 'Jobs for people with convictions' is negative; "
         "a commitment cannot be below 0."),
        (ExclusionCode.PRICE_NOT_POSITIVE,
         "The total price £0 is not above £0; a bid must state a positive total price."),
    ]
    c = e.result("c")
    assert c.compliant and c.points["sv_jobs"] == 0
    # exactly at the mandatory minimum passes: 15 is not below 15
    assert c.points["sv_vcse"] == 10


def test_a_pass_fail_question_expecting_no() -> None:
    r = replace(RUBRIC, sections=(
        section("gates", SectionCategory.COMPLIANCE, gate("pf_conflict", expected=False, title="Undeclared conflict")),
        *RUBRIC.sections[1:],
    ))
    bids = [bid("a", 1, declarations={"pf_conflict": True}, sv_vcse=20)]
    (x,) = evaluate(r, bids, {}).result("a").exclusions
    assert x.reason == "The answer to the pass/fail question 'Undeclared conflict' was 'Yes'; the tender requires 'No'."


def test_provisional_until_every_compliant_scored_criterion_has_consensus() -> None:
    partial = {k: v for k, v in CONSENSUS.items() if k not in {("b", "q2"), ("d", "q1")}}
    e = evaluate(RUBRIC, BIDS, partial)
    # D's Q1 minimum cannot be applied without its consensus, so D stays compliant (provisionally) with Q1 at 0
    assert e.provisional
    assert e.missing_consensus == (("d", "q1"), ("b", "q2"))
    assert e.winner is None
    b, d = e.result("b"), e.result("d")
    assert b.points["q2"] == 0
    assert [f.code for f in b.flags] == [FlagCode.CONSENSUS_MISSING]
    assert b.flags[0].message == (
        "No consensus score has been recorded for 'Education, training and employment pathway'; it counts as 0 "
        "until it is, and the result is provisional."
    )
    assert d.compliant and d.points["q1"] == 0
    # missing consensus for an excluded bid does not hold the result back
    done = {k: v for k, v in CONSENSUS.items() if k != ("c", "q2")}
    assert not evaluate(RUBRIC, BIDS, done).provisional


def test_abnormally_low_price_is_flagged_against_the_compliant_median() -> None:
    bids = [bid(i, p, declarations=YES, sv_vcse=20) for i, p in
            (("a", 200000), ("b", 500000), ("c", 520000), ("d", 600000))]
    bids.append(bid("x", 1000, declarations=YES, sv_vcse=1))  # excluded: its price is not in the median
    # compliant prices 200k, 500k, 520k, 600k: median (500,000 + 520,000) / 2 = 510,000; x 0.8 = 408,000
    e = evaluate(RUBRIC, bids, {})
    flagged = {r.bid_id for r in e.results if r.flagged(FlagCode.ABNORMALLY_LOW_PRICE)}
    assert flagged == {"a"}
    assert e.result("a").flagged(FlagCode.ABNORMALLY_LOW_PRICE)[0].message == (
        "The price £200,000 is below 80% of the median compliant price £510,000, that is below £408,000; ask the "
        "bidder to explain it before any decision."
    )
    # a criterion's own share wins over the rubric default: 0.35 x 510,000 = 178,500, and 200,000 is not below it
    own_share = section("price", SectionCategory.PRICE, price(20, low_share="0.35"))
    quiet = replace(RUBRIC, sections=(*RUBRIC.sections[:3], own_share))
    assert not any(r.flagged(FlagCode.ABNORMALLY_LOW_PRICE) for r in evaluate(quiet, bids, {}).results)
    # a flag never changes points or rank
    assert e.result("a").rank == 1


def test_evaluator_spread_of_two_steps_is_flagged() -> None:
    panels = {("a", "q1"): [2, 4, 3], ("a", "q2"): [3, 4], ("b", "q1"): [0, 5]}
    e = evaluate(RUBRIC, BIDS, CONSENSUS, panels)
    spreads = {(r.bid_id, f.criterion_id) for r in e.results for f in r.flagged(FlagCode.EVALUATOR_SPREAD)}
    assert spreads == {("a", "q1"), ("b", "q1")}
    assert e.result("a").flagged(FlagCode.EVALUATOR_SPREAD)[0].message == (
        "Evaluators' scores for 'Accommodation pathway' range from 2 to 4 (2 steps apart); discuss them before "
        "recording the consensus."
    )
    # individual scores never change points: consensus is what counts
    assert e.result("a").total == evaluate(RUBRIC, BIDS, CONSENSUS).result("a").total


def test_vcse_share_is_computed_and_a_disagreement_flagged() -> None:
    r = replace(RUBRIC, vcse_criterion="sv_vcse")
    bids = [
        bid("a", 500000, declarations=YES, sv_vcse=20, partners=(("Restore Trust", 60000), ("Women's Centre", 40000))),
        bid("b", 500000, declarations=YES, sv_vcse=20, partners=(("Restore Trust", 97000),)),
    ]
    e = evaluate(r, bids, {})
    # A: (60,000 + 40,000) / 500,000 x 100 = 20%: agrees with the stated 20%
    assert e.result("a").vcse_share == 20 and not e.result("a").flagged(FlagCode.VCSE_SHARE_DISAGREEMENT)
    # B: 97,000 / 500,000 x 100 = 19.4%: 0.6 points from the stated 20%, more than 0.5
    (flag,) = e.result("b").flagged(FlagCode.VCSE_SHARE_DISAGREEMENT)
    assert e.result("b").vcse_share == D("19.4")
    assert flag.code is FlagCode.VCSE_SHARE_DISAGREEMENT and flag.criterion_id == "sv_vcse"
    assert "19.40%" in flag.message and "20%" in flag.message
    assert evaluate(RUBRIC, bids[:1], {}).result("a").vcse_share == 20  # partners listed, no VCSE criterion


@pytest.mark.parametrize(
    ("consensus", "message"),
    [
        ({("a", "q1"): 2.5}, r"bid 'a', criterion 'q1': consensus score 2.5 is not a whole step of the scale"),
        ({("a", "q1"): D(3)}, r"bid 'a', criterion 'q1': consensus score Decimal\('3'\) is not a whole step"),
        ({("a", "q1"): True}, r"bid 'a', criterion 'q1': consensus score True is not a whole step"),
        ({("a", "q1"): 6}, r"bid 'a', criterion 'q1': consensus score 6 is outside the scale 0 to 5"),
        ({("a", "q1"): Consensus(-1)}, r"consensus score -1 is outside the scale 0 to 5"),
        ({("zz", "q1"): 3}, r"consensus given for bid 'zz', which is not among the bids evaluated"),
        ({("a", "pf_msa"): 3}, r"criterion 'pf_msa', which is not a scored criterion of this rubric"),
        ({("a", "nope"): 3}, r"criterion 'nope', which is not a scored criterion"),
    ],
)
def test_bad_consensus_is_refused_naming_bid_and_criterion(consensus: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ScoringError, match=message):
        evaluate(RUBRIC, BIDS, consensus)


def test_bad_evaluator_scores_are_refused() -> None:
    with pytest.raises(ScoringError, match=r"bid 'a', criterion 'q1': evaluator score 7 is outside the scale"):
        evaluate(RUBRIC, BIDS, {}, {("a", "q1"): [3, 7]})
    with pytest.raises(ScoringError, match="must be a list of scores"):
        evaluate(RUBRIC, BIDS, {}, {("a", "q1"): 3})  # type: ignore[dict-item]


def test_bad_bids_are_refused() -> None:
    with pytest.raises(ScoringError, match="bid 'a' is given twice"):
        evaluate(RUBRIC, [BIDS[0], BIDS[0]], {})
    floaty = replace(BIDS[0], price=500000.0)
    with pytest.raises(ScoringError, match=r"bid 'a': price must be a Decimal, not float 500000.0"):
        evaluate(RUBRIC, [floaty], {})
    nan = replace(BIDS[0], commitments={"sv_vcse": D("NaN")})
    with pytest.raises(ScoringError, match=r"criterion 'sv_vcse': committed value must be a finite number"):
        evaluate(RUBRIC, [nan], {})
    wordy = replace(BIDS[0], declarations={"pf_msa": "yes"})
    with pytest.raises(ScoringError, match="a declaration must be true or false"):
        evaluate(RUBRIC, [wordy], {})


def test_an_invalid_rubric_is_refused() -> None:
    lopsided = replace(RUBRIC, sections=RUBRIC.sections[:3])  # no price section: weights sum to 80
    with pytest.raises(ScoringError, match="criterion weights sum to 80; they must sum to exactly 100"):
        evaluate(lopsided, BIDS, {})


def test_no_bids_and_no_compliant_bids() -> None:
    empty = evaluate(RUBRIC, [], {})
    assert empty.results == () and empty.winner is None and not empty.provisional
    none = evaluate(RUBRIC, BIDS[2:3], {})
    assert none.ranked == () and none.leaders == () and none.winner is None


def test_results_do_not_depend_on_the_caller_decimal_context() -> None:
    from decimal import localcontext

    expected = evaluate(RUBRIC, BIDS, CONSENSUS)
    with localcontext() as ctx:
        ctx.prec = 3
        assert evaluate(RUBRIC, BIDS, CONSENSUS) == expected
