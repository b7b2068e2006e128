"""A rubric against a commissioner's policy: every breach in plain words, and raising thresholds in one step."""

from __future__ import annotations

from tenderscore.core import (
    MandatoryCommitment,
    Policy,
    Rubric,
    SectionCategory,
    apply_policy_thresholds,
    check_policy,
    rubric_problems,
)

from .builders import D, commitment, gate, price, rubric, scored, section

PROBATION = Policy(
    "probation-south-west",
    "Probation South West commissioning policy",
    min_social_value_weight=D(10),
    mandatory_commitments=(MandatoryCommitment("vcse_share", D(15)),),
    required_criteria=("pf_modern_slavery",),
)


def rubric_with(sv_weight: int, *, vcse_minimum: int | None, gates: bool = True, vcse: bool = True) -> Rubric:
    social = [commitment("sv_vcse", sv_weight, "vcse_share", minimum=vcse_minimum)] if vcse else [
        commitment("sv_jobs", sv_weight, "jobs")
    ]
    sections = [
        section("quality", SectionCategory.QUALITY, scored("q1", 80 - sv_weight)),
        section("social", SectionCategory.SOCIAL_VALUE, *social),
        section("price", SectionCategory.PRICE, price(20)),
    ]
    if gates:
        sections.insert(0, section("gates", SectionCategory.COMPLIANCE, gate("pf_modern_slavery")))
    return rubric(*sections)


def test_a_rubric_meeting_the_policy_has_no_breach() -> None:
    assert check_policy(rubric_with(12, vcse_minimum=15), PROBATION) == []
    assert check_policy(rubric_with(10, vcse_minimum=20), PROBATION) == []


def test_every_breach_is_listed_in_plain_words() -> None:
    breaches = check_policy(rubric_with(8, vcse_minimum=10, gates=False), PROBATION)
    assert [(b.code, b.message) for b in breaches] == [
        ("social_value_weight",
         "Social-value criteria carry 8% of the score; the policy requires at least 10%."),
        ("commitment_threshold",
         "No commitment on measure 'vcse_share' has a mandatory minimum of at least 15% (the highest set is 10%)."),
        ("criterion_missing",
         "The policy requires criterion 'pf_modern_slavery', which the rubric does not contain."),
    ]


def test_a_commitment_without_any_minimum_or_no_commitment_at_all() -> None:
    (no_minimum,) = check_policy(rubric_with(12, vcse_minimum=None), PROBATION)
    assert no_minimum.message == "No commitment on measure 'vcse_share' has a mandatory minimum of at least 15%."
    (missing,) = check_policy(rubric_with(12, vcse_minimum=None, vcse=False), PROBATION)
    assert missing.code == "commitment_missing"
    assert missing.message == (
        "The rubric has no commitment on measure 'vcse_share'; the policy requires one with a mandatory minimum "
        "of at least 15%."
    )


def test_apply_policy_thresholds_raises_never_lowers() -> None:
    low = rubric_with(12, vcse_minimum=10)
    fixed = apply_policy_thresholds(low, PROBATION)
    assert fixed.criterion("sv_vcse").mandatory_minimum == 15
    assert check_policy(fixed, PROBATION) == [] and rubric_problems(fixed) == []
    high = rubric_with(12, vcse_minimum=25)
    assert apply_policy_thresholds(high, PROBATION) == high
    # it cannot invent a commitment: that breach stays for the officer
    absent = rubric_with(12, vcse_minimum=None, vcse=False)
    assert [b.code for b in check_policy(apply_policy_thresholds(absent, PROBATION), PROBATION)] == [
        "commitment_missing"
    ]
