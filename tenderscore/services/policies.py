"""Commissioners' policies: minimum social-value weight, mandatory commitments, required criteria."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tenderscore.core.numbers import plain, quantity, read_number
from tenderscore.core.policy import MandatoryCommitment
from tenderscore.core.policy import Policy as CorePolicy
from tenderscore.core.register import Counting
from tenderscore.core.rubric import Rubric, Unit
from tenderscore.db.models import Policy, Role, User
from tenderscore.db.types import utcnow
from tenderscore.rubric_files import load_shipped, shipped_rubrics
from tenderscore.services import audit, limits
from tenderscore.services.errors import Forbidden, Invalid, NotFound, Problems, ServiceError, StaleRecord

# The UK central-government floor (PPN 06/20, then 002): a commissioner may set more, never less here.
UK_SOCIAL_VALUE_FLOOR = Decimal(10)


def to_core(policy: Policy) -> CorePolicy:
    return CorePolicy(
        id=str(policy.id),
        name=policy.name,
        min_social_value_weight=policy.min_social_value_weight,
        mandatory_commitments=tuple(
            MandatoryCommitment(measure=m["measure"], minimum=Decimal(m["minimum"]))
            for m in policy.mandatory_commitments
        ),
        required_criteria=tuple(policy.required_criteria),
        vcse_counting=Counting(policy.vcse_counting),
    )


def snapshot(policy: Policy) -> dict[str, Any]:
    """What a tender keeps of its policy at publication, so later edits never change a running competition."""
    return {
        "id": policy.id,
        "name": policy.name,
        "version": policy.version,
        "min_social_value_weight": str(policy.min_social_value_weight),
        "mandatory_commitments": [dict(m) for m in policy.mandatory_commitments],
        "required_criteria": list(policy.required_criteria),
        "vcse_counting": policy.vcse_counting,
    }


# The largest minimum a commitment may set, by unit: a percentage is a share of 100; other quantities only need a
# bound that no real contract reaches, so a slip of the keyboard (15000000000000) is caught.
_MAXIMUM = {
    Unit.PERCENT: Decimal(100),
    Unit.GBP: Decimal(10) ** 12,
    Unit.FTE: Decimal(10) ** 6,
    Unit.WEEKS: Decimal(10) ** 6,
    Unit.COUNT: Decimal(10) ** 9,
    Unit.TCO2E: Decimal(10) ** 9,
}
# How a unit reads after a measure's name in a list of measures: "VCSE share (%)".
UNIT_WORDS = {
    Unit.PERCENT: "%",
    Unit.GBP: "£",
    Unit.FTE: "full-time equivalent jobs",
    Unit.WEEKS: "weeks",
    Unit.COUNT: "number",
    Unit.TCO2E: "tonnes of CO2 equivalent",
}
# What an officer types in the box beside the minimum: the unit as a prefix or a suffix.
UNIT_AFFIX = {
    Unit.PERCENT: ("", "%"),
    Unit.GBP: ("£", ""),
    Unit.FTE: ("", "FTE"),
    Unit.WEEKS: ("", "weeks"),
    Unit.COUNT: ("", ""),
    Unit.TCO2E: ("", "tCO2e"),
}


@dataclass(frozen=True)
class KnownMeasure:
    """A social-value measure a policy may make mandatory: one the shipped rubrics define."""

    id: str
    name: str
    unit: Unit

    @property
    def label(self) -> str:
        """``VCSE share (%)``: the name and unit, as a list of measures shows it."""
        return f"{self.name} ({UNIT_WORDS[self.unit]})"


@dataclass(frozen=True)
class KnownCriterion:
    id: str
    title: str


@dataclass(frozen=True)
class RubricCriteria:
    """The criteria of one shipped rubric, in its order: a policy may require any of them."""

    name: str  # the file stem, as the new-tender form offers it
    title: str
    criteria: tuple[KnownCriterion, ...]


@dataclass(frozen=True)
class Vocabulary:
    """What a policy can name: the measures and criteria the shipped rubrics define.

    Only the shipped rubrics (rubrics/*.yaml, reviewed and versioned with the code) count, not rubrics officers
    upload: a policy is the commissioner's standing rule for every tender, written before any tender exists, and an
    uploaded rubric belongs to one draft (of any organisation), may be changed or deleted, and could define the same
    measure id in another unit, so "at least 15" would stop meaning one thing. An uploaded rubric meets a policy by
    using the shipped measure and criterion ids, which is how ``core.policy.check_policy`` matches them.
    """

    measures: dict[str, KnownMeasure]
    rubrics: tuple[RubricCriteria, ...]

    @property
    def criteria(self) -> dict[str, KnownCriterion]:
        found: dict[str, KnownCriterion] = {}
        for rubric in self.rubrics:
            for criterion in rubric.criteria:
                found.setdefault(criterion.id, criterion)
        return found


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The measures and criteria of the shipped rubrics (read once: they ship with the code)."""
    measures: dict[str, KnownMeasure] = {}
    rubrics = []
    for name in shipped_rubrics():
        rubric = load_shipped(name)
        for m in rubric.measures:
            measures.setdefault(m.id, KnownMeasure(m.id, m.name, m.unit))
        criteria = tuple(KnownCriterion(c.id, c.title) for c in rubric.criteria)
        rubrics.append(RubricCriteria(name, rubric.title, criteria))
    return Vocabulary(dict(sorted(measures.items(), key=lambda item: item[1].name.casefold())), tuple(rubrics))


def names(rubric: Rubric | None = None) -> dict[str, str]:
    """Words for measure and criterion ids: the shipped rubrics' names and titles, then ``rubric``'s own."""
    known = vocabulary()
    words = {m.id: m.name for m in known.measures.values()} | {c.id: c.title for c in known.criteria.values()}
    if rubric is not None:
        words |= {m.id: m.name for m in rubric.measures} | {c.id: c.title for c in rubric.criteria}
    return words


def commitment_words(measure_id: str, minimum: object) -> str:
    """A mandatory commitment in plain words: ``VCSE share at least 15%``."""
    known = vocabulary().measures.get(measure_id)
    try:
        amount = Decimal(str(minimum))
    except InvalidOperation:
        amount = None
    if known is None:  # a policy saved before measures were checked
        shown = plain(amount) if amount is not None and amount.is_finite() else str(minimum)
        return f"“{measure_id}” (a measure no rubric defines) at least {shown}"
    if amount is None or not amount.is_finite():
        return f"{known.name} at least {minimum}"
    return f"{known.name} at least {quantity(amount, known.unit)}"


def criterion_words(criterion_id: str) -> str:
    """A required criterion by its title (the id only for one no shipped rubric defines)."""
    known = vocabulary().criteria.get(criterion_id)
    return known.title if known is not None else f"“{criterion_id}” (a criterion no rubric defines)"


def _number(value: object) -> Decimal | None:
    """A number as typed (``15``, ``15%``, ``£1,250``) or sent (a Decimal), or None when it is not one."""
    if isinstance(value, bool):
        return None
    number = read_number(str(value).strip().removeprefix("£").removesuffix("%").strip())
    if number is None:
        return None
    return number if number.is_finite() else None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def duplicate_name_message(name: str) -> str:
    return f"Your organisation already has a policy called “{name}”. Give this policy a different name"


def _name_taken(session: Session, actor: User, name: str, policy_id: int | None) -> bool:
    query = select(Policy.id, Policy.name).where(Policy.commissioner_org_id == actor.organisation_id)
    wanted = " ".join(name.split()).casefold()
    return any(
        " ".join(other.split()).casefold() == wanted and other_id != policy_id
        for other_id, other in session.exec(query).all()
    )


def _validated(
    session: Session,
    actor: User,
    name: object,
    min_weight: object,
    commitments: Sequence[dict[str, Any]],
    required: Sequence[str],
    *,
    policy_id: int | None = None,
) -> dict[str, Any]:
    """The policy's values, or ``Invalid`` listing every problem, each on its form field.

    Fields: ``name``, ``min_social_value_weight``, ``measure_<i>`` and ``minimum_<i>`` (row ``i`` of
    ``commitments``; a row with neither is skipped), ``required_criteria``.
    """
    problems = Problems()
    known = vocabulary()
    checked_name = problems.check(
        lambda: limits.written(name, "name", "a name for the policy", maximum=limits.NAME_MAX, single_line=True)
    )
    if checked_name and _name_taken(session, actor, checked_name, policy_id):
        problems.add("name", duplicate_name_message(checked_name))

    weight = _number(min_weight) if not _blank(min_weight) else None
    if _blank(min_weight):
        problems.add("min_social_value_weight", "Enter the minimum social-value weight, from 10 to 100")
    elif weight is None:
        problems.add("min_social_value_weight", "The minimum social-value weight must be a number, like 20")
    elif not UK_SOCIAL_VALUE_FLOOR <= weight <= 100:
        problems.add(
            "min_social_value_weight",
            "The minimum social-value weight must be from 10 to 100 (10% is central government’s floor)",
        )

    checked: list[dict[str, str]] = []
    chosen: dict[str, int] = {}
    for index, item in enumerate(commitments):
        raw_measure, raw_minimum = item.get("measure"), item.get("minimum")
        if _blank(raw_measure) and _blank(raw_minimum):
            continue
        measure_field, minimum_field = f"measure_{index}", f"minimum_{index}"
        measure = known.measures.get(str(raw_measure).strip()) if not _blank(raw_measure) else None
        if _blank(raw_measure):
            problems.add(measure_field, f"Choose the measure that commitment {index + 1}’s minimum applies to")
        elif measure is None:
            problems.add(
                measure_field,
                f"Choose a measure from the list for commitment {index + 1}: no rubric defines a measure "
                f"called “{str(raw_measure).strip()[:64]}”",
            )
        elif measure.id in chosen:
            problems.add(
                measure_field, f"{measure.name} is already commitment {chosen[measure.id] + 1}: choose it once"
            )
        else:
            chosen[measure.id] = index
        what = measure.name if measure is not None else f"commitment {index + 1}"
        minimum = _number(raw_minimum) if not _blank(raw_minimum) else None
        if _blank(raw_minimum):
            problems.add(minimum_field, f"Enter the minimum every bid must commit for {what}")
            continue
        if minimum is None:
            problems.add(minimum_field, f"The minimum for {what} must be a number, like 15")
            continue
        if measure is None:
            continue
        highest = _MAXIMUM[measure.unit]
        if measure.unit is Unit.PERCENT and not 0 <= minimum <= highest:
            problems.add(minimum_field, f"The minimum for {measure.name} is a percentage: enter a number from 0 to 100")
        elif not 0 <= minimum <= highest:
            problems.add(
                minimum_field,
                f"The minimum for {measure.name} must be from 0 to {plain(highest, grouped=True)}",
            )
        else:
            checked.append({"measure": measure.id, "minimum": plain(minimum)})

    criteria: list[str] = []
    for raw in required:
        criterion_id = str(raw).strip()
        if not criterion_id or criterion_id in criteria:
            continue
        if criterion_id not in known.criteria:
            problems.add(
                "required_criteria",
                f"Choose required criteria from the list: no rubric defines a criterion “{criterion_id[:64]}”",
            )
        else:
            criteria.append(criterion_id)

    problems.raise_any()
    assert checked_name is not None and weight is not None
    return {
        "name": checked_name,
        "min_social_value_weight": weight,
        "mandatory_commitments": checked,
        "required_criteria": criteria,
    }


def _save(session: Session, policy: Policy) -> None:
    """Flush ``policy``; two requests that raced past the name check get the same words as one refused by it."""
    try:
        with session.begin_nested():
            session.add(policy)
            session.flush()
    except IntegrityError as exc:
        if "uq_policy_commissioner_org_id_name" not in str(exc.orig) and "policy.name" not in str(exc.orig):
            raise
        raise Invalid([("name", duplicate_name_message(policy.name))]) from None


def _require_commissioner(actor: User) -> None:
    if actor.role != Role.COMMISSIONER:
        raise Forbidden("Only a commissioner can set policies")


def create_policy(
    session: Session,
    actor: User,
    *,
    name: str,
    min_social_value_weight: object,
    mandatory_commitments: Sequence[dict[str, Any]] = (),
    required_criteria: Sequence[str] = (),
    vcse_counting: object = Counting.VERIFIED,
) -> Policy:
    _require_commissioner(actor)
    problems = Problems()
    values = problems.check(
        lambda: _validated(session, actor, name, min_social_value_weight, mandatory_commitments, required_criteria)
    )
    counting = problems.check(lambda: checked_counting(vcse_counting))
    problems.raise_any()
    assert values is not None and counting is not None
    policy = Policy(commissioner_org_id=actor.organisation_id, vcse_counting=counting, **values)
    _save(session, policy)
    audit.record(session, actor, "policy.created", "policy", policy.id, after=snapshot(policy))
    return policy


def update_policy(
    session: Session,
    actor: User,
    policy_id: int,
    *,
    expected_version: int,
    reason: str,
    name: str,
    min_social_value_weight: object,
    mandatory_commitments: Sequence[dict[str, Any]] = (),
    required_criteria: Sequence[str] = (),
    vcse_counting: object = None,
) -> Policy:
    """Change a policy's thresholds; the version read must still be current, and the change needs a reason.
    ``vcse_counting`` left out (None) keeps the policy's rule."""
    policy = get_policy(session, actor, policy_id)
    # Lock the row so the version is checked against what the last writer committed (no lost update).
    session.refresh(policy, with_for_update=True)
    if policy.version != expected_version:
        raise StaleRecord(
            f"This policy was changed by someone else (now version {policy.version}); "
            "reload it and make your change again"
        )
    problems = Problems()
    why = problems.check(
        lambda: limits.written(reason, "reason", "why the thresholds change", maximum=limits.STATEMENT_MAX)
    )
    values = problems.check(
        lambda: _validated(
            session, actor, name, min_social_value_weight, mandatory_commitments, required_criteria, policy_id=policy.id
        )
    )
    counting = problems.check(lambda: checked_counting(vcse_counting or policy.vcse_counting))
    problems.raise_any()
    assert why is not None and values is not None
    values["vcse_counting"] = counting
    before = snapshot(policy)
    for key, value in values.items():
        setattr(policy, key, value)
    policy.version += 1
    policy.updated_at = utcnow()
    _save(session, policy)
    audit.record(
        session,
        actor,
        "policy.updated",
        "policy",
        policy.id,
        before=before,
        after=snapshot(policy),
        reason=why,
    )
    return policy


def checked_counting(value: object) -> str:
    """A rule for which VCSE partners count (core.register.Counting), or a problem naming the choices."""
    if str(value) not in tuple(Counting):
        choices = ", ".join(f"{c.value!r} ({c.words})" for c in reversed(Counting))
        raise ServiceError(f"vcse_counting: choose which VCSE partners count: {choices}", field="vcse_counting")
    return str(value)


def get_policy(session: Session, actor: User, policy_id: int) -> Policy:
    policy = session.get(Policy, policy_id)
    if policy is None or (actor.role == Role.COMMISSIONER and policy.commissioner_org_id != actor.organisation_id):
        raise NotFound(f"No policy {policy_id}")
    if actor.role not in (Role.COMMISSIONER, Role.OFFICER):
        raise NotFound(f"No policy {policy_id}")
    return policy


def list_policies(session: Session, actor: User) -> list[Policy]:
    query = select(Policy).order_by(col(Policy.name))
    if actor.role == Role.COMMISSIONER:
        query = query.where(Policy.commissioner_org_id == actor.organisation_id)
    elif actor.role != Role.OFFICER:
        return []
    return list(session.exec(query).all())
