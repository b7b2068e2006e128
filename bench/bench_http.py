"""Requests per second through gunicorn, as a ratio to a Flask app that does nothing, at 1, 8 and 32 clients.

    python bench/bench_http.py [--clients 1 8 32] [--seconds 2] [--rounds 3] [--workers N] [--pages ...]
                               [--database-url URL | --sqlite]

The demo (``tenderscore demo load``) is loaded into a fresh PostgreSQL database (``--database-url``, else
``TENDERSCORE_BENCH_DATABASE_URL``, else the test server ``postgresql+psycopg://postgres@127.0.0.1:5432/test``;
the database is created next to the one named and dropped afterwards), or with ``--sqlite`` into a SQLite file.
Two gunicorns start with the same worker count: tenderscore (``tenderscore.wsgi:app``) and bench/trivial_app.py.
Each page is requested by N client threads for ``--seconds``, alternately against each server, ``--rounds``
times; the figures are the medians of the rounds:

- the tender list: an officer's dashboard (GET /dashboard);
- the evaluation page: the demo's tender under evaluation, as its officer (GET /tenders/<id>/evaluation);
- the self-check upload: a bidder's filled-in workbook checked on the page (POST /tenders/<id>/self-check).

The trivial app gets the same request (the same cookie; the same multipart upload, which it reads), so the ratio
is what tenderscore costs beyond the server, the network and this client. The clients run on the same machine as
the servers and take some of its CPU. Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, make_url, text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from tenderscore.db.engine import make_engine  # noqa: E402
from tenderscore.db.migrate import upgrade  # noqa: E402
from tenderscore.db.models import Tender  # noqa: E402
from tenderscore.services import submissions, tenders  # noqa: E402
from tenderscore.services.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from tenderscore.sheets.demo import demo_bids  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
OFFICER = "officer@demo.tenderscore.test"
BIDDER = "meridian@demo.tenderscore.test"  # an ordinary bid: it passes every check
EVALUATING, OPEN = "NWPR-2026-014", "NWPR-2027-002"
# Flask-Login's "strong" session protection ties a session to the user agent: every request sends this one.
USER_AGENT = "tenderscore-bench"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None = None


@dataclass
class Run:
    """One measurement: N clients for a few seconds against one server."""

    completed: int = 0
    failed: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.completed / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else float("nan")


# --- HTTP, by hand: one connection per request (gunicorn's sync workers close it anyway) ------------------------


def fetch(port: int, request: Request) -> tuple[int, http.client.HTTPMessage, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(request.method, request.path, body=request.body, headers=request.headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


class Browser:
    """Just enough of a browser to sign in: a cookie jar and the page's CSRF token."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"User-Agent": USER_AGENT, **({"Cookie": cookie} if cookie else {}), **(extra or {})}

    def go(self, method: str, path: str, body: bytes | None = None, content_type: str = "") -> tuple[int, str]:
        extra = {"Content-Type": content_type} if content_type else {}
        status, headers, data = fetch(self.port, Request(method, path, self.headers(extra), body))
        for header in headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return status, data.decode("utf-8", "replace")

    def sign_in(self, email: str) -> None:
        _, page = self.go("GET", "/sign-in")
        form = urllib.parse.urlencode({"email": email, "password": DEMO_PASSWORD, "csrf_token": csrf(page)})
        status, page = self.go("POST", "/sign-in", form.encode(), "application/x-www-form-urlencoded")
        if status != 302:
            raise SystemExit(f"bench_http: signing in as {email} answered {status}: {page[:300]}")


def csrf(page: str) -> str:
    found = _CSRF.search(page)
    if not found:
        raise SystemExit("bench_http: no CSRF token on the page")
    return found.group(1)


def multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = f"bench{uuid.uuid4().hex}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="workbook"; filename="{filename}"\r\n'
        "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- the database and the servers --------------------------------------------------------------------------------


@contextmanager
def demo_database(url: str | None, folder: Path) -> Iterator[str]:
    """A database holding the demo: a SQLite file in ``folder``, or a new database on the PostgreSQL server."""
    if url is None:
        target = f"sqlite:///{folder / 'bench.db'}"
        _load(target)
        yield target
        return
    name = f"bench_http_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        target = make_url(url).set(database=name).render_as_string(hide_password=False)
        _load(target)
        yield target
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _load(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        load_demo(session)
        session.commit()
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(app: str, workers: int, env: dict[str, str], log: Path, pythonpath: Path) -> Iterator[int]:
    """``app`` served by gunicorn on a free port, its workers all up; stopped (SIGTERM) afterwards."""
    port = _free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
        "--no-control-socket", "--pythonpath", str(pythonpath), app,
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(  # in pythonpath: python -m puts the working directory first on sys.path
            command, env={**os.environ, **env}, cwd=pythonpath, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_for(port, process, log, workers)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path, workers: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench_http: gunicorn exited: {log.read_text()[-2000:]}")
        booted = log.read_text().count("Booting worker")
        try:
            if booted >= workers and fetch(port, Request("GET", "/healthz", {"User-Agent": USER_AGENT}))[0] < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"bench_http: gunicorn on port {port} did not start: {log.read_text()[-2000:]}")


# --- load ---------------------------------------------------------------------------------------------------------


def hammer(port: int, request: Request, clients: int, seconds: float) -> Run:
    """``clients`` threads send ``request`` back to back for ``seconds``; each finishes the one it has started."""
    run = Run()
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client() -> None:
        latencies, completed, failed = [], 0, 0
        start.wait()
        while time.perf_counter() < stop_at[0]:
            began = time.perf_counter()
            try:
                status = fetch(port, request)[0]
            except OSError:
                status = 0
            latencies.append(time.perf_counter() - began)
            if status == 200:
                completed += 1
            else:
                failed += 1
        with lock:
            run.latencies.extend(latencies)
            run.completed += completed
            run.failed += failed

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    run.elapsed = time.perf_counter() - began
    return run


@dataclass
class Figures:
    per_second: float
    p50: float
    p99: float
    failed: int


def median_of(runs: list[Run]) -> Figures:
    return Figures(
        statistics.median(r.per_second for r in runs),
        statistics.median(r.percentile(0.50) for r in runs),
        statistics.median(r.percentile(0.99) for r in runs),
        sum(r.failed for r in runs),
    )


def measure(ports: tuple[int, int], request: Request, clients: int, seconds: float, rounds: int) -> tuple[Figures, ...]:
    """The app's figures and the trivial app's, alternating which goes first, medians over the rounds."""
    app_port, trivial_port = ports
    hammer(app_port, request, clients, min(seconds, 0.5))  # warm both: first requests load templates, caches
    hammer(trivial_port, request, clients, min(seconds, 0.5))
    runs: dict[int, list[Run]] = {app_port: [], trivial_port: []}
    for n in range(rounds):
        for port in (ports if n % 2 == 0 else ports[::-1]):
            runs[port].append(hammer(port, request, clients, seconds))
    return median_of(runs[app_port]), median_of(runs[trivial_port])


# --- the pages ------------------------------------------------------------------------------------------------------


def requests_for(url: str, port: int) -> dict[str, tuple[str, Request]]:
    """Each page's request, signed in as who uses it, checked once to answer 200."""
    engine = make_engine(url)
    with Session(engine) as session:
        evaluating = session.exec(select(Tender).where(Tender.reference == EVALUATING)).one()
        open_tender = session.exec(select(Tender).where(Tender.reference == OPEN)).one()
        bids = demo_bids(tenders.rubric_of(open_tender), submissions.identity(session, open_tender))
    engine.dispose()
    workbook = next(bid.workbook for bid in bids if bid.name.startswith("Meridian"))

    officer = Browser(port)
    officer.sign_in(OFFICER)
    bidder = Browser(port)
    bidder.sign_in(BIDDER)
    check = f"/tenders/{open_tender.id}/self-check"
    _, page = bidder.go("GET", check)
    body, content_type = multipart({"csrf_token": csrf(page)}, "meridian-response.xlsx", workbook)
    found = {
        "tender list": ("officer", Request("GET", "/dashboard", officer.headers())),
        "evaluation page": ("officer", Request("GET", f"/tenders/{evaluating.id}/evaluation", officer.headers())),
        "self-check upload": (
            "bidder",
            Request("POST", check, bidder.headers({"Content-Type": content_type}), body),
        ),
    }
    for what, (_, request) in found.items():
        status, _, data = fetch(port, request)
        if status != 200:
            raise SystemExit(f"bench_http: {what} answered {status}: {data[:300]!r}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=2.0, help="each run's length")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per figure (the median is shown)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--pages", nargs="+", choices=["tender list", "evaluation page", "self-check upload"])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", default=os.environ.get("TENDERSCORE_BENCH_DATABASE_URL", DEFAULT_SERVER))
    where.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    args = parser.parse_args()

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-http-")))
        loading = time.perf_counter()
        url = stack.enter_context(demo_database(None if args.sqlite else args.database_url, folder))
        backend = make_url(url).get_backend_name()
        env = {
            "TENDERSCORE_DATABASE_URL": url,
            "TENDERSCORE_INSTANCE_PATH": str(folder / "instance"),
            "PYTHONPATH": str(ROOT),
        }
        app_port = stack.enter_context(gunicorn("tenderscore.wsgi:app", args.workers, env, folder / "app.log", ROOT))
        trivial_port = stack.enter_context(
            gunicorn("trivial_app:app", args.workers, env, folder / "trivial.log", ROOT / "bench")
        )
        print(f"demo loaded on {backend} and both gunicorns up ({args.workers} sync workers each) "
              f"in {time.perf_counter() - loading:.0f} s; {args.seconds:g} s per run, median of {args.rounds} "
              "alternating runs; ratio = tenderscore's requests/s over the trivial app's")  # fmt: skip
        pages = requests_for(url, app_port)
        for what, (role, request) in pages.items():
            if args.pages and what not in args.pages:
                continue
            print(f"\n{what} ({role}, {request.method} {request.path}) on {backend}")
            print(f"{'clients':>7}  {'req/s':>8}  {'trivial':>8}  {'ratio':>6}  "
                  f"{'p50 ms':>7}  {'p99 ms':>7}  {'trivial p50/p99 ms':>18}  {'failed':>6}")  # fmt: skip
            for clients in args.clients:
                app, trivial = measure((app_port, trivial_port), request, clients, args.seconds, args.rounds)
                print(
                    f"{clients:>7}  {app.per_second:>8.1f}  {trivial.per_second:>8.1f}  "
                    f"{app.per_second / trivial.per_second:>6.3f}  {app.p50:>7.1f}  {app.p99:>7.1f}  "
                    f"{trivial.p50:>8.1f} / {trivial.p99:<7.1f}  {app.failed:>6}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
