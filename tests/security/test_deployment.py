"""Behind a TLS proxy: X-Forwarded-* honoured only when configured, HSTS only when cookies are secure, logs redacted.

Without ``PROXY_FIX`` anyone can send X-Forwarded-For, so it is ignored: every client is the address that connected.
With it, the rightmost N addresses (the ones our proxies appended) say who the client is, which is what the
sign-in limit counts per address; otherwise a whole council behind one proxy would share one count.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, jsonify, request
from sqlmodel import Session, SQLModel

from tenderscore import ConfigurationError, create_app
from tenderscore.db import get_engine
from tenderscore.db.models import Role
from tenderscore.services import accounts
from tests.forms import csrf_from

HSTS = "max-age=31536000; includeSubDomains"
FORWARDED = {"X-Forwarded-For": "198.51.100.9, 203.0.113.7", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "tenders.council.example"}  # fmt: skip


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """The app with ``settings``, plus /probe answering what it makes of the request (added before any request)."""
    made: list[Flask] = []

    def make(**settings: Any) -> Flask:
        app = create_app(
            {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": True,
             "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}", **settings},
            instance_path=str(tmp_path / f"instance-{len(made)}"),
        )  # fmt: skip
        app.add_url_rule(
            "/probe",
            "probe",
            lambda: jsonify(address=request.remote_addr, scheme=request.scheme, host=request.host,
                            secure=request.is_secure),  # fmt: skip
        )
        SQLModel.metadata.create_all(get_engine(app))
        made.append(app)
        return app

    yield make
    for app in made:
        get_engine(app).dispose()


def _probe(app: Flask, headers: dict[str, str] | None = None) -> dict[str, Any]:
    body = app.test_client().get("/probe", headers=headers or {}, environ_base={"REMOTE_ADDR": "10.0.0.2"}).json
    assert body is not None
    return body


def test_forwarded_headers_are_ignored_unless_a_proxy_is_configured(make_app: Callable[..., Flask]) -> None:
    assert _probe(make_app(), FORWARDED) == {
        "address": "10.0.0.2", "scheme": "http", "host": "localhost", "secure": False,
    }  # fmt: skip


@pytest.mark.parametrize("setting", [1, True, "1", "true"])
def test_one_trusted_proxy_says_who_the_client_is(make_app: Callable[..., Flask], setting: object) -> None:
    assert _probe(make_app(PROXY_FIX=setting), FORWARDED) == {
        "address": "203.0.113.7", "scheme": "https", "host": "tenders.council.example", "secure": True,
    }  # fmt: skip


def test_two_trusted_proxies_take_the_second_address_from_the_right(make_app: Callable[..., Flask]) -> None:
    assert _probe(make_app(PROXY_FIX=2), FORWARDED)["address"] == "198.51.100.9"


def test_a_client_cannot_claim_an_address_past_the_trusted_proxy(make_app: Callable[..., Flask]) -> None:
    # The client sent "X-Forwarded-For: 192.0.2.1"; the proxy appended the address it saw.
    spoofed = {"X-Forwarded-For": "192.0.2.1, 203.0.113.7"}
    assert _probe(make_app(PROXY_FIX=1), spoofed)["address"] == "203.0.113.7"


@pytest.mark.parametrize("setting", [0, False, "0", "false", "", None])
def test_proxy_fix_off(make_app: Callable[..., Flask], setting: object) -> None:
    assert _probe(make_app(PROXY_FIX=setting), FORWARDED)["address"] == "10.0.0.2"


@pytest.mark.parametrize("setting", ["lots", -1, "1.5"])
def test_a_nonsense_proxy_setting_stops_start_up(tmp_path: Path, setting: object) -> None:
    with pytest.raises(ConfigurationError, match="TENDERSCORE_PROXY_FIX"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "PROXY_FIX": setting}, instance_path=str(tmp_path))


def test_proxy_fix_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENDERSCORE_PROXY_FIX", "1")
    monkeypatch.setenv("TENDERSCORE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("TENDERSCORE_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    app = create_app()
    app.add_url_rule("/probe", "probe", lambda: jsonify(address=request.remote_addr))
    assert _probe(app, FORWARDED)["address"] == "203.0.113.7"


def _officer(app: Flask) -> None:
    with Session(get_engine(app)) as session:
        org = accounts.create_organisation(session, name="Council", kind="buyer")
        accounts.create_user(session, email="officer@x.example", name="O", password="a long test password",
                             role=Role.OFFICER, organisation=org)  # fmt: skip
        session.commit()


def _fail_sign_in(app: Flask, email: str, client_address: str) -> int:
    client = app.test_client()
    headers = {"X-Forwarded-For": client_address}
    token = csrf_from(client.get("/sign-in", headers=headers).text)
    form = {"email": email, "password": "wrong", "csrf_token": token}
    return client.post("/sign-in", data=form, headers=headers).status_code


@pytest.mark.parametrize(("proxies", "other_client_refused"), [(1, False), (0, True)])
def test_the_sign_in_limit_counts_each_client_behind_the_proxy(
    make_app: Callable[..., Flask], proxies: int, other_client_refused: bool
) -> None:
    app = make_app(PROXY_FIX=proxies, SIGN_IN_FAILURES_PER_ADDRESS="2 per 15 minutes")
    _officer(app)
    assert [_fail_sign_in(app, f"guess{n}@x.example", "203.0.113.7") for n in range(3)] == [401, 401, 429]
    # Another person in the council, behind the same proxy: only with PROXY_FIX is theirs a count of its own.
    assert _fail_sign_in(app, "officer@x.example", "203.0.113.99") == (429 if other_client_refused else 401)


def test_csrf_over_https_behind_the_proxy_checks_the_referrer_against_the_forwarded_host(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(PROXY_FIX=1)
    _officer(app)
    client = app.test_client()
    token = csrf_from(client.get("/sign-in", headers=FORWARDED).text)
    form = {"email": "officer@x.example", "password": "a long test password", "csrf_token": token}
    elsewhere = client.post("/sign-in", data=form, headers=FORWARDED | {"Referer": "https://evil.example/sign-in"})
    assert elsewhere.status_code == 400
    ours = client.post("/sign-in", data=form, headers=FORWARDED | {"Referer": "https://tenders.council.example/sign-in"})
    assert ours.status_code == 302 and ours.headers["Location"] == "/dashboard"


def test_no_hsts_over_https_unless_cookies_are_secure(make_app: Callable[..., Flask]) -> None:
    # One switch: SESSION_COOKIE_SECURE says the site is HTTPS only; until then browsers are not told to insist.
    assert "Strict-Transport-Security" not in make_app(PROXY_FIX=1).test_client().get("/", headers=FORWARDED).headers
    secure = make_app(PROXY_FIX=1, SESSION_COOKIE_SECURE=True)
    response = secure.test_client().get("/", headers=FORWARDED)
    assert response.headers["Strict-Transport-Security"] == HSTS
    assert secure.config["PREFERRED_URL_SCHEME"] == "https"


def test_secure_cookies_are_marked_secure(make_app: Callable[..., Flask]) -> None:
    app = make_app(PROXY_FIX=1, SESSION_COOKIE_SECURE=True)
    response = app.test_client().get("/sign-in", headers=FORWARDED)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_gunicorns_access_log_never_holds_an_emailed_links_token(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    make_app()  # the app's modules are imported, and with them the log filter
    access = logging.getLogger("gunicorn.access")
    # As gunicorn logs a request: its access format and a dict of the request's atoms.
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        atoms = {"h": "10.0.0.2", "r": "GET /reset-password/abc.DEF-123 HTTP/1.1", "s": "302"}
        access.info('%(h)s "%(r)s" %(s)s', atoms)
    assert caplog.messages == ['10.0.0.2 "GET /reset-password/[redacted] HTTP/1.1" 302']
