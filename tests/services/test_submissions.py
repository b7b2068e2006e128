"""Submissions: versions kept byte for byte, the deadline by the server's clock, nothing partial, the seal."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import col, func, select

from tenderscore.db.models import AuditEvent, Submission
from tenderscore.services import access, submissions, tenders
from tenderscore.services.errors import Conflict, NotFound, SealedBid, Unprocessable
from tests.competition import NOW, Competition


def _count(competition: Competition) -> int:
    return competition.session.exec(select(func.count()).select_from(Submission)).one()


def test_a_submission_keeps_the_bytes_their_hash_and_the_receipt_time(competition: Competition) -> None:
    bid = competition.bid("Northern")
    when = NOW - timedelta(days=2)
    receipt = competition.submit(bid, when)
    competition.session.commit()
    stored = competition.session.get(Submission, receipt.submission_id)
    assert stored is not None
    assert stored.workbook == bid.workbook
    assert stored.sha256 == hashlib.sha256(bid.workbook).hexdigest() == receipt.sha256
    assert stored.received_at == when and stored.version == 1 and stored.is_current
    assert stored.responses["price"] is not None


def test_a_resubmission_is_a_new_version_and_the_old_one_stays(competition: Competition) -> None:
    bid = competition.bid("Northern")
    competition.submit(bid, NOW - timedelta(days=3))
    second = competition.submit(bid, NOW - timedelta(days=1))
    competition.session.commit()
    versions = competition.session.exec(select(Submission).order_by(col(Submission.version))).all()
    assert [(v.version, v.is_current) for v in versions] == [(1, False), (2, True)]
    assert second.version == 2


def test_after_the_deadline_nothing_is_accepted_or_stored(competition: Competition) -> None:
    bid = competition.bid("Eastgate")
    assert bid.late
    with pytest.raises(Conflict, match="deadline"):
        competition.submit(bid, NOW)  # exactly at the deadline is too late
    competition.session.rollback()
    assert _count(competition) == 0


def test_a_workbook_with_errors_is_refused_with_cell_references_and_nothing_is_stored(competition: Competition) -> None:
    bid = competition.bid("Harbour")
    events_before = competition.session.exec(select(func.count()).select_from(AuditEvent)).one()
    with pytest.raises(Unprocessable) as refused:
        competition.submit(bid)
    competition.session.rollback()
    details = refused.value.details
    assert isinstance(details, list) and details
    assert all("!" in d for d in details)  # every message names Sheet!Cell
    assert _count(competition) == 0
    assert competition.session.exec(select(func.count()).select_from(AuditEvent)).one() == events_before


def test_a_file_that_is_not_a_workbook_is_refused_clearly(competition: Competition) -> None:
    user = competition.bidder("Anyone Ltd")
    with pytest.raises(Unprocessable, match="(?i)not .*workbook|zip|xlsx"):
        submissions.submit(
            competition.session,
            user,
            competition.tender.id,
            "x.xlsx",
            b"%PDF-1.7 not a workbook",  # type: ignore[arg-type]
            now=NOW - timedelta(days=1),
        )


def test_bids_are_sealed_until_opened_and_every_attempt_is_recorded(competition: Competition) -> None:
    receipt = competition.submit(competition.bid("Northern"))
    competition.session.commit()
    for moment in (NOW - timedelta(seconds=1), NOW + timedelta(days=1)):  # before, and after but not yet opened
        with pytest.raises(SealedBid):
            access.readable_bid(competition.session, competition.officer, receipt.submission_id, now=moment)
    competition.session.commit()
    refused = competition.session.exec(select(AuditEvent).where(AuditEvent.action == "submission.read_refused")).all()
    assert len(refused) == 2 and all(e.actor == competition.officer.email for e in refused)
    tenders.open_bids(competition.session, competition.officer, competition.tender.id, now=NOW)  # type: ignore[arg-type]
    opened = access.readable_bid(competition.session, competition.officer, receipt.submission_id, now=NOW)
    assert opened.id == receipt.submission_id


def test_a_bidder_never_sees_another_bidders_submission(competition: Competition) -> None:
    receipt = competition.submit(competition.bid("Northern"))
    other = competition.bidder("Meridian Probation Partners LLP")
    with pytest.raises(NotFound):
        access.readable_bid(competition.session, other, receipt.submission_id)
    assert submissions.my_submissions(competition.session, other, competition.tender.id) == []  # type: ignore[arg-type]


def test_self_check_reports_the_vcse_gate_and_stores_nothing(competition: Competition) -> None:
    bid = competition.bid("Brightpath")
    user = competition.bidder(bid.name)
    result = submissions.check_workbook(competition.session, user, competition.tender.id, bid.workbook)  # type: ignore[arg-type]
    assert result.errors == ()
    failed = [g for g in result.gates if g.outcome.value == "failed"]
    assert failed and any("15" in g.message for g in failed)
    assert _count(competition) == 0
