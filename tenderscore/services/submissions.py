"""Bids: self-check (nothing stored) and submission (every version kept byte for byte). Who may read them: access."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from tenderscore.db.models import Organisation, Role, Submission, Tender, TenderStatus, User, id_of
from tenderscore.db.types import utcnow
from tenderscore.services import audit
from tenderscore.services.bid_json import response_to_json
from tenderscore.services.errors import Conflict, Forbidden, LateSubmission, NotFound, Unprocessable
from tenderscore.services.tenders import buyer_name, get_tender, rubric_of, tender_by_reference
from tenderscore.sheets import (
    SelfCheckResult,
    TemplateIdentity,
    WorkbookRejected,
    read_workbook,
    self_check,
    write_template,
)

ACCEPTING = (TenderStatus.PUBLISHED,)


def identity(session: Session, tender: Tender) -> TemplateIdentity:
    """What the response template and the reader agree on: this tender, this template version, this rubric."""
    if tender.rubric_hash is None:
        raise Conflict("The response template exists once the tender is published")
    return TemplateIdentity(
        tender_reference=tender.reference,
        title=tender.title,
        buyer=buyer_name(session, tender),
        deadline=tender.deadline,
        template_version=tender.template_version,
        rubric_hash=tender.rubric_hash,
    )


def response_template(session: Session, actor: User, tender_id: int) -> tuple[str, bytes]:
    """The tender's response workbook: (file name, bytes)."""
    tender = get_tender(session, actor, tender_id)
    workbook = write_template(rubric_of(tender), identity(session, tender))
    return f"{tender.reference}-response-v{tender.template_version}.xlsx", workbook


def check_workbook(session: Session, actor: User, tender_id: int, data: bytes) -> SelfCheckResult:
    """The bidder's self-check: errors by cell and the gate results, at once. Nothing is stored or logged."""
    tender = get_tender(session, actor, tender_id)
    if tender.status == TenderStatus.DRAFT:
        raise NotFound(f"No tender {tender_id}")
    try:
        return self_check(data, rubric_of(tender), identity(session, tender))
    except WorkbookRejected as exc:
        raise Unprocessable(str(exc), field="workbook") from exc


def check_workbook_by_reference(session: Session, reference: str, data: bytes) -> SelfCheckResult:
    """The self-check from the operator's shell (``tenderscore check-bid``): the same check, nothing stored."""
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
    session: Session, actor: User, tender_id: int, filename: str, data: bytes, *, now: datetime | None = None
) -> Receipt:
    """Store a bid in one transaction: the bytes, their SHA-256, the next version number, the server's time."""
    if actor.role != Role.BIDDER:
        raise Forbidden("Only a bidder can submit a bid")
    tender = get_tender(session, actor, tender_id)
    now = now or utcnow()
    if tender.status not in ACCEPTING or now >= tender.deadline:
        audit.record(
            session, actor, "submission.refused_late", "tender", tender.id, tender_id=tender.id,
            after={"attempted_at": now, "deadline": tender.deadline, "filename": safe_filename(filename),
                   "size_bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()},
            reason="the deadline had passed",
        )  # fmt: skip
        raise LateSubmission(f"The deadline for {tender.reference} has passed; no bid can be submitted")
    try:
        reading = read_workbook(data, rubric_of(tender), identity(session, tender))
    except WorkbookRejected as exc:
        raise Unprocessable(str(exc), field="workbook") from exc
    if reading.errors or reading.response is None:
        raise Unprocessable(
            f"The workbook has {len(reading.errors)} errors; nothing was submitted",
            field="workbook",
            details=[str(e) for e in reading.errors],
        )
    previous = session.exec(
        select(Submission).where(
            Submission.tender_id == tender.id,
            Submission.bidder_org_id == actor.organisation_id,
            col(Submission.is_current).is_(True),
        )
    ).first()
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
    return Receipt(submission.id, version, digest, now, len(data))


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
