"""HTTP: pages (HTML) and the JSON API. Thin: parse, authorise, call services, render."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from tenderscore.core import display
from tenderscore.services import policies
from tenderscore.web import api, auth, errors, favicon, health, jobs, pages, security, transaction, views


def init_app(app: Flask) -> None:
    views.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder or "templates"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.filters["points"] = display
    app.jinja_env.globals["commitment_words"] = policies.commitment_words  # "VCSE share at least 15%"
    app.register_blueprint(health.bp)
    app.register_blueprint(favicon.bp)
    # GOV.UK Frontend and Swagger UI, built by `make` into build/vendor (never committed, never from a CDN).
    vendor = Blueprint(
        "vendor",
        __name__,
        static_folder=str(Path(app.root_path).parent / "build" / "vendor"),
        static_url_path="/vendor",
    )
    app.register_blueprint(vendor)
    app.register_blueprint(pages.bp)
    api.init_app(app)
    # After flask-smorest, whose own HTTP error handler would otherwise answer in its own shape.
    errors.init_app(app)
    # Registered last so it runs first among the after-request functions: a commit that fails still gets headers.
    transaction.init_app(app)
    jobs.init_app(app)
