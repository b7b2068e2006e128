"""The JSON API (flask-smorest): the same services as the pages, described at /api/openapi.json."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, render_template
from flask_smorest import Api, Blueprint
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


class _Api(Api):
    """flask-smorest's ``Api``, writing each blueprint's operations into the OpenAPI document when the document is
    first read, not when the app is made: that writing is more than half the cost of ``create_app`` (about 0.2 s),
    which every worker and every test pays and almost none of them read. The document is the same, in the same
    order (tests/api/test_openapi.py)."""

    def __init__(self) -> None:
        self._undocumented: list[tuple[Blueprint, Flask, str, Any]] = []
        self._documenting = threading.RLock()
        super().__init__()

    @property
    def spec(self) -> Any:
        with self._documenting:
            waiting, self._undocumented = self._undocumented, []
            for blp, app, name, parameters in waiting:
                blp.register_views_in_doc(self, app, self._spec, name=name, parameters=parameters)
                self._spec.tag({"name": name, "description": blp.description})
        return self._spec

    @spec.setter
    def spec(self, value: Any) -> None:  # a new document (init_app): nothing of the last app's is waiting
        with self._documenting:
            self._spec, self._undocumented = value, []

    def register_blueprint(self, blp: Blueprint, *, parameters: Any = None, **options: Any) -> None:
        """As flask-smorest's, with the documenting left until the document is read."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        with self._documenting:
            self._undocumented.append((blp, self._app, name, parameters))


api = _Api()


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
