"""A real server on a free port and Debian's chromium driven by Playwright (never a downloaded browser).

One browser serves the whole run; each module has one server (``live_server`` for a test with its own database,
``serve`` for a module that builds one world and walks it many times).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
# Chromium's background services would try the closed network at every start; they are not needed.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _closed_before_sending(app: WSGIApplication) -> WSGIApplication:
    """Each response read whole, and its file closed, before the server writes it. Chromium drops a connection
    when it navigates away mid-request (its favicon fetch, say); werkzeug's development server then skips closing
    the response, and the file left open (a static file) is a ResourceWarning, which the tests make an error."""

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        iterable = app(environ, start_response)
        try:
            return list(iterable)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()

    return wsgi


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """``app`` on a free local port, in a thread, for as long as the block lasts; yields its base URL."""
    app.config["WTF_CSRF_SSL_STRICT"] = False
    server = make_server("127.0.0.1", 0, _closed_before_sending(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    with serve(app) as base:
        yield base


# How long a page may take before a step fails: a detector of hangs, not a speed test (tests never time things;
# `make bench` measures). 30 s, Playwright's own default: CI on two busy cores once took 21 s to answer a submission
# on PostgreSQL that takes under 1 s alone.
PAGE_TIMEOUT_MS = 30_000
expect.set_options(timeout=PAGE_TIMEOUT_MS)  # and how long an expected text may take to appear

_RUNNING: dict[str, object] = {"users": 0}  # one Playwright and one chromium a process, however many modules ask


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Chromium, shared by every module of the process: a module elsewhere that imports this fixture gets its own
    fixture instance, and two Playwright sync instances cannot run at once in one process."""
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run `make test`, which installs it"
    if not _RUNNING["users"]:
        playwright = sync_playwright().start()
        _RUNNING["playwright"] = playwright
        _RUNNING["browser"] = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    _RUNNING["users"] = int(_RUNNING["users"]) + 1  # type: ignore[call-overload]
    try:
        yield _RUNNING["browser"]  # type: ignore[misc]
    finally:
        _RUNNING["users"] = int(_RUNNING["users"]) - 1  # type: ignore[call-overload]
        if not _RUNNING["users"]:
            _RUNNING.pop("browser").close()  # type: ignore[attr-defined]
            _RUNNING.pop("playwright").stop()  # type: ignore[attr-defined]


class Shots:
    """Numbered screenshots of each step, for people to look at (screenshots/<test>/NN-step.png)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    def take(self, page: Page, name: str) -> None:
        self.count += 1
        page.wait_for_load_state("load")
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    return Shots(SCREENSHOTS / request.node.name)


def demo_app(folder: Path, name: str) -> Flask:
    """A served-to-be app on a demo of its own in ``folder`` (cheap password hashes, CSRF on), for a module that
    walks one world in the browser; the module reads the ids it needs from it and ``serve``s it."""
    from sqlmodel import Session, SQLModel

    from tenderscore import create_app
    from tenderscore.db import get_engine
    from tenderscore.services import accounts
    from tenderscore.services.demo import load_demo
    from tests.conftest import quick_hash

    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'demo.db'}", "SECRET_KEY": f"browser-{name}",
         "WTF_CSRF_ENABLED": True, "RATELIMIT_KEY_PREFIX": f"browser-{name}"},
        instance_path=str(folder / "instance"),
    )  # fmt: skip
    SQLModel.metadata.create_all(get_engine(app))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "generate_password_hash", quick_hash)
        with app.app_context(), Session(get_engine(app)) as session:
            load_demo(session)
            session.commit()
    return app
