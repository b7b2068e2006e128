"""Only work that writes takes SQLite's write lock: reads, and the self-check (a POST that stores nothing), do not.

Every non-GET request used to begin ``BEGIN IMMEDIATE``, so eight bidders checking workbooks at once queued for the
lock one by one, and behind any writer. Whether a request writes is decided when its transaction begins (a
reader's lock cannot be upgraded safely once it has read), from the method or a view's ``reads_only`` mark.
Here a write transaction is held open on another connection while self-checks run: they answer, and a request that
writes is still made to wait for the lock. No timing is measured: a reader that waited would fail.
"""

from __future__ import annotations

import io
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from tenderscore import create_app
from tenderscore.db import get_engine, get_session
from tenderscore.db.engine import begin_writing, reading, reading_session
from tenderscore.db.models import Organisation, Tender, User
from tenderscore.services import accounts, submissions, tenders
from tenderscore.services.demo import DEMO_PASSWORD
from tenderscore.sheets.demo import demo_bids
from tests import forms
from tests.conftest import BACKEND

OPEN = "NWPR-2027-002"
BIDDER = "meridian@demo.tenderscore.test"


@pytest.mark.parametrize(
    ("method", "path", "reads"),
    [
        ("GET", "/tenders/1", True),
        ("HEAD", "/healthz", True),
        ("POST", "/tenders/1/self-check", True),
        ("POST", "/tenders/1/self-check.pdf", True),
        ("POST", "/api/tenders/1/self-check", True),
        ("POST", "/tenders/1/submit", True),  # step 1 only checks the workbook
        ("POST", "/tenders/1/submit/confirm", False),
        ("POST", "/api/tenders/1/submissions", False),
        ("POST", "/sign-in", False),
        ("PUT", "/api/submissions/1/scores/q1", False),
        ("POST", "/no-such-page", False),
    ],
)
def test_a_request_reads_only_when_its_method_or_its_view_says_so(
    app: Flask, method: str, path: str, reads: bool
) -> None:
    with app.test_request_context(path, method=method):
        assert reading(get_session()) is reads


def test_a_reading_session_refuses_a_change_it_did_not_announce(app: Flask) -> None:
    session = reading_session(get_engine(app))
    try:
        session.add(Organisation(name="Unannounced", kind="buyer"))
        with pytest.raises(RuntimeError, match="call begin_writing"):
            session.flush()
        session.rollback()
        begin_writing(session)  # as audit.record does before it appends an event
        assert not reading(session)
        session.add(Organisation(name="Announced", kind="buyer"))
        session.commit()
    finally:
        session.close()
    with Session(get_engine(app)) as check:
        names = check.exec(select(Organisation.name)).all()
    assert names == ["Announced"]


# --- a writer holds SQLite's lock while bidders check their workbooks --------------------------------------------


@pytest.fixture
def impatient(demo: Flask, tmp_path: Path) -> Iterator[Flask]:
    """The demo app again, giving up on SQLite's write lock after half a second instead of thirty: a request that
    waited for the lock fails here rather than answering late."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": demo.config["DATABASE_URL"],
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": True,
            "SQLITE_BUSY_TIMEOUT_MS": 500,
        },
        instance_path=str(tmp_path / "impatient"),
    )
    yield app
    get_engine(app).dispose()


@pytest.fixture
def writer(impatient: Flask) -> Iterator[Callable[[], sqlite3.Connection]]:
    """Opens a write transaction on another connection (as a slow writer would) and rolls it back at the end."""
    opened: list[sqlite3.Connection] = []

    def hold() -> sqlite3.Connection:
        connection = sqlite3.connect(str(make_url(impatient.config["DATABASE_URL"]).database), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE organisation SET name = name || ' (being renamed)' WHERE id = 1")
        opened.append(connection)
        return connection

    yield hold
    for connection in opened:
        connection.rollback()
        connection.close()


def _workbook(app: Flask) -> tuple[int, bytes]:
    with Session(get_engine(app)) as session:
        tender = session.exec(select(Tender).where(Tender.reference == OPEN)).one()
        bids = demo_bids(tenders.rubric_of(tender), submissions.identity(session, tender))
        assert tender.id is not None
        return tender.id, next(b.workbook for b in bids if b.name.startswith("Meridian"))


def _bidder(app: Flask, tender_id: int) -> tuple[FlaskClient, str]:
    client = app.test_client()
    forms.sign_in(client, BIDDER, DEMO_PASSWORD)
    return client, forms.csrf_token(client, f"/tenders/{tender_id}/self-check")


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's write lock; PostgreSQL has none to wait for")
def test_self_checks_answer_while_a_writer_holds_the_lock(
    impatient: Flask, writer: Callable[[], sqlite3.Connection]
) -> None:
    tender_id, workbook = _workbook(impatient)
    with Session(get_engine(impatient)) as session:
        bidder = session.exec(select(User).where(User.email == BIDDER)).one()
        token = accounts.issue_api_token(session, bidder)
        session.commit()
    bidders = [_bidder(impatient, tender_id) for _ in range(4)]  # signing in writes: done before the lock is held

    writer()
    statuses: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(bidders) + 1)

    def page(client: FlaskClient, csrf: str) -> None:
        try:
            start.wait()
            for path in ("self-check", "self-check.pdf"):
                upload = {"csrf_token": csrf, "workbook": (io.BytesIO(workbook), "bid.xlsx")}
                response = client.post(f"/tenders/{tender_id}/{path}", data=upload, content_type="multipart/form-data")
                statuses.append(response.status_code)
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    def api() -> None:
        try:
            start.wait()
            response = impatient.test_client().post(
                f"/api/tenders/{tender_id}/self-check",
                data={"workbook": (io.BytesIO(workbook), "bid.xlsx")},
                content_type="multipart/form-data",
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.json is not None and response.json["ok"] is True, response.json
            statuses.append(response.status_code)
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    threads = [threading.Thread(target=page, args=b) for b in bidders] + [threading.Thread(target=api)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert statuses == [200] * (2 * len(bidders) + 1)

    client, csrf = bidders[0]
    assert client.get(f"/tenders/{tender_id}").status_code == 200
    health = impatient.test_client().get("/healthz")  # a health check never waits for a writer either
    assert health.status_code == 200 and health.json is not None and health.json["database_reachable"] is True
    checked = client.post(f"/tenders/{tender_id}/submit", content_type="multipart/form-data",
                          data={"csrf_token": csrf, "workbook": (io.BytesIO(workbook), "bid.xlsx")})  # fmt: skip
    assert checked.status_code == 200 and "Confirm your bid" in checked.text


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's write lock; PostgreSQL has none to wait for")
def test_a_request_that_writes_still_waits_for_the_lock(
    impatient: Flask, writer: Callable[[], sqlite3.Connection]
) -> None:
    tender_id, workbook = _workbook(impatient)
    client, csrf = _bidder(impatient, tender_id)
    checked = client.post(f"/tenders/{tender_id}/submit", content_type="multipart/form-data",
                          data={"csrf_token": csrf, "workbook": (io.BytesIO(workbook), "bid.xlsx")})  # fmt: skip
    confirm = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', checked.text))
    assert confirm["workbook_seal"]

    held = writer()
    with pytest.raises(OperationalError, match="database is locked"):  # it waited half a second, then gave up
        client.post(f"/tenders/{tender_id}/submit/confirm", data=confirm)
    held.rollback()

    submitted = client.post(f"/tenders/{tender_id}/submit/confirm", data=confirm)
    assert submitted.status_code == 302 and "/receipt" in submitted.headers["Location"]
