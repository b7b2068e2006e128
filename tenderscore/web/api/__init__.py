"""The JSON API (flask-smorest): the same services as the pages, described at /api/openapi.json."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_smorest import Api

from tenderscore.db import get_session
from tenderscore.services import accounts
from tenderscore.web.api import (
    audit,
    bids,
    documents,
    evaluation,
    me,
    panel,
    policies,
    scores,
    submissions,
    tenders,
)
from tenderscore.web.auth import SignedInUser, bearer_token, login_manager

api = Api()


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": "Score public tenders and enforce social-value commitments. Authenticate with "
                "'Authorization: Bearer <token>' (create a token on your account page)."
            },
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    app.before_request(_token_alone)
    api.init_app(app)
    for module in (me, policies, tenders, bids, submissions, panel, scores, evaluation, documents, audit):
        api.register_blueprint(module.blp)

    @app.get("/api/docs")
    def api_docs() -> str:
        return render_template("api_docs.html")


def _token_alone() -> None:
    # A request that offers a token skipped the CSRF check, so it must be authenticated by that token and nothing
    # else: a bad token next to a session cookie is a 401, never the cookie's user.
    token = bearer_token() if request.path.startswith("/api/") else None
    if token is None:
        return
    found = accounts.user_for_token(get_session(), token)
    login_manager._update_request_context_with_user(SignedInUser(found) if found is not None else None)
