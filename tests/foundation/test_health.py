"""/healthz: the database always, and Redis and the job workers when configured; 503 naming what is down.

Redis runs on the CI machine (127.0.0.1:6379; TENDERSCORE_TEST_REDIS_URL points elsewhere): a server that cannot be
reached fails these tests, never skips them. "Down" is a port nothing listens on. The workers are counted with RQ
(the job queue's library); until it is installed, those two tests are skipped and the rest still run.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask

from tenderscore import create_app
from tenderscore.db import get_engine
from tenderscore.web import health

REDIS_URL = os.environ.get("TENDERSCORE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # free again once closed: nothing listens there


CLOSED = f"redis://:not-for-your-eyes@127.0.0.1:{_closed_port()}/0"


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    made: list[Flask] = []

    def make(**settings: Any) -> Flask:
        app = create_app(
            {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x", **settings},
            instance_path=str(tmp_path / f"instance-{len(made)}"),
        )
        made.append(app)
        return app

    yield make
    for app in made:
        get_engine(app).dispose()


@pytest.fixture
def a_worker() -> Iterator[None]:
    """An RQ worker registered in the test Redis (as ``tenderscore worker`` registers itself), for the test only."""
    rq = pytest.importorskip("rq")
    connection = redis.Redis.from_url(REDIS_URL)
    connection.ping()  # unreachable Redis fails here, loudly
    worker = rq.Worker(["tenderscore-health-test"], connection=connection, name=f"health-test-{uuid.uuid4().hex}")
    worker.register_birth()
    yield
    worker.register_death()
    connection.close()


def _health(app: Flask) -> tuple[int, dict[str, Any]]:
    response = app.test_client().get("/healthz")
    assert response.json is not None and "Traceback" not in response.text
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.json


def test_only_the_database_is_checked_when_nothing_else_is_configured(make_app: Callable[..., Flask]) -> None:
    status, body = _health(make_app())
    assert status == 200
    assert body == {"status": "ok", "database": body["database"], "database_reachable": True, "down": []}


def test_a_shared_rate_limit_store_is_checked(make_app: Callable[..., Flask]) -> None:
    status, body = _health(make_app(RATELIMIT_STORAGE_URI=REDIS_URL))
    assert status == 200 and body["rate_limit_storage_reachable"] is True and body["down"] == []


def test_an_unreachable_rate_limit_store_is_named_and_its_address_is_not(make_app: Callable[..., Flask]) -> None:
    status, body = _health(make_app(RATELIMIT_STORAGE_URI=CLOSED))
    assert status == 503
    assert body["status"] == "unavailable" and body["rate_limit_storage_reachable"] is False
    assert body["down"] == ["rate_limit_storage"] and body["database_reachable"] is True
    assert "not-for-your-eyes" not in str(body)


def test_redis_and_the_job_workers_when_the_job_queue_is_configured(
    make_app: Callable[..., Flask], a_worker: None
) -> None:
    status, body = _health(make_app(REDIS_URL=REDIS_URL))
    assert status == 200, body
    assert body["redis_reachable"] is True and body["workers"] >= 1 and body["down"] == []


def test_no_job_worker_is_down(make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch) -> None:
    rq = pytest.importorskip("rq")
    redis.Redis.from_url(REDIS_URL).ping()
    monkeypatch.setattr(rq.Worker, "all", classmethod(lambda cls, **_: []))  # Redis up, no worker registered in it
    status, body = _health(make_app(REDIS_URL=REDIS_URL))
    assert status == 503 and body["redis_reachable"] is True and body["workers"] == 0 and body["down"] == ["workers"]


def test_unreachable_redis_is_named_and_the_workers_are_not_guessed(make_app: Callable[..., Flask]) -> None:
    status, body = _health(make_app(REDIS_URL=CLOSED, RATELIMIT_STORAGE_URI=CLOSED))
    assert status == 503
    assert body["redis_reachable"] is False and "workers" not in body
    assert body["down"] == ["rate_limit_storage", "redis"] and "not-for-your-eyes" not in str(body)


def test_without_rq_there_are_no_workers_to_count(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "job_workers", lambda _connection: None)  # the job system is not installed
    status, body = _health(make_app(REDIS_URL=REDIS_URL))
    assert status == 200 and body["redis_reachable"] is True and "workers" not in body


def test_everything_down_at_once(tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none",
            "RATELIMIT_STORAGE_URI": CLOSED,
            "REDIS_URL": CLOSED,
        },
        instance_path=str(tmp_path),
    )
    status, body = _health(app)
    assert status == 503 and body["down"] == ["database", "rate_limit_storage", "redis"]
    get_engine(app).dispose()
