"""Reports: gather from the database, build the view models, render PDFs; every issued report is audited."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import datetime

from sqlmodel import Session, col, select

from tenderscore.core import sensitivity
from tenderscore.core.ukdates import uk_time
from tenderscore.db.models import (
    Award,
    DocumentKind,
    IssuedDocument,
    Organisation,
    Role,
    Submission,
    Tender,
    User,
    id_of,
)
from tenderscore.db.types import utcnow
from tenderscore.reports import (
    AssessmentSummaryView,
    ClarificationAnswerRecord,
    ClarificationRecord,
    ConfirmationRecord,
    ConsensusRecord,
    IndividualScore,
    PanelMember,
    ReportError,
    SelfCheckGate,
    SelfCheckLine,
    SelfCheckPartner,
    TenderFacts,
    assessment_summary_pdf,
    build_assessment_summary,
    build_evaluation_report,
    build_self_check_report,
    evaluation_report_pdf,
    render_many,
    self_check_pdf,
)
from tenderscore.services import access, audit, clarifications, confirmations, lots, named_partners
from tenderscore.services.awards import live_award
from tenderscore.services.errors import Conflict, Forbidden, NotFound, Unprocessable
from tenderscore.services.evaluation import Gathered, gather, results_for
from tenderscore.services.panel import panel
from tenderscore.services.submissions import bidder_name, current_bid_of
from tenderscore.services.tenders import buyer_name, get_tender, rubric_of
from tenderscore.sheets import Outcome, SelfCheckResult
from tenderscore.sheets.matrix import write_matrix


def tender_facts(session: Session, tender: Tender) -> TenderFacts:
    awarded = live_award(session, tender.id)
    winner = session.get(Submission, awarded.submission_id) if awarded else None
    return TenderFacts(
        reference=tender.reference,
        title=lots.caption(tender),
        buyer=buyer_name(session, tender),
        estimated_value=tender.estimated_value,
        deadline=tender.deadline,
        published_at=tender.published_at,
        status=tender.status,
        rubric_hash=tender.rubric_hash or "",
        awarded_bidder=bidder_name(session, winner) if winner else None,
        award_decision=_decision_words(session, awarded) if awarded else None,
    )


def _decision_words(session: Session, awarded: Award) -> str:
    """When the award was decided, by whom, and the reason recorded: the decision a challenge will ask about."""
    who = session.get(User, awarded.awarded_by_id)
    words = f"{uk_time(awarded.awarded_at)}, by {who.name if who else 'a procurement officer'}: {awarded.reason}"
    kept = awarded.evaluation.get("lot_rule")
    if kept:  # the tender's limit on lots won decided this lot (docs/lots.md)
        passed = "; ".join(
            f"{p['bidder']} passed over, having reached the limit with "
            + " and ".join(f"lot {n}" for n in p["cap_reached_by_lots"])
            for p in kept["passed_over"]
        )
        words += f" Under the tender's published rule: {kept['rule']}" + (f" {passed}." if passed else "")
    return words


Key = tuple[str, str]


def _confirmations(session: Session, gathered: Gathered) -> list[ConfirmationRecord]:
    """Every partner asked about the evaluated bids, as the evaluation reads the answers (as at the award decision
    once awarded: services/named_partners.py), in one query."""
    at = named_partners.as_at(gathered.tender)
    asked = confirmations.of_submissions(session, [int(b.bid_id) for b in gathered.bids])
    records = []
    for submission_id, rows in asked.items():
        for row in rows:
            status = confirmations.status_at(row, at)
            answered = row.answered_at if status in confirmations.ANSWERS else None
            records.append(ConfirmationRecord(str(submission_id), row.name, row.identifier, str(status), answered,
                                              row.note if answered else ""))  # fmt: skip
    return records


def _clarifications(session: Session, tender: Tender) -> list[ClarificationRecord]:
    """Every clarification question on the tender, as the buyer's record holds it (services/clarifications.py)."""
    return [
        ClarificationRecord(
            c.asked_at, c.asker or "", c.original or c.question, c.published_question,
            tuple(ClarificationAnswerRecord(a.answered_at, a.audience, a.answer, a.corrects_id is not None)
                  for a in c.answers),
            tuple(change.summary for change in c.changes),
        )  # fmt: skip
        for c in clarifications.for_the_record(session, tender)
    ]


def _records(gathered: Gathered) -> tuple[dict[Key, ConsensusRecord], dict[Key, tuple[IndividualScore, ...]]]:
    """The gathered scores as the reports print them: each consensus with the scores behind it, and the rest."""
    individual = {
        key: tuple(IndividualScore(m.evaluator, m.score, m.reason) for m in marks)
        for key, marks in gathered.individual.items()
    }
    records = {
        key: ConsensusRecord(c.score, c.reason, individual.get(key, ()), gathered.moderators.get(key))
        for key, c in gathered.consensus.items()
    }
    return records, {key: marks for key, marks in individual.items() if key not in records}


def _panel(session: Session, tender: Tender) -> list[PanelMember]:
    found = panel(session, id_of(tender))
    orgs = {c.bidder_org_id for _, _, conflicts in found for c in conflicts}
    bidders = dict(session.exec(select(Organisation.id, Organisation.name).where(col(Organisation.id).in_(orgs))).all())
    members = []
    for assignment, user, conflicts in found:
        names = tuple(bidders.get(c.bidder_org_id, f"Bidder {c.bidder_org_id}") for c in conflicts)
        members.append(
            PanelMember(
                user.name, "evaluator", assignment.declaration or "Not yet declared", assignment.declared_at, names
            )
        )
    return members


def evaluation_report(
    session: Session, actor: User, tender_id: int, *, now: datetime | None = None
) -> tuple[str, bytes]:
    """The tender evaluation report; PROVISIONAL on every page while any consensus is missing."""
    gathered = results_for(session, actor, tender_id)
    tender, rubric, bids, result = gathered.tender, gathered.rubric, gathered.bids, gathered.evaluation
    records, unmoderated = _records(gathered)
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
        confirmations=_confirmations(session, gathered),
        clarifications=_clarifications(session, tender),
    )
    pdf = _render(lambda: evaluation_report_pdf(view))
    _issued(session, actor, tender, "evaluation_report", pdf, head, provisional=result.provisional)
    return f"{tender.reference}-evaluation-report.pdf", pdf


def assessment_summary(
    session: Session, actor: User, tender_id: int, submission_id: int | None = None, *, now: datetime | None = None
) -> tuple[str, bytes]:
    """A bidder's reg. 31 assessment summary: once issued, the document as it was issued (the bidder's own, or any
    bidder's for the buyer's officer); before then, for the officer only, a preview of what would be issued."""
    tender = get_tender(session, actor, tender_id)
    if actor.role == Role.BIDDER:
        mine = current_bid_of(session, tender_id, actor.organisation_id)
        if mine is None:
            raise NotFound("You have no assessed bid for this tender")
        submission_id = mine.id
    elif actor.role == Role.OFFICER:
        if submission_id is None:
            raise Unprocessable("submission_id: name the bid whose summary you want", field="submission_id")
        named = access.readable_bid(session, actor, submission_id)
        if named.tender_id != tender.id or not named.is_current:
            raise NotFound(f"No current bid {submission_id} for {tender.reference}")
    else:
        raise Forbidden("Assessment summaries go to the bidders and the buyer's officers")
    issued = _issued_summary(session, tender, submission_id)
    if issued is not None:
        document = access.readable_document(session, actor, id_of(issued))
        return document.filename, document.content
    if actor.role == Role.BIDDER:
        raise Conflict("The buyer has not issued the assessment summaries yet: you will be emailed when it does")
    if not access.bids_opened(tender):
        raise Conflict("Assessment summaries follow the evaluation")
    [view] = _summary_views(session, gather(session, tender), [str(submission_id)], now or utcnow())
    pdf = _render(lambda: assessment_summary_pdf(view))
    _issued(session, actor, tender, "assessment_summary", pdf, audit.chain_head(session), bidder=view.bidder,
            preview=True)  # fmt: skip
    return f"{tender.reference}-assessment-summary-{submission_id}-preview.pdf", pdf


def _issued_summary(session: Session, tender: Tender, submission_id: int | None) -> IssuedDocument | None:
    """The summary issued for this bid under the tender's live award, if it has been issued."""
    return session.exec(
        select(IssuedDocument)
        .join(Award, col(Award.id) == IssuedDocument.award_id)
        .where(
            IssuedDocument.tender_id == tender.id,
            IssuedDocument.kind == DocumentKind.ASSESSMENT_SUMMARY,
            IssuedDocument.submission_id == submission_id,
            col(Award.withdrawn_at).is_(None),
        )
    ).first()


def summary_views(
    session: Session, gathered: Gathered, now: datetime
) -> tuple[list[AssessmentSummaryView], list[tuple[str, str]]]:
    """Every assessed bidder's summary, built from one gathering; and every (bidder, problem) that stops one."""
    problems: list[tuple[str, str]] = []
    views = _summary_views(session, gathered, [b.bid_id for b in gathered.bids], now, problems=problems)
    return views, problems


def _summary_views(
    session: Session,
    gathered: Gathered,
    bid_ids: list[str],
    now: datetime,
    *,
    problems: list[tuple[str, str]] | None = None,
) -> list[AssessmentSummaryView]:
    """The summaries of ``bid_ids``, from one gathering: the records, facts and award are read once for them all.

    A summary that cannot be built refuses them all (a Conflict), or with ``problems`` is noted there, by bidder."""
    tender = gathered.tender
    records, _ = _records(gathered)
    awarded = live_award(session, tender.id)
    facts = tender_facts(session, tender)
    bidders = {b.bid_id: b.bidder for b in gathered.bids}
    views = []
    for bid_id in bid_ids:
        try:
            views.append(
                build_assessment_summary(
                    gathered.rubric,
                    gathered.evaluation,
                    gathered.bids,
                    bid_id=bid_id,
                    tender=facts,
                    consensus=records,
                    generated_at=now,
                    winner_bid_id=str(awarded.submission_id) if awarded else None,
                    lot_rule=awarded.evaluation.get("lot_rule") if awarded else None,
                )
            )
        except ReportError as exc:
            if problems is None:
                raise Conflict(str(exc)) from exc
            problems.append((bidders.get(bid_id, f"bid {bid_id}"), str(exc)))
    return views


def all_summaries(
    session: Session,
    actor: User,
    tender_id: int,
    *,
    now: datetime | None = None,
    workers: int = 2,
    progress: Callable[[int, int, str], None] | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Every assessed bidder's summary, rendered on ``workers`` cores: (file name, PDF). ``progress`` is told after
    each one; their issue is recorded once all are rendered (the write comes last, so nothing waits on it)."""
    gathered = results_for(session, actor, tender_id)
    if actor.role != Role.OFFICER:
        raise Forbidden("Only the buyer's officer issues assessment summaries")
    tender = gathered.tender
    views = _summary_views(session, gathered, [b.bid_id for b in gathered.bids], now or utcnow())
    head = audit.chain_head(session)
    rendered: list[tuple[AssessmentSummaryView, bytes]] = []
    for view, made in render_many(views, workers=workers):
        assert isinstance(view, AssessmentSummaryView)
        rendered.append((view, made.pdf))
        if progress is not None:
            progress(len(rendered), len(views), f"Written {len(rendered)} of {len(views)} summaries")
    for view, pdf in rendered:
        _issued(session, actor, tender, "assessment_summary", pdf, head, bidder=view.bidder, preview=True)
    for view, pdf in rendered:
        yield f"{tender.reference}-assessment-summary-{view.bid_id}.pdf", pdf


def score_matrix(session: Session, actor: User, tender_id: int) -> tuple[str, bytes]:
    """Every bid's points per criterion as a workbook, for the buyer's officers; its issue is recorded."""
    gathered = results_for(session, actor, tender_id)
    tender, result = gathered.tender, gathered.evaluation
    data = write_matrix(gathered.rubric, result, f"{tender.reference} {lots.caption(tender)}")
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
        partners=[
            SelfCheckPartner(p.sheet, p.cell, p.name, p.identifier, p.value_gbp, p.standing_words, p.counts)
            for p in result.partners
        ],
        warnings=[SelfCheckLine(w.sheet, w.cell, w.message, w.criterion_id) for w in result.warnings],
    )
    return f"{tender.reference}-self-check.pdf", _render(lambda: self_check_pdf(view))


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
