"""Commissioners' policies: minimum social-value weight, mandatory commitments, required criteria."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session, col, select

from tenderscore.core.policy import MandatoryCommitment
from tenderscore.core.policy import Policy as CorePolicy
from tenderscore.db.models import Policy, Role, User
from tenderscore.db.types import utcnow
from tenderscore.services import audit, limits
from tenderscore.services.errors import Forbidden, NotFound, ServiceError, StaleRecord

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
    }


def _decimal(value: object, field: str, *, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ServiceError(f"{field}: enter a number", field=field) from None
    if not number.is_finite() or number < low or number > high:
        raise ServiceError(f"{field}: enter a number from {low} to {high}", field=field)
    return number


def _validated(
    name: str, min_weight: object, commitments: Sequence[dict[str, Any]], required: Sequence[str]
) -> dict[str, Any]:
    name = limits.written(name, "name", "a name for the policy", maximum=limits.NAME_MAX, single_line=True)
    weight = _decimal(min_weight, "min_social_value_weight", low=UK_SOCIAL_VALUE_FLOOR, high=Decimal(100))
    checked = []
    for index, item in enumerate(commitments):
        measure = str(item.get("measure", "")).strip()
        if not measure:
            raise ServiceError(
                f"mandatory_commitments[{index}].measure: name the measure",
                field=f"mandatory_commitments[{index}].measure",
            )
        minimum = _decimal(
            item.get("minimum"), f"mandatory_commitments[{index}].minimum", low=Decimal(0), high=Decimal(10) ** 12
        )
        checked.append({"measure": measure, "minimum": str(minimum)})
    return {
        "name": name.strip(),
        "min_social_value_weight": weight,
        "mandatory_commitments": checked,
        "required_criteria": [r.strip() for r in required if r.strip()],
    }


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
) -> Policy:
    _require_commissioner(actor)
    values = _validated(name, min_social_value_weight, mandatory_commitments, required_criteria)
    policy = Policy(commissioner_org_id=actor.organisation_id, **values)
    session.add(policy)
    session.flush()
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
) -> Policy:
    """Change a policy's thresholds; the version read must still be current, and the change needs a reason."""
    policy = get_policy(session, actor, policy_id)
    # Lock the row so the version is checked against what the last writer committed (no lost update).
    session.refresh(policy, with_for_update=True)
    if policy.version != expected_version:
        raise StaleRecord(
            f"This policy was changed by someone else (now version {policy.version}); "
            "reload it and make your change again"
        )
    reason = limits.written(reason, "reason", "why the thresholds change", maximum=limits.STATEMENT_MAX)
    values = _validated(name, min_social_value_weight, mandatory_commitments, required_criteria)
    before = snapshot(policy)
    for key, value in values.items():
        setattr(policy, key, value)
    policy.version += 1
    policy.updated_at = utcnow()
    session.add(policy)
    session.flush()
    audit.record(
        session,
        actor,
        "policy.updated",
        "policy",
        policy.id,
        before=before,
        after=snapshot(policy),
        reason=reason.strip(),
    )
    return policy


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
