"""Email: services queue messages with the change that causes them; they are sent only once that change commits.

A service calls ``queue(session, message)``. The caller that owns the transaction (``web/transaction.py`` for a
request, the command's scope for the command line) calls ``deliver`` after a successful commit and ``discard`` when
it rolls back, so nobody is told of something that did not happen. How messages leave is the app's ``Mailer``:
SMTP in production, printed to the console in development, and in the tests a real SMTP server the test starts.

A message may carry a secret (a link to set a password): it is never written to a log, only to its recipient
(and, in development, to the console that plays the recipient's inbox).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol, TextIO

from sqlmodel import Session

log = logging.getLogger(__name__)
_OUTBOX = "tenderscore_outbox"


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str
    purpose: str  # what it is for, e.g. "invitation", "password_reset", "deadline_extended" (logged; the body never)


class Mailer(Protocol):
    def send(self, sender: str, messages: Sequence[Message]) -> None: ...


def queue(session: Session, message: Message) -> None:
    """Send ``message`` when (and only if) the session's transaction commits."""
    session.info.setdefault(_OUTBOX, []).append(message)


def queued(session: Session) -> list[Message]:
    return list(session.info.get(_OUTBOX, []))


def discard(session: Session) -> None:
    """The transaction rolled back: what it would have announced is not sent."""
    session.info.pop(_OUTBOX, None)


def deliver(session: Session, mailer: Mailer, sender: str) -> None:
    """After a commit: send what the transaction queued. A failure is logged (without the body), never raised,
    because the change itself is already committed and recorded."""
    messages = session.info.pop(_OUTBOX, [])
    if not messages:
        return
    try:
        mailer.send(sender, messages)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("could not send %d email(s) (%s): %s", len(messages), ", ".join(m.purpose for m in messages), exc)


def _email(sender: str, message: Message) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    email.set_content(message.body)
    return email


@dataclass
class SmtpMailer:
    """Sends through an SMTP server (STARTTLS and a login when configured)."""

    host: str
    port: int = 25
    username: str = ""
    password: str = ""
    starttls: bool = False
    timeout: float = 10.0

    def send(self, sender: str, messages: Sequence[Message]) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
            for message in messages:
                smtp.send_message(_email(sender, message))
                log.info("sent %s email", message.purpose)


@dataclass
class ConsoleMailer:
    """Development: each email is printed whole to the console, which stands in for the recipient's inbox."""

    stream: TextIO | None = None  # standard output at the time of sending

    def send(self, sender: str, messages: Sequence[Message]) -> None:
        for message in messages:
            print(
                f"----- email ({message.purpose}) -----\n{_email(sender, message)}-----", file=self.stream or sys.stdout
            )
