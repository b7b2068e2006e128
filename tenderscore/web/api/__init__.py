"""The JSON API (flask-smorest): the same services as the pages, described at /api/openapi.json."""

from __future__ import annotations

from flask import Flask, render_template
from flask_smorest import Api
from marshmallow import fields

from tenderscore.web.api import (
    audit,
    award,
    bids,
    clarifications,
    dashboards,
    delivery,
    documents,
    evaluation,
    guards,
    jobs,
    kpis,
    me,
    panel,
    partner,
    performance,
    policies,
    register,
    scores,
    submissions,
    tenders,
)

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
    for guard in (guards.token_alone, guards.ids_in_range, guards.json_readable):
        app.before_request(guard)
    api.init_app(app)
    # Every Decimal here travels as exact text (as_string), so the document says string, not number.
    api.register_field(fields.Decimal, "string", "decimal")
    for module in (me, policies, tenders, clarifications, bids, submissions, panel, scores, evaluation, award,
                   documents, jobs, audit, register, partner, dashboards, performance, delivery, kpis):
        api.register_blueprint(module.blp)

    @app.get("/api/docs")
    def api_docs() -> str:
        return render_template("api_docs.html")
