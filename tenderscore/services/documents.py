"""Documents issued on the award path, kept byte for byte as they left: stored once, never regenerated.

A summary or letter a bidder was sent can be produced again exactly, and its SHA-256 is in the audit chain. Who may
read which document is decided in ``services/access.py`` (``visible_documents``, ``readable_document``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from tenderscore.db.models import Award, DocumentKind, IssuedDocument, Organisation, Submission, Tender, User, id_of
from tenderscore.services import audit

TITLES = {
    DocumentKind.ASSESSMENT_SUMMARY: "Assessment summary",
    DocumentKind.AWARD_NOTICE: "Contract award notice",
    DocumentKind.STANDSTILL_LETTER: "Standstill letter",
    DocumentKind.CONTRACT_NOTICE: "Contract details notice",
    DocumentKind.PERFORMANCE_NOTICE: "Contract performance notice",
}


@dataclass(frozen=True)
class Issued:
    id: int
    kind: DocumentKind
    title: str
    bidder: str | None  # the bidder it was sent to; None for a public notice
    bidder_org_id: int | None
    submission_id: int | None
    filename: str
    sha256: str
    issued_at: datetime
    withdrawn: bool  # issued under an award decision later withdrawn


def store(
    session: Session,
    actor: User,
    tender: Tender,
    award: Award,
    kind: DocumentKind,
    filename: str,
    content: bytes,
    *,
    now: datetime,
    submission: Submission | None = None,
) -> Issued:
    """Keep ``content`` as issued and record that it left the system (its SHA-256 goes into the audit chain)."""
    if submission is not None:
        filename = filename.removesuffix(".pdf") + f"-{submission.id}.pdf"
    row = IssuedDocument(
        tender_id=id_of(tender),
        award_id=id_of(award),
        kind=kind,
        submission_id=submission.id if submission else None,
        bidder_org_id=submission.bidder_org_id if submission else None,
        filename=filename,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        issued_by_id=id_of(actor),
        issued_at=now,
    )
    session.add(row)
    session.flush()
    bidder = session.get(Organisation, row.bidder_org_id) if row.bidder_org_id else None
    audit.record(
        session, actor, f"document.{kind}", "issued_document", row.id, tender_id=tender.id,
        after={"sha256": row.sha256, "filename": filename, "bidder": bidder.name if bidder else None},
    )  # fmt: skip
    return _issued(row, bidder.name if bidder else None, withdrawn=False)


def of_kind(session: Session, award: Award, kind: DocumentKind) -> list[IssuedDocument]:
    return list(
        session.exec(
            select(IssuedDocument).where(IssuedDocument.award_id == award.id, IssuedDocument.kind == kind)
        ).all()
    )


def listed(session: Session, rows: list[IssuedDocument]) -> list[Issued]:
    """Rows as the pages list them, with bidder names and whether their award was withdrawn (three queries)."""
    names = dict(
        session.exec(
            select(Organisation.id, Organisation.name).where(
                col(Organisation.id).in_([r.bidder_org_id for r in rows if r.bidder_org_id])
            )
        ).all()
    )
    withdrawn = set(
        session.exec(
            select(Award.id).where(col(Award.id).in_({r.award_id for r in rows}), col(Award.withdrawn_at).is_not(None))
        ).all()
    )
    return [
        _issued(r, names.get(r.bidder_org_id) if r.bidder_org_id else None, withdrawn=r.award_id in withdrawn)
        for r in rows
    ]


def _issued(row: IssuedDocument, bidder: str | None, *, withdrawn: bool) -> Issued:
    kind = DocumentKind(row.kind)
    return Issued(
        id=id_of(row), kind=kind, title=TITLES[kind], bidder=bidder, bidder_org_id=row.bidder_org_id,
        submission_id=row.submission_id, filename=row.filename, sha256=row.sha256, issued_at=row.issued_at,
        withdrawn=withdrawn,
    )  # fmt: skip
