"""Health for operators and load balancers: the database, and Redis and the job workers when they are configured.

``GET /healthz`` answers 200 when every configured part is up and 503 otherwise, in JSON naming what is down::

    {"status": "ok", "database": "postgresql", "database_reachable": true,
     "rate_limit_storage_reachable": true, "redis_reachable": true, "workers": 2, "down": []}

The rate-limit store is checked when ``RATELIMIT_STORAGE_URI`` is not ``memory://``; Redis and the workers when
``REDIS_URL`` is set (the job queue). Each check has a short timeout and says only up or down: the reason goes to
the log, never into the answer (it is public, and a URL may hold a password). Nothing here opens a request
transaction, so a writer holding SQLite's lock does not delay it.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from flask import Blueprint, Response, current_app, jsonify

from tenderscore.db import database_reachable, get_engine
from tenderscore.web.security import limiter

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)

TIMEOUT_SECONDS = 2.0  # for each Redis check: a load balancer asks every few seconds and must get an answer
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    engine = get_engine()
    config = current_app.config
    down: list[str] = []
    body: dict[str, Any] = {"database": engine.dialect.name, "database_reachable": database_reachable(engine)}
    if not body["database_reachable"]:
        down.append("database")

    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if not storage.startswith("memory://"):
        body["rate_limit_storage_reachable"] = rate_limit_storage_reachable(storage)
        if not body["rate_limit_storage_reachable"]:
            down.append("rate_limit_storage")

    if redis_url := config.get("REDIS_URL"):
        connection = _redis(str(redis_url))
        body["redis_reachable"] = _ping(connection, "redis")
        if body["redis_reachable"]:
            workers = job_workers(connection)
            if workers is not None:
                body["workers"] = workers
                if workers == 0:
                    down.append("workers")
        else:
            down.append("redis")  # and the workers cannot be counted
        connection.close()

    body = {"status": "unavailable" if down else "ok", **body, "down": down}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 503 if down else 200


def rate_limit_storage_reachable(uri: str) -> bool:
    """The sign-in limit's shared store: a Redis URL is pinged with a timeout; any other store checks itself."""
    if uri.startswith(_REDIS_SCHEMES):
        connection = _redis(uri)
        try:
            return _ping(connection, "rate-limit storage")
        finally:
            connection.close()
    try:
        return bool(limiter.storage.check())
    except Exception:  # noqa: BLE001 - any failure means "down" to a health check
        log.warning("healthz: rate-limit storage unreachable", exc_info=True)
        return False


def job_workers(connection: redis.Redis) -> int | None:
    """How many job workers are registered in Redis, or None if there is no job system to ask (rq not installed).

    The hook for the background jobs (``tenderscore worker``, RQ): a worker registers itself in Redis while it runs
    and its key expires soon after it dies, so 0 means no job will be done.
    """
    try:
        from rq import Worker
    except ImportError:
        return None
    try:
        return len(Worker.all(connection=connection))
    except Exception:  # noqa: BLE001 - reported as no workers
        log.warning("healthz: could not count the job workers", exc_info=True)
        return 0


def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)


def _ping(connection: redis.Redis, what: str) -> bool:
    try:
        return bool(connection.ping())
    except Exception as exc:  # noqa: BLE001 - any failure means "down" to a health check
        log.warning("healthz: %s unreachable: %s", what, exc)
        return False
