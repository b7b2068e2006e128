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
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse

from tenderscore.db import get_engine
from tenderscore.db.models import AuditEvent, Organisation, Policy, Role, Submission, Tender, User
from tenderscore.services import accounts, audit, panel, policies, submissions, tenders
from tenderscore.sheets import DemoBid, TemplateIdentity, demo_bids

PASSWORD = "correct horse battery"
PROBATION = "probation-innovation-partner"
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


BIDDERS = {
    "bidder_a": "Northern Resettlement Consortium Ltd",
    "bidder_b": "Meridian Probation Partners LLP",
    "bidder_c": "Brightpath Justice Services Ltd",
}


def _person(session: Session, org: Organisation, role: Role, email: str) -> User:
    return accounts.create_user(
        session, email=email, name=email.split("@")[0].title(), password=PASSWORD, role=role, organisation=org
    )


def _quick_hash(password: str) -> str:
    return generate_password_hash(password, method="pbkdf2:sha256:1")


@pytest.fixture
def world(app: Flask, client: FlaskClient, session: Session, monkeypatch: pytest.MonkeyPatch) -> World:
    """People of every role in two buyer organisations, and a 15% VCSE policy from the first one's commissioner."""
    # Eleven real password hashes would cost a second per test; sign-in checks any werkzeug method alike.
    monkeypatch.setattr(accounts, "generate_password_hash", _quick_hash)
    buyer = accounts.create_organisation(session, name="Test Probation Region", kind="buyer")
    other_buyer = accounts.create_organisation(session, name="Other County Council", kind="buyer")
    users = {
        "commissioner": _person(session, buyer, Role.COMMISSIONER, "commissioner@buyer.example"),
        "officer": _person(session, buyer, Role.OFFICER, "officer@buyer.example"),
        "moderator": _person(session, buyer, Role.OFFICER, "moderator@buyer.example"),
        "evaluator1": _person(session, buyer, Role.EVALUATOR, "evaluator1@buyer.example"),
        "evaluator2": _person(session, buyer, Role.EVALUATOR, "evaluator2@buyer.example"),
        "evaluator3": _person(session, buyer, Role.EVALUATOR, "evaluator3@buyer.example"),
        "other_commissioner": _person(session, other_buyer, Role.COMMISSIONER, "commissioner@other.example"),
        "other_officer": _person(session, other_buyer, Role.OFFICER, "officer@other.example"),
    }
    for key, name in BIDDERS.items():
        org = accounts.create_organisation(session, name=name, kind="supplier")
        users[key] = _person(session, org, Role.BIDDER, f"bids@{key}.example")
    tokens = {key: accounts.issue_api_token(session, user) for key, user in users.items()}
    policy = policies.create_policy(
        session,
        users["commissioner"],
        name="VCSE policy",
        min_social_value_weight=Decimal(10),
        mandatory_commitments=[{"measure": "vcse_share", "minimum": "15"}],
    )
    session.commit()
    ids = {key: (u.id, u.organisation_id) for key, u in users.items() if u.id is not None}
    return World(app, client, session, users, tokens, policy, ids=ids)


@lru_cache(maxsize=4)
def _demo_bids(rubric_name: str, identity: TemplateIdentity) -> dict[str, DemoBid]:
    rubric = tenders.load_rubric_source(rubric_name)
    return {bid.name: bid for bid in demo_bids(rubric, identity)}


def publish_tender(world: World, reference: str = "NWPR-API-1") -> Tender:
    """A published probation tender of the first buyer, deadline ``DEADLINE``, under the world's policy."""
    s = world.session
    tender = tenders.create_tender(
        s,
        world.users["officer"],
        reference=reference,
        title="Probation services",
        rubric=tenders.load_rubric_source(PROBATION),
        deadline=DEADLINE,
        estimated_value=Decimal("2400000"),
        policy_id=world.policy.id,
    )
    assert tender.id is not None
    tenders.publish(s, world.users["officer"], tender.id)
    s.commit()
    return tender


@pytest.fixture
def published(world: World) -> World:
    """The world with a published tender open for bids, and its demo workbooks by bidder key."""
    world.tender = publish_tender(world)
    world.tender_key = world.tender.id
    by_name = _demo_bids(PROBATION, submissions.identity(world.session, world.tender))
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
    yield (tenders.RUBRICS_DIR / "housing-asb-services.yaml").read_text(encoding="utf-8")
