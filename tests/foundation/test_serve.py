"""``make serve``'s script: it migrates, serves through gunicorn, logs each request, and stops cleanly on SIGTERM.

A real gunicorn with two workers on a free port and a fresh SQLite file; the job worker beside it when
TENDERSCORE_REDIS_URL is set (Redis on 127.0.0.1:6379, as for the other Redis tests).
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TENDERSCORE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Served:
    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.process, self.port, self.log = process, port, log

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until_up(self) -> dict[str, Any]:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve.sh exited {self.process.returncode}: {self.output()[-3000:]}")
            try:
                status, body = _get(self.port, "/healthz")
                return {**json.loads(body), "http": status}
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"nothing answered on port {self.port}: {self.output()[-3000:]}")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=90)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(**env: str) -> Served:
        port = _free_port()
        log = tmp_path / f"serve-{port}.log"
        environment = {
            **os.environ,
            "BIN": str(Path(sys.executable).parent),  # the gunicorn and tenderscore of the running interpreter
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "2",
            "TENDERSCORE_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
            "TENDERSCORE_INSTANCE_PATH": str(tmp_path / "instance"),
            **env,
        }
        with log.open("wb") as out:
            process = subprocess.Popen(
                ["bash", str(ROOT / "scripts" / "serve.sh")], env=environment, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: cleaned up below even if the test fails
            )  # fmt: skip
        served = Served(process, port, log)
        started.append(served)
        return served

    yield start
    for served in started:
        if served.process.poll() is None:
            os.killpg(served.process.pid, signal.SIGKILL)
            served.process.wait()


def test_serve_migrates_serves_logs_and_stops_on_sigterm(serve: Callable[..., Served]) -> None:
    served = serve()
    health = served.wait_until_up()
    assert health["http"] == 200 and health["database_reachable"] is True
    assert _get(served.port, "/reset-password/a-secret-token")[0] < 500  # followed to the page saying it is no link
    assert served.stop() == 0
    output = served.output()
    assert "Booting worker" in output and "Shutting down: Master" in output
    assert '"GET /healthz HTTP/1.1" 200' in output  # the access log, on standard output
    assert "/reset-password/[redacted]" in output and "a-secret-token" not in output
    with pytest.raises(OSError):
        _get(served.port, "/healthz")  # nothing is left listening


def test_with_a_job_queue_the_worker_runs_beside_gunicorn(serve: Callable[..., Served]) -> None:
    served = serve(TENDERSCORE_REDIS_URL=REDIS_URL)
    health = served.wait_until_up()
    if "no 'tenderscore worker' command" in served.output():
        # Until the job queue's worker exists, serve.sh says so and serves without it; /healthz says so too.
        counted = importlib.util.find_spec("rq") is not None  # the workers are counted with RQ, once installed
        assert health["redis_reachable"] is True and health["down"] == (["workers"] if counted else [])
    else:
        deadline = time.monotonic() + 60
        while health["http"] != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
            health = served.wait_until_up()
        assert health["http"] == 200 and health["workers"] >= 1, health
    assert served.stop() == 0
