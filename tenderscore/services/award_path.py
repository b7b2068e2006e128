"""From award decision to standstill (Procurement Act 2023, ss.50-51), in order, each step on the record.

1. **Issue the assessment summaries**: every assessed bidder's at once, or none (any summary that cannot be
   completed blocks them all, each problem named). Each is kept as issued; the bidders are emailed.
2. **Publish the contract award notice**: the standstill starts; it ends at midnight after the eighth working day
   beginning with the day of publication, skipping weekends and the bank holidays of the buyer's nation
   (``core.award.standstill_end``). Each unsuccessful bidder gets a standstill letter pointing to their summary.
3. During standstill the officer may **record a challenge** (while one is open the contract is not entered into)
   and **resolve** it, or **withdraw the award** (the tender returns to evaluation; the record stays).

The contract itself is ``services/contracts.py``; who may read the documents is ``services/access.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlmodel import Session, col, select

from tenderscore.core.award import (
    CONTRACT_NOTICE_DAYS,
    StandstillLetter,
    ends_in_words,
    standstill_end,
    working_days_left,
)
from tenderscore.core.numbers import display
from tenderscore.core.ukdates import uk_time
from tenderscore.db.engine import begin_writing
from tenderscore.db.models import (
    Award,
    AwardChallenge,
    Contract,
    ContractCommitment,
    ContractKpi,
    DocumentKind,
    Organisation,
    Role,
    Submission,
    Tender,
    TenderStatus,
    User,
    id_of,
)
from tenderscore.db.types import utcnow
from tenderscore.reports import (
    ReportError,
    award_notice_pdf,
    build_award_notice,
    build_standstill_letter,
    render_many,
)
from tenderscore.services import audit, calendar, documents, limits, lots, mail, publication
from tenderscore.services.awards import contract_of, contract_terms, live_award
from tenderscore.services.errors import Conflict, Forbidden, Invalid
from tenderscore.services.evaluation import gather
from tenderscore.services.reports import summary_views, tender_facts
from tenderscore.services.tenders import get_tender


class Stage(StrEnum):
    DECIDED = "decided"  # the award decision is recorded; no summary has been sent
    SUMMARIES_ISSUED = "summaries_issued"
    STANDSTILL = "standstill"
    STANDSTILL_ENDED = "standstill_ended"
    CONTRACT_ENTERED = "contract_entered"
    CONTRACT_PUBLISHED = "contract_published"


STAGE_WORDS = {
    Stage.DECIDED: "Award decided: assessment summaries not yet issued",
    Stage.SUMMARIES_ISSUED: "Assessment summaries issued: contract award notice not yet published",
    Stage.STANDSTILL: "In standstill",
    Stage.STANDSTILL_ENDED: "Standstill ended: contract not yet entered into",
    Stage.CONTRACT_ENTERED: "Contract entered into: contract details notice not yet published",
    Stage.CONTRACT_PUBLISHED: "Contract details notice published",
}


@dataclass(frozen=True)
class Step:
    """One thing the officer might do next: whether they can now, and if not, why (no button leads to a refusal)."""

    allowed: bool
    why_not: str = ""


@dataclass(frozen=True)
class AwardPath:
    """Where a tender's award stands, as ``actor`` may see it."""

    award: Award
    stage: Stage
    winner: str
    nation: str
    standstill_ends_at: datetime | None
    working_days_left: int | None
    challenges: list[AwardChallenge]
    open_challenge: AwardChallenge | None
    contract: Contract | None
    kpis: list[ContractKpi]
    commitments: list[ContractCommitment]
    contract_notice_due: date | None
    withdrawn: list[Award]  # earlier decisions on this tender, withdrawn
    issue_summaries: Step
    publish_notice: Step
    challenge: Step
    withdraw: Step
    enter_contract: Step
    publish_contract: Step

    @property
    def stage_words(self) -> str:
        if self.open_challenge is not None:
            return "Challenged: the contract cannot be entered into while the challenge is open"
        return STAGE_WORDS[self.stage]


def open_challenge(session: Session, award: Award) -> AwardChallenge | None:
    return session.exec(
        select(AwardChallenge).where(AwardChallenge.award_id == award.id, col(AwardChallenge.resolved_at).is_(None))
    ).first()


def stage_of(award: Award, contract: Contract | None, now: datetime) -> Stage:
    if contract is not None:
        return Stage.CONTRACT_PUBLISHED if contract.notice_published_at else Stage.CONTRACT_ENTERED
    if award.standstill_ends_at is not None:
        return Stage.STANDSTILL_ENDED if now >= award.standstill_ends_at else Stage.STANDSTILL
    return Stage.SUMMARIES_ISSUED if award.summaries_sent_at else Stage.DECIDED


def path(session: Session, actor: User, tender_id: int, *, now: datetime | None = None) -> AwardPath | None:
    """Where the award stands, for the buyer's team (the bidders see their documents and the notices instead)."""
    tender = get_tender(session, actor, tender_id)
    if actor.role not in (Role.OFFICER, Role.COMMISSIONER):
        raise Forbidden("Only the buyer's team follows the award's steps")
    award = live_award(session, id_of(tender))
    if award is None:
        return None
    now = now or utcnow()
    contract = contract_of(session, award)
    kpis, commitments = contract_terms(session, contract) if contract is not None else ([], [])
    challenges = list(
        session.exec(
            select(AwardChallenge).where(AwardChallenge.award_id == award.id).order_by(col(AwardChallenge.id))
        ).all()
    )
    pending = next((c for c in challenges if c.resolved_at is None), None)
    buyer = session.get(Organisation, tender.buyer_org_id)
    nation = calendar.nation_of(buyer)
    left = None
    if award.standstill_ends_at is not None and award.notice_published_at is not None:
        holidays = calendar.around(nation, now.astimezone(award.standstill_ends_at.tzinfo).date())
        left = working_days_left(now, award.standstill_ends_at, holidays)
    withdrawn = list(
        session.exec(
            select(Award)
            .where(Award.tender_id == tender.id, col(Award.withdrawn_at).is_not(None))
            .order_by(col(Award.id))
        ).all()
    )
    officer = actor.role == Role.OFFICER
    return AwardPath(
        award=award,
        stage=stage_of(award, contract, now),
        winner=_winner_name(session, award),
        nation=calendar.NATION_NAMES[nation],
        standstill_ends_at=award.standstill_ends_at,
        working_days_left=left,
        challenges=challenges,
        open_challenge=pending,
        contract=contract,
        kpis=kpis,
        commitments=commitments,
        contract_notice_due=(
            date.fromordinal(contract.signed_on.toordinal() + CONTRACT_NOTICE_DAYS) if contract is not None else None
        ),
        withdrawn=withdrawn,
        issue_summaries=_step(officer, _summaries_refusal(award)),
        publish_notice=_step(officer, _notice_refusal(award)),
        challenge=_step(officer, _challenge_refusal(award, contract, pending)),
        withdraw=_step(officer, _withdraw_refusal(contract)),
        enter_contract=_step(officer, contract_refusal(award, contract, pending, now)),
        publish_contract=_step(officer, _contract_notice_refusal(contract)),
    )


def _step(officer: bool, refusal: str | None) -> Step:
    if not officer:
        return Step(False, "Only a procurement officer of the buyer takes this step")
    return Step(refusal is None, refusal or "")


def _summaries_refusal(award: Award) -> str | None:
    if award.summaries_sent_at is not None:
        return f"The assessment summaries were issued on {uk_time(award.summaries_sent_at)}"
    return None


def _notice_refusal(award: Award) -> str | None:
    if award.summaries_sent_at is None:
        return "Issue the assessment summaries first: the contract award notice follows them (s.50)"
    if award.notice_published_at is not None:
        return f"The contract award notice was published on {uk_time(award.notice_published_at)}"
    return None


def _challenge_refusal(award: Award, contract: Contract | None, pending: AwardChallenge | None) -> str | None:
    if award.notice_published_at is None:
        return "A challenge is recorded once the contract award notice is published"
    if contract is not None:
        return "The contract has been entered into"
    if pending is not None:
        return "A challenge is already open: resolve it first"
    return None


def _withdraw_refusal(contract: Contract | None) -> str | None:
    if contract is not None:
        return "The contract has been entered into: the award can no longer be withdrawn"
    return None


def contract_refusal(
    award: Award, contract: Contract | None, pending: AwardChallenge | None, now: datetime
) -> str | None:
    """Why the contract cannot be entered into now, or None."""
    if contract is not None:
        return "The contract has already been recorded"
    if award.standstill_ends_at is None:
        return "Publish the contract award notice first: the contract follows its standstill period (s.51)"
    if now < award.standstill_ends_at:
        ends = ends_in_words(award.standstill_ends_at)
        return f"The standstill period ends at {ends}: the contract cannot be entered into before then"
    if pending is not None:
        return "A challenge is open: the contract cannot be entered into until it is resolved"
    return None


def _contract_notice_refusal(contract: Contract | None) -> str | None:
    if contract is None:
        return "Record the contract entered into first"
    if contract.notice_published_at is not None:
        return f"The contract details notice was published on {uk_time(contract.notice_published_at)}"
    return None


def officer_award(session: Session, actor: User, tender_id: int) -> tuple[Tender, Award]:
    if actor.role != Role.OFFICER:
        raise Forbidden("Only a procurement officer of the buyer takes the award's steps")
    tender = get_tender(session, actor, tender_id, for_update=True)
    award = live_award(session, id_of(tender), for_update=True)
    if tender.status != TenderStatus.AWARDED or award is None:
        raise Conflict("The tender has no award decision: award it first")
    return tender, award


def record_step(
    session: Session,
    actor: User,
    tender: Tender,
    action: str,
    entity: str,
    entity_id: object,
    after: dict[str, object],
    reason: str = "",
) -> None:
    """One step of the award path done: the tender's version moves on (a page read before it is stale) and the
    step goes into the audit chain."""
    tender.version += 1
    session.add(tender)
    session.flush()
    audit.record(session, actor, action, entity, entity_id, tender_id=tender.id, after=after, reason=reason)


def _winner_name(session: Session, award: Award) -> str:
    submission = session.get(Submission, award.submission_id)
    org = session.get(Organisation, submission.bidder_org_id) if submission else None
    return org.name if org else ""


def _bidder_orgs(session: Session, tender: Tender) -> list[int]:
    """Every organisation with a bid in (its current version): the bidders each step tells."""
    return list(
        session.exec(
            select(Submission.bidder_org_id).where(
                Submission.tender_id == tender.id, col(Submission.is_current).is_(True)
            )
        ).all()
    )


def _email_bidders(session: Session, org_ids: list[int], purpose: str, subject: str, body: str) -> None:
    """One email to each active bidder account of these organisations, sent once the step commits."""
    for addresses in _bidder_emails(session, org_ids).values():
        for email in addresses:
            mail.queue(session, mail.Message(to=email, subject=subject, body=body, purpose=purpose))


email_organisations = _email_bidders  # the same message to every active bidder account of these organisations


def _bidder_emails(session: Session, org_ids: list[int]) -> dict[int, list[str]]:
    rows = session.exec(
        select(User.organisation_id, User.email).where(
            col(User.organisation_id).in_(org_ids), User.role == Role.BIDDER, col(User.active).is_(True)
        )
    ).all()
    found: dict[int, list[str]] = {}
    for org_id, email in rows:
        found.setdefault(org_id, []).append(email)
    return found


def issue_summaries(
    session: Session,
    actor: User,
    tender_id: int,
    *,
    tender_url: str,
    now: datetime | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[documents.Issued]:
    """Issue every assessed bidder's assessment summary at once: all complete, or none and every problem named.

    Every summary is rendered first (``progress`` is told after each), and only then is anything written, so a
    background job holds no write lock while it renders; the step is checked again once it may write."""
    tender, award = officer_award(session, actor, tender_id)
    refusal = _summaries_refusal(award)
    if refusal:
        raise Conflict(refusal)
    now = now or utcnow()
    gathered = gather(session, tender)
    views, problems = summary_views(session, gathered, now)
    if problems:
        raise Invalid([("summaries", f"{bidder}: {problem}") for bidder, problem in problems])
    pdfs: dict[int, bytes] = {}
    for view, rendered in render_many(views, workers=2):
        pdfs[int(view.bid_id)] = rendered.pdf
        if progress is not None:
            progress(len(pdfs), len(views), f"Written {len(pdfs)} of {len(views)} assessment summaries")
    begin_writing(session)  # a reader so far (a background job): now it writes, behind any other writer
    tender, award = officer_award(session, actor, tender_id)
    session.refresh(award)
    refusal = _summaries_refusal(award)  # someone may have issued them while these were rendered
    if refusal:
        raise Conflict(refusal)
    bids = session.exec(select(Submission).where(col(Submission.id).in_(list(pdfs)))).all()
    issued = [
        documents.store(session, actor, tender, award, DocumentKind.ASSESSMENT_SUMMARY,
                        f"{tender.reference}-assessment-summary.pdf", pdfs[id_of(s)], now=now, submission=s)
        for s in sorted(bids, key=lambda s: id_of(s))
    ]  # fmt: skip
    award.summaries_sent_at = now
    session.add(award)
    sent = [{"bidder": d.bidder, "sha256": d.sha256} for d in issued]
    record_step(session, actor, tender, "award.summaries_issued", "award", award.id,
                {"summaries_sent_at": now, "summaries": sent})  # fmt: skip
    _email_bidders(
        session, [d.bidder_org_id for d in issued if d.bidder_org_id is not None], "assessment_summary",
        f"Assessment summary: {tender.reference}",
        f"The buyer has issued the assessment summary of your organisation's bid for {tender.reference}, "
        f"{lots.caption(tender)}.\n\nIt explains the award decision, your bid's scores and the reasons for them. "
        f"Sign in to read and download it on the tender's page:\n{tender_url}\n\nThe contract award notice, which "
        "starts the standstill period, follows.\n",
    )  # fmt: skip
    return issued


def publish_award_notice(
    session: Session, actor: User, tender_id: int, *, tender_url: str, now: datetime | None = None
) -> Award:
    """Publish the contract award notice: the standstill starts; each unsuccessful bidder gets a standstill letter."""
    tender, award = officer_award(session, actor, tender_id)
    refusal = _notice_refusal(award)
    if refusal:
        raise Conflict(refusal)
    now = now or utcnow()
    buyer = session.get(Organisation, tender.buyer_org_id)
    holidays = calendar.around(calendar.nation_of(buyer), now.date())
    award.notice_published_at = now
    award.standstill_ends_at = standstill_end(now, holidays)
    session.add(award)
    session.flush()
    notice = publication.award_notice(session, tender, award)
    facts = tender_facts(session, tender)
    head = audit.chain_head(session)
    try:
        notice_view = build_award_notice(notice, facts, generated_at=now, chain_head=head)
        letters = _letters(session, tender, award, notice, tender_url)
        compliant = sum(1 for row in award.evaluation.get("bids", []) if row.get("compliant"))
        letter_views = [
            build_standstill_letter(letter, facts, generated_at=now, compliant_bids=compliant) for _, letter in letters
        ]
    except ReportError as exc:
        raise Conflict(str(exc)) from exc
    notice_pdf = award_notice_pdf(notice_view)
    name = f"{tender.reference}-contract-award-notice.pdf"
    documents.store(session, actor, tender, award, DocumentKind.AWARD_NOTICE, name, notice_pdf, now=now)
    stored = []
    for (submission, _), (_, rendered) in zip(letters, render_many(letter_views, workers=2), strict=True):
        stored.append(
            documents.store(
                session, actor, tender, award, DocumentKind.STANDSTILL_LETTER,
                f"{tender.reference}-standstill-letter.pdf", rendered.pdf, now=now, submission=submission,
            )
        )  # fmt: skip
    publication.ensure_tender_release(session, tender)
    publication.store_award_release(session, tender, notice, date=now)
    record_step(session, actor, tender, "award.notice_published", "award", award.id,
                {"notice_published_at": now, "standstill_ends_at": award.standstill_ends_at,
                 "nation": calendar.nation_of(buyer).value, "standstill_letters": len(stored)})  # fmt: skip
    _email_bidders(
        session, _bidder_orgs(session, tender), "award_notice",
        f"Contract award notice published: {tender.reference}",
        f"The buyer has published the contract award notice for {tender.reference}, {lots.caption(tender)}: it "
        f"intends to enter into the contract with {notice.supplier.name}.\n\nThe standstill period has started and "
        f"ends at {ends_in_words(award.standstill_ends_at)}. The contract will not be entered into before then. Your "
        "assessment summary, and if your bid was not successful your standstill letter, are on the tender's "
        f"page:\n{tender_url}\n",
    )  # fmt: skip
    return award


def _letters(
    session: Session, tender: Tender, award: Award, notice: publication.AwardNotice, tender_url: str
) -> list[tuple[Submission, StandstillLetter]]:
    rows = list(award.evaluation.get("bids", []))
    winner: dict[str, object] = next((r for r in rows if str(r.get("submission_id")) == str(award.submission_id)), {})
    summaries = {d.submission_id: d for d in documents.of_kind(session, award, DocumentKind.ASSESSMENT_SUMMARY)}
    losers = [int(row["submission_id"]) for row in rows if int(row["submission_id"]) != award.submission_id]
    bids = {s.id: s for s in session.exec(select(Submission).where(col(Submission.id).in_(losers))).all()}
    letters = []
    for row in rows:
        submission_id = int(row["submission_id"])
        if submission_id == award.submission_id:
            continue
        submission = bids.get(submission_id)
        summary = summaries.get(submission_id)
        if submission is None or summary is None:
            raise Conflict(f"{row.get('bidder')}: no assessment summary was issued for this bid")
        letters.append((submission, StandstillLetter(
            award=notice,
            bidder=str(row.get("bidder", "")),
            compliant=bool(row.get("compliant")),
            rank=row.get("rank"),
            total=display_total(row.get("total")) if row.get("compliant") else None,
            winner_total=display_total(winner.get("total")) or "",
            exclusions=tuple(str(e) for e in row.get("exclusions", [])),
            summary_sent_at=summary.issued_at,
            summary_where=f"on the tender's page in tenderscore: {tender_url}",
        )))  # fmt: skip
    return letters


def display_total(total: object) -> str | None:
    return display(Decimal(str(total))) if total is not None else None


def record_challenge(
    session: Session, actor: User, tender_id: int, details: object, *, now: datetime | None = None
) -> AwardChallenge:
    """Record a challenge to the award: while it is open the contract cannot be entered into."""
    tender, award = officer_award(session, actor, tender_id)
    refusal = _challenge_refusal(award, contract_of(session, award), open_challenge(session, award))
    if refusal:
        raise Conflict(refusal)
    text = limits.written(details, "details", "who has challenged the award, and on what grounds",
                          maximum=limits.STATEMENT_MAX)  # fmt: skip
    challenge = AwardChallenge(award_id=id_of(award), details=text, recorded_by_id=id_of(actor),
                               recorded_at=now or utcnow())  # fmt: skip
    session.add(challenge)
    session.flush()
    record_step(session, actor, tender, "award.challenged", "award_challenge", challenge.id, {"award_id": award.id},
                reason=text)  # fmt: skip
    return challenge


def resolve_challenge(
    session: Session, actor: User, tender_id: int, resolution: object, *, now: datetime | None = None
) -> AwardChallenge:
    """Record how the open challenge ended (withdrawn, dismissed, the suspension lifted by the court...)."""
    tender, award = officer_award(session, actor, tender_id)
    challenge = open_challenge(session, award)
    if challenge is None:
        raise Conflict("There is no open challenge to resolve")
    text = limits.written(resolution, "resolution", "how the challenge ended", maximum=limits.STATEMENT_MAX)
    challenge.resolved_at = now or utcnow()
    challenge.resolved_by_id = id_of(actor)
    challenge.resolution = text
    session.add(challenge)
    record_step(session, actor, tender, "award.challenge_resolved", "award_challenge", challenge.id,
                {"award_id": award.id}, reason=text)  # fmt: skip
    return challenge


def withdraw_award(
    session: Session, actor: User, tender_id: int, reason: object, *, tender_url: str, now: datetime | None = None
) -> Award:
    """Withdraw the award decision before the contract is entered into: the tender returns to evaluation, the
    withdrawn decision and everything issued under it stay on record, and the bidders who were told are told."""
    tender, award = officer_award(session, actor, tender_id)
    refusal = _withdraw_refusal(contract_of(session, award))
    if refusal:
        raise Conflict(refusal)
    text = limits.written(reason, "reason", "the reason for withdrawing the award", maximum=limits.REASON_MAX)
    now = now or utcnow()
    pending = open_challenge(session, award)
    if pending is not None:
        pending.resolved_at, pending.resolved_by_id = now, id_of(actor)
        pending.resolution = f"The award was withdrawn: {text}"
        session.add(pending)
    award.withdrawn_at, award.withdrawn_by_id, award.withdrawal_reason = now, id_of(actor), text
    tender.status = TenderStatus.EVALUATING
    tender.awarded_at = None
    session.add(award)
    record_step(session, actor, tender, "award.withdrawn", "award", award.id,
                {"withdrawn_at": now, "winner_submission_id": award.submission_id}, reason=text)  # fmt: skip
    if award.notice_published_at is not None:
        publication.store_award_release(session, tender, publication.award_notice(session, tender, award), date=now)
    if award.summaries_sent_at is not None:  # the bidders were told of it: they are told it is withdrawn
        _email_bidders(
            session, _bidder_orgs(session, tender), "award_withdrawn", f"Award decision withdrawn: {tender.reference}",
            f"The buyer has withdrawn its award decision for {tender.reference}, {lots.caption(tender)}.\n\n"
            f"Reason: {text}"
            f"\n\nThe tender has returned to evaluation. You will be told of the next decision in the same way. The "
            f"tender's page:\n{tender_url}\n",
        )  # fmt: skip
    return award
