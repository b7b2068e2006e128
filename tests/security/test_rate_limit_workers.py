"""The failed-sign-in limit holds across workers: two real server processes share it through Redis.

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

pytestmark = pytest.mark.slow

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
    # Flask's command line sets this in the process that ran it (another test here may have), and app.run() then
    # returns at once without serving: the worker would exit silently.
    env.pop("FLASK_RUN_FROM_CLI", None)
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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _attempt(port: int, email: str, password: str = "wrong") -> tuple[int, str]:
    """One sign-in from a fresh browser (its own cookies), as a person on that worker's page would."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
    )  # a successful sign-in answers 302, which is what is asserted
    page = opener.open(f"http://127.0.0.1:{port}/sign-in", timeout=10).read().decode()
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": csrf_from(page)})
    try:
        with opener.open(f"http://127.0.0.1:{port}/sign-in", body.encode(), timeout=10) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_failed_sign_ins_are_counted_by_every_worker_together(workers: list[int]) -> None:
    # Four failures, two on each worker, then the right password on the second: the success clears them for all.
    assert [_attempt(workers[i % 2], "officer@x.example")[0] for i in range(4)] == [401] * 4
    assert _attempt(workers[1], "officer@x.example", PASSWORD)[0] == 302
    # Five failures alternating between the workers use up the shared five; a per-process count would allow ten.
    assert [_attempt(workers[i % 2], "officer@x.example")[0] for i in range(5)] == [401] * 5
    for port in workers:
        status, page = _attempt(port, "officer@x.example", PASSWORD)
        assert status == 429
        assert "Too many failed sign-in attempts for this account. Try again in 15 minutes." in page


def test_failures_from_one_address_are_counted_by_every_worker_together(workers: list[int]) -> None:
    # Fifty failures on twenty-five accounts (two each, far from any account's limit), alternating workers.
    statuses = [_attempt(workers[n % 2], f"guess{n % 25}@x.example")[0] for n in range(50)]
    assert statuses == [401] * 50
    for port in workers:
        status, page = _attempt(port, "officer@x.example", PASSWORD)
        assert status == 429
        assert "Too many failed sign-in attempts from your network. Try again in 15 minutes." in page
