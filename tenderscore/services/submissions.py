"""Bids: self-check (nothing stored) and submission (every version kept byte for byte). Who may read them: access."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from sqlmodel import Session, col, select

from tenderscore.core import display
from tenderscore.core.numbers import plural
from tenderscore.core.orgid import OrgIdError, parse_orgid
from tenderscore.db.models import AuditEvent, Organisation, Role, Submission, Tender, TenderStatus, User, id_of
from tenderscore.db.types import utcnow
from tenderscore.services import audit, confirmations, lots, register
from tenderscore.services.awards import live_award
from tenderscore.services.bid_json import response_to_json
from tenderscore.services.errors import Conflict, Forbidden, LateSubmission, NotFound, RefusedWorkbook, Unprocessable
from tenderscore.services.tenders import buyer_name, get_tender, rubric_of, tender_by_reference
from tenderscore.sheets import (
    SelfCheckResult,
    TemplateIdentity,
    WorkbookRejected,
    read_workbook,
    self_check,
)

ACCEPTING = (TenderStatus.PUBLISHED,)


def identity(session: Session, tender: Tender) -> TemplateIdentity:
    """What the response template and the reader agree on: this tender, this template version, this rubric."""
    if tender.rubric_hash is None:
        raise Conflict("The response template exists once the tender is published")
    return TemplateIdentity(
        tender_reference=tender.reference,
        title=lots.caption(tender),
        buyer=buyer_name(session, tender),
        deadline=tender.deadline,
        template_version=tender.template_version,
        rubric_hash=tender.rubric_hash,
    )


def response_template(session: Session, actor: User, tender_id: int) -> tuple[str, bytes]:
    """The tender's response workbook: (file name, bytes)."""
    from tenderscore.sheets import write_template  # openpyxl: loaded for a template, not for a self-check

    tender = get_tender(session, actor, tender_id)
    workbook = write_template(rubric_of(tender), identity(session, tender))
    return f"{tender.reference}-response-v{tender.template_version}.xlsx", workbook


def check_workbook(session: Session, actor: User, tender_id: int, data: bytes) -> SelfCheckResult:
    """The bidder's self-check: errors by cell and the gate results, at once. Nothing is stored or logged."""
    tender = get_tender(session, actor, tender_id)
    if tender.status == TenderStatus.DRAFT:
        raise NotFound(f"No tender {tender_id}")
    try:
        return self_check(data, rubric_of(tender), identity(session, tender), lookup=partial(_standings, session))
    except WorkbookRejected as exc:
        raise Unprocessable(str(exc), field="workbook") from exc


def _standings(session: Session, identifiers: Sequence[str]) -> dict[str, str]:
    """The self-check's look-up: what the register says now of each identifier (services/register.standings)."""
    parsed = {}
    for text in identifiers:
        with suppress(OrgIdError):
            parsed[text] = parse_orgid(text)
    found = register.standings(session, parsed.values())
    return {text: str(found[orgid].standing) for text, orgid in parsed.items()}


def check_workbook_by_reference(session: Session, reference: str, data: bytes) -> SelfCheckResult:
    """The self-check from the operator's shell (``tenderscore check-bid``): the same check, nothing stored, except
    that partners are not looked up on the register (the command stays light; it says so for each partner)."""
    tender = tender_by_reference(session, reference)
    if tender.status == TenderStatus.DRAFT:
        raise NotFound(f"No published tender {reference}", field="reference")
    try:
        return self_check(data, rubric_of(tender), identity(session, tender))
    except WorkbookRejected as exc:
        raise Unprocessable(str(exc), field="workbook") from exc


@dataclass(frozen=True)
class Receipt:
    submission_id: int
    version: int
    sha256: str
    received_at: datetime
    size_bytes: int


def submit(
    session: Session,
    actor: User,
    tender_id: int,
    filename: str,
    data: bytes,
    *,
    now: datetime | None = None,
    confirmation_link: confirmations.Link | None = None,
) -> Receipt:
    """Store a bid in one transaction: the bytes, their SHA-256, the next version number, the server's time; and
    ask each named VCSE partner on the register to confirm its part (services/confirmations.py), emailing a link
    made by ``confirmation_link`` (confirmation id -> address) when given."""
    if actor.role != Role.BIDDER:
        raise Forbidden("Only a bidder can submit a bid")
    tender = get_tender(session, actor, tender_id)
    now = now or utcnow()
    if tender.status not in ACCEPTING or now >= tender.deadline:
        _refused(session, actor, tender, filename, data, now, "the deadline had passed", late=True)
        raise LateSubmission(f"The deadline for {tender.reference} has passed; no bid can be submitted")
    try:
        reading = read_workbook(data, rubric_of(tender), identity(session, tender))
    except WorkbookRejected as exc:
        _refused(session, actor, tender, filename, data, now, f"the file was refused: {exc}")
        raise RefusedWorkbook(str(exc), field="workbook") from exc
    if reading.errors or reading.response is None:
        count = len(reading.errors)
        said = f"the workbook had {plural(count, 'error')}"
        _refused(session, actor, tender, filename, data, now, said)
        raise RefusedWorkbook(
            f"The workbook has {count} errors; nothing was submitted",
            field="workbook",
            details=[str(e) for e in reading.errors],
        )
    previous = current_bid_of(session, id_of(tender), actor.organisation_id)
    version = 1
    if previous is not None:
        previous.is_current = False
        session.add(previous)
        session.flush()  # the partial unique index allows one current version at a time
        version = previous.version + 1
    digest = hashlib.sha256(data).hexdigest()
    submission = Submission(
        tender_id=id_of(tender),
        bidder_org_id=actor.organisation_id,
        version=version,
        is_current=True,
        filename=safe_filename(filename),
        workbook=data,
        size_bytes=len(data),
        sha256=digest,
        responses=response_to_json(reading.response),
        received_at=now,
        submitted_by_id=id_of(actor),
    )
    session.add(submission)
    session.flush()
    assert submission.id is not None
    audit.record(
        session,
        actor,
        "submission.received",
        "submission",
        submission.id,
        tender_id=tender.id,
        after={
            "version": version,
            "sha256": digest,
            "size_bytes": len(data),
            "filename": submission.filename,
            "received_at": now,
        },
    )
    confirmations.ask(
        session, actor, tender, submission, reading.response, previous, now=now, link=confirmation_link
    )
    return Receipt(submission.id, version, digest, now, len(data))


def _refused(
    session: Session,
    actor: User,
    tender: Tender,
    filename: str,
    data: bytes,
    now: datetime,
    reason: str,
    *,
    late: bool = False,
) -> None:
    """Put a refused submission on record: who, when, the file's name, size and SHA-256 (never its content)."""
    audit.record(
        session, actor, "submission.refused_late" if late else "submission.refused_invalid", "tender", tender.id,
        tender_id=tender.id, reason=reason,
        after={"attempted_at": now, "deadline": tender.deadline, "filename": safe_filename(filename),
               "size_bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()},
    )  # fmt: skip


def current_bid_of(session: Session, tender_id: int, organisation_id: int) -> Submission | None:
    """The organisation's current version of its bid for the tender (the one evaluated), if it has bid."""
    return session.exec(
        select(Submission).where(
            Submission.tender_id == tender_id,
            Submission.bidder_org_id == organisation_id,
            col(Submission.is_current).is_(True),
        )
    ).first()


def safe_filename(name: str) -> str:
    """Keep a file name for display only: no path, no control characters, bounded length."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip() or "workbook.xlsx"
    return cleaned[-120:]


def my_submissions(session: Session, actor: User, tender_id: int) -> list[Submission]:
    """A bidder's own versions for a tender, newest first (metadata only; content is theirs anyway)."""
    if actor.role != Role.BIDDER:
        raise Forbidden("Only bidders have submissions")
    tender = get_tender(session, actor, tender_id)
    return list(
        session.exec(
            select(Submission)
            .where(
                Submission.tender_id == tender.id,
                Submission.bidder_org_id == actor.organisation_id,
            )
            .order_by(col(Submission.version).desc())
        ).all()
    )


def bidder_name(session: Session, submission: Submission) -> str:
    org = session.get(Organisation, submission.bidder_org_id)
    return org.name if org else f"Bidder {submission.bidder_org_id}"


def my_submission(session: Session, actor: User, submission_id: int) -> Submission:
    """One of the bidder's own submissions (its receipt); anyone else's is not said to exist."""
    if actor.role != Role.BIDDER:
        raise Forbidden("Only bidders have submissions")
    submission = session.get(Submission, submission_id)
    if submission is None or submission.bidder_org_id != actor.organisation_id:
        raise NotFound(f"No submission {submission_id}")
    get_tender(session, actor, submission.tender_id)  # the tender is still visible to them
    return submission


@dataclass(frozen=True)
class Outcome:
    """How an awarded tender ended, as one party may be told it."""

    awarded_at: datetime
    winner: str
    reason: str | None  # the award decision's reason: for the buyer's officers and commissioners
    has_bid: bool  # the bidder asking had a bid in (so has an assessment summary); always False for the buyer
    won: bool
    compliant: bool
    rank: int | None
    total: str | None  # points out of 100, as every page shows them (2 places, half up)
    ranked: int  # how many compliant bids were ranked
    exclusions: list[str]
    standstill_ends_at: datetime | None = None  # once the contract award notice is published
    standstill_over: bool = False
    # The lots that used up this bidder's limit on lots won, when the tender's rule passed it over for this lot
    passed_over_by_lots: tuple[int, ...] = ()


def outcome(session: Session, actor: User, tender_id: int) -> Outcome | None:
    """The award as ``actor`` may see it: the decision for the buyer's team, and for a bidder their own result
    (won or not, rank and points, or why the bid was excluded). None before the award."""
    tender = get_tender(session, actor, tender_id)
    award = live_award(session, tender.id)
    if tender.status != TenderStatus.AWARDED or award is None:
        return None
    if actor.role == Role.BIDDER and award.summaries_sent_at is None:
        return None  # bidders learn the outcome from their assessment summary, issued to all of them at once
    rows: list[dict[str, Any]] = list(award.evaluation.get("bids", []))
    winner = next((r for r in rows if str(r.get("submission_id")) == str(award.submission_id)), {})
    buyer_side = actor.role in (Role.OFFICER, Role.COMMISSIONER)
    told = Outcome(
        awarded_at=award.awarded_at,
        winner=str(winner.get("bidder", "")),
        reason=award.reason if buyer_side else None,
        has_bid=False,
        won=False,
        compliant=False,
        rank=None,
        total=None,
        ranked=sum(1 for r in rows if r.get("compliant")),
        exclusions=[],
        standstill_ends_at=award.standstill_ends_at,
        standstill_over=award.standstill_ends_at is not None and utcnow() >= award.standstill_ends_at,
    )
    if actor.role != Role.BIDDER:
        return told
    mine = current_bid_of(session, id_of(tender), actor.organisation_id)
    row = next((r for r in rows if mine is not None and str(r.get("submission_id")) == str(mine.id)), None)
    if mine is None or row is None:
        return told
    return dataclasses.replace(
        told,
        has_bid=True,
        won=mine.id == award.submission_id,
        compliant=bool(row.get("compliant")),
        rank=row.get("rank"),
        total=display(Decimal(str(row["total"]))) if row.get("total") is not None else None,
        exclusions=[str(e) for e in row.get("exclusions", [])],
        passed_over_by_lots=next(
            (tuple(p["cap_reached_by_lots"]) for p in (award.evaluation.get("lot_rule") or {}).get("passed_over", [])
             if p.get("bidder") == row.get("bidder")),
            (),
        ),
    )


REFUSED = ("submission.refused_late", "submission.refused_invalid")


@dataclass(frozen=True)
class RefusedAttempt:
    """A bid refused (after the deadline, or a workbook that could not be accepted): on record, though nothing of
    the file was kept."""

    bidder: str  # the organisation
    person: str
    attempted_at: datetime
    filename: str
    sha256: str
    reason: str


@dataclass(frozen=True)
class RefusedAttempts:
    count: int
    attempts: list[RefusedAttempt]  # empty while the bids are sealed: who tried to bid is part of the seal


def refused_attempts(session: Session, actor: User, tender_id: int) -> RefusedAttempts:
    """Refused bids (late, or workbooks refused) for the buyer's officers: how many at any time; who, when and the
    file's SHA-256 once the
    bids are opened (before then the buyer learns only how many, as for the bids themselves)."""
    tender = get_tender(session, actor, tender_id)
    if actor.role not in (Role.OFFICER, Role.COMMISSIONER):
        raise Forbidden("Only the buyer's team sees refused bids")
    rows = session.exec(
        select(AuditEvent, User, Organisation)
        .join(User, col(User.id) == AuditEvent.actor_id, isouter=True)
        .join(Organisation, col(Organisation.id) == User.organisation_id, isouter=True)
        .where(AuditEvent.tender_id == tender.id, col(AuditEvent.action).in_(REFUSED))
        .order_by(col(AuditEvent.id))
    ).all()
    if actor.role != Role.OFFICER or tender.status not in (TenderStatus.EVALUATING, TenderStatus.AWARDED):
        return RefusedAttempts(len(rows), [])
    attempts = []
    for event, person, org in rows:
        after = event.after or {}
        attempted = after.get("attempted_at")
        attempts.append(
            RefusedAttempt(
                bidder=org.name if org else "",
                person=person.name if person else event.actor,
                attempted_at=datetime.fromisoformat(attempted) if attempted else event.occurred_at,
                filename=str(after.get("filename", "")),
                sha256=str(after.get("sha256", "")),
                reason=event.reason,
            )
        )
    return RefusedAttempts(len(rows), attempts)
