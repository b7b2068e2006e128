"""/favicon.ico, which browsers ask for on their own: the service's neutral mark (not the crown: this service is not
on GOV.UK), from the package's static files, cached for a year (it holds nothing about anyone)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app

bp = Blueprint("favicon", __name__)
YEAR = 365 * 24 * 60 * 60


@cache
def _icon(folder: str) -> bytes:
    return (Path(folder) / "favicon.ico").read_bytes()  # 4 kB, read once: no file left open per request


@bp.get("/favicon.ico")
def favicon() -> Response:
    response = Response(_icon(current_app.static_folder or "static"), mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = YEAR
    return response
