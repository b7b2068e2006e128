"""Liveness for operators and load balancers: is the database reachable?"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from tenderscore.db import database_reachable, get_engine

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    engine = get_engine()
    ok = database_reachable(engine)
    body = {
        "status": "ok" if ok else "unavailable",
        "database": engine.dialect.name,
        "database_reachable": ok,
    }
    return jsonify(body), 200 if ok else 503
