"""The one commit point: a request's transaction commits after a successful response and rolls back otherwise.

Views and services never commit. A response below 400 (a page, a download, a redirect after a form) commits what
the services flushed and audited; any error rolls everything back. The one deliberate exception is a
``RecordedRefusal`` (a read of a sealed bid, a conflicted evaluator, a late bid): the request fails, yet the record
of the attempt must survive it, so its error handler commits that record (``web/views.py``).
"""

from __future__ import annotations

from flask import Flask, Response, g
from sqlalchemy.exc import IntegrityError

from tenderscore.web.errors import integrity_conflict


def init_app(app: Flask) -> None:
    app.after_request(_commit_or_roll_back)


def _commit_or_roll_back(response: Response) -> Response:
    session = g.get("db_session")
    if session is None:
        return response
    if response.status_code >= 400:
        session.rollback()
        return response
    try:
        session.commit()
    except IntegrityError as exc:
        # A constraint checked only at commit: two requests raced; the later one is refused whole.
        session.rollback()
        return integrity_conflict(exc)
    return response

