"""The JSON API (flask-smorest): the same services as the pages, described at /api/openapi.json."""

from __future__ import annotations

from flask import Flask, render_template
from flask_smorest import Api

from tenderscore.web.api import audit, bids, evaluation, me, panel, policies, scores, tenders

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
    api.init_app(app)
    for module in (me, policies, tenders, bids, panel, scores, evaluation, audit):
        api.register_blueprint(module.blp)

    @app.get("/api/docs")
    def api_docs() -> str:
        return render_template("api_docs.html")
