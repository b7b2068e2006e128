"""The schema: migrations equal the models, named constraints hold, SQLite is set up to queue writers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from tenderscore.db import get_engine
from tenderscore.db.engine import make_engine
from tenderscore.db.migrate import current_revision, schema_differences, upgrade
from tenderscore.db.models import (
    AuditEvent,
    ConsensusScore,
    Organisation,
    Policy,
    Score,
    Submission,
    Tender,
    User,
)
from tests.factories import make_submission, make_tender, make_user


def test_migrations_produce_exactly_the_models_schema(empty_app: Flask) -> None:
    engine = get_engine(empty_app)
    upgrade(engine)
    assert current_revision(engine) == "0009"
    assert schema_differences(engine) == []


def test_migrated_audit_table_refuses_updates_and_deletes(empty_app: Flask) -> None:
    engine = get_engine(empty_app)
    upgrade(engine)
    with Session(engine) as session:
        session.add(
            AuditEvent(actor="system", action="test", entity="x", entity_id="1", prev_hash="0" * 64, hash="a" * 64)
        )
        session.commit()
    for statement in ("UPDATE audit_event SET reason = 'changed'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    with Session(engine) as session:
        assert session.exec(select(AuditEvent.reason)).one() == ""


def test_one_consensus_per_submission_and_criterion(session: Session) -> None:
    submission = make_submission(session)
    moderator = make_user(session, role="officer")
    session.add(
        ConsensusScore(
            submission_id=submission.id,
            criterion_id="q1",
            score=3,
            scale_max=5,
            reason="Clear plan",
            moderator_id=moderator.id,
        )
    )
    session.commit()
    session.add(
        ConsensusScore(
            submission_id=submission.id,
            criterion_id="q1",
            score=4,
            scale_max=5,
            reason="Second",
            moderator_id=moderator.id,
        )
    )
    with pytest.raises(IntegrityError, match="(?i)unique"):
        session.commit()


@pytest.mark.parametrize("score", [-1, 6])
def test_scores_outside_the_scale_are_refused(session: Session, score: int) -> None:
    submission = make_submission(session)
    evaluator = make_user(session, role="evaluator")
    session.add(
        Score(
            submission_id=submission.id,
            criterion_id="q1",
            evaluator_id=evaluator.id,
            score=score,
            scale_max=5,
            reason="because",
        )
    )
    with pytest.raises(IntegrityError, match="score_in_scale"):
        session.commit()


def test_a_score_needs_a_reason(session: Session) -> None:
    submission = make_submission(session)
    evaluator = make_user(session, role="evaluator")
    session.add(
        Score(
            submission_id=submission.id,
            criterion_id="q1",
            evaluator_id=evaluator.id,
            score=3,
            scale_max=5,
            reason="   ",
        )
    )
    with pytest.raises(IntegrityError, match="reason_given"):
        session.commit()


def test_one_current_submission_per_bidder_and_tender(session: Session) -> None:
    first = make_submission(session)
    session.commit()
    session.add(
        Submission(
            tender_id=first.tender_id,
            bidder_org_id=first.bidder_org_id,
            version=2,
            is_current=True,
            filename="b.xlsx",
            workbook=b"x",
            size_bytes=1,
            sha256="b" * 64,
            responses={},
            submitted_by_id=first.submitted_by_id,
        )
    )
    with pytest.raises(IntegrityError, match="(?i)unique|uq_submission_one_current"):
        session.commit()
    session.rollback()
    # The same second version is fine once the first is no longer current.
    first_again = session.get(Submission, first.id)
    assert first_again is not None
    first_again.is_current = False
    session.add(
        Submission(
            tender_id=first.tender_id,
            bidder_org_id=first.bidder_org_id,
            version=2,
            is_current=True,
            filename="b.xlsx",
            workbook=b"x",
            size_bytes=1,
            sha256="b" * 64,
            responses={},
            submitted_by_id=first.submitted_by_id,
        )
    )
    session.commit()


def test_a_published_tender_must_hold_its_frozen_rubric(session: Session) -> None:
    tender = make_tender(session)
    tender.status = "published"
    with pytest.raises(IntegrityError, match="published_is_frozen"):
        session.commit()


def test_decimals_and_times_come_back_exactly(session: Session) -> None:
    commissioner = make_user(session, role="commissioner")
    weight = Decimal("12.345678901234567890")
    session.add(Policy(commissioner_org_id=commissioner.organisation_id, name="P", min_social_value_weight=weight))
    tender = make_tender(session, deadline=datetime(2027, 3, 1, 12, 0, tzinfo=UTC))
    session.commit()
    session.expire_all()
    policy = session.exec(select(Policy)).one()
    assert policy.min_social_value_weight == weight and isinstance(policy.min_social_value_weight, Decimal)
    reloaded = session.get(Tender, tender.id)
    assert reloaded is not None and reloaded.deadline == datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    assert reloaded.deadline.utcoffset() == timedelta(0)


def test_foreign_keys_are_enforced(session: Session) -> None:
    session.add(User(email="x@example.org", name="X", password_hash="x", role="bidder", organisation_id=9999))
    with pytest.raises(IntegrityError):
        session.commit()


def _sqlite_engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'queue.db'}")
    SQLModel.metadata.create_all(engine)
    return engine


def test_sqlite_connections_are_set_up(tmp_path: Path) -> None:
    engine = _sqlite_engine(tmp_path)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000


def test_twenty_concurrent_sqlite_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    """Twenty threads each read-then-write in one transaction; none may see 'database is locked'."""
    engine = _sqlite_engine(tmp_path)
    with Session(engine) as session:
        session.add(Organisation(name="counter", kind="buyer", nation="0"))
        session.commit()
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(5):
                with Session(engine) as session:
                    org = session.exec(select(Organisation).where(Organisation.name == "counter")).one()
                    org.nation = str(int(org.nation or "0") + 1)
                    session.commit()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with Session(engine) as session:
        org = session.exec(select(Organisation).where(Organisation.name == "counter")).one()
        # BEGIN IMMEDIATE makes each read-modify-write a queue: no increment is lost either.
        assert org.nation == "100"
