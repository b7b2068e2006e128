"""The award path on the demo, through the services as the officer and the bidders would walk it, on both databases:
summaries issued at once, the award notice and its standstill, challenges, the contract and its notice, withdrawal;
every step refused out of order with a clear message, every step audited, every OCDS release valid."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from sqlmodel import Session, col, select

from tenderscore.core.award import UK, last_day
from tenderscore.db import get_engine
from tenderscore.db.models import (
    AuditEvent,
    Award,
    Contract,
    ContractCommitment,
    DocumentKind,
    IssuedDocument,
    OcdsRelease,
    Role,
    Submission,
    Tender,
    TenderStatus,
    User,
)
from tenderscore.ocds import loads
from tenderscore.services import access, audit, award_path, awards, contracts, evaluation, mail, publication, scoring
from tenderscore.services import reports as report_service
from tenderscore.services.errors import Conflict, Invalid, NotFound, ServiceError
from tenderscore.services.submissions import outcome
from tests.ocds_schema import validate_record_package, validate_release, validate_release_package

pytestmark = pytest.mark.db
LINK = "https://tenderscore.example/tenders/1"
# A spring with no bank holiday in England between these dates (Good Friday 2027 is 26 March).
DECIDED = datetime(2027, 3, 1, 11, 0, tzinfo=UTC)


@pytest.fixture
def db(demo: Flask) -> Session:
    with Session(get_engine(demo), expire_on_commit=False) as session:
        yield session  # type: ignore[misc]


def _user(session: Session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


def _tender(session: Session, reference: str) -> Tender:
    return session.exec(select(Tender).where(Tender.reference == reference)).one()


def _awarded(session: Session, officer: User) -> Tender:
    """The demo's evaluated tender with its last consensus agreed, then awarded."""
    tender = _tender(session, "NWPR-2026-014")
    for bid_id, criterion in evaluation.gather(session, tender).evaluation.missing_consensus:
        scoring.record_consensus(session, officer, int(bid_id), criterion, 3, "Panel agreed 3: meets the requirement.")
    scoring.award(session, officer, tender.id, "Highest-ranked compliant bid.", now=DECIDED)  # type: ignore[arg-type]
    return tender


def test_the_whole_path_in_order_with_every_refusal(db: Session) -> None:
    officer = _user(db, "officer@demo.tenderscore.test")
    tender = _awarded(db, officer)
    tid = tender.id
    assert tid is not None
    award = awards.live_award(db, tid)
    assert award is not None
    bids = access.current_bids(db, tid)
    loser = next(s for s in bids if s.id != award.submission_id and str(s.id) in _assessed(award))
    loser_user = db.exec(select(User).where(User.organisation_id == loser.bidder_org_id)).first()
    assert loser_user is not None

    # Before the summaries: the bidder learns nothing, and cannot download a summary; later steps refuse.
    assert outcome(db, loser_user, tid) is None
    with pytest.raises(Conflict, match="not issued the assessment summaries yet"):
        report_service.assessment_summary(db, loser_user, tid)
    with pytest.raises(Conflict, match="Issue the assessment summaries first"):
        award_path.publish_award_notice(db, officer, tid, tender_url=LINK)
    with pytest.raises(Conflict, match="Publish the contract award notice first"):
        contracts.enter_contract(db, officer, tid, contracts.ContractEntry())

    # 1. Summaries: one per assessed bid, kept as issued, each bidder emailed, the step audited.
    sent_at = datetime(2027, 3, 5, 10, 0, tzinfo=UTC)  # a Friday
    issued = award_path.issue_summaries(db, officer, tid, tender_url=LINK, now=sent_at)
    assert sorted(d.submission_id for d in issued) == sorted(int(i) for i in _assessed(award))
    assert {m.purpose for m in mail.queued(db)} == {"assessment_summary"}
    assert any(m.to == loser_user.email and LINK in m.body for m in mail.queued(db))
    mine = report_service.assessment_summary(db, loser_user, tid)
    stored = db.exec(select(IssuedDocument).where(IssuedDocument.submission_id == loser.id)).one()
    assert mine == (stored.filename, stored.content)  # the very bytes issued, not a new rendering
    assert _events(db, "award.summaries_issued")[-1].after["summaries_sent_at"].startswith("2027-03-05T10:00")
    with pytest.raises(Conflict, match="were issued on 5 March 2027"):
        award_path.issue_summaries(db, officer, tid, tender_url=LINK)
    told = outcome(db, loser_user, tid)
    assert told is not None and told.has_bid and not told.won

    # 2. The notice: published on Friday 5 March 2027; 8 working days: 5, 8-12, 15 and 16 March.
    published = datetime(2027, 3, 5, 15, 0, tzinfo=UTC)
    award_path.publish_award_notice(db, officer, tid, tender_url=LINK, now=published)
    db.refresh(award)
    assert award.standstill_ends_at is not None
    assert last_day(award.standstill_ends_at).isoformat() == "2027-03-16"
    assert award.standstill_ends_at.astimezone(UK).hour == 0
    letters = db.exec(select(IssuedDocument).where(IssuedDocument.kind == DocumentKind.STANDSTILL_LETTER)).all()
    letters = [d for d in letters if d.tender_id == tid]
    assert award.submission_id not in {d.submission_id for d in letters}  # the winner gets no standstill letter
    assert loser.id in {d.submission_id for d in letters}
    assert len(letters) == len(_assessed(award)) - 1
    path = award_path.path(db, officer, tid, now=datetime(2027, 3, 10, 9, 0, tzinfo=UTC))
    assert path is not None and path.stage == award_path.Stage.STANDSTILL
    assert path.working_days_left == 5  # 10, 11, 12, 15 and 16 March

    # The contract waits for the standstill; a challenge suspends it until resolved.
    during = datetime(2027, 3, 12, 12, 0, tzinfo=UTC)
    with pytest.raises(Conflict, match="midnight at the end of 16 March 2027"):
        contracts.enter_contract(db, officer, tid, contracts.ContractEntry(), now=during)
    with pytest.raises(ServiceError, match="who has challenged"):
        award_path.record_challenge(db, officer, tid, "   ")
    award_path.record_challenge(db, officer, tid, "Harbour Lane issued proceedings on 11 March: scoring of Q2.")
    after = datetime(2027, 3, 18, 12, 0, tzinfo=UTC)
    with pytest.raises(Conflict, match="A challenge is open"):
        contracts.enter_contract(db, officer, tid, _entry("2027-03-17"), now=after)
    with pytest.raises(Conflict, match="already open"):
        award_path.record_challenge(db, officer, tid, "Another")
    award_path.resolve_challenge(db, officer, tid, "Claim withdrawn by the supplier on 17 March.")

    # 3. The contract: every mistake reported at once, nothing stored; then recorded with its commitments.
    with pytest.raises(Invalid) as refused:
        contracts.enter_contract(
            db, officer, tid,
            contracts.ContractEntry(title="", value="5,500,000.001", starts_on="2027-04-01", ends_on="2027-03-01",
                                    signed_on="2027-03-16", kpis=[contracts.KpiEntry(title="Hours", target="")]),
            now=after,
        )  # fmt: skip
    fields = {f for f, _ in refused.value.problems}
    assert {"title", "value", "ends_on", "signed_on", "kpis-1-target"} <= fields
    assert db.exec(select(Contract)).all() == [] or all(c.tender_id != tid for c in db.exec(select(Contract)).all())
    winner = db.get(Submission, award.submission_id)
    assert winner is not None
    measured = len(winner.responses["commitments"])  # each commitment becomes a KPI too (services/kpis.py)
    assert measured >= 3  # so a £6m contract needs no KPI beyond them (s.52), and no reason for having none
    with pytest.raises(Invalid, match="the winning bid's 4 commitments become the contract's KPIs"):
        qualitative = replace(_entry("2027-03-17", value="6000000"), no_kpis_reason="Outcomes are qualitative")
        contracts.enter_contract(db, officer, tid, qualitative, now=after)
    contract = contracts.enter_contract(db, officer, tid, _entry("2027-03-17", value="6000000", kpis=1), now=after)
    promised = {c.criterion_id: c.value for c in db.exec(
        select(ContractCommitment).where(ContractCommitment.contract_id == contract.id)).all()}  # fmt: skip
    assert promised and promised == {k: Decimal(v) for k, v in winner.responses["commitments"].items()}
    with pytest.raises(Conflict, match="no longer be withdrawn"):
        award_path.withdraw_award(db, officer, tid, "Changed our mind", tender_url=LINK)

    # 4. The contract details notice, once; then the open data validates, release by release and as packages.
    contracts.publish_contract_notice(db, officer, tid, now=after + timedelta(days=1))
    with pytest.raises(Conflict, match="already been published"):
        contracts.publish_contract_notice(db, officer, tid)
    releases = db.exec(select(OcdsRelease).where(OcdsRelease.tender_id == tid).order_by(col(OcdsRelease.id))).all()
    assert [r.tag for r in releases] == ["tender", "award", "contract"]
    for release in releases:
        data = loads(release.body)
        validate_release(data)
        assert hashlib.sha256(release.body.encode()).hexdigest() == release.sha256
    award_data = loads(releases[1].body)["awards"][0]
    assert award_data["assessmentSummariesDateSent"] == "2027-03-05T10:00:00Z"
    assert award_data["standstillPeriod"]["startDate"] == "2027-03-05T15:00:00Z"
    contract_data = loads(releases[2].body)["contracts"][0]
    assert len(contract_data["agreedMetrics"]) == 1 + measured
    assert contract_data["value"]["amount"] == Decimal("6000000")
    record = loads(publication.record_of(db, loser_user, tid, uri="https://x/record"))
    validate_record_package(record)
    compiled = record["records"][0]["compiledRelease"]
    assert compiled["awards"][0]["status"] == "active" and compiled["contracts"][0]["status"] == "active"
    validate_release_package(loads(publication.package_of_releases(db, officer, tid, uri="https://x/p")))
    text = "".join(r.body for r in releases)
    for evaluator in db.exec(select(User).where(User.role == Role.EVALUATOR)).all():
        assert evaluator.name not in text and evaluator.email not in text  # nothing personal is published
    assert audit.verify_chain(db).ok


def test_a_bidder_reads_only_their_own_letter_and_the_public_notices(db: Session) -> None:
    tender = _tender(db, "NWPR-2026-009")  # in standstill in the demo
    documents = db.exec(select(IssuedDocument).where(IssuedDocument.tender_id == tender.id)).all()
    letter = next(d for d in documents if d.kind == DocumentKind.STANDSTILL_LETTER)
    owner = db.exec(select(User).where(User.organisation_id == letter.bidder_org_id, User.role == Role.BIDDER)).first()
    other = db.exec(select(User).where(User.role == Role.BIDDER, User.organisation_id != letter.bidder_org_id)).first()
    commissioner = _user(db, "commissioner@demo.tenderscore.test")
    assert owner is not None and other is not None
    assert access.readable_document(db, owner, letter.id).content == letter.content  # type: ignore[arg-type]
    for outsider in (other, commissioner):
        with pytest.raises(NotFound):
            access.readable_document(db, outsider, letter.id)  # type: ignore[arg-type]
    kinds = {d.kind for d in access.visible_documents(db, other, tender.id)}  # type: ignore[arg-type]
    assert DocumentKind.AWARD_NOTICE in kinds and DocumentKind.STANDSTILL_LETTER in kinds  # their own letter
    assert all(d.bidder_org_id in (None, other.organisation_id) for d in access.visible_documents(db, other, tender.id))  # type: ignore[arg-type]
    assert _events(db, "document.downloaded")[-1].actor == owner.email


def test_withdrawing_an_award_returns_the_tender_to_evaluation_and_keeps_the_record(db: Session) -> None:
    officer = _user(db, "officer@demo.tenderscore.test")
    tender = _tender(db, "NWPR-2026-009")
    tid = tender.id
    assert tid is not None
    with pytest.raises(ServiceError, match="reason for withdrawing"):
        award_path.withdraw_award(db, officer, tid, "", tender_url=LINK)
    first = awards.live_award(db, tid)
    assert first is not None
    award_path.withdraw_award(db, officer, tid, "An arithmetic error in the price scores.", tender_url=LINK)
    db.refresh(tender)
    assert tender.status == TenderStatus.EVALUATING and awards.live_award(db, tid) is None
    assert {m.purpose for m in mail.queued(db)} == {"award_withdrawn"}
    update = db.exec(select(OcdsRelease).where(OcdsRelease.tender_id == tid, OcdsRelease.tag == "awardUpdate")).one()
    validate_release(loads(update.body))
    assert loads(update.body)["awards"][0]["status"] == "cancelled"
    # The withdrawn summaries are no longer the bidder's summary; the tender can be awarded again.
    bidder = db.exec(select(User).where(User.role == Role.BIDDER)).first()
    assert bidder is not None and outcome(db, bidder, tid) is None
    again = scoring.award(db, officer, tid, "Re-awarded after correcting the price scores.")
    assert again.id != first.id and len(db.exec(select(Award).where(Award.tender_id == tid)).all()) == 2
    path = award_path.path(db, officer, tid)
    assert path is not None and path.stage == award_path.Stage.DECIDED and [w.id for w in path.withdrawn] == [first.id]
    assert audit.verify_chain(db).ok


def test_summaries_are_issued_all_or_none(db: Session) -> None:
    """A summary that cannot be completed (here a consensus lost after the award) stops every one, named."""
    officer = _user(db, "officer@demo.tenderscore.test")
    tender = _awarded(db, officer)
    award = awards.live_award(db, tender.id)  # type: ignore[arg-type]
    assert award is not None
    from tenderscore.db.models import ConsensusScore

    lost = db.exec(select(ConsensusScore).where(ConsensusScore.submission_id == award.submission_id)).first()
    assert lost is not None
    db.delete(lost)
    db.flush()
    with pytest.raises(Invalid) as refused:
        award_path.issue_summaries(db, officer, tender.id, tender_url=LINK)  # type: ignore[arg-type]
    assert refused.value.problems and all(f == "summaries" for f, _ in refused.value.problems)
    assert db.exec(select(IssuedDocument).where(IssuedDocument.tender_id == tender.id)).all() == []


def test_only_the_officer_takes_the_steps(db: Session) -> None:
    tender = _tender(db, "NWPR-2026-009")
    for email in ("commissioner@demo.tenderscore.test", "evaluator1@demo.tenderscore.test"):
        with pytest.raises((NotFound, Exception), match="procurement officer|No tender"):
            award_path.record_challenge(db, _user(db, email), tender.id, "x")  # type: ignore[arg-type]


def _assessed(award: Award) -> list[str]:
    return [str(row["submission_id"]) for row in award.evaluation["bids"]]


def _events(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))))


def _entry(signed: str, *, value: str = "1500000", kpis: int = 0) -> contracts.ContractEntry:
    return contracts.ContractEntry(
        title="Innovation Partner", value=value, starts_on="2027-04-01", ends_on="2030-03-31", signed_on=signed,
        kpis=[contracts.KpiEntry(f"KPI {n}", "", "90", "percent") for n in range(1, kpis + 1)],
    )  # fmt: skip


def test_a_tender_published_and_extended_has_valid_tender_releases(db: Session) -> None:
    officer = _user(db, "officer@demo.tenderscore.test")
    tender = _tender(db, "NWPR-2027-002")  # open for bids in the demo
    from tenderscore.services import tenders

    later = tender.deadline + timedelta(days=7)
    tenders.extend_deadline(db, officer, tender.id, expected_version=tender.version, deadline=later,  # type: ignore[arg-type]
                            reason="Site visits rescheduled")  # fmt: skip
    releases = db.exec(
        select(OcdsRelease).where(OcdsRelease.tender_id == tender.id).order_by(col(OcdsRelease.id))
    ).all()
    assert [r.tag for r in releases] == ["tender", "tenderUpdate"]
    assert [r.release_id for r in releases] == [f"ocds-tndrsc-{tender.reference}-tender-1",
                                                f"ocds-tndrsc-{tender.reference}-tenderUpdate-1"]  # fmt: skip
    for release in releases:
        validate_release(loads(release.body))
    update = loads(releases[1].body)
    assert datetime.fromisoformat(update["tender"]["tenderPeriod"]["endDate"].replace("Z", "+00:00")) == later
    record = loads(publication.record_of(db, officer, tender.id, uri="https://x/r"))  # type: ignore[arg-type]
    validate_record_package(record)
    with pytest.raises(Conflict, match="Nothing has been published"):
        publication.record_of(db, officer, _tender(db, "NWPR-2027-003").id, uri="https://x/r")  # type: ignore[arg-type]
