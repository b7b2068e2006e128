"""Rubric files: the shipped rubrics load; every error names its field's path; snapshots round-trip and hash stably."""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from tenderscore.core import CriterionKind, SectionCategory, Unit, check_policy, evaluate
from tenderscore.core.policy import MandatoryCommitment, Policy
from tenderscore.rubric_files import (
    RubricError,
    load_rubric_file,
    load_rubric_text,
    rubric_from_dict,
    rubric_hash,
    rubric_to_dict,
    summarise,
)

RUBRICS = Path(__file__).resolve().parent.parent / "rubrics"
SHIPPED = sorted(RUBRICS.glob("*.yaml"))

SMALL = """
id: small
title: Small rubric
scale:
  maximum: 5
  levels: [{score: 0, descriptor: none}, {score: 1, descriptor: poor}, {score: 2, descriptor: limited},
           {score: 3, descriptor: satisfactory}, {score: 4, descriptor: good}, {score: 5, descriptor: excellent}]
measures:
  - {id: vcse_share, name: VCSE share, unit: percent}
  - {id: jobs, name: Jobs, unit: fte}
vcse_criterion: sv_vcse
sections:
  - id: gates
    title: Gates
    category: compliance
    criteria:
      - {id: pf_msa, title: Modern Slavery Act statement, kind: pass_fail}
  - id: quality
    title: Quality
    category: quality
    criteria:
      - {id: q1, title: Q1, kind: scored, weight: 30, minimum: 2}
      - {id: q2, title: Q2, kind: scored, weight: 20}
      - {id: q3, title: Q3, kind: scored, weight: 10}
  - id: social
    title: Social value
    category: social_value
    criteria:
      - {id: sv_vcse, title: VCSE, kind: commitment, weight: 10, measure: vcse_share, mandatory_minimum: 15}
      - id: sv_jobs
        title: Jobs
        kind: commitment
        weight: 5
        measure: jobs
        method: banded
        bands: [{at_least: 1, share: 0.5}, {at_least: 3, share: 1}]
      - {id: sv_jobs_linear, title: Jobs again, kind: commitment, weight: 5, measure: jobs, method: linear,
         floor: 0, target: 4}
  - id: price
    title: Price
    category: price
    criteria:
      - {id: price, title: Price, kind: price, weight: 20}
"""


def small() -> dict[str, Any]:
    data = yaml.safe_load(SMALL)
    assert isinstance(data, dict)
    return data


def errors_of(data: object) -> list[str]:
    with pytest.raises(RubricError) as caught:
        rubric_from_dict(data)
    return caught.value.errors


def set_at(data: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    """A copy of ``data`` with the field at ``path`` (``sections[1].criteria[0].weight``) set to ``value``."""
    changed = copy.deepcopy(data)
    steps = re.findall(r"\w+|\[\d+\]", path)
    target: Any = changed
    for step in steps[:-1]:
        target = target[int(step[1:-1])] if step.startswith("[") else target[step]
    last = steps[-1]
    target[int(last[1:-1]) if last.startswith("[") else last] = value
    return changed


# --- the shipped rubrics -----------------------------------------------------------------------------------


def test_three_rubrics_are_shipped() -> None:
    assert [p.name for p in SHIPPED] == [
        "housing-asb-services.yaml",
        "probation-innovation-partner.yaml",
        "social-value-model-services.yaml",
    ]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_shipped_rubric_loads_with_weights_summing_to_100(path: Path) -> None:
    rubric = load_rubric_file(path)
    assert rubric.id == path.stem
    assert rubric.total_weight == 100
    for level in range(rubric.scale.maximum + 1):
        assert rubric.scale.descriptor(level)
    for criterion in rubric.criteria:
        assert criterion.question and criterion.guidance, criterion.id
    assert rubric.weight_of(SectionCategory.SOCIAL_VALUE) >= 10  # the Social Value Model's floor
    assert any(c.kind is CriterionKind.PASS_FAIL for c in rubric.criteria)
    assert summarise(rubric).splitlines()[0] == rubric.title


def test_the_probation_rubric_makes_the_vcse_share_a_hard_threshold() -> None:
    rubric = load_rubric_file(RUBRICS / "probation-innovation-partner.yaml")
    vcse = rubric.criterion(rubric.vcse_criterion or "")
    assert vcse.measure == "vcse_share" and rubric.measure("vcse_share").unit is Unit.PERCENT
    assert vcse.mandatory_minimum == 15
    pathways = {c.pathway for c in rubric.criteria if c.kind is CriterionKind.SCORED}
    assert pathways == {
        "accommodation", "education, training and employment", "health", "drugs and alcohol",
        "finance, benefit and debt", "children and families", "attitudes, thinking and behaviour",
    }
    assert any(c.minimum for c in rubric.criteria)
    assert {m.id for m in rubric.measures} >= {"jobs_with_convictions", "ni143_settled_accommodation",
                                               "ni144_employment"}
    policy = Policy("p", "Probation", mandatory_commitments=(MandatoryCommitment("vcse_share", Decimal(15)),))
    assert check_policy(rubric, policy) == []


def test_the_housing_and_social_value_model_rubrics_use_the_named_methods() -> None:
    housing = load_rubric_file(RUBRICS / "housing-asb-services.yaml")
    assert {c.method for c in housing.criteria if c.kind is CriterionKind.COMMITMENT} >= {"banded", "linear"}
    assert "DEEPER" in housing.criterion("q1_deeper").title
    services = load_rubric_file(RUBRICS / "social-value-model-services.yaml")
    assert services.weight_of(SectionCategory.SOCIAL_VALUE) == 10
    assert services.criterion("price").method == "proportional_deviation"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_rubrics_score_a_bid(path: Path) -> None:
    from tenderscore.core import BidResponse

    rubric = load_rubric_file(path)
    bid = BidResponse(
        "a",
        "Bidder A",
        declarations={c.id: c.expected for c in rubric.criteria if c.kind is CriterionKind.PASS_FAIL},
        commitments={c.id: Decimal(1000) for c in rubric.criteria if c.kind is CriterionKind.COMMITMENT},
        price=Decimal(1000000),
    )
    consensus = {("a", c.id): 5 for c in rubric.criteria if c.kind is CriterionKind.SCORED}
    assert evaluate(rubric, [bid], consensus).result("a").total == 100


# --- snapshots and hashes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_snapshot_round_trip_and_stable_hash(path: Path) -> None:
    rubric = load_rubric_file(path)
    snapshot = rubric_to_dict(rubric)
    assert json.loads(json.dumps(snapshot)) == snapshot  # JSON-safe: numbers are strings
    assert snapshot["sections"][1]["criteria"][0]["weight"] == str(rubric.sections[1].criteria[0].weight)
    again = rubric_from_dict(snapshot)
    assert again == rubric
    assert rubric_hash(again) == rubric_hash(rubric)
    assert re.fullmatch(r"[0-9a-f]{64}", rubric_hash(rubric))


def test_the_hash_follows_values_not_spelling() -> None:
    plain = rubric_from_dict(small())
    spelled = rubric_from_dict(set_at(small(), "sections[1].criteria[0].weight", "30.00"))
    assert spelled == plain and rubric_hash(spelled) == rubric_hash(plain)
    changed = rubric_from_dict(set_at(set_at(small(), "sections[1].criteria[0].weight", 29),
                                      "sections[1].criteria[1].weight", 21))
    assert rubric_hash(changed) != rubric_hash(plain)
    renamed = rubric_from_dict(set_at(small(), "sections[1].criteria[2].title", "Q3 (revised)"))
    assert rubric_hash(renamed) != rubric_hash(plain)


def test_omitted_methods_are_written_into_the_snapshot() -> None:
    rubric = rubric_from_dict(small())
    assert rubric.criterion("sv_vcse").method == "proportional"
    assert rubric.criterion("price").method == "lowest_ratio"


def test_yaml_numbers_stay_exact() -> None:
    # As floats, 33.3 + 33.3 + 33.4 is 99.99999999999999; read through str() the weights sum to exactly 100.
    data = small()
    data["sections"][1]["criteria"] = [
        {"id": "q1", "title": "Q1", "kind": "scored", "weight": 0.1},
        {"id": "q2", "title": "Q2", "kind": "scored", "weight": 33.3},
        {"id": "q3", "title": "Q3", "kind": "scored", "weight": 26.6},
    ]
    rubric = rubric_from_dict(data)
    assert rubric.criterion("q1").weight == Decimal("0.1")
    assert rubric.total_weight == 100
    text = SMALL.replace("weight: 30,", "weight: 29.9,").replace("weight: 10}", "weight: 10.1}", 1)
    assert load_rubric_text(text).criterion("q3").weight == Decimal("10.1")


# --- every error names its path ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "error"),
    [
        ("sections[1].criteria[2].weight", "ten", "sections[1].criteria[2].weight: must be a number"),
        ("sections[1].criteria[2].weight", True, "sections[1].criteria[2].weight: must be a number"),
        ("sections[1].criteria[2].weight", float("nan"), "sections[1].criteria[2].weight: must be a finite number"),
        ("sections[1].criteria[2].weight", float("inf"), "sections[1].criteria[2].weight: must be a finite number"),
        ("sections[1].criteria[2].weight", -10, "sections[1].criteria[2].weight: must be a number of at least 0"),
        ("sections[1].criteria[0].minimum", 2.0, "sections[1].criteria[0].minimum: must be a whole number"),
        ("sections[1].criteria[0].minimum", 6, "sections[1].criteria[0].minimum: must be a whole number from 1 to 5"),
        ("sections[1].criteria[0].kind", "essay", "sections[1].criteria[0].kind: must be one of: scored, "
                                                   "pass_fail, commitment, price"),
        ("sections[1].category", "value", "sections[1].category: must be one of: quality, social_value, price, "
                                          "compliance"),
        ("sections[1].criteria[1].id", "q1", "sections[1].criteria[1].id: duplicate criterion id 'q1'"),
        ("sections[2].id", "quality", "sections[2].id: duplicate section id 'quality'"),
        ("measures[1].id", "vcse_share", "measures[1].id: duplicate measure id 'vcse_share'"),
        ("sections[1].criteria[0].id", "Q-1", "sections[1].criteria[0].id: must be snake_case"),
        ("scale.maximum", 5.0, "scale.maximum: must be a whole number"),
        ("scale.levels[3].score", 6, "scale.levels[3].score: must be a whole number from 0 to 5"),
        ("sections[3].criteria[0].method", "cheapest", "sections[3].criteria[0].method: unknown method "
                                                       "'cheapest'; known: lowest_ratio, proportional_deviation"),
        ("sections[3].criteria[0].method", "banded", "sections[3].criteria[0].method: 'banded' is not a price "
                                                     "method; use one of: lowest_ratio, proportional_deviation"),
        ("sections[2].criteria[0].measure", "vcse", "sections[2].criteria[0].measure: unknown measure 'vcse'; "
                                                    "declare it under measures"),
        ("sections[2].criteria[0].mandatory_minimum", 120, "sections[2].criteria[0].mandatory_minimum: 120% is "
                                                           "more than 100%"),
        ("sections[2].criteria[1].bands[1].at_least", 1, "sections[2].criteria[1].bands[1].at_least: bands must "
                                                         "be in ascending order of at_least, without repeats"),
        ("sections[2].criteria[1].bands[0].share", 1.5, "sections[2].criteria[1].bands[0].share: must be a number "
                                                        "from 0 to 1"),
        ("sections[2].criteria[1].bands[1].share", 0.9, "sections[2].criteria[1].bands[1].share: the highest band "
                                                        "must earn the full weight (share 1)"),
        ("sections[2].criteria[2].floor", 4, "sections[2].criteria[2].target: must be above the floor (4)"),
        ("sections[2].criteria[2].target", None, "sections[2].criteria[2].target: the linear method needs a "
                                                 "target"),
        ("sections[0].criteria[0].weight", 5, "sections[0].criteria[0].weight: a pass/fail criterion carries no "
                                              "weight: it must be 0"),
        ("sections[0].criteria[0].expected", "yes", "sections[0].criteria[0].expected: must be true or false"),
        ("sections[1].criteria[1].measure", "jobs", "sections[1].criteria[1].measure: does not apply to a scored "
                                                    "criterion"),
        ("sections[1].criteria[2].kind", "price", "sections[1].criteria[2].kind: a price criterion belongs in a "
                                                  "section of category price"),
        ("vcse_criterion", "sv_jobs", "vcse_criterion: 'sv_jobs' must ask for a measure in percent"),
        ("vcse_criterion", "q1", "vcse_criterion: 'q1' is not a commitment criterion of this rubric"),
        ("tie_break", ["quality", "cost"], "tie_break[1]: must be one of: quality, social_value, price"),
        ("tie_break", ["price", "price"], "tie_break[1]: 'price' is listed twice"),
        ("default_abnormally_low_share", 0, "default_abnormally_low_share: must be a number above 0 and at most 1"),
        ("sections[1].title", None, "sections[1].title: must not be empty"),
        ("sections", [], "sections: a rubric needs at least one section"),
        ("sections[1].criteria", [], "sections[1].criteria: a section needs at least one criterion"),
    ],
)
def test_each_error_names_the_path_of_its_field(path: str, value: object, error: str) -> None:
    found = errors_of(set_at(small(), path, value))
    assert any(e.startswith(error) for e in found), found


def test_weights_must_sum_to_exactly_100_and_say_what_they_sum_to() -> None:
    assert errors_of(set_at(small(), "sections[1].criteria[2].weight", 9.5)) == [
        "sections: criterion weights sum to 99.5; they must sum to exactly 100"
    ]


def test_unknown_and_missing_fields() -> None:
    typo = small()
    typo["sections"][1]["criteria"][0]["wieght"] = typo["sections"][1]["criteria"][0].pop("weight")
    assert "sections[1].criteria[0].wieght: unknown field (check the spelling)" in errors_of(typo)
    untitled = small()
    del untitled["sections"][0]["title"]
    assert errors_of(untitled) == ["sections[0].title: is required"]
    assert errors_of([1, 2]) == ["the rubric must be a mapping of fields, not list"]


def test_a_scale_needs_a_descriptor_for_every_level() -> None:
    data = small()
    del data["scale"]["levels"][3]
    assert "scale.levels: every level from 0 to 5 needs a descriptor; missing: 3" in errors_of(data)


def test_at_most_one_price_criterion() -> None:
    data = small()
    data["sections"][3]["criteria"].append({"id": "price_again", "title": "Again", "kind": "price", "weight": 0})
    assert errors_of(data) == [
        "sections[3].criteria[1].kind: a rubric has at most one price criterion; the first is "
        "sections[3].criteria[0]"
    ]


def test_every_error_is_reported_at_once() -> None:
    data = set_at(set_at(small(), "sections[1].criteria[0].weight", "x"), "scale.maximum", "5")
    assert errors_of(data) == [
        "scale.maximum: must be a whole number",
        "sections[1].criteria[0].weight: must be a number",
    ]


def test_yaml_problems_name_the_line() -> None:
    with pytest.raises(RubricError) as duplicate:
        load_rubric_text("id: a\ntitle: A\nid: b\n")
    assert duplicate.value.errors == ["line 3, column 1: not valid YAML: found the key 'id' twice in one mapping"]
    with pytest.raises(RubricError) as broken:
        load_rubric_text("id: a\ntitle: [unclosed\n")
    assert broken.value.errors[0].startswith("line 3, column 1: not valid YAML:")
    with pytest.raises(RubricError, match="cannot be read"):
        load_rubric_file(RUBRICS / "no-such-rubric.yaml")
    assert issubclass(RubricError, ValueError)


def test_summary_shows_sections_weights_and_gates() -> None:
    text = summarise(rubric_from_dict(small()))
    assert "numbered from 0, as error paths number them" in text
    assert re.search(r"\[1\] Quality \(quality\) +60", text)
    assert re.search(r"\[0\] q1 +scored +30  Q1", text)
    assert "Jobs [banded 1 FTE: 0.5, 3 FTE: 1]" in text and "Jobs again [linear 0 FTE -> 4 FTE]" in text
    assert re.search(r"Total +100   \(quality 60, social value 20, price 20\)", text)
    assert "  - mandatory minimum: VCSE share at least 15% ('VCSE')" in text
    assert "  - quality minimum: 'Q1' must score at least 2 of 5" in text
    assert "  - pass/fail: 'Modern Slavery Act statement' must be answered Yes" in text
    assert len(text.splitlines()) < 40
