"""Reports: gather from the database, build the view models, render PDFs; every issued report is audited."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime

from sqlmodel import Session, col, select

from tenderscore.core import BidResponse, Evaluation, Rubric, evaluate, sensitivity
from tenderscore.db.models import Award, ConsensusScore, Role, Score, Submission, Tender, TenderStatus, User, id_of
from tenderscore.db.types import utcnow
from tenderscore.reports import (
    AssessmentSummaryView,
    ConsensusRecord,
    IndividualScore,
    PanelMember,
    ReportError,
    SelfCheckGate,
    SelfCheckLine,
    TenderFacts,
    assessment_summary_pdf,
    build_assessment_summary,
    build_evaluation_report,
    build_self_check_report,
    evaluation_report_pdf,
    render_many,
    self_check_pdf,
)
from tenderscore.services import access, audit
from tenderscore.services.errors import Conflict, Forbidden, NotFound, Unprocessable
from tenderscore.services.panel import panel
from tenderscore.services.scoring import evaluation_inputs
from tenderscore.services.submissions import bidder_name
from tenderscore.services.tenders import buyer_name, get_tender, rubric_of
from tenderscore.sheets import Outcome, SelfCheckResult
from tenderscore.sheets.matrix import write_matrix


def tender_facts(session: Session, tender: Tender) -> TenderFacts:
    awarded = _award(session, tender)
    winner = session.get(Submission, awarded.submission_id) if awarded else None
    return TenderFacts(
        reference=tender.reference,
        title=tender.title,
        buyer=buyer_name(session, tender),
        estimated_value=tender.estimated_value,
        deadline=tender.deadline,
        published_at=tender.published_at,
        status=tender.status,
        rubric_hash=tender.rubric_hash or "",
        awarded_bidder=bidder_name(session, winner) if winner else None,
    )


def _award(session: Session, tender: Tender) -> Award | None:
    return session.exec(select(Award).where(Award.tender_id == tender.id)).first()


Key = tuple[str, str]


def _records(
    session: Session, submission_ids: list[int]
) -> tuple[dict[Key, ConsensusRecord], dict[Key, tuple[IndividualScore, ...]]]:
    names = {u.id: u.name for u in session.exec(select(User)).all()}
    individual: dict[tuple[str, str], list[IndividualScore]] = defaultdict(list)
    for s in session.exec(select(Score).where(col(Score.submission_id).in_(submission_ids))).all():
        individual[(str(s.submission_id), s.criterion_id)].append(
            IndividualScore(names.get(s.evaluator_id, "?"), s.score, s.reason)
        )
    consensus = {
        (str(c.submission_id), c.criterion_id): ConsensusRecord(
            c.score,
            c.reason,
            tuple(individual.get((str(c.submission_id), c.criterion_id), ())),
            names.get(c.moderator_id),
        )
        for c in session.exec(select(ConsensusScore).where(col(ConsensusScore.submission_id).in_(submission_ids))).all()
    }
    unmoderated = {k: tuple(v) for k, v in individual.items() if k not in consensus}
    return consensus, unmoderated


def _panel(session: Session, tender: Tender) -> list[PanelMember]:
    members = []
    for assignment, user, conflicts in panel(session, id_of(tender)):
        names = tuple(bidder_name(session, Submission(bidder_org_id=c.bidder_org_id)) for c in conflicts)  # type: ignore[call-arg]
        members.append(
            PanelMember(
                user.name, "evaluator", assignment.declaration or "Not yet declared", assignment.declared_at, names
            )
        )
    return members


def _inputs(
    session: Session, tender: Tender
) -> tuple[Rubric, list[BidResponse], Evaluation, dict[Key, ConsensusRecord], dict[Key, tuple[IndividualScore, ...]]]:
    rubric, bids, consensus, individual = evaluation_inputs(session, tender)
    result = evaluate(rubric, bids, consensus, individual)
    records, unmoderated = _records(session, [int(b.bid_id) for b in bids])
    return rubric, bids, result, records, unmoderated


def evaluation_report(
    session: Session, actor: User, tender_id: int, *, now: datetime | None = None
) -> tuple[str, bytes]:
    """The tender evaluation report; PROVISIONAL on every page while any consensus is missing."""
    tender = _opened(session, actor, tender_id)
    rubric, bids, result, records, unmoderated = _inputs(session, tender)
    finding = (
        None
        if result.provisional or not result.ranked
        else sensitivity(rubric, bids, {k: v.score for k, v in records.items()})
    )
    now = now or utcnow()
    head = audit.chain_head(session)
    view = build_evaluation_report(
        rubric,
        result,
        bids,
        tender=tender_facts(session, tender),
        panel=_panel(session, tender),
        consensus=records,
        sensitivity=finding,
        chain_head=head,
        generated_at=now,
        unmoderated=unmoderated,
    )
    pdf = _render(lambda: evaluation_report_pdf(view))
    _issued(session, actor, tender, "evaluation_report", pdf, head, provisional=result.provisional)
    return f"{tender.reference}-evaluation-report.pdf", pdf


def assessment_summary(
    session: Session, actor: User, tender_id: int, submission_id: int | None = None, *, now: datetime | None = None
) -> tuple[str, bytes]:
    """A bidder's reg. 31 assessment summary: the bidder's own, or any bidder's for the buyer's officer."""
    tender = get_tender(session, actor, tender_id)
    if actor.role == Role.BIDDER:
        mine = session.exec(
            select(Submission).where(
                Submission.tender_id == tender_id,
                col(Submission.is_current).is_(True),
                Submission.bidder_org_id == actor.organisation_id,
            )
        ).first()
        if mine is None:
            raise NotFound("You have no assessed bid for this tender")
        if tender.status != TenderStatus.AWARDED:
            raise Conflict("Assessment summaries are issued after the award decision")
        submission_id = mine.id
    elif actor.role == Role.OFFICER:
        if submission_id is None:
            raise Unprocessable("submission_id: name the bid whose summary you want", field="submission_id")
        named = access.readable_bid(session, actor, submission_id)
        if named.tender_id != tender.id or not named.is_current:
            raise NotFound(f"No current bid {submission_id} for {tender.reference}")
    else:
        raise Forbidden("Assessment summaries go to the bidders and the buyer's officers")
    view = _summary_view(session, tender, str(submission_id), now or utcnow())
    pdf = _render(lambda: assessment_summary_pdf(view))
    _issued(session, actor, tender, "assessment_summary", pdf, audit.chain_head(session), bidder=view.bidder)
    return f"{tender.reference}-assessment-summary-{submission_id}.pdf", pdf


def _summary_view(session: Session, tender: Tender, bid_id: str, now: datetime) -> AssessmentSummaryView:
    if not access.bids_opened(tender):
        raise Conflict("Assessment summaries follow the evaluation")
    rubric, bids, result, records, _ = _inputs(session, tender)
    awarded = _award(session, tender)
    try:
        return build_assessment_summary(
            rubric,
            result,
            bids,
            bid_id=bid_id,
            tender=tender_facts(session, tender),
            consensus=records,
            generated_at=now,
            winner_bid_id=str(awarded.submission_id) if awarded else None,
        )
    except ReportError as exc:
        raise Conflict(str(exc)) from exc


def all_summaries(
    session: Session, actor: User, tender_id: int, *, now: datetime | None = None, workers: int = 2
) -> Iterator[tuple[str, bytes]]:
    """Every assessed bidder's summary, rendered on ``workers`` cores: (file name, PDF)."""
    tender = _opened(session, actor, tender_id)
    if actor.role != Role.OFFICER:
        raise Forbidden("Only the buyer's officer issues assessment summaries")
    _, bids, _, _, _ = _inputs(session, tender)
    views = [_summary_view(session, tender, b.bid_id, now or utcnow()) for b in bids]
    head = audit.chain_head(session)
    for view, rendered in render_many(views, workers=workers):
        assert isinstance(view, AssessmentSummaryView)
        _issued(session, actor, tender, "assessment_summary", rendered.pdf, head, bidder=view.bidder)
        yield f"{tender.reference}-assessment-summary-{view.bid_id}.pdf", rendered.pdf


def score_matrix(session: Session, actor: User, tender_id: int) -> tuple[str, bytes]:
    """Every bid's points per criterion as a workbook, for the buyer's officers; its issue is recorded."""
    tender = _opened(session, actor, tender_id)
    rubric, _, result, _, _ = _inputs(session, tender)
    data = write_matrix(rubric, result, f"{tender.reference} {tender.title}")
    _issued(session, actor, tender, "score_matrix", data, None, provisional=result.provisional)
    return f"{tender.reference}-score-matrix.xlsx", data


def self_check_report(
    session: Session,
    actor: User,
    tender_id: int,
    result: SelfCheckResult,
    *,
    file_name: str,
    now: datetime | None = None,
) -> tuple[str, bytes]:
    """The bidder's self-check as a PDF to keep; like the check itself, nothing of the workbook is stored."""
    tender = get_tender(session, actor, tender_id)
    view = build_self_check_report(
        tender=tender_facts(session, tender),
        rubric=rubric_of(tender),
        checked_at=now or utcnow(),
        file_name=file_name,
        rejected=result.rejected,
        notes=result.notes,
        errors=[SelfCheckLine(e.sheet, e.cell, e.message, e.criterion_id) for e in result.errors],
        gates=[
            SelfCheckGate(g.title, None if g.outcome == Outcome.LATER else g.outcome == Outcome.PASSED, g.message)
            for g in result.gates
        ],
    )
    return f"{tender.reference}-self-check.pdf", _render(lambda: self_check_pdf(view))


def _opened(session: Session, actor: User, tender_id: int) -> Tender:
    tender = get_tender(session, actor, tender_id)
    if actor.role not in (Role.OFFICER, Role.COMMISSIONER):
        raise Forbidden("Only the buyer's officers see the evaluation report")
    if not access.bids_opened(tender):
        raise Conflict(access.SEALED_MESSAGE)
    return tender


def _render(render: object) -> bytes:
    try:
        return render()  # type: ignore[operator,no-any-return]
    except ReportError as exc:
        raise Conflict(str(exc)) from exc


def _issued(
    session: Session, actor: User, tender: Tender, kind: str, document: bytes, head: str | None, **extra: object
) -> None:
    """Record that a document left the system: which, by whom, its SHA-256 and the chain head it printed."""
    printed = {"chain_head_printed": head} if head is not None else {}
    audit.record(
        session,
        actor,
        f"report.{kind}",
        "tender",
        tender.id,
        tender_id=tender.id,
        after={"sha256": hashlib.sha256(document).hexdigest(), **printed, **extra},
    )
