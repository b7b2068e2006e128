"""Is a rubric one the core can score, and one a tender can publish? Every problem, each with the path of its field.

Paths index sections, criteria, levels, bands and measures from 0, the way the rubric files are read:
``sections[1].criteria[2].weight``. The rubric files loader reports these alongside its own type errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from decimal import Decimal

from .errors import ScoringError
from .methods import method_names
from .numbers import HUNDRED, ONE, ZERO, exact_arithmetic, plain
from .register import Counting
from .rubric import Criterion, CriterionKind, Rubric, Scale, Section, SectionCategory, TieBreak, Unit

_SNAKE = re.compile(r"[a-z][a-z0-9_]*\Z")
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")

# Fields that only mean something for some kinds: set on another kind they signal a mistake in the rubric.
_FIELDS_OF_KIND: dict[str, frozenset[CriterionKind]] = {
    "minimum": frozenset({CriterionKind.SCORED}),
    "word_limit": frozenset({CriterionKind.SCORED}),
    "pathway": frozenset({CriterionKind.SCORED}),
    "method": frozenset({CriterionKind.COMMITMENT, CriterionKind.PRICE}),
    "measure": frozenset({CriterionKind.COMMITMENT}),
    "mandatory_minimum": frozenset({CriterionKind.COMMITMENT}),
    "bands": frozenset({CriterionKind.COMMITMENT}),
    "floor": frozenset({CriterionKind.COMMITMENT}),
    "target": frozenset({CriterionKind.COMMITMENT}),
    "abnormally_low_share": frozenset({CriterionKind.PRICE}),
}
_DEFAULTS = {f.name: f.default for f in fields(Criterion)}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rubric: where (a field path, ``""`` for the whole rubric) and what, in plain words."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def rubric_problems(rubric: Rubric) -> list[Problem]:
    """Every problem with ``rubric``, in file order; an empty list means it can be scored and published."""
    with exact_arithmetic():
        return list(_rubric_problems(rubric))


def check_rubric(rubric: Rubric) -> None:
    """Raise ``ScoringError`` listing every problem, if there is any."""
    problems = rubric_problems(rubric)
    if problems:
        listed = "; ".join(str(p) for p in problems)
        raise ScoringError(f"rubric {rubric.id!r} cannot be scored: {listed}")


def _rubric_problems(rubric: Rubric) -> Iterator[Problem]:
    if not isinstance(rubric.id, str) or not _SLUG.match(rubric.id):
        yield Problem("id", "must be lower-case letters, digits, '-' or '_'")
    if not isinstance(rubric.title, str) or not rubric.title.strip():
        yield Problem("title", "must not be empty")
    yield from _scale_problems(rubric.scale)
    yield from _measure_problems(rubric)
    yield from _section_problems(rubric)
    yield from _weight_problems(rubric)
    yield from _tie_break_problems(rubric)
    yield from _vcse_problems(rubric)
    if not _is_share(rubric.default_abnormally_low_share):
        yield Problem("default_abnormally_low_share", "must be a number above 0 and at most 1")


def _scale_problems(scale: Scale) -> Iterator[Problem]:
    if not _is_int(scale.maximum) or scale.maximum < 1:
        yield Problem("scale.maximum", "must be a whole number of at least 1")
        return
    seen: set[int] = set()
    for i, level in enumerate(scale.levels):
        if not _is_int(level.score) or not 0 <= level.score <= scale.maximum:
            yield Problem(f"scale.levels[{i}].score", f"must be a whole number from 0 to {scale.maximum}")
        elif level.score in seen:
            yield Problem(f"scale.levels[{i}].score", f"level {level.score} is described twice")
        else:
            seen.add(level.score)
        if not isinstance(level.descriptor, str) or not level.descriptor.strip():
            yield Problem(f"scale.levels[{i}].descriptor", "must not be empty")
    missing = [str(s) for s in range(scale.maximum + 1) if s not in seen]
    if missing:
        yield Problem(
            "scale.levels", f"every level from 0 to {scale.maximum} needs a descriptor; missing: {', '.join(missing)}"
        )


def _measure_problems(rubric: Rubric) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, measure in enumerate(rubric.measures):
        yield from _id_problems(f"measures[{i}].id", measure.id, "measure", seen)
        if not isinstance(measure.name, str) or not measure.name.strip():
            yield Problem(f"measures[{i}].name", "must not be empty")
        if not isinstance(measure.unit, Unit):
            yield Problem(f"measures[{i}].unit", f"must be one of: {', '.join(u.value for u in Unit)}")


def _section_problems(rubric: Rubric) -> Iterator[Problem]:
    if not rubric.sections:
        yield Problem("sections", "a rubric needs at least one section")
    section_ids: set[str] = set()
    criterion_ids: set[str] = set()
    prices: list[str] = []
    for i, section in enumerate(rubric.sections):
        path = f"sections[{i}]"
        yield from _id_problems(f"{path}.id", section.id, "section", section_ids)
        if not isinstance(section.title, str) or not section.title.strip():
            yield Problem(f"{path}.title", "must not be empty")
        if not isinstance(section.category, SectionCategory):
            choices = ", ".join(c.value for c in SectionCategory)
            yield Problem(f"{path}.category", f"must be one of: {choices}")
        if not section.criteria:
            yield Problem(f"{path}.criteria", "a section needs at least one criterion")
        for j, criterion in enumerate(section.criteria):
            cpath = f"{path}.criteria[{j}]"
            yield from _id_problems(f"{cpath}.id", criterion.id, "criterion", criterion_ids)
            yield from _criterion_problems(rubric, section, criterion, cpath)
            if criterion.kind is CriterionKind.PRICE:
                prices.append(cpath)
    for extra in prices[1:]:
        yield Problem(f"{extra}.kind", f"a rubric has at most one price criterion; the first is {prices[0]}")


def _id_problems(path: str, value: object, what: str, seen: set[str]) -> Iterator[Problem]:
    if not isinstance(value, str) or not _SNAKE.match(value):
        yield Problem(path, "must be snake_case: lower-case letters, digits and '_', starting with a letter")
    elif value in seen:
        yield Problem(path, f"duplicate {what} id {value!r}")
    else:
        seen.add(value)


def _criterion_problems(rubric: Rubric, section: Section, criterion: Criterion, path: str) -> Iterator[Problem]:
    if not isinstance(criterion.title, str) or not criterion.title.strip():
        yield Problem(f"{path}.title", "must not be empty")
    if not isinstance(criterion.kind, CriterionKind):
        yield Problem(f"{path}.kind", f"must be one of: {', '.join(k.value for k in CriterionKind)}")
        return
    if not _is_number(criterion.weight) or criterion.weight < ZERO:
        yield Problem(f"{path}.weight", "must be a number of at least 0")
    for name, kinds in _FIELDS_OF_KIND.items():
        if criterion.kind not in kinds and getattr(criterion, name) != _DEFAULTS[name]:
            yield Problem(f"{path}.{name}", f"does not apply to a {criterion.kind.value} criterion")
    if criterion.kind is CriterionKind.SCORED:
        yield from _scored_problems(rubric, criterion, path)
    elif criterion.kind is CriterionKind.PASS_FAIL:
        if _is_number(criterion.weight) and criterion.weight != ZERO:
            yield Problem(f"{path}.weight", "a pass/fail criterion carries no weight: it must be 0")
        if not isinstance(criterion.expected, bool):
            yield Problem(f"{path}.expected", "must be true or false")
    elif criterion.kind is CriterionKind.COMMITMENT:
        yield from _commitment_problems(rubric, criterion, path)
    else:
        yield from _price_problems(section, criterion, path)


def _scored_problems(rubric: Rubric, criterion: Criterion, path: str) -> Iterator[Problem]:
    maximum = rubric.scale.maximum
    if criterion.minimum is not None and (not _is_int(criterion.minimum) or not 1 <= criterion.minimum <= maximum):
        yield Problem(f"{path}.minimum", f"must be a whole number from 1 to {maximum} (the scale's maximum)")
    if criterion.word_limit is not None and (not _is_int(criterion.word_limit) or criterion.word_limit < 1):
        yield Problem(f"{path}.word_limit", "must be a whole number of at least 1")


def _commitment_problems(rubric: Rubric, criterion: Criterion, path: str) -> Iterator[Problem]:
    known = {m.id: m for m in rubric.measures}
    measure = known.get(criterion.measure) if criterion.measure is not None else None
    if criterion.measure is None:
        yield Problem(f"{path}.measure", "a commitment must name the measure it asks for")
    elif measure is None:
        yield Problem(f"{path}.measure", f"unknown measure {criterion.measure!r}; declare it under measures")
    yield from _method_problems(criterion, path)
    minimum = criterion.mandatory_minimum
    if minimum is not None:
        if not _is_number(minimum) or minimum < ZERO:
            yield Problem(f"{path}.mandatory_minimum", "must be a number of at least 0")
        elif measure is not None and measure.unit is Unit.PERCENT and minimum > HUNDRED:
            yield Problem(f"{path}.mandatory_minimum", f"{plain(minimum)}% is more than 100%")
    method = criterion.method
    if method == "banded":
        yield from _band_problems(criterion, path)
    elif criterion.bands:
        yield Problem(f"{path}.bands", "bands apply to the banded method only")
    if method == "linear":
        yield from _linear_problems(criterion, path)
    else:
        for name in ("floor", "target"):
            if getattr(criterion, name) is not None:
                yield Problem(f"{path}.{name}", "applies to the linear method only")


def _method_problems(criterion: Criterion, path: str) -> Iterator[Problem]:
    if criterion.method is None:
        return  # the kind's default method applies
    if criterion.method not in method_names():
        yield Problem(
            f"{path}.method", f"unknown method {criterion.method!r}; known: {', '.join(method_names(criterion.kind))}"
        )
    elif criterion.method not in method_names(criterion.kind):
        yield Problem(
            f"{path}.method",
            f"{criterion.method!r} is not a {criterion.kind.value} method; use one of: "
            f"{', '.join(method_names(criterion.kind))}",
        )


def _band_problems(criterion: Criterion, path: str) -> Iterator[Problem]:
    if not criterion.bands:
        yield Problem(f"{path}.bands", "the banded method needs at least one band")
        return
    previous = None
    for i, band in enumerate(criterion.bands):
        bpath = f"{path}.bands[{i}]"
        if not _is_number(band.at_least):
            yield Problem(f"{bpath}.at_least", "must be a number")
        elif previous is not None and _is_number(previous.at_least) and band.at_least <= previous.at_least:
            yield Problem(f"{bpath}.at_least", "bands must be in ascending order of at_least, without repeats")
        if not _is_number(band.share) or not ZERO <= band.share <= ONE:
            yield Problem(f"{bpath}.share", "must be a number from 0 to 1")
        elif previous is not None and _is_number(previous.share) and band.share < previous.share:
            yield Problem(f"{bpath}.share", "a higher band cannot earn a smaller share than a lower one")
        previous = band
    last = criterion.bands[-1]
    if _is_number(last.share) and last.share != ONE:
        yield Problem(
            f"{path}.bands[{len(criterion.bands) - 1}].share",
            "the highest band must earn the full weight (share 1), so the published weight is reachable",
        )


def _linear_problems(criterion: Criterion, path: str) -> Iterator[Problem]:
    floor, target = criterion.floor, criterion.target
    if floor is None or not _is_number(floor):
        yield Problem(f"{path}.floor", "the linear method needs a floor (a number)")
    if target is None or not _is_number(target):
        yield Problem(f"{path}.target", "the linear method needs a target (a number)")
    elif floor is not None and _is_number(floor) and floor >= target:
        yield Problem(f"{path}.target", f"must be above the floor ({plain(floor)})")


def _price_problems(section: Section, criterion: Criterion, path: str) -> Iterator[Problem]:
    yield from _method_problems(criterion, path)
    if section.category is not SectionCategory.PRICE:
        yield Problem(f"{path}.kind", "a price criterion belongs in a section of category price")
    share = criterion.abnormally_low_share
    if share is not None and not _is_share(share):
        yield Problem(f"{path}.abnormally_low_share", "must be a number above 0 and at most 1")


def _weight_problems(rubric: Rubric) -> Iterator[Problem]:
    weights = [c.weight for c in rubric.criteria]
    if all(_is_number(w) for w in weights):
        total = sum(weights, ZERO)
        if total != HUNDRED:
            yield Problem("sections", f"criterion weights sum to {plain(total)}; they must sum to exactly 100")
    for i, section in enumerate(rubric.sections):
        if section.category is SectionCategory.PRICE and any(
            c.kind is not CriterionKind.PRICE for c in section.criteria
        ):
            yield Problem(f"sections[{i}].criteria", "a section of category price holds price criteria only")


def _tie_break_problems(rubric: Rubric) -> Iterator[Problem]:
    seen: set[TieBreak] = set()
    for i, key in enumerate(rubric.tie_break):
        if not isinstance(key, TieBreak):
            yield Problem(f"tie_break[{i}]", f"must be one of: {', '.join(k.value for k in TieBreak)}")
        elif key in seen:
            yield Problem(f"tie_break[{i}]", f"{key.value!r} is listed twice")
        else:
            seen.add(key)


def _vcse_problems(rubric: Rubric) -> Iterator[Problem]:
    if rubric.vcse_counting not in tuple(Counting):
        yield Problem("vcse_counting", f"{rubric.vcse_counting!r} is not a rule: use {', '.join(Counting)}")
    if rubric.vcse_criterion is None:
        return
    found = [c for c in rubric.criteria if c.id == rubric.vcse_criterion]
    if not found or found[0].kind is not CriterionKind.COMMITMENT:
        yield Problem("vcse_criterion", f"{rubric.vcse_criterion!r} is not a commitment criterion of this rubric")
        return
    units = {m.id: m.unit for m in rubric.measures}
    if units.get(found[0].measure or "") is not Unit.PERCENT:
        yield Problem("vcse_criterion", f"{rubric.vcse_criterion!r} must ask for a measure in percent")


def _is_number(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite()


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_share(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and ZERO < value <= ONE
