"""A process killed in the middle of a submission or an award leaves nothing partial (a real SIGKILL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, func, select

from tenderscore.core import CriterionKind
from tenderscore.db.models import AuditEvent, Award, Submission, Tender
from tenderscore.services import access, audit, panel, scoring, tenders
from tests.competition import NOW, Competition

ROOT = Path(__file__).resolve().parents[2]


def _kill_in_the_middle(database_url: str, tmp_path: Path, *args: str) -> None:
    ready = tmp_path / "ready"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.security.fault_child", database_url, str(ready), *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not ready.exists():
        if child.poll() is not None:
            _, err = child.communicate()
            raise AssertionError(f"child ended before the pause: {err.decode()}")
        assert time.monotonic() < deadline, "child never reached the pause"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL


def _counts(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    return (
        session.exec(select(func.count()).select_from(Submission)).one(),
        session.exec(select(func.count()).select_from(AuditEvent)).one(),
        session.exec(select(func.count()).select_from(Award)).one(),
    )


def test_a_submission_killed_before_commit_stores_nothing(
    competition: Competition,
    database_url: str,
    tmp_path: Path,
) -> None:
    session = competition.session
    bidder = competition.bidder("Northern Resettlement Consortium Ltd")
    session.commit()
    workbook = tmp_path / "bid.xlsx"
    workbook.write_bytes(competition.bid("Northern").workbook)
    args = ("submit", str(competition.tender.id), bidder.email, str(workbook))
    before, head = _counts(session), audit.chain_head(session)

    session.rollback()  # end our read transaction (on SQLite it holds the write lock the child needs)
    _kill_in_the_middle(database_url, tmp_path, *args)

    assert _counts(session) == before
    assert audit.chain_head(session) == head and audit.verify_chain(session).ok
    # The database is usable at once: the same bid goes in cleanly afterwards.
    receipt = competition.submit(competition.bid("Northern"))
    session.commit()
    assert receipt.version == 1


def test_an_award_killed_before_commit_leaves_the_tender_under_evaluation(
    competition: Competition,
    database_url: str,
    tmp_path: Path,
) -> None:
    session, officer = competition.session, competition.officer
    tender_id = competition.tender.id
    assert tender_id is not None
    competition.submit(competition.bid("Northern"))
    tenders.open_bids(session, officer, tender_id, now=NOW + timedelta(hours=1))
    panel.assign_evaluator(session, officer, tender_id, competition.evaluators[0].id)  # type: ignore[arg-type]
    rubric = tenders.rubric_of(competition.tender)
    submission = access.current_bids(session, tender_id)[0]
    for criterion in rubric.of_kind(CriterionKind.SCORED):
        scoring.record_consensus(session, officer, submission.id, criterion.id, 4, "Agreed")  # type: ignore[arg-type]
    session.commit()
    args = ("award", str(tender_id), officer.email)
    before, head = _counts(session), audit.chain_head(session)

    session.rollback()  # and touch no expired object until the child has been killed
    _kill_in_the_middle(database_url, tmp_path, *args)

    assert _counts(session) == before
    assert audit.chain_head(session) == head and audit.verify_chain(session).ok
    reloaded = session.get(Tender, tender_id)
    assert reloaded is not None and reloaded.status == "evaluating" and reloaded.awarded_at is None
