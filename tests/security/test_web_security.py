"""Security at the HTTP surface: headers, cookies, CSRF, no caching of bid pages, sign-in limits, markup, sizes."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from tenderscore import create_app
from tenderscore.db import get_engine
from tenderscore.db.models import Policy, Role
from tenderscore.services import accounts
from tests.forms import csrf_token

PASSWORD = "a long test password"


def _user(app: Flask, role: Role, email: str) -> None:
    with Session(get_engine(app)) as session:
        org = accounts.create_organisation(session, name=f"Org of {email}", kind="buyer")
        accounts.create_user(session, email=email, name="Someone", password=PASSWORD, role=role, organisation=org)
        session.commit()


def _sign_in(client: FlaskClient, email: str) -> None:
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_every_response_carries_the_security_headers(client: FlaskClient) -> None:
    for path in ("/", "/sign-in", "/healthz", "/no-such-page", "/api/openapi.json"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only_and_same_site(app: Flask, client: FlaskClient) -> None:
    _user(app, Role.OFFICER, "officer@x.example")
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"email": "officer@x.example", "password": PASSWORD, "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_signed_in_pages_are_never_stored(app: Flask, client: FlaskClient) -> None:
    _user(app, Role.OFFICER, "officer@x.example")
    _sign_in(client, "officer@x.example")
    response = client.get("/dashboard")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(app: Flask, client: FlaskClient) -> None:
    _user(app, Role.COMMISSIONER, "c@x.example")
    _sign_in(client, "c@x.example")
    response = client.post("/policies/new", data={"name": "Sneaky", "min_social_value_weight": "10"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    with Session(get_engine(app)) as session:
        assert session.exec(select(func.count()).select_from(Policy)).one() == 0


def test_sign_in_is_limited_by_failures_without_revealing_anything(app: Flask, client: FlaskClient) -> None:
    _user(app, Role.OFFICER, "officer@x.example")
    statuses = []
    for _ in range(7):
        token = csrf_token(client, "/sign-in")
        response = client.post(
            "/sign-in", data={"email": "officer@x.example", "password": "wrong", "csrf_token": token}
        )
        statuses.append(response.status_code)
    assert statuses == [401] * 5 + [429, 429]
    assert "Traceback" not in response.get_data(as_text=True)
    assert "Too many failed sign-in attempts for this account. Try again in 15 minutes." in response.text


def test_markup_typed_into_a_form_is_shown_as_text(app: Flask, client: FlaskClient) -> None:
    _user(app, Role.COMMISSIONER, "c@x.example")
    _sign_in(client, "c@x.example")
    evil = '<script>alert(1)</script><img src="file:///etc/passwd">'
    token = csrf_token(client, "/policies/new")
    response = client.post(
        "/policies/new",
        data={"name": evil, "min_social_value_weight": "10", "csrf_token": token},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_oversized_body_is_refused_before_it_is_read(app: Flask, client: FlaskClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/api/policies", data=b"x" * 4096, content_type="application/json")
    assert response.status_code == 413
    assert response.is_json and response.json is not None and response.json["status"] == 413


def test_an_open_redirect_after_sign_in_is_not_followed(app: Flask, client: FlaskClient) -> None:
    _user(app, Role.OFFICER, "officer@x.example")
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in?next=//evil.example/steal",
        data={"email": "officer@x.example", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_hsts_and_secure_cookies_when_the_session_cookie_is_secure(tmp_path: Path) -> None:
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "SECRET_KEY": "x",
         "SESSION_COOKIE_SECURE": True},
        instance_path=str(tmp_path / "instance"),
    )  # fmt: skip
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    client = app.test_client()
    for path in ("/", "/sign-in", "/healthz", "/no-such-page", "/dashboard", "/api/openapi.json", "/api/me"):
        assert client.get(path).headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_hsts_from_the_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENDERSCORE_SESSION_COOKIE_SECURE", "true")
    monkeypatch.setenv("TENDERSCORE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("TENDERSCORE_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    app = create_app()
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.test_client().get("/").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_no_hsts_over_plain_http(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/").headers
