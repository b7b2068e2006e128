"""The JSON API as its clients meet it: bearer tokens per role, requests through the Flask test client.

People and organisations are made through the services (the API has no sign-up); everything a test is about is
done through the API. ``World.state()`` fingerprints every table and the audit chain head, so a refused request
can be shown to have changed nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select
from werkzeug.test import TestResponse

from tenderscore import rubric_files
from tenderscore.db import get_engine
from tenderscore.db.models import AuditEvent, Policy, Submission, Tender, User
from tenderscore.services import accounts, audit, panel, submissions, tenders
from tenderscore.sheets import DemoBid
from tests.world import BIDDERS, demo_workbooks, people, probation_tender, vcse_policy

# One deadline for the whole run (a whole day ahead), so that the demo workbooks built for it can be reused.
DEADLINE = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)


def no_trace(response: TestResponse) -> None:
    """No response ever shows a stack trace or a server error."""
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]
    assert b"Traceback" not in response.get_data()


@dataclass
class World:
    """Two buyer organisations, every role, three bidders; each user holds an API token."""

    app: Flask
    client: FlaskClient
    session: Session
    users: dict[str, User]
    tokens: dict[str, str]
    policy: Policy
    tender: Tender | None = None
    bids: dict[str, DemoBid] = field(default_factory=dict)
    # Plain values read once, so that a test never reloads a row through its own session (which on SQLite
    # would open a write transaction and hold the lock the app then waits for).
    ids: dict[str, tuple[int, int]] = field(default_factory=dict)
    tender_key: int | None = None

    def call(self, who: str | None, method: str, url: str, **kwargs: Any) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        response = self.client.open(url, method=method, headers=headers, **kwargs)
        no_trace(response)
        return response

    def get(self, who: str | None, url: str, **kwargs: Any) -> TestResponse:
        return self.call(who, "GET", url, **kwargs)

    def post(self, who: str | None, url: str, **kwargs: Any) -> TestResponse:
        return self.call(who, "POST", url, **kwargs)

    def put(self, who: str | None, url: str, **kwargs: Any) -> TestResponse:
        return self.call(who, "PUT", url, **kwargs)

    def patch(self, who: str | None, url: str, **kwargs: Any) -> TestResponse:
        return self.call(who, "PATCH", url, **kwargs)

    def state(self) -> dict[str, Any]:
        """Every table's row count and a digest of its rows, and the audit chain head."""
        fingerprint: dict[str, Any] = {}
        with Session(get_engine(self.app)) as fresh:
            for table in SQLModel.metadata.sorted_tables:
                rows = fresh.execute(sa_select(table).order_by(*table.primary_key.columns)).all()
                digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
                fingerprint[table.name] = (len(rows), digest)
            fingerprint["chain_head"] = audit.chain_head(fresh)
        return fingerprint

    def unchanged_but_audit(self, before: dict[str, Any]) -> list[str]:
        """Assert that only audit events were added since ``before``; return the new events' actions."""
        after = self.state()
        assert {k: v for k, v in after.items() if k not in ("audit_event", "chain_head")} == {
            k: v for k, v in before.items() if k not in ("audit_event", "chain_head")
        }
        added = after["audit_event"][0] - before["audit_event"][0]
        with self.fresh() as s:
            events = s.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(added)).all()
        return [e.action for e in reversed(events)] if added else []

    def fresh(self) -> Session:
        return Session(get_engine(self.app), expire_on_commit=False)

    def org_id(self, who: str) -> int:
        return self.ids[who][1]

    def uid(self, who: str) -> int:
        return self.ids[who][0]

    @property
    def tender_id(self) -> int:
        assert self.tender_key is not None
        return self.tender_key

    def move_deadline(self, when: datetime) -> None:
        """Simulate the clock: the server decides by its own time, so the test moves the deadline instead."""
        with self.fresh() as s:
            tender = s.get(Tender, self.tender_id)
            assert tender is not None
            tender.deadline = when
            s.add(tender)
            s.commit()

    def submission_id(self, bidder: str) -> int:
        with self.fresh() as s:
            found = s.exec(
                select(Submission.id).where(
                    Submission.tender_id == self.tender_id,
                    Submission.bidder_org_id == self.org_id(bidder),
                    Submission.is_current == True,  # noqa: E712
                )
            ).one()
        assert found is not None
        return found


@pytest.fixture
def world(app: Flask, client: FlaskClient, session: Session) -> World:
    """People of every role in two buyer organisations, and a 15% VCSE policy from the first one's commissioner."""
    _, users = people(session)
    tokens = {key: accounts.issue_api_token(session, user) for key, user in users.items()}
    policy = vcse_policy(session, users["commissioner"])
    session.commit()
    ids = {key: (u.id, u.organisation_id) for key, u in users.items() if u.id is not None}
    return World(app, client, session, users, tokens, policy, ids=ids)


def publish_tender(world: World, reference: str = "NWPR-API-1") -> Tender:
    """A published probation tender of the first buyer, deadline ``DEADLINE``, under the world's policy."""
    tender = probation_tender(
        world.session, world.users["officer"], world.policy, reference=reference, deadline=DEADLINE
    )
    world.session.commit()
    return tender


@pytest.fixture
def published(world: World) -> World:
    """The world with a published tender open for bids, and its demo workbooks by bidder key."""
    world.tender = publish_tender(world)
    world.tender_key = world.tender.id
    by_name = demo_workbooks(world.session, world.tender)
    world.bids = {key: by_name[name] for key, name in BIDDERS.items()}
    world.session.commit()  # never leave the test's session holding SQLite's write lock
    return world


@pytest.fixture
def opened(published: World) -> World:
    """Three bids in (bidder_c's tokenistic), the deadline passed, bids opened, two evaluators assigned."""
    s = published.session
    for key, bid in published.bids.items():
        submissions.submit(s, published.users[key], published.tender_id, f"{key}.xlsx", bid.workbook)
    s.commit()
    published.move_deadline(datetime.now(UTC) - timedelta(minutes=1))
    assert published.tender is not None
    s.refresh(published.tender)
    tenders.open_bids(s, published.users["officer"], published.tender_id)
    for key in ("evaluator1", "evaluator2"):
        panel.assign_evaluator(s, published.users["officer"], published.tender_id, published.uid(key))
    s.commit()
    return published


Declare = Callable[..., TestResponse]


@pytest.fixture
def declare(opened: World) -> Declare:
    def _declare(who: str = "evaluator1", conflicts: list[dict[str, Any]] | None = None) -> TestResponse:
        response = opened.put(
            who,
            f"/api/tenders/{opened.tender_id}/declaration",
            json={"statement": "I have no conflict of interest", "conflicts": conflicts or []},
        )
        assert response.status_code == 200, response.json
        return response

    return _declare


@pytest.fixture
def yaml_rubric() -> Iterator[str]:
    yield (rubric_files.RUBRICS_DIR / "housing-asb-services.yaml").read_text(encoding="utf-8")
