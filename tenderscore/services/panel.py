"""The evaluation panel: assignments and conflict-of-interest declarations, which gate what an evaluator sees."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from tenderscore.db.models import (
    ConflictOfInterest,
    EvaluatorAssignment,
    Organisation,
    Role,
    TenderStatus,
    User,
    id_of,
)
from tenderscore.db.types import utcnow
from tenderscore.services import audit, limits
from tenderscore.services.errors import Conflict, Forbidden, NotFound, ServiceError
from tenderscore.services.tenders import get_tender


def assign_evaluator(session: Session, actor: User, tender_id: int, evaluator_id: int) -> EvaluatorAssignment:
    if actor.role != Role.OFFICER:
        raise Forbidden("Only a procurement officer can assign evaluators")
    tender = get_tender(session, actor, tender_id)
    if tender.status in (TenderStatus.DRAFT, TenderStatus.AWARDED):
        raise Conflict(f"Evaluators are assigned to a published tender, not a {tender.status} one")
    evaluator = session.get(User, evaluator_id)
    # Only the buyer's own evaluators sit on its panel; the message does not say what else a user id is.
    if evaluator is None or evaluator.role != Role.EVALUATOR or evaluator.organisation_id != tender.buyer_org_id:
        raise ServiceError(
            f"evaluator_id: {evaluator_id} is not one of your organisation's evaluators", field="evaluator_id"
        )
    existing = assignment_of(session, tender_id, evaluator_id)
    if existing is not None:
        return existing
    assignment = EvaluatorAssignment(tender_id=tender_id, evaluator_id=evaluator_id, assigned_by_id=id_of(actor))
    session.add(assignment)
    session.flush()
    audit.record(
        session,
        actor,
        "evaluator.assigned",
        "evaluator_assignment",
        assignment.id,
        tender_id=tender_id,
        after={"evaluator": evaluator.email},
    )
    return assignment


def eligible_evaluators(session: Session, actor: User, tender_id: int) -> list[User]:
    """The evaluators an officer may put on this tender's panel: their own organisation's, still active."""
    if actor.role != Role.OFFICER:
        raise Forbidden("Only a procurement officer can assign evaluators")
    tender = get_tender(session, actor, tender_id)
    return list(
        session.exec(
            select(User)
            .where(User.role == Role.EVALUATOR, User.organisation_id == tender.buyer_org_id, col(User.active).is_(True))
            .order_by(col(User.name))
        ).all()
    )


def assignment_of(session: Session, tender_id: int, evaluator_id: int) -> EvaluatorAssignment | None:
    return session.exec(
        select(EvaluatorAssignment).where(
            EvaluatorAssignment.tender_id == tender_id, EvaluatorAssignment.evaluator_id == evaluator_id
        )
    ).first()


def declare(
    session: Session,
    actor: User,
    tender_id: int,
    *,
    statement: str,
    conflicts: Sequence[tuple[int, str]] = (),
) -> EvaluatorAssignment:
    """The evaluator's declaration: a statement, and any bidder they have a conflict with (by organisation id).

    A declaration is made once; a conflict found later is added by declaring again, never removed.
    """
    assignment = assignment_of(session, tender_id, id_of(actor))
    if actor.role != Role.EVALUATOR or assignment is None:
        raise NotFound(f"No tender {tender_id}")
    statement = limits.written(
        statement, "statement", "your declaration, e.g. 'I have no conflict of interest'", maximum=limits.STATEMENT_MAX
    )
    for bidder_org_id, details in conflicts:
        if session.get(Organisation, bidder_org_id) is None:
            raise ServiceError(f"conflicts: no organisation {bidder_org_id}", field="conflicts")
        limits.written(details, "conflicts", "a description of each conflict", maximum=limits.STATEMENT_MAX)
        known = session.exec(
            select(ConflictOfInterest).where(
                ConflictOfInterest.assignment_id == assignment.id, ConflictOfInterest.bidder_org_id == bidder_org_id
            )
        ).first()
        if known is None:
            session.add(
                ConflictOfInterest(
                    assignment_id=id_of(assignment),
                    bidder_org_id=bidder_org_id,
                    details=details.strip(),
                )
            )
    assignment.declared_at = assignment.declared_at or utcnow()
    assignment.declaration = statement
    session.add(assignment)
    session.flush()
    audit.record(
        session,
        actor,
        "evaluator.declared",
        "evaluator_assignment",
        assignment.id,
        tender_id=tender_id,
        after={
            "statement": assignment.declaration,
            "conflicts": [{"bidder_org_id": b, "details": d} for b, d in conflicts],
        },
    )
    return assignment


def conflicted_bidders(session: Session, assignment: EvaluatorAssignment) -> set[int]:
    rows = session.exec(
        select(ConflictOfInterest.bidder_org_id).where(ConflictOfInterest.assignment_id == assignment.id)
    ).all()
    return set(rows)


def panel(session: Session, tender_id: int) -> list[tuple[EvaluatorAssignment, User, list[ConflictOfInterest]]]:
    assignments = session.exec(select(EvaluatorAssignment).where(EvaluatorAssignment.tender_id == tender_id)).all()
    result = []
    for assignment in assignments:
        user = session.get(User, assignment.evaluator_id)
        conflicts = list(
            session.exec(select(ConflictOfInterest).where(ConflictOfInterest.assignment_id == assignment.id)).all()
        )
        if user is not None:
            result.append((assignment, user, conflicts))
    return result
