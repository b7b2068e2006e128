"""The sign-in limit holds across workers: two real server processes share it through Redis.

Redis runs on the CI machine (127.0.0.1:6379); set TENDERSCORE_TEST_REDIS_URL to use another. A server that
cannot be reached fails this test: it is never skipped.
"""

from __future__ import annotations

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlmodel import Session

from tenderscore.db.engine import make_engine
from tenderscore.db.migrate import upgrade
from tenderscore.db.models import Role
from tenderscore.services import accounts
from tests.forms import csrf_from

REDIS_URL = os.environ.get("TENDERSCORE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "a long test password"
SERVE = "from tenderscore import create_app; create_app().run(host='127.0.0.1', port={port})"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"worker on port {port} exited: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"worker on port {port} did not start")


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[int]]:
    redis.Redis.from_url(REDIS_URL).ping()  # unreachable Redis fails here, loudly
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    engine = make_engine(database)
    upgrade(engine)
    with Session(engine) as session:
        org = accounts.create_organisation(session, name="Council", kind="buyer")
        accounts.create_user(
            session, email="officer@x.example", name="O", password=PASSWORD, role=Role.OFFICER, organisation=org
        )
        session.commit()
    engine.dispose()
    env = {
        **os.environ,
        "TENDERSCORE_DATABASE_URL": database,
        "TENDERSCORE_INSTANCE_PATH": str(tmp_path),
        "TENDERSCORE_RATELIMIT_STORAGE_URI": REDIS_URL,
        "TENDERSCORE_RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    ports = [_free_port(), _free_port()]
    logs = [tmp_path / f"worker-{n}.log" for n in range(2)]
    handles = [log.open("wb") for log in logs]
    procs = [
        subprocess.Popen([sys.executable, "-c", SERVE.format(port=p)], env=env, stdout=subprocess.DEVNULL,
                         stderr=handle)
        for p, handle in zip(ports, handles, strict=True)
    ]  # fmt: skip
    try:
        for port, proc, log in zip(ports, procs, logs, strict=True):
            _wait(port, proc, log)
        yield ports
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        for handle in handles:
            handle.close()


def _attempt(opener: urllib.request.OpenerDirector, port: int) -> int:
    page = opener.open(f"http://127.0.0.1:{port}/sign-in", timeout=10).read().decode()
    body = urllib.parse.urlencode({"email": "officer@x.example", "password": "wrong", "csrf_token": csrf_from(page)})
    try:
        return int(opener.open(f"http://127.0.0.1:{port}/sign-in", body.encode(), timeout=10).status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_sign_in_limit_is_shared_by_every_worker(workers: list[int]) -> None:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    statuses = [_attempt(opener, workers[i % 2]) for i in range(12)]
    # Five wrong passwords on each worker use up the shared ten; a per-process limit would allow twenty.
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]
