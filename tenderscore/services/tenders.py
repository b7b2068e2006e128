"""Tenders: build from a rubric, adjust or delete a draft, publish (freeze), extend a deadline, open, and list."""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

from sqlmodel import Session, col, select

from tenderscore import rubric_files
from tenderscore.core import Criterion, CriterionKind, Rubric, method_for
from tenderscore.core.clarifications import default_clarification_deadline
from tenderscore.core.policy import check_policy, with_policy_counting
from tenderscore.core.ukdates import uk_time
from tenderscore.db.models import (
    EvaluatorAssignment,
    Organisation,
    Policy,
    Role,
    Submission,
    Tender,
    TenderStatus,
    User,
    id_of,
)
from tenderscore.db.types import utcnow
from tenderscore.services import audit, limits, mail, policies
from tenderscore.services.errors import Conflict, Forbidden, NotFound, Problems, ServiceError, StaleRecord
from tenderscore.sheets.quantities import format_unit

# The lifecycle, in order; each step may only go to the next one.
LIFECYCLE = (
    TenderStatus.DRAFT,
    TenderStatus.PUBLISHED,
    TenderStatus.CLOSED,
    TenderStatus.EVALUATING,
    TenderStatus.AWARDED,
)


def rubric_of(tender: Tender) -> Rubric:
    """The rubric every score refers to: the frozen snapshot once published, else the working copy.

    A published tender's snapshot never changes and its hash names it, so it is validated once per process (per
    tender and hash) rather than on every use: a page of results reads it once per bid.
    """
    if tender.rubric_snapshot is None or tender.rubric_hash is None or tender.id is None:
        return rubric_files.rubric_from_dict(tender.rubric_snapshot or tender.rubric)
    key = (tender.id, tender.rubric_hash)
    with _FROZEN_LOCK:
        found = _FROZEN.get(key)
        if found is not None:
            _FROZEN.move_to_end(key)
            return found
    rubric = rubric_files.rubric_from_dict(tender.rubric_snapshot)
    with _FROZEN_LOCK:
        _FROZEN[key] = rubric
        while len(_FROZEN) > _FROZEN_MAX:
            _FROZEN.popitem(last=False)
    return rubric


# Published rubrics already validated, by (tender id, rubric hash): immutable values, the most recently used kept.
_FROZEN: OrderedDict[tuple[int, str], Rubric] = OrderedDict()
_FROZEN_MAX = 64
_FROZEN_LOCK = threading.Lock()


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
        "clarification_deadline": tender.clarification_deadline,
        "estimated_value": tender.estimated_value,
        "policy_id": tender.policy_id,
        "rubric_hash": tender.rubric_hash,
        **({"lot": tender.lot_number, "lot_title": tender.lot_title} if tender.lot_title is not None else {}),
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


def clarification_problem(value: datetime | None, deadline: datetime | None, now: datetime) -> str | None:
    """What is wrong with a clarification deadline (None: unset, or nothing), against the tender's deadline."""
    if value is None:
        return None
    if value.tzinfo is None:
        return "give the clarification deadline's time zone"
    if value <= now:
        return "the clarification deadline must be in the future"
    if deadline is not None and deadline.tzinfo is not None and value >= deadline:
        return f"the clarification deadline must be before the deadline for bids, {uk_time(deadline)}"
    return None


def clarification_deadline_of(tender: Tender) -> datetime | None:
    """When questions close: as set, else (a tender published before there were clarifications) the default."""
    if tender.clarification_deadline is not None or tender.published_at is None:
        return tender.clarification_deadline
    return default_clarification_deadline(tender.published_at, tender.deadline)


def tender_problems(
    session: Session,
    *,
    reference: str,
    title: str,
    description: str,
    deadline: datetime | None,
    policy_id: int | None,
    clarification_deadline: datetime | None = None,
    now: datetime | None = None,
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
    if found := clarification_problem(clarification_deadline, deadline, now or utcnow()):
        problems.add("clarification_deadline", found)
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
    clarification_deadline: datetime | None = None,
) -> Tender:
    """A draft tender from a rubric: every problem with its details is reported at once; a reference is unique.

    ``clarification_deadline`` None: set at publication to the default (``core.clarifications``).
    """
    _require_officer(actor)
    tender_problems(
        session, reference=reference, title=title, description=description, deadline=deadline, policy_id=policy_id,
        clarification_deadline=clarification_deadline,
    ).raise_any()  # fmt: skip
    reference, title, description = reference.strip(), title.strip(), description.strip()
    existing = session.exec(select(Tender).where(Tender.reference == reference)).first()
    if existing is not None:
        whose = "a deleted draft" if existing.deleted_at is not None else "a tender"
        raise Conflict(f"reference: {whose} already has the reference {reference}; choose another", field="reference")
    tender = Tender(
        reference=reference,
        title=title,
        description=description,
        buyer_org_id=actor.organisation_id,
        policy_id=policy_id,
        estimated_value=estimated_value,
        deadline=deadline,
        clarification_deadline=clarification_deadline,
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
    description: str | None = None,
    estimated_value: Decimal | None = None,
    policy_id: int | None = None,
    reason: str = "",
    clarification_deadline: datetime | None = None,
    now: datetime | None = None,
    lot_title: str | None = None,
) -> Tender:
    """Change a draft: its rubric (weights, thresholds), deadline, clarification deadline, title, description, value
    or policy; a lot of a tender divided into lots (lot 1 included), its lot title.

    ``None`` leaves a detail as it is. Every problem with the changes is reported at once; a new deadline must be in
    the future (an unchanged one may already have passed: publishing then says so). Nothing changed, nothing recorded.
    """
    tender = get_tender(session, actor, tender_id, for_update=True)
    _require_officer(actor)
    if tender.status != TenderStatus.DRAFT:
        raise Conflict("A published tender's rubric is frozen; it can no longer be changed")
    if tender.version != expected_version:
        raise StaleRecord(f"This tender was changed by someone else (now version {tender.version}); reload it")
    now = now or utcnow()
    problems = Problems()
    if tender.lot_of_id is not None:  # a lot takes these from its tender (services/lots.py)
        for field, value, current in (
            ("deadline", deadline, tender.deadline),
            ("clarification_deadline", clarification_deadline, tender.clarification_deadline),
            ("policy_id", policy_id, tender.policy_id),
        ):
            if value is not None and value != current:
                problems.add(field, "a lot shares this with its tender: change it on the tender")
        title = None  # a lot's own title is its lot title; the tender's title is the tender's
    reason = (
        problems.check(
            lambda: limits.written(
                reason, "reason", "the reason for the change", maximum=limits.STATEMENT_MAX, required=False
            )
        )
        or ""
    )
    if title is not None:
        title = problems.check(
            lambda: limits.written(title, "title", "a title", maximum=limits.TITLE_MAX, single_line=True)
        )
    if lot_title is not None and tender.lot_title is not None:  # an undivided tender has no lot title to change
        lot_title = problems.check(
            lambda: limits.written(lot_title, "lot_title", "the lot's title", maximum=limits.TITLE_MAX,
                                   single_line=True)
        )  # fmt: skip
    else:
        lot_title = None
    if description is not None:
        description = problems.check(
            lambda: limits.written(
                description, "description", "a description", maximum=limits.DESCRIPTION_MAX, required=False
            )
        )
    if deadline is not None and deadline != tender.deadline:
        if deadline.tzinfo is None:
            problems.add("deadline", "give the deadline's time zone")
        elif deadline <= now:
            problems.add("deadline", "the deadline must be in the future")
    if estimated_value is not None and estimated_value < 0:
        problems.add("estimated_value", "enter an estimated value of £0 or more")
    if policy_id is not None and session.get(Policy, policy_id) is None:
        problems.add("policy_id", f"there is no policy {policy_id}; choose one from the list")
    if clarification_deadline is not None and clarification_deadline != tender.clarification_deadline:
        if found := clarification_problem(clarification_deadline, deadline or tender.deadline, now):
            problems.add("clarification_deadline", found)
    elif deadline is not None and tender.clarification_deadline is not None and (
        deadline.tzinfo is not None and tender.clarification_deadline >= deadline
    ):
        problems.add(
            "clarification_deadline",
            f"the clarification deadline, {uk_time(tender.clarification_deadline)}, must be before the deadline for "
            "bids; change it as well",
        )
    problems.raise_any()
    before = {**_facts(tender), "description": tender.description, "rubric": tender.rubric}
    if rubric is not None:
        tender.rubric = rubric_files.rubric_to_dict(rubric)
    if deadline is not None:
        tender.deadline = deadline
    if clarification_deadline is not None:
        tender.clarification_deadline = clarification_deadline
    if title is not None:
        tender.title = title
    if lot_title is not None:
        tender.lot_title = lot_title
    if description is not None:
        tender.description = description
    if estimated_value is not None:
        tender.estimated_value = estimated_value
    if policy_id is not None:
        tender.policy_id = policy_id
    after = {**_facts(tender), "description": tender.description, "rubric": tender.rubric}
    if audit.jsonable(after) == audit.jsonable(before):
        return tender
    tender.version += 1
    session.add(tender)
    session.flush()
    audit.record(
        session, actor, "tender.updated", "tender", tender.id, tender_id=tender.id, before=before, after=after,
        reason=reason,
    )  # fmt: skip
    _lots().follow(session, tender)
    return tender


def delete_draft(
    session: Session, actor: User, tender_id: int, *, expected_version: int, reason: str, now: datetime | None = None
) -> Tender:
    """Delete a draft: hidden from every list and address from now on, kept because the audit chain names it."""
    tender = get_tender(session, actor, tender_id, for_update=True)
    _require_officer(actor)
    if tender.status != TenderStatus.DRAFT:
        raise Conflict(f"Only a draft can be deleted; a {tender.status} tender stays on record")
    if tender.version != expected_version:
        raise StaleRecord(f"This tender was changed by someone else (now version {tender.version}); reload it")
    reason = limits.written(reason, "reason", "why you are deleting this draft", maximum=limits.STATEMENT_MAX)
    tender.deleted_at = now or utcnow()
    tender.version += 1
    session.add(tender)
    session.flush()
    audit.record(
        session, actor, "tender.deleted", "tender", tender.id, tender_id=tender.id, before=_facts(tender),
        after={"deleted_at": tender.deleted_at}, reason=reason,
    )  # fmt: skip
    _lots().follow(session, tender)  # a tender's lots go with it; a lot alone is removed from its tender
    return tender


def extend_deadline(
    session: Session,
    actor: User,
    tender_id: int,
    *,
    expected_version: int,
    deadline: datetime | None,
    reason: str,
    clarification_deadline: datetime | None = None,
    following: int | None = None,
    now: datetime | None = None,
) -> Tender:
    """Move a published tender's deadline later, before it has passed, and tell every bidder by email.

    ``clarification_deadline`` moves when questions close as well (None: it stays). ``following`` names the
    clarification whose answer led to the extension: the link is recorded and shown next to that answer.

    The response template keeps its version: the reader does not compare the deadline, so every workbook a bidder
    has already filled in stays valid (a new version would make each of them copy their answers over).
    ``deadline`` None: the caller could not read one (reported with any other problem).
    """
    tender = get_tender(session, actor, tender_id, for_update=True)
    _require_officer(actor)
    _lots().refuse_on_a_lot(session, tender, "extend the deadline")
    if tender.status != TenderStatus.PUBLISHED:
        raise Conflict(f"Only a tender open for bids can have its deadline extended; this one is {tender.status}")
    now = now or utcnow()
    if tender.deadline <= now:
        raise Conflict(
            "deadline: the deadline has passed and bids are closed; it can no longer be extended", field="deadline"
        )
    if tender.version != expected_version:
        raise StaleRecord(f"This tender was changed by someone else (now version {tender.version}); reload it")
    problems = Problems()
    if deadline is not None and deadline.tzinfo is None:
        problems.add("deadline", "give the deadline's time zone")
    elif deadline is not None and deadline <= tender.deadline:
        problems.add("deadline", f"the new deadline must be later than the current one, {uk_time(tender.deadline)}")
    reason = (
        problems.check(
            lambda: limits.written(reason, "reason", "the reason for the extension", maximum=limits.STATEMENT_MAX)
        )
        or ""
    )
    if deadline is None:
        problems.add("deadline", "enter the new deadline")
    if found := clarification_problem(clarification_deadline, deadline, now):
        problems.add("clarification_deadline", found)
    linked = problems.check(lambda: _clarifications().answered_on(session, tender, following))
    problems.raise_any()
    assert deadline is not None
    previous, questions_closed = tender.deadline, clarification_deadline_of(tender)
    tender.deadline = deadline
    if clarification_deadline is not None:
        tender.clarification_deadline = clarification_deadline
    tender.version += 1
    session.add(tender)
    session.flush()
    _lots().follow(session, tender)
    told = _tell_bidders_of_extension(session, tender, previous, reason)
    after = {"deadline": deadline, "template_version": tender.template_version, "bidders_told": told}
    before: dict[str, Any] = {"deadline": previous}
    if clarification_deadline is not None:
        before["clarification_deadline"], after["clarification_deadline"] = questions_closed, clarification_deadline
    if linked is not None:
        after["following_clarification"] = linked.id
    audit.record(
        session, actor, "tender.deadline_extended", "tender", tender.id, tender_id=tender.id, before=before,
        after=after, reason=reason,
    )  # fmt: skip
    if linked is not None:
        _clarifications().link_change(session, actor, linked, "tender.deadline_extended",
                                      f"The deadline for bids was extended to {uk_time(deadline)}", now)  # fmt: skip
    _publication().store_tender_release(session, tender, update=True, when=now)
    return tender


def _clarifications() -> ModuleType:
    """Clarification questions (services/clarifications.py reads tenders through this module, hence the late
    import)."""
    from tenderscore.services import clarifications

    return clarifications


def _lots() -> ModuleType:
    """A tender's lots (services/lots.py reads tenders through this module, hence the late import)."""
    from tenderscore.services import lots

    return lots


def _publication() -> ModuleType:
    """The open-data releases (services/publication.py reads tenders through this module, hence the late import)."""
    from tenderscore.services import publication

    return publication


def _tell_bidders_of_extension(session: Session, tender: Tender, previous: datetime, reason: str) -> int:
    """One email per active bidder account (nobody sees who else was told); returns how many were queued.

    Every bidder, not only those with a bid in: the tender is open to every bidder on the service and nothing records
    who is preparing a bid (a template download is not recorded), so anyone may be working to the old deadline.
    Those whose organisation has a bid in are told that it stands.
    """
    with_bid = {
        org: version
        for org, version in session.exec(
            select(Submission.bidder_org_id, Submission.version).where(
                col(Submission.tender_id).in_([id_of(lot) for lot in _lots().lots_of(session, tender)]),
                col(Submission.is_current).is_(True),
            )
        ).all()
    }
    bidders = session.exec(
        select(User).where(User.role == Role.BIDDER, col(User.active).is_(True)).order_by(col(User.id))
    ).all()
    questions = (
        f"Clarification questions close: {uk_time(tender.clarification_deadline)}\n"
        if tender.clarification_deadline
        else ""
    )
    heading = (
        f"The deadline for {tender.reference}, {tender.title} ({buyer_name(session, tender)}), has been extended.\n\n"
        f"New deadline: {uk_time(tender.deadline)}\nPrevious deadline: {uk_time(previous)}\n{questions}"
        f"Reason: {reason}\n\n"
    )
    for bidder in bidders:
        version = with_bid.get(bidder.organisation_id)
        if version is not None:
            yours = (
                f"Your organisation's bid (version {version}) stands. You can submit a new version until the new "
                "deadline; the last version received counts."
            )
        else:
            yours = "You can submit a bid until the new deadline."
        body = (
            heading + yours + "\n\nThe response template has not changed: a workbook you have already filled in "
            "is still valid.\n"
        )
        mail.queue(
            session,
            mail.Message(
                to=bidder.email, subject=f"Deadline extended: {tender.reference}", body=body,
                purpose="deadline_extended",
            ),
        )  # fmt: skip
    return len(bidders)


DEADLINE_PASSED = "the deadline has passed; set a later one before publishing"


@dataclass(frozen=True)
class NextStep:
    """What the officer can do next with a tender, and if not, why not (so no button leads to a refusal)."""

    can_publish: bool
    breaches: list[str]
    deadline_passed: bool
    can_open: bool
    can_extend: bool
    clarification_problem: str | None = None  # why the draft's clarification deadline would stop publication


def next_step(session: Session, tender: Tender, *, now: datetime | None = None) -> NextStep:
    """The same rules ``publish``, ``open_bids`` and ``extend_deadline`` apply, asked in advance."""
    now = now or utcnow()
    status = TenderStatus(tender.status)
    left: list[str] = []
    if status == TenderStatus.DRAFT:  # a tender is published with its lots: each must meet the policy too
        family = [tender] if tender.lot_of_id else _lots().lots_of(session, tender)
        left = _family_breaches(session, family)
    passed = tender.deadline <= now
    questions = (
        clarification_problem(tender.clarification_deadline, tender.deadline, now)
        if status == TenderStatus.DRAFT and not passed
        else None
    )
    return NextStep(
        can_publish=status == TenderStatus.DRAFT and not left and not passed and questions is None,
        clarification_problem=questions,
        breaches=left,
        deadline_passed=passed,
        can_open=status in (TenderStatus.PUBLISHED, TenderStatus.CLOSED) and passed,
        can_extend=status == TenderStatus.PUBLISHED and not passed,
    )


def breaches(session: Session, tender: Tender) -> list[str]:
    """Every way the tender's rubric breaks its policy, in plain words; empty when it may be published."""
    if tender.policy_id is None:
        return []
    policy = session.get(Policy, tender.policy_id)
    if policy is None:
        return [f"The tender names policy {tender.policy_id}, which no longer exists"]
    rubric = rubric_of(tender)
    return [breach.message for breach in check_policy(rubric, policies.to_core(policy), policies.names(rubric))]


def publish(
    session: Session,
    actor: User,
    tender_id: int,
    *,
    clarification_deadline: datetime | None = None,
    now: datetime | None = None,
) -> Tender:
    """Freeze the rubric (and its hash) and copy the policy's thresholds in force; refuse while any breach is left.

    Questions close at ``clarification_deadline``, else at the one the draft has, else at the default
    (``core.clarifications``): it must still be ahead and before the deadline for bids.
    """
    tender = get_tender(session, actor, tender_id, for_update=True)
    _require_officer(actor)
    _lots().refuse_on_a_lot(session, tender, "publish")
    _check_step(tender, TenderStatus.PUBLISHED)
    now = now or utcnow()
    questions_close = clarification_deadline or tender.clarification_deadline
    if questions_close is not None and tender.deadline > now:
        if found := clarification_problem(questions_close, tender.deadline, now):
            raise Conflict(f"clarification_deadline: {found}", field="clarification_deadline")
    lots = _lots().lots_of(session, tender, for_update=True)
    left = _family_breaches(session, lots)
    deadline_passed = tender.deadline <= now
    if deadline_passed and left:
        raise Conflict(
            f"deadline: {DEADLINE_PASSED}; and the tender breaks its policy: " + " ".join(left),
            field="deadline", details=[DEADLINE_PASSED[:1].upper() + DEADLINE_PASSED[1:], *left],
        )  # fmt: skip
    if deadline_passed:
        raise Conflict(f"deadline: {DEADLINE_PASSED}", field="deadline")
    if left:
        raise Conflict("The tender breaks its policy: " + " ".join(left), details=left)
    policy = session.get(Policy, tender.policy_id) if tender.policy_id is not None else None
    tender.clarification_deadline = questions_close or default_clarification_deadline(now, tender.deadline)
    _lots().follow(session, tender)
    for lot in lots:  # every lot is frozen and published with its tender, each on the record
        _freeze(session, actor, lot, policy, now)
    _publication().store_tender_release(session, tender)  # one tender release, every lot in it
    return tender


def _family_breaches(session: Session, lots: list[Tender]) -> list[str]:
    """The policy breaches of every lot of a tender, each lot passing the policy's gates on its own."""
    if len(lots) == 1:
        return breaches(session, lots[0])
    return [f"Lot {lot.lot_number}: {found}" for lot in lots for found in breaches(session, lot)]


def _freeze(session: Session, actor: User, tender: Tender, policy: Policy | None, now: datetime) -> None:
    rubric = rubric_of(tender)
    if policy is not None:  # the policy's rule for which VCSE partners count is published with the rubric
        rubric = with_policy_counting(rubric, policies.to_core(policy))
    tender.rubric_snapshot = rubric_files.rubric_to_dict(rubric)
    tender.rubric_hash = rubric_files.rubric_hash(rubric)
    tender.policy_snapshot = policies.snapshot(policy) if policy is not None else None
    tender.status = TenderStatus.PUBLISHED
    tender.published_at = now
    tender.version += 1
    session.add(tender)
    session.flush()
    after = {**_facts(tender), "policy": tender.policy_snapshot}
    if tender.lot_of_id is None and tender.lot_cap is not None:
        after |= {"lot_cap": tender.lot_cap, "lot_order": tender.lot_order}
    audit.record(session, actor, "tender.published", "tender", tender.id, tender_id=tender.id, after=after)


def open_bids(session: Session, actor: User, tender_id: int, *, now: datetime | None = None) -> Tender:
    """After the deadline (server clock): close the competition and open the bids for evaluation (of every lot)."""
    tender = get_tender(session, actor, tender_id, for_update=True)
    _require_officer(actor)
    _lots().refuse_on_a_lot(session, tender, "open the bids")
    now = now or utcnow()
    if tender.status == TenderStatus.PUBLISHED and now < tender.deadline:
        raise Conflict("Bids are sealed until the deadline has passed")
    _check_step(tender, TenderStatus.CLOSED if tender.status == TenderStatus.PUBLISHED else TenderStatus.EVALUATING)
    for lot in _lots().lots_of(session, tender, for_update=True):
        _open(session, actor, lot, now)
    return tender


def _open(session: Session, actor: User, tender: Tender, now: datetime) -> None:
    if tender.status == TenderStatus.PUBLISHED:
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
    if actor.role != Role.EVALUATOR:  # a tender's further lots are listed with it; an evaluator sees its lots
        query = query.where(col(Tender.lot_of_id).is_(None))
    return list(session.exec(query).all())


def buyer_name(session: Session, tender: Tender) -> str:
    org = session.get(Organisation, tender.buyer_org_id)
    return org.name if org else ""


_METHODS = {
    "proportional": "points in proportion to the highest compliant commitment",
    "banded": "points by the highest band reached",
    "linear": "points on a straight line from the floor to the target",
    "lowest_ratio": "points in proportion to the lowest compliant price",
    "proportional_deviation": "points reduced by how far the price is above the lowest compliant price",
}


def criterion_in_words(rubric: Rubric, criterion: Criterion) -> str:
    """How a criterion is scored, in words a bidder or a commissioner reads (no method ids)."""
    if criterion.kind == CriterionKind.PASS_FAIL:
        return "Yes or no: a wrong answer excludes the bid"
    if criterion.kind == CriterionKind.SCORED:
        words = f"Written answer scored 0 to {rubric.scale.maximum} by the evaluators"
        if criterion.minimum is not None:
            words += f"; a score below {criterion.minimum} excludes the bid"
        return words
    name = method_for(criterion).name
    words = _METHODS.get(name, method_for(criterion).summary)
    words = ("Price: " if criterion.kind == CriterionKind.PRICE else "Commitment: ") + words
    if criterion.mandatory_minimum is not None:
        amount = (
            format_unit(criterion.mandatory_minimum, rubric.measure(criterion.measure).unit)
            if criterion.measure
            else str(criterion.mandatory_minimum)
        )
        words += f"; less than {amount} excludes the bid"
    return words
