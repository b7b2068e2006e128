"""HTTP: pages (HTML) and the JSON API. Thin: parse, authorise, call services, render."""

from __future__ import annotations

from flask import Flask

from tenderscore.web import errors, health, pages


def init_app(app: Flask) -> None:
    errors.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
