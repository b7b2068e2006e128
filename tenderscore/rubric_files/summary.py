"""The one-screen summary ``tenderscore rubric check`` prints: sections, weights, methods and gates."""

from __future__ import annotations

from decimal import Decimal

from tenderscore.core import Criterion, CriterionKind, Rubric, SectionCategory
from tenderscore.core.methods import method_for
from tenderscore.core.numbers import exact_arithmetic, plain, quantity

_KIND = {
    CriterionKind.SCORED: "scored",
    CriterionKind.PASS_FAIL: "pass/fail",
    CriterionKind.COMMITMENT: "commitment",
    CriterionKind.PRICE: "price",
}
_CATEGORY = {
    SectionCategory.QUALITY: "quality",
    SectionCategory.SOCIAL_VALUE: "social value",
    SectionCategory.PRICE: "price",
    SectionCategory.COMPLIANCE: "compliance",
}


def summarise(rubric: Rubric) -> str:
    """Sections with their criteria and weights, the weights by category, and every gate that excludes a bid.

    Sections and criteria are numbered from 0, as the loader's error paths number them.
    """
    with exact_arithmetic():
        lines = [rubric.title, *(f"  {fact}" for fact in _facts(rubric)), ""]
        lines.append("Sections and weights (numbered from 0, as error paths number them)")
        width = max((len(c.id) for c in rubric.criteria), default=0)
        for i, section in enumerate(rubric.sections):
            label = f"  [{i}] {section.title} ({_CATEGORY[section.category]})"
            lines.append(f"{label:<66}{plain(section.weight):>6}")
            for j, criterion in enumerate(section.criteria):
                lines.append(f"        [{j}] {criterion.id:<{width}}  {_criterion(rubric, criterion)}")
        by_category = ", ".join(
            f"{_CATEGORY[c]} {plain(rubric.weight_of(c))}" for c in SectionCategory if rubric.weight_of(c)
        )
        lines.append(f"{'  Total':<66}{plain(rubric.total_weight):>6}   ({by_category})")
        lines += ["", "Gates: a bid failing any of these is excluded"]
        lines += [f"  - {gate}" for gate in _gates(rubric)] or ["  (none)"]
    return "\n".join(lines)


def _facts(rubric: Rubric) -> list[str]:
    keys = ", then ".join(t.value.replace("_", " ") for t in rubric.tie_break) or "none (equal totals share a rank)"
    facts = [f"id {rubric.id}, version {rubric.version}; scale 0-{rubric.scale.maximum}", f"tie-break: {keys}"]
    if rubric.vcse_criterion:
        facts.append(f"VCSE share stated in {rubric.vcse_criterion}, checked against the partners' £")
    return facts


def _criterion(rubric: Rubric, criterion: Criterion) -> str:
    kind = _KIND[criterion.kind]
    if criterion.kind is CriterionKind.PASS_FAIL:
        return f"{kind:<10} {'':>6}  {criterion.title}"
    text = f"{kind:<10} {plain(criterion.weight):>6}  {criterion.title}"
    if criterion.kind in (CriterionKind.COMMITMENT, CriterionKind.PRICE):
        text += f" [{_method(rubric, criterion)}]"
    return text


def _method(rubric: Rubric, criterion: Criterion) -> str:
    name = method_for(criterion).name
    if criterion.kind is not CriterionKind.COMMITMENT:
        return name
    unit = rubric.measure(criterion.measure or "").unit
    if name == "linear":
        floor, target = criterion.floor or Decimal(0), criterion.target or Decimal(0)
        return f"linear {quantity(floor, unit)} -> {quantity(target, unit)}"
    if name == "banded":
        bands = ", ".join(f"{quantity(b.at_least, unit)}: {plain(b.share)}" for b in criterion.bands)
        return f"banded {bands}"
    return name


def _gates(rubric: Rubric) -> list[str]:
    gates = []
    for criterion in rubric.criteria:
        if criterion.kind is CriterionKind.PASS_FAIL:
            answer = "Yes" if criterion.expected else "No"
            gates.append(f"pass/fail: '{criterion.title}' must be answered {answer}")
        elif criterion.kind is CriterionKind.SCORED and criterion.minimum is not None:
            gates.append(
                f"quality minimum: '{criterion.title}' must score at least {criterion.minimum} of "
                f"{rubric.scale.maximum}"
            )
        elif criterion.kind is CriterionKind.COMMITMENT and criterion.mandatory_minimum is not None:
            measure = rubric.measure(criterion.measure or "")
            gates.append(
                f"mandatory minimum: {measure.name} at least {quantity(criterion.mandatory_minimum, measure.unit)} "
                f"('{criterion.title}')"
            )
        elif criterion.kind is CriterionKind.PRICE:
            gates.append("price: a total price above £0 must be given")
    return gates
