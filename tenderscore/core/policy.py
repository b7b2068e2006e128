"""A commissioner's policy and the check of a tender's rubric against it (docs/scoring.md, "Policies")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from .numbers import exact_arithmetic, plain, quantity
from .register import Counting, stricter
from .rubric import Criterion, CriterionKind, Rubric, Section, SectionCategory

CENTRAL_GOVERNMENT_FLOOR = Decimal(10)  # the Social Value Model's minimum weight of social value, in points of 100


@dataclass(frozen=True)
class MandatoryCommitment:
    """``measure >= minimum``: every tender under the policy must exclude a bid that commits less."""

    measure: str
    minimum: Decimal


@dataclass(frozen=True)
class Policy:
    """A commissioner's standing rules that tenders under it must meet before they can be published."""

    id: str
    name: str
    min_social_value_weight: Decimal = CENTRAL_GOVERNMENT_FLOOR
    mandatory_commitments: tuple[MandatoryCommitment, ...] = ()
    required_criteria: tuple[str, ...] = ()  # criterion ids every tender must contain
    # Which named VCSE partners count towards the VCSE share of tenders under the policy (core/register.py)
    vcse_counting: Counting = Counting.VERIFIED


def with_policy_counting(rubric: Rubric, policy: Policy) -> Rubric:
    """``rubric`` counting VCSE partners by the stricter of its own rule and the policy's (applied at publication,
    so the rule is frozen and published with the tender)."""
    counting = stricter(Counting(rubric.vcse_counting), policy.vcse_counting)
    return rubric if counting == rubric.vcse_counting else replace(rubric, vcse_counting=counting)


@dataclass(frozen=True)
class Breach:
    """One way a rubric breaks a policy, in plain words for the officer who must fix it."""

    code: str
    message: str


def check_policy(rubric: Rubric, policy: Policy, names: Mapping[str, str] | None = None) -> list[Breach]:
    """Every breach of ``policy`` by ``rubric``; an empty list means the tender may be published.

    ``names`` gives the words for measure and criterion ids (``{"vcse_share": "VCSE share"}``); an id it does not
    name is quoted as it is.

    * ``social_value_weight`` - the social-value sections weigh less than the policy's minimum;
    * ``commitment_missing`` - no commitment criterion asks for a mandatory measure;
    * ``commitment_threshold`` - commitments on the measure exist but none excludes below the policy's minimum;
    * ``criterion_missing`` - a required criterion id is not in the rubric.
    """
    breaches: list[Breach] = []
    with exact_arithmetic():
        weight = rubric.weight_of(SectionCategory.SOCIAL_VALUE)
    if weight < policy.min_social_value_weight:
        breaches.append(
            Breach(
                "social_value_weight",
                f"Social-value criteria carry {plain(weight)}% of the score; the policy requires at least "
                f"{plain(policy.min_social_value_weight)}%.",
            )
        )
    for mandatory in policy.mandatory_commitments:
        breach = _commitment_breach(rubric, mandatory, names or {})
        if breach is not None:
            breaches.append(breach)
    present = {c.id for c in rubric.criteria}
    for criterion_id in policy.required_criteria:
        if criterion_id not in present:
            breaches.append(
                Breach(
                    "criterion_missing",
                    f"The policy requires {_called('criterion', criterion_id, names or {})}, which the rubric does "
                    "not contain.",
                )
            )
    return breaches


def _called(kind: str, identifier: str, names: Mapping[str, str]) -> str:
    """``VCSE share`` / ``the criterion “Insurance cover”`` when named; else ``measure 'vcse_share'``."""
    if identifier not in names:
        return f"{kind} '{identifier}'"
    return f"the criterion “{names[identifier]}”" if kind == "criterion" else names[identifier]


def _commitment_breach(rubric: Rubric, mandatory: MandatoryCommitment, names: Mapping[str, str]) -> Breach | None:
    measure = _called("measure", mandatory.measure, names)
    asking = _commitments_on(rubric, mandatory.measure)
    required = _amount(rubric, mandatory.measure, mandatory.minimum)
    if not asking:
        return Breach(
            "commitment_missing",
            f"The rubric has no commitment on {measure}; the policy requires one with a "
            f"mandatory minimum of at least {required}.",
        )
    set_minimums = [c.mandatory_minimum for c in asking if c.mandatory_minimum is not None]
    if any(m >= mandatory.minimum for m in set_minimums):
        return None
    highest = f" (the highest set is {_amount(rubric, mandatory.measure, max(set_minimums))})" if set_minimums else ""
    return Breach(
        "commitment_threshold",
        f"No commitment on {measure} has a mandatory minimum of at least {required}{highest}.",
    )


def apply_policy_thresholds(rubric: Rubric, policy: Policy) -> Rubric:
    """``rubric`` with each commitment on a mandatory measure raised to at least the policy's minimum.

    A mandatory minimum is raised, never lowered, so an officer can clear ``commitment_threshold`` breaches in one
    step. It cannot invent a missing commitment or move weight: other breaches remain for ``check_policy`` to list.
    """
    floors = {m.measure: m.minimum for m in policy.mandatory_commitments}
    sections = tuple(_raise_section(section, floors) for section in rubric.sections)
    return replace(rubric, sections=sections)


def _raise_section(section: Section, floors: dict[str, Decimal]) -> Section:
    return replace(section, criteria=tuple(_raise_criterion(c, floors) for c in section.criteria))


def _raise_criterion(criterion: Criterion, floors: dict[str, Decimal]) -> Criterion:
    if criterion.kind is not CriterionKind.COMMITMENT or criterion.measure not in floors:
        return criterion
    floor = floors[criterion.measure]
    if criterion.mandatory_minimum is not None and criterion.mandatory_minimum >= floor:
        return criterion
    return replace(criterion, mandatory_minimum=floor)


def _commitments_on(rubric: Rubric, measure: str) -> list[Criterion]:
    return [c for c in rubric.of_kind(CriterionKind.COMMITMENT) if c.measure == measure]


def _amount(rubric: Rubric, measure_id: str, value: Decimal) -> str:
    known = {m.id: m for m in rubric.measures}
    return quantity(value, known[measure_id].unit) if measure_id in known else plain(value)
