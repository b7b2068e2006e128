"""Who may see which bid: the one owner of the seal, the buyer's team, declarations and conflicts.

Every door that shows a bid, its workbook, a list of bids or who has bid (pages, API operations, PDFs, exports,
commands) asks here, so a new page cannot forget a rule:

- **Sealed**: until the deadline has passed (server clock) *and* an officer has opened the bids, nobody but the
  bidder reads a bid, officers included; every attempt is refused and recorded.
- **The buyer's team**: an officer of the buying organisation; an evaluator on the tender's panel who has made
  their declaration and has no conflict with that bidder. Commissioners see results, never bids.
- **The bidder** always reads their own bids, and nobody else's (a 404: another bid is not said to exist).
- **VCSE partners** never read a bid: each sees only its own part, through services/confirmations.py.
- **Who has bid** is part of the seal: before opening, the buyer learns only how many bids arrived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from tenderscore.db.models import (
    DocumentKind,
    EvaluatorAssignment,
    IssuedDocument,
    Organisation,
    Role,
    Submission,
    Tender,
    TenderStatus,
    User,
)
from tenderscore.db.models import id_of as _id_of
from tenderscore.db.types import utcnow
from tenderscore.services import audit
from tenderscore.services.errors import ConflictedBid, Forbidden, NotFound, SealedBid
from tenderscore.services.panel import assignment_of, conflicted_bidders
from tenderscore.services.tenders import get_tender

OPENED = (TenderStatus.EVALUATING, TenderStatus.AWARDED)
SEALED_MESSAGE = "Bids are sealed until the deadline has passed and the officer has opened them"


def bids_opened(tender: Tender) -> bool:
    """The officer has opened the bids (which the lifecycle allows only after the deadline)."""
    return TenderStatus(tender.status) in OPENED


def sealed(tender: Tender, now: datetime | None = None) -> bool:
    return not bids_opened(tender) or (now or utcnow()) < tender.deadline


def current_bids(session: Session, tender_id: int) -> list[Submission]:
    """Every bidder's current version, oldest bidder first. Internal: callers have passed the checks here."""
    return [submission for submission, _ in _current_bids_named(session, tender_id)]


def _current_bids_named(session: Session, tender_id: int) -> list[tuple[Submission, str]]:
    """The current bids with their bidders' names, in one query; the workbooks stay unread until asked for."""
    rows = session.exec(
        select(Submission, Organisation.name)
        .join(Organisation, col(Organisation.id) == Submission.bidder_org_id, isouter=True)
        .where(Submission.tender_id == tender_id, col(Submission.is_current).is_(True))
        .options(defer(Submission.workbook))  # type: ignore[arg-type]
        .order_by(col(Submission.id))
    ).all()
    return [(submission, name or f"Bidder {submission.bidder_org_id}") for submission, name in rows]


def _received(session: Session, tender_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(Submission)
        .where(Submission.tender_id == tender_id, col(Submission.is_current).is_(True))
    ).one()


def readable_bid(
    session: Session, actor: User, submission_id: int, *, now: datetime | None = None, for_update: bool = False
) -> Submission:
    """The submission if ``actor`` may read its content now; otherwise a refusal (recorded where it matters).

    ``for_update`` locks the row for the rest of the transaction (scores and consensus serialise on it).
    """
    submission = session.get(Submission, submission_id, with_for_update=for_update)
    if submission is None:
        raise NotFound(f"No submission {submission_id}")
    tender = get_tender(session, actor, submission.tender_id)  # a 404 for anyone outside the tender
    if actor.role == Role.BIDDER:
        if submission.bidder_org_id != actor.organisation_id:
            raise NotFound(f"No submission {submission_id}")
        return submission
    if actor.role == Role.PARTNER:  # a partner sees its own part (services/confirmations.py), never a bid
        raise NotFound(f"No submission {submission_id}")
    if sealed(tender, now):
        _refused(session, actor, submission, "bids are sealed until the deadline has passed and the officer opens them")
        raise SealedBid(SEALED_MESSAGE)
    if actor.role == Role.OFFICER:
        return submission
    if actor.role == Role.EVALUATOR:
        assignment = _declared_assignment(session, actor, tender)
        if submission.bidder_org_id in conflicted_bidders(session, assignment):
            _refused(session, actor, submission, "the evaluator declared a conflict of interest with this bidder")
            raise ConflictedBid(
                "You declared a conflict of interest with this bidder; another evaluator scores this bid"
            )
        return submission
    raise NotFound(f"No submission {submission_id}")  # commissioners see the results, not the bids


def bid_workbook(session: Session, actor: User, submission_id: int) -> tuple[str, bytes]:
    """The workbook exactly as received, for whoever may read the bid; a download by the buyer's team is recorded."""
    submission = readable_bid(session, actor, submission_id)
    if actor.role != Role.BIDDER:
        audit.record(
            session, actor, "submission.workbook_downloaded", "submission", submission.id,
            tender_id=submission.tender_id, after={"sha256": submission.sha256, "version": submission.version},
        )  # fmt: skip
    return submission.filename, submission.workbook


@dataclass(frozen=True)
class BidList:
    sealed: bool
    received: int | None  # how many bids arrived: the buyer's officers and commissioners only
    bids: list[Submission]  # the bids ``actor`` may read (none while sealed)
    bidders: dict[int, str] = field(default_factory=dict)  # submission id -> bidder's name, for those bids only


def visible_bids(session: Session, actor: User, tender_id: int) -> BidList:
    """The tender's bids that ``actor`` may read: all for the officer once opened, an evaluator's minus conflicts.

    A fixed number of queries whatever the number of bids; the bidders' names come with them.
    """
    tender = get_tender(session, actor, tender_id)
    is_sealed = sealed(tender)
    if actor.role == Role.EVALUATOR:
        conflicted = conflicted_bidders(session, _declared_assignment(session, actor, tender))
        named = [] if is_sealed else _current_bids_named(session, tender_id)
        return _bid_list(is_sealed, None, [(s, n) for s, n in named if s.bidder_org_id not in conflicted])
    if actor.role not in (Role.OFFICER, Role.COMMISSIONER):
        raise Forbidden("Only the buyer's team sees the bids")
    if actor.role == Role.OFFICER and not is_sealed:
        named = _current_bids_named(session, tender_id)
        return _bid_list(is_sealed, len(named), named)
    return BidList(is_sealed, _received(session, tender_id), [])


def bids_received(session: Session, actor: User, tender_id: int) -> int:
    """How many bids arrived (counted, none read): the buyer's officers and commissioners know it while sealed too."""
    get_tender(session, actor, tender_id)
    if actor.role not in (Role.OFFICER, Role.COMMISSIONER):
        raise Forbidden("Only the buyer's team sees the bids")
    return _received(session, tender_id)


def _bid_list(is_sealed: bool, received: int | None, named: list[tuple[Submission, str]]) -> BidList:
    return BidList(is_sealed, received, [s for s, _ in named], {_id_of(s): name for s, name in named})


def bidders_to_declare(session: Session, actor: User, tender_id: int) -> list[Organisation]:
    """The organisations an evaluator may declare a conflict with by name: the bidders, once the bids are opened.

    Before opening the list is empty, because who has bid is sealed too; a conflict found later is declared then.
    """
    tender = get_tender(session, actor, tender_id)
    if actor.role != Role.EVALUATOR or sealed(tender):
        return []
    return list(
        session.exec(
            select(Organisation)
            .join(Submission, col(Submission.bidder_org_id) == Organisation.id)
            .where(Submission.tender_id == tender_id, col(Submission.is_current).is_(True))
            .order_by(col(Organisation.name))
        ).all()
    )


def _declared_assignment(session: Session, actor: User, tender: Tender) -> EvaluatorAssignment:
    assignment = assignment_of(session, _id_of(tender), _id_of(actor))
    if assignment is None:
        raise NotFound(f"No tender {tender.id}")
    if assignment.declared_at is None:
        raise Forbidden("Declare any conflict of interest before you see the bids")
    return assignment


def _refused(session: Session, actor: User, submission: Submission, reason: str) -> None:
    audit.record(
        session, actor, "submission.read_refused", "submission", submission.id,
        tender_id=submission.tender_id, reason=reason,
    )  # fmt: skip


# --- Documents issued on the award path --------------------------------------------------------------------------
# The notices are public: anyone who may see the tender reads them. A summary or standstill letter is for the
# bidder it was sent to, and for the buyer's officers; commissioners see results, never one bidder's letter.

PUBLIC_DOCUMENTS = (DocumentKind.AWARD_NOTICE, DocumentKind.CONTRACT_NOTICE, DocumentKind.PERFORMANCE_NOTICE)


def _may_read(actor: User, document: IssuedDocument) -> bool:
    if document.kind in PUBLIC_DOCUMENTS or actor.role == Role.OFFICER:
        return True
    return actor.role == Role.BIDDER and document.bidder_org_id == actor.organisation_id


def visible_documents(session: Session, actor: User, tender_id: int) -> list[IssuedDocument]:
    """The tender's issued documents ``actor`` may read, oldest first (content not loaded)."""
    tender = get_tender(session, actor, tender_id)
    rows = session.exec(
        select(IssuedDocument)
        .options(defer(IssuedDocument.content))  # type: ignore[arg-type]
        .where(IssuedDocument.tender_id == tender.id)
        .order_by(col(IssuedDocument.id))
    ).all()
    return [r for r in rows if _may_read(actor, r)]


def readable_document(session: Session, actor: User, document_id: int) -> IssuedDocument:
    """One issued document if ``actor`` may read it (a 404 otherwise: another bidder's letter is not said to exist);
    every download is recorded, so the buyer can show when a bidder fetched their summary."""
    document = session.get(IssuedDocument, document_id)
    if document is None or not _may_read(actor, document):
        raise NotFound(f"No document {document_id}")
    get_tender(session, actor, document.tender_id)
    audit.record(session, actor, "document.downloaded", "issued_document", document.id, tender_id=document.tender_id,
                 after={"sha256": document.sha256})  # fmt: skip
    return document
