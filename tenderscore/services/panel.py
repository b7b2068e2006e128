"""The evaluation panel: assignments and conflict-of-interest declarations, which gate what an evaluator sees."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session, col, select

from tenderscore.db.models import (
    ConflictOfInterest,
    EvaluatorAssignment,
    Organisation,
    Role,
    Score,
    Submission,
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


def scores_recorded(session: Session, tender_id: int, evaluator_id: int) -> int:
    """How many scores ``evaluator_id`` has recorded on the bids of this tender (any version of any bid)."""
    rows = session.exec(
        select(Score.id)
        .join(Submission, col(Submission.id) == col(Score.submission_id))
        .where(Submission.tender_id == tender_id, Score.evaluator_id == evaluator_id)
    ).all()
    return len(rows)


def removal(
    session: Session, actor: User, tender_id: int, evaluator_id: int, *, for_update: bool = False
) -> tuple[EvaluatorAssignment, User]:
    """The panel member an officer is about to remove, or the reason they cannot be (see ``remove_evaluator``)."""
    if actor.role != Role.OFFICER:
        raise Forbidden("Only a procurement officer can remove an evaluator from the panel")
    tender = get_tender(session, actor, tender_id, for_update=for_update)
    assignment = assignment_of(session, tender_id, evaluator_id)
    evaluator = session.get(User, evaluator_id)
    if assignment is None or evaluator is None:
        raise NotFound(f"No evaluator {evaluator_id} on this tender's panel")
    if tender.status == TenderStatus.AWARDED:
        raise Conflict("The tender has been awarded: its panel is part of the record and no longer changes")
    recorded = scores_recorded(session, tender_id, evaluator_id)
    if recorded:
        raise Conflict(
            f"{evaluator.name} has already recorded {recorded} score{'s' if recorded != 1 else ''} on this tender, "
            "so they stay on the panel: their scores are part of the evaluation record. If they cannot carry on, "
            "assign another evaluator to score the bids instead"
        )
    return assignment, evaluator


def remove_evaluator(session: Session, actor: User, tender_id: int, evaluator_id: int, reason: str) -> User:
    """Take an evaluator off a tender's panel, with the officer's reason; only before they have scored anything.

    Refused once the evaluator has recorded any score on the tender (even on a bid version since replaced): the
    scores are part of the evaluation record, moderation weighs them, and the evaluation report names who gave
    each one, so they are never deleted and the evaluator who gave them stays on the panel. The officer assigns
    another evaluator instead. So no score, consensus or completion is ever touched here: there are none to touch.
    The assignment and the conflicts of interest declared under it are deleted; the audit event keeps all of
    them (who, when declared, the statement, each conflict), and so does the chain's earlier "evaluator.declared"
    event. Assigned again later, the evaluator declares afresh before seeing any bid.
    """
    assignment, evaluator = removal(session, actor, tender_id, evaluator_id, for_update=True)
    reason = limits.written(reason, "reason", "why the evaluator is leaving the panel", maximum=limits.STATEMENT_MAX)
    conflicts = list(
        session.exec(select(ConflictOfInterest).where(ConflictOfInterest.assignment_id == assignment.id)).all()
    )
    before = {
        "evaluator": evaluator.email,
        "assigned_at": assignment.assigned_at,
        "declared_at": assignment.declared_at,
        "declaration": assignment.declaration,
        "conflicts": [{"bidder_org_id": c.bidder_org_id, "details": c.details} for c in conflicts],
    }
    for conflict in conflicts:
        session.delete(conflict)
    session.flush()
    session.delete(assignment)
    session.flush()
    audit.record(
        session,
        actor,
        "evaluator.removed",
        "evaluator_assignment",
        assignment.id,
        tender_id=tender_id,
        before=before,
        reason=reason,
    )
    return evaluator


def eligible_evaluators(session: Session, actor: User, tender_id: int) -> list[User]:
    """The evaluators an officer may put on this tender's panel: their own organisation's, active, not on it yet."""
    if actor.role != Role.OFFICER:
        raise Forbidden("Only a procurement officer can assign evaluators")
    tender = get_tender(session, actor, tender_id)
    on_panel = select(EvaluatorAssignment.evaluator_id).where(EvaluatorAssignment.tender_id == tender_id)
    return list(
        session.exec(
            select(User)
            .where(User.role == Role.EVALUATOR, User.organisation_id == tender.buyer_org_id, col(User.active).is_(True))
            .where(col(User.id).not_in(on_panel))
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
    """Each evaluator on the tender's panel with their assignment and declared conflicts, in two queries."""
    members = session.exec(
        select(EvaluatorAssignment, User)
        .join(User, col(User.id) == EvaluatorAssignment.evaluator_id)
        .where(EvaluatorAssignment.tender_id == tender_id)
        .order_by(col(EvaluatorAssignment.id))
    ).all()
    conflicts: dict[int, list[ConflictOfInterest]] = defaultdict(list)
    ids = [id_of(assignment) for assignment, _ in members]
    declared = select(ConflictOfInterest).where(col(ConflictOfInterest.assignment_id).in_(ids))
    for conflict in session.exec(declared.order_by(col(ConflictOfInterest.id))).all() if ids else []:
        conflicts[conflict.assignment_id].append(conflict)
    return [(assignment, user, conflicts[id_of(assignment)]) for assignment, user in members]
