"""Migration 0008 (clarification questions) on a database holding a draft and a published tender.

The published tender gets the default clarification deadline (seven days before its deadline, or halfway there for
a shorter one); a draft gets none; the new tables take a question and its answer; the way back drops them.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import inspect, text

from tenderscore.db import get_engine
from tenderscore.db.migrate import current_revision, downgrade, upgrade
from tenderscore.db.types import UTCDateTime

pytestmark = pytest.mark.db
NOW = "2026-01-01 00:00:00+00:00"


def _fill_0007(connection: object) -> None:
    run = connection.execute  # type: ignore[attr-defined]
    run(text("INSERT INTO organisation (name, kind, created_at) VALUES ('Council', 'buyer', :now)"), {"now": NOW})
    run(text("INSERT INTO user_account (email, name, password_hash, role, organisation_id, active, created_at, "
             "session_epoch) SELECT 'o@x.example', 'O', 'x', 'officer', id, :yes, :now, 0 FROM organisation"),
        {"yes": True, "now": NOW})  # fmt: skip
    tenders = [  # reference, status, published, deadline
        ("LONG", "published", "2026-03-02 09:00:00+00:00", "2026-04-01 12:00:00+00:00"),
        ("SHORT", "evaluating", "2026-03-02 09:00:00+00:00", "2026-03-06 12:00:00+00:00"),
        ("DRAFT", "draft", None, "2026-05-01 12:00:00+00:00"),
    ]
    for reference, status, published, deadline in tenders:
        frozen = status != "draft"
        run(text("INSERT INTO tender (reference, title, description, buyer_org_id, deadline, status, rubric, "
                 "rubric_snapshot, rubric_hash, template_version, created_by_id, created_at, published_at, version) "
                 "SELECT :ref, 'T', '', organisation_id, :deadline, :status, '{}', :snap, :hash, 1, id, :now, "
                 ":published, 1 FROM user_account"),
            {"ref": reference, "deadline": deadline, "status": status, "snap": "{}" if frozen else None,
             "hash": "a" * 64 if frozen else None, "now": NOW, "published": published})  # fmt: skip


def test_published_tenders_get_the_default_clarification_deadline_and_the_way_back(empty_app: Flask) -> None:
    engine = get_engine(empty_app)
    upgrade(engine, "0007")
    with engine.begin() as connection:
        _fill_0007(connection)
    upgrade(engine, "0008")
    assert current_revision(engine) == "0008"
    with engine.connect() as connection:
        typed = text("SELECT reference, clarification_deadline FROM tender").columns(
            clarification_deadline=UTCDateTime()
        )
        rows = dict(connection.execute(typed).all())
    assert rows["LONG"] == datetime(2026, 3, 25, 12, 0, tzinfo=UTC)  # seven days before
    assert rows["SHORT"] == datetime(2026, 3, 4, 10, 30, tzinfo=UTC)  # halfway, to the minute
    assert rows["DRAFT"] is None
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO clarification (tender_id, bidder_org_id, asked_by_id, question, asked_at, answered_at) "
            "SELECT t.id, u.organisation_id, u.id, 'When?', :now, :now FROM tender t, user_account u "
            "WHERE t.reference = 'LONG'"), {"now": NOW})  # fmt: skip
        connection.execute(text(
            "INSERT INTO clarification_answer (clarification_id, answer, audience, answered_by_id, answered_at) "
            "SELECT c.id, 'Soon.', 'asker', c.asked_by_id, :now FROM clarification c"), {"now": NOW})  # fmt: skip
        with pytest.raises(Exception, match="(?i)check|constraint"), connection.begin_nested():
            connection.execute(text(
                "INSERT INTO clarification_answer (clarification_id, answer, audience, answered_by_id, answered_at) "
                "SELECT c.id, 'Yes.', 'press', c.asked_by_id, :now FROM clarification c"), {"now": NOW})  # fmt: skip

    downgrade(engine, "0007")
    names = set(inspect(engine).get_table_names())
    assert not names & {"clarification", "clarification_answer", "clarification_change"}
    assert "clarification_deadline" not in {c["name"] for c in inspect(engine).get_columns("tender")}
