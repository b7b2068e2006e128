"""The home page: what tenderscore is and where each kind of user starts."""

from __future__ import annotations

from flask import render_template

from tenderscore.web.pages import bp


@bp.get("/")
def home() -> str:
    return render_template("home.html")
