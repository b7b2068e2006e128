"""The one commit point: a request's transaction commits after a successful response and rolls back otherwise.

Views and services never commit. A response below 400 (a page, a download, a redirect after a form) commits what
the services flushed and audited; any error rolls everything back. The one deliberate exception is a
``RecordedRefusal`` (a read of a sealed bid, a conflicted evaluator, a late bid): the request fails, yet the record
of the attempt must survive it, so its error handler commits that record (``web/views.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, g
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from tenderscore.config import ConfigurationError
from tenderscore.services import jobs, mail
from tenderscore.web.errors import integrity_conflict
from tenderscore.web.jobs import dispatch

_MAILER = "tenderscore.mailer"


def init_app(app: Flask) -> None:
    app.extensions[_MAILER] = mailer_from(app.config)
    app.after_request(_commit_or_roll_back)


def mailer_from(config: Mapping[str, Any]) -> mail.Mailer:
    """The app's way of sending email, from its settings; a setting that makes no sense stops start-up."""
    backend = str(config.get("MAIL_BACKEND", "console")).lower()
    if backend == "console":
        return mail.ConsoleMailer()
    if backend == "smtp":
        try:
            port = int(config.get("SMTP_PORT", 25))
        except (TypeError, ValueError):
            raise ConfigurationError(
                f"TENDERSCORE_SMTP_PORT {config.get('SMTP_PORT')!r} is not a port number"
            ) from None
        return mail.SmtpMailer(
            host=str(config.get("SMTP_HOST", "localhost")),
            port=port,
            username=str(config.get("SMTP_USERNAME", "")),
            password=str(config.get("SMTP_PASSWORD", "")),
            starttls=str(config.get("SMTP_STARTTLS", "")).lower() in ("1", "true", "yes"),
        )
    raise ConfigurationError(f"TENDERSCORE_MAIL_BACKEND {backend!r} is not known; use console or smtp")


def deliver_mail(session: Session) -> None:
    """After a commit: send the email the committed change queued (services/mail.py)."""
    mail.deliver(session, current_app.extensions[_MAILER], current_app.config["MAIL_FROM"])


def _commit_or_roll_back(response: Response) -> Response:
    session = g.get("db_session")
    if session is None:
        return response
    if response.status_code >= 400:
        mail.discard(session)
        jobs.discard(session)
        session.rollback()
        return response
    try:
        session.commit()
    except IntegrityError as exc:
        # A constraint checked only at commit: two requests raced; the later one is refused whole.
        mail.discard(session)
        jobs.discard(session)
        session.rollback()
        return integrity_conflict(exc)
    deliver_mail(session)
    dispatch(session)
    return response
