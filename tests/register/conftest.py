"""The register tests' world: tests/world.py's people (a buyer with every role, another buyer, three bidders), two
VCSE organisations on the register (one verified, one not) each with a partner user, and the email the app sends,
kept as it would be delivered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from tenderscore.db.models import Role, User, id_of
from tenderscore.db.types import utcnow
from tenderscore.services import accounts, mail, register
from tenderscore.web.transaction import _MAILER
from tests import forms, world

PASSWORD = world.PASSWORD
VERIFIED = "Aldergate Housing Trust"
UNVERIFIED = "Tidewater Lived Experience Collective"


@dataclass
class Sent:
    """Every email the app delivered (after its transaction committed)."""

    messages: list[mail.Message] = field(default_factory=list)

    def send(self, sender: str, messages: Sequence[mail.Message]) -> None:
        self.messages.extend(messages)

    def to(self, address: str) -> list[mail.Message]:
        return [m for m in self.messages if m.to == address]


@pytest.fixture
def sent(app: Flask) -> Sent:
    recorder = Sent()
    app.extensions[_MAILER] = recorder
    app.config["SERVICE_URL"] = "http://localhost"  # the test client's host: a followed link keeps its cookies
    return recorder


def details(name: str, identifier: str, **more: Any) -> register.EntryDetails:
    values: dict[str, Any] = {"name": name, "identifiers": [identifier], "legal_form": "cio",
                              "services": ["accommodation", "housing_support"], "areas": ["north-west"]}  # fmt: skip
    values.update(more)
    return register.EntryDetails(**values)


@dataclass
class Register:
    app: Flask
    users: dict[str, User]
    entries: dict[str, int]  # by organisation name

    def id(self, key: str) -> int:
        return id_of(self.users[key])

    def browser(self, key: str) -> tuple[FlaskClient, str]:
        """A browser signed in as ``key``, and its CSRF token."""
        client = self.app.test_client()
        return client, forms.sign_in(client, self.users[key].email, PASSWORD)


ROLES = ["commissioner", "officer", "evaluator1", "bidder_a", "partner", "other_partner", "other_officer"]


@pytest.fixture
def reg(app: Flask, session: Session, sent: Sent) -> Register:
    _, users = world.people(session)
    officer = users["officer"]
    entries = {}
    for name, identifier, key in ((VERIFIED, "GB-CHC-1290417", "partner"),
                                  (UNVERIFIED, "GB-MPR-31207R", "other_partner")):  # fmt: skip
        entry = register.join(session, "test", register.checked_details(details(name, identifier)), source="test")
        entry.joined_at = utcnow() - timedelta(days=30)
        session.add(entry)
        org = accounts.organisation_named(session, name, kind="vcse")
        users[key] = world.person(session, org, Role.PARTNER, f"{key}@vcse.example")
        entries[name] = id_of(entry)
    register.verify(session, officer, entries[VERIFIED], evidence="Charity Commission entry 1290417",
                    reason="A CIO with charitable objects", now=utcnow() - timedelta(days=10))  # fmt: skip
    session.commit()
    return Register(app, users, entries)
