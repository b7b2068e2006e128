"""HTML pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pages", __name__)

from tenderscore.web.pages import home  # noqa: E402,F401 - registers routes on bp
