"""Errors: JSON under /api/, an HTML page elsewhere, and never a stack trace to a user."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify, render_template, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from tenderscore.services import mail

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(status: int, title: str, detail: str, extra: dict[str, Any] | None = None) -> Response:
    """The one shape every error takes: ``{"status", "title", "detail", ...}`` or the error page."""
    if wants_json():
        body: dict[str, Any] = {"status": status, "title": title, "detail": detail}
        if extra:
            body.update(extra)
        response = jsonify(body)
    else:
        response = Response(render_template("error.html", status=status, title=title, detail=detail))
    response.status_code = status
    return response


def roll_back() -> None:
    # Whatever the request flushed is undone before the error is shown; rendering the error page must not
    # touch a session that a failed statement left needing a rollback.
    session = g.get("db_session")
    if session is not None:
        mail.discard(session)
        session.rollback()


def _handle_http(exc: HTTPException) -> Response:
    roll_back()
    status = exc.code or 500
    extra = None
    data = getattr(exc, "data", None)  # flask-smorest / webargs put field errors here
    if isinstance(data, dict) and "messages" in data:
        extra = {"errors": data["messages"]}
    detail = exc.description or ""
    response = error_response(status, exc.name, detail, extra)
    if status == 401 and request.path.startswith("/api/"):
        response.headers["WWW-Authenticate"] = 'Bearer realm="tenderscore"'  # RFC 6750: how to authenticate
    return response


def _handle_integrity(exc: IntegrityError) -> Response:
    roll_back()
    return integrity_conflict(exc)


def integrity_conflict(exc: IntegrityError) -> Response:
    # Two requests raced past the same check (a second current bid, a reference taken a moment ago): the database
    # refused the later one whole. That is a conflict the user can retry, not a crash.
    log.warning("integrity conflict on %s %s: %s", request.method, request.path, exc.orig)
    return error_response(
        409,
        "Conflict",
        "Someone else saved a conflicting change at the same moment; nothing you sent was saved. Reload and try again.",
    )


def _handle_unexpected(exc: Exception) -> Response:
    # The trace goes to the log for the operator; the user gets a plain sentence.
    roll_back()
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(
        500,
        "Internal Server Error",
        "Something went wrong on our side. Nothing you sent was half-saved; please try again.",
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(IntegrityError, _handle_integrity)
    app.register_error_handler(Exception, _handle_unexpected)
