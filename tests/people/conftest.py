"""The people tests' app sends its email to a real SMTP server (aiosmtpd) that each test starts on a free local port,
and the tests read what arrives as its recipient would: the subject, who it is to, and the link to follow."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from tenderscore import create_app
from tenderscore.db import get_engine
from tenderscore.db.models import User
from tests import forms, world

SERVICE_URL = "http://localhost"  # the test client's own host, so a followed link keeps its cookies
LINK = re.compile(re.escape(SERVICE_URL) + r"/(?:invitation|reset-password)/[A-Za-z0-9_.\-]+")


@dataclass
class Inbox:
    """Every message the SMTP server accepted, parsed as a mail client would."""

    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def only(self, address: str) -> EmailMessage:
        found = self.to(address)
        assert len(found) == 1, f"{len(found)} emails to {address}: {[m['Subject'] for m in self.messages]}"
        return found[0]


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def link_in(message: EmailMessage) -> str:
    """The one link in an email, as the recipient would click it."""
    found = LINK.findall(body(message))
    assert len(found) == 1, body(message)
    return str(found[0])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    received = Inbox(port=_free_port())
    controller = Controller(received, hostname="127.0.0.1", port=received.port)
    controller.start()
    try:
        yield received
    finally:
        controller.stop()


@pytest.fixture
def empty_app(database_url: str, tmp_path: Path, inbox: Inbox) -> Iterator[Flask]:
    """Overrides tests/conftest.py's: the same app, sending its email through SMTP to ``inbox``'s server."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": True,
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": inbox.port,
            "SERVICE_URL": SERVICE_URL,
        },
        instance_path=str(tmp_path / "instance"),
    )
    yield app
    get_engine(app).dispose()


@dataclass
class People:
    """tests/world.py's people (a buyer with every role, another buyer, three bidders), by key, committed."""

    app: Flask
    users: dict[str, User]

    def id(self, key: str) -> int:
        user_id = self.users[key].id
        assert user_id is not None
        return user_id

    def email(self, key: str) -> str:
        return self.users[key].email

    def browser(self, key: str) -> tuple[FlaskClient, str]:
        """A browser signed in as ``key``, and its CSRF token."""
        client = self.app.test_client()
        return client, forms.sign_in(client, self.email(key), world.PASSWORD)


@pytest.fixture
def people(app: Flask, session: Session) -> People:
    _, users = world.people(session)
    session.commit()
    return People(app, users)
