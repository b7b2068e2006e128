"""Tenders: build from a rubric, adjust, check against the policy, publish (freeze), close, open, and list."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from tenderscore import rubric_files
from tenderscore.core import Rubric
from tenderscore.core.policy import check_policy
from tenderscore.db.models import EvaluatorAssignment, Organisation, Policy, Role, Tender, TenderStatus, User, id_of
from tenderscore.db.types import utcnow
from tenderscore.services import audit, limits, policies
from tenderscore.services.errors import Conflict, Forbidden, NotFound, Problems, ServiceError, StaleRecord

# The lifecycle, in order; each step may only go to the next one.
LIFECYCLE = (
    TenderStatus.DRAFT,
    TenderStatus.PUBLISHED,
    TenderStatus.CLOSED,
    TenderStatus.EVALUATING,
    TenderStatus.AWARDED,
)


def rubric_of(tender: Tender) -> Rubric:
    """The rubric every score refers to: the frozen snapshot once published, else the working copy."""
    return rubric_files.rubric_from_dict(tender.rubric_snapshot or tender.rubric)


def _require_officer(actor: User) -> None:
    if actor.role != Role.OFFICER:
        raise Forbidden("Only a procurement officer can do this")


def _check_step(tender: Tender, to: TenderStatus) -> None:
    current = TenderStatus(tender.status)
    if LIFECYCLE.index(to) != LIFECYCLE.index(current) + 1:
        raise Conflict(
            f"A {current.value} tender cannot be moved to {to.value}; "
            f"the order is {' -> '.join(s.value for s in LIFECYCLE)}"
        )


def _facts(tender: Tender) -> dict[str, Any]:
    return {
        "reference": tender.reference,
        "title": tender.title,
        "status": tender.status,
        "deadline": tender.deadline,
        "estimated_value": tender.estimated_value,
        "policy_id": tender.policy_id,
        "rubric_hash": tender.rubric_hash,
    }


def load_rubric_source(source: str, yaml_text: str | None = None) -> Rubric:
    """A shipped rubric by name, or an uploaded YAML text; errors name the path of each bad field."""
    try:
        return rubric_files.load_rubric_text(yaml_text) if yaml_text is not None else rubric_files.load_shipped(source)
    except rubric_files.RubricError as exc:
        raise ServiceError(
            "The rubric has errors: " + "; ".join(exc.errors), field="rubric", details=list(exc.errors)
        ) from exc


def validated(rubric: Rubric) -> Rubric:
    """The rubric if it passes every rule a rubric file must (weights sum to 100, methods known...)."""
    try:
        return rubric_files.rubric_from_dict(rubric_files.rubric_to_dict(rubric))
    except rubric_files.RubricError as exc:
        raise ServiceError(
            "The rubric has errors: " + "; ".join(exc.errors), field="rubric", details=list(exc.errors)
        ) from exc


def with_criterion_changes(rubric: Rubric, changes: dict[str, dict[str, Any]]) -> Rubric:
    """The rubric with per-criterion changes (weight, mandatory_minimum, minimum), validated as a whole.

    Unknown criterion ids are an error; the weights must still sum to exactly 100.
    """
    unknown = sorted(set(changes) - {c.id for c in rubric.criteria})
    if unknown:
        raise ServiceError(f"criteria: the rubric has no criterion {', '.join(unknown)}", field="criteria")
    sections = tuple(
        dataclasses.replace(s, criteria=tuple(dataclasses.replace(c, **changes.get(c.id, {})) for c in s.criteria))
        for s in rubric.sections
    )
    return validated(dataclasses.replace(rubric, sections=sections))


def tender_problems(
    session: Session, *, reference: str, title: str, description: str, deadline: datetime | None, policy_id: int | None
) -> Problems:
    """Every problem with a new tender's details at once (``deadline`` None: the caller could not read one)."""
    problems = Problems()
    problems.check(lambda: limits.reference(reference))
    problems.check(lambda: limits.written(title, "title", "a title", maximum=limits.TITLE_MAX, single_line=True))
    problems.check(
        lambda: limits.written(
            description, "description", "a description", maximum=limits.DESCRIPTION_MAX, required=False
        )
    )
    if deadline is not None and deadline.tzinfo is None:
        problems.add("deadline", "give the deadline's time zone")
    if policy_id is not None and session.get(Policy, policy_id) is None:
        problems.add("policy_id", f"there is no policy {policy_id}; choose one from the list")
    return problems


def create_tender(
    session: Session,
    actor: User,
    *,
    reference: str,
    title: str,
    rubric: Rubric,
    deadline: datetime,
    estimated_value: Decimal | None = None,
    policy_id: int | None = None,
    description: str = "",
) -> Tender:
    """A draft tender from a rubric: every problem with its details is reported at once; a reference is unique."""
    _require_officer(actor)
    tender_problems(
        session, reference=reference, title=title, description=description, deadline=deadline, policy_id=policy_id
    ).raise_any()
    reference, title, description = reference.strip(), title.strip(), description.strip()
    if session.exec(select(Tender).where(Tender.reference == reference)).first() is not None:
        raise Conflict(f"reference: a tender {reference} already exists; choose another reference", field="reference")
    tender = Tender(
        reference=reference,
        title=title,
        description=description,
        buyer_org_id=actor.organisation_id,
        policy_id=policy_id,
        estimated_value=estimated_value,
        deadline=deadline,
        rubric=rubric_files.rubric_to_dict(rubric),
        created_by_id=id_of(actor),
    )
    session.add(tender)
    session.flush()
    audit.record(session, actor, "tender.created", "tender", tender.id, tender_id=tender.id, after=_facts(tender))
    return tender


def update_draft(
    session: Session,
    actor: User,
    tender_id: int,
    *,
    expected_version: int,
    rubric: Rubric | None = None,
    deadline: datetime | None = None,
    title: str | None = None,
    estimated_value: Decimal | None = None,
    policy_id: int | None = None,
    reason: str = "",
) -> Tender:
    """Change a draft: its rubric (weights, thresholds), deadline, title, value or policy."""
    tender = get_tender(session, actor, tender_id, for_update=True)
    _require_officer(actor)
    if tender.status != TenderStatus.DRAFT:
        raise Conflict("A published tender's rubric is frozen; it can no longer be changed")
    if tender.version != expected_version:
        raise StaleRecord(f"This tender was changed by someone else (now version {tender.version}); reload it")
    reason = limits.written(reason, "reason", "the reason for the change", maximum=limits.STATEMENT_MAX, required=False)
    before = {**_facts(tender), "rubric": tender.rubric}
    if rubric is not None:
        tender.rubric = rubric_files.rubric_to_dict(rubric)
    if deadline is not None:
        tender.deadline = deadline
    if title is not None:
        tender.title = limits.written(title, "title", "a title", maximum=limits.TITLE_MAX, single_line=True)
    if estimated_value is not None:
        tender.estimated_value = estimated_value
    if policy_id is not None:
        if session.get(Policy, policy_id) is None:
            raise ServiceError(f"policy: there is no policy {policy_id}", field="policy_id")
        tender.policy_id = policy_id
    tender.version += 1
    session.add(tender)
    session.flush()
    audit.record(
        session,
        actor,
        "tender.updated",
        "tender",
        tender.id,
        tender_id=tender.id,
        before=before,
        after={**_facts(tender), "rubric": tender.rubric},
        reason=reason,
    )
    return tender


def breaches(session: Session, tender: Tender) -> list[str]:
    """Every way the tender's rubric breaks its policy, in plain words; empty when it may be published."""
    if tender.policy_id is None:
        return []
    policy = session.get(Policy, tender.policy_id)
    if policy is None:
        return [f"The tender names policy {tender.policy_id}, which no longer exists"]
    return [breach.message for breach in check_policy(rubric_of(tender), policies.to_core(policy))]


def publish(session: Session, actor: User, tender_id: int, *, now: datetime | None = None) -> Tender:
    """Freeze the rubric (and its hash) and copy the policy's thresholds in force; refuse while any breach is left."""
    tender = get_tender(session, actor, tender_id, for_update=True)
    _require_officer(actor)
    _check_step(tender, TenderStatus.PUBLISHED)
    now = now or utcnow()
    if tender.deadline <= now:
        raise Conflict("deadline: the deadline has passed; set a later one before publishing", field="deadline")
    left = breaches(session, tender)
    if left:
        raise Conflict("The tender breaks its policy: " + " ".join(left), details=left)
    rubric = rubric_of(tender)
    tender.rubric_snapshot = rubric_files.rubric_to_dict(rubric)
    tender.rubric_hash = rubric_files.rubric_hash(rubric)
    policy = session.get(Policy, tender.policy_id) if tender.policy_id is not None else None
    tender.policy_snapshot = policies.snapshot(policy) if policy is not None else None
    tender.status = TenderStatus.PUBLISHED
    tender.published_at = now
    tender.version += 1
    session.add(tender)
    session.flush()
    audit.record(
        session,
        actor,
        "tender.published",
        "tender",
        tender.id,
        tender_id=tender.id,
        after={**_facts(tender), "policy": tender.policy_snapshot},
    )
    return tender


def open_bids(session: Session, actor: User, tender_id: int, *, now: datetime | None = None) -> Tender:
    """After the deadline (server clock): close the competition and open the bids for evaluation."""
    tender = get_tender(session, actor, tender_id, for_update=True)
    _require_officer(actor)
    now = now or utcnow()
    if tender.status == TenderStatus.PUBLISHED:
        if now < tender.deadline:
            raise Conflict("Bids are sealed until the deadline has passed")
        tender.status = TenderStatus.CLOSED
        audit.record(
            session, actor, "tender.closed", "tender", tender.id, tender_id=tender.id, after={"status": tender.status}
        )
    _check_step(tender, TenderStatus.EVALUATING)
    tender.status = TenderStatus.EVALUATING
    tender.opened_at = now
    tender.version += 1
    session.add(tender)
    session.flush()
    audit.record(
        session,
        actor,
        "tender.opened",
        "tender",
        tender.id,
        tender_id=tender.id,
        after={"status": tender.status, "opened_at": now},
    )
    return tender


def get_tender(session: Session, actor: User, tender_id: int, *, for_update: bool = False) -> Tender:
    """The tender if ``actor`` may see it at all; a 404 otherwise (never revealing that it exists).

    ``for_update`` locks the row until the transaction ends, so a state change (publish, open, award, a draft
    edit) checks the status and version that the last writer committed, and two at once cannot both pass.
    """
    tender = session.get(Tender, tender_id, with_for_update=for_update, populate_existing=for_update)
    if tender is None or tender.deleted_at is not None or not can_see(session, actor, tender):
        raise NotFound(f"No tender {tender_id}")
    return tender


def tender_by_reference(session: Session, reference: str) -> Tender:
    """The tender with this reference, for the operator's command line (which acts for nobody in particular)."""
    tender = session.exec(select(Tender).where(Tender.reference == reference.strip())).first()
    if tender is None:
        raise NotFound(f"No tender {reference}", field="reference")
    return tender


def can_see(session: Session, actor: User, tender: Tender) -> bool:
    if actor.role == Role.OFFICER:
        return tender.buyer_org_id == actor.organisation_id
    if actor.role == Role.COMMISSIONER:
        policy = session.get(Policy, tender.policy_id) if tender.policy_id else None
        return policy is not None and policy.commissioner_org_id == actor.organisation_id
    if actor.role == Role.EVALUATOR:
        return (
            session.exec(
                select(EvaluatorAssignment).where(
                    EvaluatorAssignment.tender_id == tender.id, EvaluatorAssignment.evaluator_id == actor.id
                )
            ).first()
            is not None
        )
    return tender.status != TenderStatus.DRAFT  # bidders see published opportunities


def list_tenders(session: Session, actor: User) -> list[Tender]:
    query = select(Tender).where(col(Tender.deleted_at).is_(None)).order_by(col(Tender.deadline).desc())
    if actor.role == Role.OFFICER:
        query = query.where(Tender.buyer_org_id == actor.organisation_id)
    elif actor.role == Role.COMMISSIONER:
        query = query.join(Policy, col(Policy.id) == Tender.policy_id).where(
            Policy.commissioner_org_id == actor.organisation_id
        )
    elif actor.role == Role.EVALUATOR:
        query = query.join(EvaluatorAssignment, col(EvaluatorAssignment.tender_id) == Tender.id).where(
            EvaluatorAssignment.evaluator_id == actor.id
        )
    else:
        query = query.where(Tender.status != TenderStatus.DRAFT)
    return list(session.exec(query).all())


def buyer_name(session: Session, tender: Tender) -> str:
    org = session.get(Organisation, tender.buyer_org_id)
    return org.name if org else ""
